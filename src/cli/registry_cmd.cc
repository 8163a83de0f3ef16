// callbase registry load|check|diff|list: do-not-call registries (R-LAW-3).
// Each command parses its arguments and calls compliance::RegistryCatalog;
// the index files live in the registry folder (--registry-dir, else
// $CALLBASE_REGISTRY_DIR, else beside the SQLite file, else ./registries),
// described in src/compliance/README.md. Index files are opened with their
// full checksum checked (about 0.13 s for 100M numbers).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "cli/app.h"
#include "cli/text_table.h"
#include "compliance/registry_catalog.h"
#include "core/json_text.h"
#include "core/progress.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"

namespace callbase::cli {
namespace {

using compliance::RegistryCatalog;
using compliance::RegistryVersion;

struct RegistryArgs {
    std::string registry_dir;
    std::string name;
    std::string file;
    std::string phone;
    std::string country = "RU";
    int threads = 2;
    int64_t version = 0;
    int64_t from = 0;
    int64_t to = 0;
    bool list = false;
};

std::string Utc(UnixSeconds at) {
    std::time_t t = at;
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", std::gmtime(&t));
    return text;
}

nlohmann::json VersionJson(const RegistryVersion& v) {
    return {{"registry", v.name},      {"version", v.version},
            {"numbers", v.numbers},    {"file", v.file},
            {"bytes", v.bytes},        {"sha256", v.sha256},
            {"source", v.source},      {"source_sha256", v.source_sha256},
            {"rejected", v.rejected},  {"loaded_at", v.loaded_at},
            {"loaded_by", v.loaded_by}};
}

// The store, the catalog over it and the registry folder; the store must
// outlive the catalog, so both travel together.
struct Opened {
    std::unique_ptr<store::Store> db;
    std::optional<RegistryCatalog> catalog;
};

Result<Opened> OpenCatalog(App& app, const RegistryArgs& args) {
    Opened opened;
    auto db = app.OpenStore();
    if (!db) return std::unexpected(db.error());
    opened.db = std::move(*db);
    auto catalog = RegistryCatalog::Open(*opened.db, RegistryDir(app, args.registry_dir));
    if (!catalog) return std::unexpected(catalog.error());
    opened.catalog.emplace(std::move(*catalog));
    return opened;
}

void LoadCommand(App& app, const RegistryArgs& args) {
    if (auto ok = RegistryCatalog::CheckName(args.name); !ok) return app.Report(ok.error());
    auto opened = OpenCatalog(app, args);
    if (!opened) return app.Report(opened.error());
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) return app.Report(plan.error());
    phone::Cleaner cleaner(*plan, args.country);
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(args.file, ec);
    Progress progress(fmt::format("reading {}", args.file), ec ? 0 : size);
    compliance::SourceOptions options;
    options.threads = std::max(args.threads, 1);
    options.on_progress = [&progress](uint64_t done, uint64_t) { progress.Update(done); };
    auto summary =
        opened->catalog->Load(args.name, args.file, cleaner, app.clock, app.actor, options);
    progress.Finish();
    if (!summary) return app.Report(summary.error());
    const RegistryVersion& v = summary->version;
    const double seconds = summary->read_seconds + summary->build_seconds + summary->write_seconds;
    const std::string path = (std::filesystem::path(opened->catalog->dir()) / v.file).string();
    if (app.json) {
        nlohmann::json j = VersionJson(v);
        j["path"] = path;
        j["lines"] = summary->lines;
        j["duplicates"] = summary->duplicates;
        j["header"] = summary->header;
        j["gzip"] = summary->gzip;
        j["seconds"] = seconds;
        j["rejected_lines"] = nlohmann::json::array();
        for (const auto& r : summary->first_rejected) {
            j["rejected_lines"].push_back(
                {{"line", r.line}, {"text", r.text}, {"reason", r.reason}});
        }
        fmt::print("{}\n", JsonText(j));
        return;
    }
    fmt::print("loaded {} version {}: {} numbers from {}{}\n", v.name, v.version, v.numbers,
               args.file, summary->gzip ? " (gzip)" : "");
    fmt::print("  lines {}{}, duplicates {}, rejected {}\n", summary->lines,
               summary->header ? " (a header skipped)" : "", summary->duplicates, v.rejected);
    for (const auto& r : summary->first_rejected)
        fmt::print("    {}:{}: \"{}\": {}\n", args.file, r.line, r.text, r.reason);
    if (v.rejected > summary->first_rejected.size()) {
        fmt::print("    ... and {} more\n", v.rejected - summary->first_rejected.size());
    }
    fmt::print("  index {}: {:.1f} MB, {:.2f} bytes a number\n", path, v.bytes / 1e6,
               v.numbers ? static_cast<double>(v.bytes) / static_cast<double>(v.numbers) : 0.0);
    fmt::print("  {:.1f} s: reading {:.1f} s, building {:.1f} s, writing {:.1f} s\n", seconds,
               summary->read_seconds, summary->build_seconds, summary->write_seconds);
}

void CheckCommand(App& app, const RegistryArgs& args) {
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) return app.Report(plan.error());
    phone::Cleaner cleaner(*plan, args.country);
    auto cleaned = cleaner.Clean(args.phone);
    if (!cleaned.valid()) {
        return app.Report(
            Error{ErrorCode::kInvalidInput,
                  fmt::format("'{}' is not a phone number: {}", args.phone, cleaned.reason),
                  "write the number with its country code, such as +7 916 123-45-67, or give "
                  "--country for numbers written without one"});
    }
    auto opened = OpenCatalog(app, args);
    if (!opened) return app.Report(opened.error());
    RegistryCatalog& catalog = *opened->catalog;
    int64_t version = args.version;
    if (version == 0) {
        auto latest = catalog.LatestVersion(args.name);
        if (!latest) return app.Report(latest.error());
        version = latest->version;
    }
    auto set = catalog.AtVersion(args.name, version);
    if (!set) return app.Report(set.error());
    const bool listed = (*set)->Contains(compliance::E164Key(cleaned.e164));
    if (app.json) {
        fmt::print("{}\n", JsonText(nlohmann::json{{"registry", args.name},
                                                   {"version", version},
                                                   {"e164", cleaned.e164},
                                                   {"listed", listed}}));
        return;
    }
    fmt::print("{} is {}listed in {} (version {})\n", cleaned.e164, listed ? "" : "not ", args.name,
               version);
}

