// callbase import contacts, callbase export contacts.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/export_view.h"
#include "api/json.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "contacts/filter.h"
#include "core/json_text.h"
#include "core/progress.h"
#include "ingest/exporter.h"
#include "ingest/importer.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "security/export_requests.h"

namespace callbase::cli {
namespace {

struct ImportArgs {
    std::string file, source, on_duplicate = "merge", errors, encoding, delimiter, sheet;
    int64_t header_row = 0;
    std::vector<std::string> mapping;
    bool dry_run = false;
    ingest::ImportLimits limits;
};

Result<char> ParseDelimiter(const std::string& text) {
    if (text == "tab" || text == "\\t" || text == "\t") return '\t';
    if (text.size() == 1 && (text[0] == ';' || text[0] == ',' || text[0] == '|')) return text[0];
    return Fail(ErrorCode::kInvalidInput, fmt::format("--delimiter '{}': not supported", text),
                "use ';', ',', '|' or tab");
}

void ImportCommand(App& app, const ImportArgs& args) {
    ingest::ImportOptions options;
    options.source = args.source;
    options.dry_run = args.dry_run;
    options.mapping = args.mapping;
    options.limits = args.limits;
    options.sheet = args.sheet;
    options.header_row = args.header_row;
    auto mode = ingest::ParseOnDuplicate(args.on_duplicate);
    if (!mode) return app.Report(mode.error());
    options.on_duplicate = *mode;
    if (!args.encoding.empty()) {
        auto enc = ingest::ParseEncoding(args.encoding);
        if (!enc) return app.Report(enc.error());
        options.encoding = *enc;
    }
    if (!args.delimiter.empty()) {
        auto d = ParseDelimiter(args.delimiter);
        if (!d) return app.Report(d.error());
        options.delimiter = *d;
    }
    auto db = app.OpenStore();
    if (!db) return app.Report(db.error());
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) return app.Report(plan.error());
    phone::Cleaner cleaner(*plan);
    Progress progress("importing", 0);
    options.on_progress = [&progress](uint64_t done, uint64_t total) {
        (void)total;
        progress.Update(done);
    };
    ingest::Importer importer(**db, cleaner, app.clock, app.actor);
    auto summary = importer.Import(args.file, options);
    progress.Finish();
    if (!summary) return app.Report(summary.error());
    if (summary->already_imported_as != 0) {
        std::time_t at = summary->already_imported_at;
        char date[32];
        std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&at));
        if (app.json) {
            fmt::print("{}\n", JsonText(nlohmann::json{
                                   {"already_imported_as", summary->already_imported_as},
                                   {"changed", false}}));
        } else {
            fmt::print("{} was already imported as import #{} on {}: nothing changed\n", args.file,
                       summary->already_imported_as, date);
        }
        return;
    }
    if (!args.errors.empty()) {
        if (auto ok = ingest::WriteErrorReport(args.errors, summary->errors); !ok) {
            return app.Report(ok.error());
        }
    }
    if (app.json) {
        nlohmann::json errors = nlohmann::json::array();
        for (size_t i = 0; i < summary->errors.size() && i < 100; ++i) {
            const auto& e = summary->errors[i];
            errors.push_back(
                {{"line", e.line}, {"column", e.column}, {"value", e.value}, {"reason", e.reason}});
        }
        nlohmann::json j = api::ImportSummaryJson(*summary);
        j["dry_run"] = args.dry_run;
        j["first_errors"] = errors;
        fmt::print("{}\n", JsonText(j));
        return;
    }
    if (summary->sheet.empty()) {
        fmt::print("{}: {}, delimiter {}\n", args.file, summary->encoding, summary->delimiter);
    } else {
        fmt::print("{}: {}, sheet '{}' ({} of {})\n", args.file, summary->encoding, summary->sheet,
                   std::find(summary->sheets.begin(), summary->sheets.end(), summary->sheet) -
                       summary->sheets.begin() + 1,
                   summary->sheets.size());
    }
    if (!summary->custom_fields.empty()) {
        fmt::print("new custom fields (text): {}\n", fmt::join(summary->custom_fields, ", "));
    }
    const size_t shown = std::min<size_t>(10, summary->errors.size());
    for (size_t i = 0; i < shown; ++i) {
        const auto& e = summary->errors[i];
        fmt::print("  line {}{}: {}{}\n", e.line, e.column.empty() ? "" : ", " + e.column,
                   e.value.empty() ? "" : "'" + e.value + "': ", e.reason);
    }
    if (summary->errors.size() > shown) {
        fmt::print(
            "  … and {} more{}\n", summary->errors.size() - shown,
            args.errors.empty() ? " — save them all with --errors FILE" : " — see " + args.errors);
    }
    fmt::print("{}read {}, inserted {}, merged {}, unchanged {}, rejected {}{} in {:.1f} s\n",
               args.dry_run ? "dry run, nothing written: " : "", summary->read, summary->inserted,
               summary->merged, summary->unchanged, summary->rejected,
               summary->consents > 0 ? fmt::format(", consents {}", summary->consents) : "",
               summary->seconds);
}