void DiffCommand(App& app, const RegistryArgs& args) {
    auto opened = OpenCatalog(app, args);
    if (!opened) return app.Report(opened.error());
    RegistryCatalog& catalog = *opened->catalog;
    auto older = catalog.AtVersion(args.name, args.from);
    if (!older) return app.Report(older.error());
    auto newer = catalog.AtVersion(args.name, args.to);
    if (!newer) return app.Report(newer.error());
    std::vector<uint64_t> added;
    std::vector<uint64_t> removed;
    compliance::RegistryDiff diff;
    if (args.list) {
        diff = (*older)->Diff(
            **newer, [&](uint64_t k) { added.push_back(k); },
            [&](uint64_t k) { removed.push_back(k); });
    } else {
        diff = (*older)->Diff(**newer);
    }
    if (app.json) {
        nlohmann::json j{{"registry", args.name},
                         {"from", args.from},
                         {"to", args.to},
                         {"added", diff.added},
                         {"removed", diff.removed}};
        if (args.list) {
            auto numbers = [](const std::vector<uint64_t>& keys) {
                nlohmann::json a = nlohmann::json::array();
                for (uint64_t k : keys)
                    a.push_back(compliance::KeyToE164(k));
                return a;
            };
            j["added_numbers"] = numbers(added);
            j["removed_numbers"] = numbers(removed);
        }
        fmt::print("{}\n", JsonText(j));
        return;
    }
    fmt::print("{}: version {} -> {}: {} added, {} removed\n", args.name, args.from, args.to,
               diff.added, diff.removed);
    if (!args.list) return;
    std::string out;
    for (const auto& [label, keys] : {std::pair{"added", &added}, std::pair{"removed", &removed}}) {
        if (keys->empty()) continue;
        out += fmt::format("{}:\n", label);
        for (uint64_t k : *keys)
            out += fmt::format("  {}\n", compliance::KeyToE164(k));
    }
    fmt::print("{}", out);
}

void ListCommand(App& app, const RegistryArgs& args) {
    if (!args.name.empty()) {
        if (auto ok = RegistryCatalog::CheckName(args.name); !ok) return app.Report(ok.error());
    }
    auto opened = OpenCatalog(app, args);
    if (!opened) return app.Report(opened.error());
    auto versions = opened->catalog->Versions(args.name);
    if (!versions) return app.Report(versions.error());
    if (app.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& v : *versions)
            j.push_back(VersionJson(v));
        fmt::print("{}\n", JsonText(j));
        return;
    }
    if (versions->empty()) {
        fmt::print("no registries loaded{}; load one with `callbase registry load NAME FILE`\n",
                   args.name.empty() ? "" : fmt::format(" under the name {}", args.name));
        return;
    }
    Table t(
        {"registry", "version", "numbers", "rejected", "MB", "loaded at (UTC)", "by", "source"});
    for (const auto& v : *versions) {
        t.Add({v.name, std::to_string(v.version), std::to_string(v.numbers),
               std::to_string(v.rejected), fmt::format("{:.1f}", v.bytes / 1e6), Utc(v.loaded_at),
               v.loaded_by, v.source});
    }
    t.Print();
    fmt::print("registry folder: {}\n", opened->catalog->dir());
}

}  // namespace

void RegisterRegistryCommands(CLI::App& cli, App& app) {
    auto* registry = cli.add_subcommand("registry", "do-not-call registries");
    registry->require_subcommand(1);
    auto args = std::make_shared<RegistryArgs>();
    auto dir_option = [&args](CLI::App* command) {
        command->add_option("--registry-dir", args->registry_dir,
                            "the folder of the index files (default: $CALLBASE_REGISTRY_DIR, "
                            "else <sqlite file>.registries beside the base, else ./registries)");
    };

    auto* load = registry->add_subcommand(
        "load",
        "load a list of numbers (one a line, any spelling, plain or gzip) as the next "
        "version of a registry");
    load->add_option("name", args->name, "the registry: 1-40 of a-z 0-9 _ -")->required();
    load->add_option("file", args->file, "the list of numbers")->required();
    load->add_option("--country", args->country,
                     "ISO country assumed for numbers written without a country code "
                     "(default RU)");
    load->add_option("--threads", args->threads, "threads cleaning lines (default 2)");
    dir_option(load);
    load->callback([&app, args] { LoadCommand(app, *args); });

    auto* check = registry->add_subcommand(
        "check", "is a number listed in a registry (exit status 0 either way)");
    check->add_option("name", args->name, "the registry")->required();
    check->add_option("phone", args->phone, "the number, in any spelling")->required();
    check->add_option("--version", args->version, "a given version (default: the latest)");
    check->add_option("--country", args->country,
                      "ISO country assumed for a number written without a country code "
                      "(default RU)");
    dir_option(check);
    check->callback([&app, args] { CheckCommand(app, *args); });

    auto* diff = registry->add_subcommand(
        "diff", "numbers added and removed between two versions of a registry");
    diff->add_option("name", args->name, "the registry")->required();
    diff->add_option("from", args->from, "the older version")->required();
    diff->add_option("to", args->to, "the newer version")->required();
    diff->add_flag("--list", args->list, "print the numbers too (E.164)");
    dir_option(diff);
    diff->callback([&app, args] { DiffCommand(app, *args); });

    auto* list = registry->add_subcommand(
        "list", "registries and their versions: numbers, size, loaded at and by, source");
    list->add_option("name", args->name, "only this registry");
    dir_option(list);
    list->callback([&app, args] { ListCommand(app, *args); });
}

}  // namespace callbase::cli