struct ExportArgs {
    std::vector<std::string> filters;
    std::string out, encoding = "utf-8", delimiter = ";", phones = "all", format;
    security::ExportView view = security::ExportView::kFull;  // what leaves of each person
};

// What an export request holds and will write, for the requester, the
// approvers and the dpo: the request, then its columns and how each is
// shown, and the contacts its filter finds now.
void PrintExportPreview(App& app, const security::ExportRequest& e, const nlohmann::json& preview,
                        const std::string& status) {
    if (app.json) {
        nlohmann::json out = api::ExportRequestJson(e);
        out.update(preview);
        out["status"] = status;
        fmt::print("{}\n", JsonText(out));
        return;
    }
    std::string filter = e.filter;
    std::replace(filter.begin(), filter.end(), '\n', ' ');
    fmt::print("export request #{} by {}, {}: {}\n", e.id, e.requested_by, status,
               filter.empty() ? "every contact" : filter);
    fmt::print("reason: {}\n", e.reason);
    fmt::print("{} contacts match now; each shown as {} sees it ({}):\n",
               preview["matching_rows"].get<int64_t>(), e.requested_by,
               preview["view"].get<std::string>());
    Table t({"column", "shown"});
    for (const auto& c : preview["columns"])
        t.Add({c["name"].get<std::string>(), c["shown"].get<std::string>()});
    t.Print();
}

// Writes the export; the number of contacts written, or nothing after reporting.
std::optional<int64_t> ExportCommand(App& app, const ExportArgs& args) {
    ingest::ExportOptions options;
    auto enc = ingest::ParseEncoding(args.encoding);
    if (!enc) {
        app.Report(enc.error());
        return std::nullopt;
    }
    options.encoding = *enc;
    // The format: given, or the file name's extension (.xlsx), else CSV.
    std::string format = args.format;
    if (format.empty()) format = args.out.ends_with(".xlsx") ? "xlsx" : "csv";
    auto parsed_format = ingest::ParseExportFormat(format);
    if (!parsed_format) {
        app.Report(parsed_format.error());
        return std::nullopt;
    }
    options.format = *parsed_format;
    auto d = ParseDelimiter(args.delimiter);
    if (!d) {
        app.Report(d.error());
        return std::nullopt;
    }
    options.delimiter = *d;
    if (args.phones != "all" && args.phones != "first") {
        {
            app.Report(Error{ErrorCode::kInvalidInput,
                             fmt::format("--phones {}: unknown", args.phones), "use all or first"});
            return std::nullopt;
        }
    }
    options.all_phones = args.phones == "all";
    if (auto ok = api::ApplyExportView(args.view, ViewerOf(app), &options); !ok) {
        app.Report(ok.error());
        return std::nullopt;
    }
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) {
        app.Report(plan.error());
        return std::nullopt;
    }
    phone::Cleaner cleaner(*plan);
    auto filter = contacts::ParseFilter(args.filters, cleaner);
    if (!filter) {
        app.Report(filter.error());
        return std::nullopt;
    }
    auto db = app.OpenStore();
    if (!db) {
        app.Report(db.error());
        return std::nullopt;
    }
    auto summary = ingest::ExportContacts(**db, *filter, app.clock.Now(), args.out, options);
    if (!summary) {
        app.Report(summary.error());
        return std::nullopt;
    }
    if (app.json) {
        fmt::print("{}\n",
                   JsonText(nlohmann::json{{"file", args.out},
                                           {"contacts", summary->contacts},
                                           {"unmappable_characters", summary->unmappable}}));
        return summary->contacts;
    }
    if (options.format == ingest::ExportFormat::kXlsx) {
        fmt::print("exported {} contacts to {} (xlsx)\n", summary->contacts, args.out);
        return summary->contacts;
    }
    fmt::print("exported {} contacts to {} ({}, delimiter {})\n", summary->contacts, args.out,
               ingest::EncodingName(options.encoding), args.delimiter);
    if (summary->unmappable > 0) {
        fmt::print("{} characters have no cp1251 form and were written as '?'\n",
                   summary->unmappable);
    }
    return summary->contacts;
}

}  // namespace

void AddImportLimitOptions(CLI::App* command, ingest::ImportLimits* limits) {
    command
        ->add_option("--max-columns", limits->max_columns,
                     "the most columns an imported file may have")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    command
        ->add_option("--max-new-fields", limits->max_new_fields,
                     "the most custom fields one import may create")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    command
        ->add_option("--max-cell-bytes", limits->max_cell_bytes,
                     "the largest cell of an imported file, in bytes")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
}

void RegisterImportCommands(CLI::App& cli, App& app) {
    auto* import = cli.add_subcommand("import", "import into the base");
    import->require_subcommand(1);
    auto* contacts =
        import->add_subcommand("contacts", "import contacts from a CSV file or an Excel workbook");
    auto args = std::make_shared<ImportArgs>();
    contacts
        ->add_option("file", args->file,
                     "the CSV file (UTF-8 or Windows-1251) or Excel workbook (.xlsx, .xls)")
        ->required();
    contacts->add_option("--sheet", args->sheet,
                         "a workbook's sheet, by name or number (default: the first)");
    contacts
        ->add_option("--header-row", args->header_row,
                     "the line (CSV) or row (sheet) of the column names; rows above it are "
                     "skipped (default: the first)")
        ->check(CLI::PositiveNumber);
    contacts->add_option("--map", args->mapping, "COLUMN=field, e.g. 'Сотовый=phone' (repeatable)");
    contacts->add_option("--source", args->source, "the source channel of these contacts");
    contacts->add_option("--on-duplicate", args->on_duplicate, "merge (default), skip or new");
    contacts->add_option("--errors", args->errors, "write every rejected row and warning here");
    contacts->add_flag("--dry-run", args->dry_run, "check everything, write nothing");
    contacts->add_option("--encoding", args->encoding, "utf-8 or cp1251 (default: detected)");
    contacts->add_option("--delimiter", args->delimiter, "';', ',' or tab (default: detected)");
    AddImportLimitOptions(contacts, &args->limits);
    contacts->callback([&app, args] { ImportCommand(app, *args); });

    auto* exp = cli.add_subcommand("export", "export from the base");
    exp->require_subcommand(1);
    auto* ec = exp->add_subcommand(
        "contacts", "export contacts to a CSV file Excel opens, or an .xlsx workbook");
    auto eargs = std::make_shared<ExportArgs>();
    ec->add_option("--filter", eargs->filters, "e.g. status=new tag=VIP region=Москва");
    ec->add_option("--out", eargs->out, "the file to write (.csv or .xlsx)")->required();
    ec->add_option("--format", eargs->format,
                   "csv or xlsx (default: xlsx for a .xlsx file name, else csv)");
    ec->add_option("--encoding", eargs->encoding, "utf-8 (with BOM, default) or cp1251");
    ec->add_option("--delimiter", eargs->delimiter, "';' (default), ',' or tab");
    ec->add_option("--phones", eargs->phones, "all (default) or first");
    ec->callback([&app, eargs] {
        if (app.role) {
            return app.Report({ErrorCode::kConflict,
                               "with users, an export needs a second person's approval",
                               "use `callbase export request --reason …`, then a supervisor's "
                               "`export approve ID`, then `export download ID --out FILE`"});
        }
        ExportCommand(app, *eargs);
    });

    // The four-eyes path: request, approve (or reject), download once.
    auto rargs = std::make_shared<ExportArgs>();
    auto reason = std::make_shared<std::string>();
    auto* request = exp->add_subcommand("request", "ask for an export; a supervisor approves it");
    request->add_option("--filter", rargs->filters, "e.g. status=new tag=VIP region=Москва");
    request->add_option("--encoding", rargs->encoding, "utf-8 (with BOM, default) or cp1251");
    request->add_option("--reason", *reason, "why the export is needed")->required();
    request->add_option("--format", rargs->format, "csv (default) or xlsx");
    request->callback([&app, rargs, reason] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        if (auto enc = ingest::ParseEncoding(rargs->encoding); !enc) return app.Report(enc.error());
        if (rargs->format.empty()) rargs->format = "csv";
        if (auto f = ingest::ParseExportFormat(rargs->format); !f) return app.Report(f.error());
        auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
        if (!plan) return app.Report(plan.error());
        phone::Cleaner cleaner(*plan);
        auto f = contacts::ParseFilter(rargs->filters, cleaner);
        if (!f) return app.Report(f.error());
        if (auto ok = api::CheckFilter(ViewerOf(app), *f); !ok) return app.Report(ok.error());
        const security::ExportView view = api::ExportViewOf(ViewerOf(app));
        security::ExportRequests requests(**db, app.clock);
        auto id = requests.Request(app.actor, fmt::format("{}", fmt::join(rargs->filters, "\n")),
                                   rargs->encoding, *reason, view, rargs->format);
        if (!id) return app.Report(id.error());
        if (app.json) {
            fmt::print("{}\n", JsonText(nlohmann::json{{"id", *id},
                                                       {"status", "pending"},
                                                       {"view", security::ExportViewId(view)}}));
        } else {
            fmt::print("export request #{} waits for approval; it will show {}\n", *id,
                       security::ExportViewId(view));
        }
    });
    for (bool approve : {true, false}) {
        auto id_text = std::make_shared<std::string>();
        auto* decide = exp->add_subcommand(
            approve ? "approve" : "reject",
            approve ? "approve someone's export request" : "reject someone's export request");
        decide->add_option("id", *id_text, "the request id")->required();
        decide->callback([&app, id_text, approve] {
            auto id = ParseId(*id_text, "export request");
            if (!id) return app.Report(id.error());
            auto db = app.OpenStore();
            if (!db) return app.Report(db.error());
            security::ExportRequests requests(**db, app.clock);
            if (auto ok = requests.Decide(*id, approve, app.actor); !ok) {
                return app.Report(ok.error());
            }
            auto tools = LoadPhoneTools(app);
            if (!tools) return app.Report(tools.error());
            auto request = requests.Get(*id);
            if (!request) return app.Report(request.error());
            // What was decided: the same preview as `export show`.
            auto preview = api::ExportPreview(**db, *request, *tools->cleaner, app.clock.Now());
            if (!preview) return app.Report(preview.error());
            PrintExportPreview(app, *request, *preview, request->status);
        });
    }
    auto dl = std::make_shared<std::pair<std::string, std::string>>();
    auto* download = exp->add_subcommand("download", "write an approved export, once");
    download->add_option("id", dl->first, "the request id")->required();
    download->add_option("--out", dl->second, "the file to write (the format requested)")
        ->required();
    download->callback([&app, dl] {
        auto id = ParseId(dl->first, "export request");
        if (!id) return app.Report(id.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        security::ExportRequests requests(**db, app.clock);
        auto approved = requests.TakeApproved(*id, app.actor);
        if (!approved) return app.Report(approved.error());
        ExportArgs args;
        for (size_t start = 0; start < approved->filter.size();) {
            size_t end = approved->filter.find('\n', start);
            if (end == std::string::npos) end = approved->filter.size();
            if (end > start) args.filters.push_back(approved->filter.substr(start, end - start));
            start = end + 1;
        }
        args.out = dl->second;
        args.encoding = approved->encoding;
        args.format = approved->format;
        // As approved, or less if the requester's role now sees less.
        args.view = security::Stricter(approved->view, api::ExportViewOf(ViewerOf(app)));
        auto rows = ExportCommand(app, args);
        if (!rows) return;
        if (auto ok = requests.MarkDownloaded(*id, *rows); !ok) return app.Report(ok.error());
    });
    auto all = std::make_shared<bool>(false);
    auto* list = exp->add_subcommand("list", "export requests (default: pending ones)");
    list->add_flag("--all", *all, "decided ones too");
    list->callback([&app, all] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        security::ExportRequests requests(**db, app.clock);
        auto items = requests.List(!*all);
        if (!items) return app.Report(items.error());
        nlohmann::json out = nlohmann::json::array();
        Table t({"id", "by", "at", "filter", "reason", "shows", "status", "decided by"});
        for (const auto& e : *items) {
            const bool sees = api::SeesExportPurpose(ViewerOf(app), app.actor, e);
            out.push_back(api::ExportRequestJson(e, sees));
            std::string filter = sees ? e.filter : "(hidden)";
            std::replace(filter.begin(), filter.end(), '\n', ' ');
            t.Add({std::to_string(e.id), e.requested_by, contacts::FormatUtc(e.requested_at),
                   filter, sees ? e.reason : "(hidden)",
                   std::string(security::ExportViewId(e.view)), e.status, e.decided_by});
        }
        if (app.json)
            fmt::print("{}\n", JsonText(out));
        else
            t.Print();
    });
    auto show_id = std::make_shared<std::string>();
    auto* show = exp->add_subcommand(
        "show", "what an export request will write: columns, masking, contacts matching now");
    show->add_option("id", *show_id, "the request id")->required();
    show->callback([&app, show_id] {
        auto id = ParseId(*show_id, "export request");
        if (!id) return app.Report(id.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        auto request = security::ExportRequests(**db, app.clock).Get(*id);
        if (!request) return app.Report(request.error());
        if (!api::SeesExportPurpose(ViewerOf(app), app.actor, *request)) {
            return app.Report({ErrorCode::kInvalidInput,
                               fmt::format("export request #{} is {}'s: its filter and reason are "
                                           "for them, the approvers and the dpo",
                                           *id, request->requested_by),
                               "`callbase export list` shows that it exists and its status"});
        }
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto preview = api::ExportPreview(**db, *request, *tools->cleaner, app.clock.Now());
        if (!preview) return app.Report(preview.error());
        PrintExportPreview(app, *request, *preview, request->status);
    });
}

}  // namespace callbase::cli
