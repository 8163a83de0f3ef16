#include "ingest/importer.h"

#include <fmt/format.h>
#include <sodium.h>

#include <chrono>
#include <fstream>
#include <unordered_map>

#include "contacts/field_registry.h"
#include "contacts/history.h"
#include "contacts/status.h"
#include "contacts/tag_dictionary.h"
#include "contacts/text.h"
#include "ingest/column_map.h"
#include "ingest/csv.h"
#include "phone/clean.h"

namespace callbase::ingest {
namespace {

using store::Value;

Result<std::string> ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return Fail(ErrorCode::kNotFound,
                    fmt::format("cannot read {}: no such file or no access", path),
                    "check the path; nothing was imported");
    }
    std::string bytes(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        return Fail(ErrorCode::kIo, fmt::format("cannot read {}", path), "check the file");
    }
    return bytes;
}

std::string Sha256Hex(std::string_view bytes) {
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    std::string hex;
    for (unsigned char b : hash)
        hex += fmt::format("{:02x}", b);
    return hex;
}

// "2026-01-31", "31.01.2026", either with " 10:30" after it -> Unix seconds.
std::optional<int64_t> ParseDateTime(std::string_view text) {
    std::string t = contacts::Trim(text);
    size_t space = t.find_first_of(" T");
    auto date = contacts::NormalizeDate(t.substr(0, space));
    if (!date) return std::nullopt;
    int64_t at = contacts::DateToUnix(*date);
    if (space != std::string::npos) {
        int h = 0, m = 0;
        if (std::sscanf(t.c_str() + space + 1, "%d:%d", &h, &m) == 2 && h < 24 && m < 60) {
            at += h * 3600 + m * 60;
        }
    }
    return at;
}

// Spaces, tabs and no-break spaces around a cell (the hot loop: no decoding).
std::string_view TrimSpaces(std::string_view s) {
    constexpr std::string_view kNoBreakSpace = "\xC2\xA0";  // U+00A0, as Excel writes it
    for (;;) {
        if (s.starts_with(' ') || s.starts_with('\t'))
            s.remove_prefix(1);
        else if (s.starts_with(kNoBreakSpace))
            s.remove_prefix(2);
        else
            break;
    }
    for (;;) {
        if (s.ends_with(' ') || s.ends_with('\t'))
            s.remove_suffix(1);
        else if (s.ends_with(kNoBreakSpace))
            s.remove_suffix(2);
        else
            break;
    }
    return s;
}

// One contact of the file, as read.
struct Incoming {
    std::string name, region, source, email, comment, status;
    int64_t created_at = 0;
    std::vector<std::pair<phone::CleanResult, std::string>> phones;  // result, label
    std::vector<int64_t> tags;
    std::vector<std::pair<int64_t, std::string>> fields;  // field id, value
};

class Run {
public:
    Run(store::Store& store, const phone::Cleaner& cleaner, const Clock& clock,
        const std::string& actor, const ImportOptions& options, ImportSummary& summary)
        : store_(store),
          cleaner_(cleaner),
          actor_(actor),
          options_(options),
          summary_(summary),
          now_(clock.Now()),
          tags_(store, clock),
          fields_(store, clock) {}

    Result<void> Prepare(const std::vector<Column>& columns, int64_t import_id) {
        columns_ = columns;
        import_id_ = import_id;
        auto rows = store_.Query(
            "SELECT p.e164, p.contact_id FROM phones p JOIN contacts c ON c.id = p.contact_id "
            "WHERE c.merged_into IS NULL");
        if (!rows) return std::unexpected(rows.error());
        owner_.reserve(rows->size() * 2 + 1024);
        for (const auto& r : *rows)
            owner_.emplace(r.Text(0), r.Int(1));
        for (auto& c : columns_) {
            if (c.target != Target::kCustom) continue;
            auto def = fields_.Find(c.header);
            if (!def) {
                auto id = store_.QueryValue(
                    "INSERT INTO field_defs (name, type, enum_values, created_at) "
                    "VALUES ($1, 'text', '[]', $2) RETURNING id",
                    {c.header, now_});
                if (!id) return std::unexpected(id.error());
                def = contacts::FieldDef{store::Row({*id}).Int(0), c.header, "text", {}, 0};
                summary_.custom_fields.push_back(c.header);
            }
            field_defs_.emplace(c.header, *def);
        }
        return {};
    }

    Result<void> Row(const std::vector<std::string>& cells, int64_t line) {
        ++summary_.read;
        Incoming in;
        in.source = options_.source;
        in.created_at = now_;
        std::string last, first, middle;
        std::string main_phone_cell;
        for (size_t i = 0; i < columns_.size(); ++i) {
            const Column& col = columns_[i];
            std::string value =
                i < cells.size() ? std::string(TrimSpaces(cells[i])) : std::string();
            switch (col.target) {
                case Target::kPhone:
                case Target::kExtraPhone: {
                    if (col.target == Target::kPhone && main_phone_cell.empty()) {
                        main_phone_cell = value;
                    }
                    if (value.empty() && col.target == Target::kExtraPhone) break;
                    phone::CleanResult r = cleaner_.Clean(value);
                    if (!r.valid()) {
                        Warn(line, col.header, value,
                             col.target == Target::kPhone ? "no valid phone: " + r.reason
                                                          : "phone dropped: " + r.reason);
                        break;
                    }
                    // Every number of a cell with several is kept.
                    std::vector<std::string> numbers =
                        r.qc == phone::Quality::kSeveral ? r.all : std::vector{r.e164};
                    for (size_t k = 0; k < numbers.size(); ++k) {
                        phone::CleanResult one = k == 0 ? r : cleaner_.Clean(numbers[k]);
                        if (k > 0) one.input = r.input;
                        // Further numbers of one cell are extra numbers of the person.
                        in.phones.emplace_back(std::move(one),
                                               k == 0 ? col.label : "дополнительный");
                    }
                    break;
                }
                case Target::kName:
                    in.name = value;
                    break;
                case Target::kLastName:
                    last = value;
                    break;
                case Target::kFirstName:
                    first = value;
                    break;
                case Target::kMiddleName:
                    middle = value;
                    break;
                case Target::kRegion:
                    in.region = value;
                    break;
                case Target::kSource:
                    if (!value.empty()) in.source = value;
                    break;
                case Target::kEmail:
                    in.email = value;
                    break;
                case Target::kComment:
                    in.comment = value;
                    break;
                case Target::kStatus:
                    if (value.empty()) break;
                    if (auto s = contacts::ParseStatus(value)) {
                        in.status = std::string(contacts::StatusId(*s));
                    } else {
                        Warn(line, col.header, value, "unknown status, row kept without it");
                    }
                    break;
                case Target::kTags:
                    AddTags(value, line, col.header, &in);
                    break;
                case Target::kDateAdded:
                    if (value.empty()) break;
                    if (auto at = ParseDateTime(value)) {
                        in.created_at = *at;
                    } else {
                        Warn(line, col.header, value,
                             "not a date (YYYY-MM-DD or DD.MM.YYYY); the import date is used");
                    }
                    break;
                case Target::kCustom: {
                    if (value.empty()) break;
                    const auto& def = field_defs_.at(col.header);
                    auto ok = contacts::ValidateFieldValue(def, value);
                    if (ok)
                        in.fields.emplace_back(def.id, *ok);
                    else
                        Warn(line, col.header, value, ok.error().message + "; field skipped");
                    break;
                }
                case Target::kIgnore:
                    break;
            }
        }
        if (in.name.empty()) {
            std::string joined = fmt::format("{} {} {}", last, first, middle);
            in.name = contacts::Trim(joined);
            while (in.name.find("  ") != std::string::npos)
                in.name.replace(in.name.find("  "), 2, " ");
        }
        if (in.phones.empty()) {
            ++summary_.rejected;
            // The reason was recorded by Warn for the phone cell; make it the row's.
            if (!summary_.errors.empty() && summary_.errors.back().line == line &&
                summary_.errors.back().reason.starts_with("no valid phone")) {
                summary_.errors.back().reason = "row rejected: " + summary_.errors.back().reason;
            } else {
                summary_.errors.push_back({line, "", main_phone_cell, "row rejected: no phone"});
            }
            return {};
        }
        int64_t existing = 0;
        for (const auto& [p, label] : in.phones) {
            auto it = owner_.find(p.e164);
            if (it != owner_.end()) {
                existing = it->second;
                break;
            }
        }
        if (existing != 0 && options_.on_duplicate != OnDuplicate::kNew) {
            if (options_.on_duplicate == OnDuplicate::kSkip) {
                ++summary_.unchanged;
                return {};
            }
            auto changed = Merge(existing, in);
            if (!changed) return std::unexpected(changed.error());
            ++(*changed ? summary_.merged : summary_.unchanged);
            return {};
        }
        return Insert(in);
    }

private:
    void Warn(int64_t line, const std::string& column, const std::string& value,
              std::string reason) {
        summary_.errors.push_back({line, column, value, std::move(reason)});
    }

    void AddTags(const std::string& value, int64_t line, const std::string& column, Incoming* in) {
        size_t start = 0;
        while (start <= value.size()) {
            size_t comma = value.find_first_of(",;", start);
            std::string name = contacts::Trim(value.substr(start, comma - start));
            start = comma == std::string::npos ? value.size() + 1 : comma + 1;
            if (name.empty()) continue;
            auto tag = tags_.Resolve(name);
            if (!tag) {
                Warn(line, column, name, "tag not in the dictionary, row kept without it");
            } else if (tag->retired_at) {
                Warn(line, column, name, "tag is retired, row kept without it");
            } else {
                in->tags.push_back(tag->id);
            }
        }
    }

    Result<void> Insert(const Incoming& in) {
        auto inserted = store_.InsertRow(
            "INSERT INTO contacts (name, region, source, email, comment, status, created_at, "
            "updated_at, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            {in.name, in.region.empty() ? in.phones.front().first.region : in.region, in.source,
             in.email, in.comment, in.status.empty() ? std::string("new") : in.status,
             in.created_at, now_, import_id_});
        if (!inserted) return std::unexpected(inserted.error());
        int64_t id = *inserted;
        int position = 0;
        for (const auto& [p, label] : in.phones) {
            if (auto ok = InsertPhone(id, position++, p, label); !ok) return ok;
        }
        for (int64_t tag : in.tags) {
            auto ok = store_.Exec(
                "INSERT INTO contact_tags (contact_id, tag_id, added_at, added_by) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                {id, tag, now_, actor_});
            if (!ok) return std::unexpected(ok.error());
        }
        for (const auto& [field, value] : in.fields) {
            auto ok = store_.Exec(
                "INSERT INTO field_values (contact_id, field_id, value) VALUES ($1, $2, $3)",
                {id, field, value});
            if (!ok) return std::unexpected(ok.error());
        }
        ++summary_.inserted;
        return {};
    }

    Result<void> InsertPhone(int64_t contact, int position, const phone::CleanResult& p,
                             const std::string& label) {
        auto ok = store_.Exec(
            "INSERT INTO phones (contact_id, position, e164, extension, label, raw, type, region, "
            "operator, utc_offset, timezone, qc, valid, created_at) VALUES ($1, $2, $3, $4, $5, "
            "$6, $7, $8, $9, $10, $11, $12, 1, $13)",
            {contact, int64_t{position}, p.e164, p.extension, label, p.input,
             std::string(phone::LineTypeName(p.type)), p.region, p.operator_name,
             p.utc_offset_minutes ? Value(int64_t{*p.utc_offset_minutes}) : Value(), p.timezone,
             int64_t{static_cast<int>(p.qc)}, now_});
        if (!ok) return std::unexpected(ok.error());
        owner_.emplace(p.e164, contact);
        return {};
    }

    // Fills the existing contact's empty fields, adds what it lacks, writes
    // history for each change; true when anything changed.
    Result<bool> Merge(int64_t id, const Incoming& in) {
        auto rows = store_.Query(
            "SELECT name, region, source, email, comment FROM contacts WHERE id = $1", {id});
        if (!rows) return std::unexpected(rows.error());
        const store::Row& row = rows->front();
        bool changed = false;
        struct Fill {
            const char* column;
            size_t index;
            const std::string* incoming;
        };
        for (const Fill& f : {Fill{"name", 0, &in.name}, Fill{"region", 1, &in.region},
                              Fill{"source", 2, &in.source}, Fill{"email", 3, &in.email}}) {
            if (f.incoming->empty() || !row.Text(f.index).empty()) continue;
            if (auto ok = Update(id, f.column, row.Text(f.index), *f.incoming); !ok) {
                return std::unexpected(ok.error());
            }
            changed = true;
        }
        std::string comment = row.Text(4);
        if (!in.comment.empty() && comment.find(in.comment) == std::string::npos) {
            std::string joined = comment.empty() ? in.comment : comment + "\n" + in.comment;
            if (auto ok = Update(id, "comment", comment, joined); !ok) {
                return std::unexpected(ok.error());
            }
            changed = true;
        }
        auto count = store_.QueryValue("SELECT COUNT(*) FROM phones WHERE contact_id = $1", {id});
        if (!count) return std::unexpected(count.error());
        int position = static_cast<int>(store::Row({*count}).Int(0));
        for (const auto& [p, label] : in.phones) {
            auto it = owner_.find(p.e164);
            if (it != owner_.end()) continue;  // known (here or on another contact)
            if (auto ok = InsertPhone(id, position++, p, label); !ok) {
                return std::unexpected(ok.error());
            }
            if (auto ok = History(id, "phone", "", p.e164); !ok) return std::unexpected(ok.error());
            changed = true;
        }
        for (int64_t tag : in.tags) {
            auto added = store_.Exec(
                "INSERT INTO contact_tags (contact_id, tag_id, added_at, added_by) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                {id, tag, now_, actor_});
            if (!added) return std::unexpected(added.error());
            if (*added > 0) {
                if (auto ok = History(id, "tag", "", std::to_string(tag)); !ok) {
                    return std::unexpected(ok.error());
                }
                changed = true;
            }
        }
        for (const auto& [field, value] : in.fields) {
            auto added = store_.Exec(
                "INSERT INTO field_values (contact_id, field_id, value) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING",
                {id, field, value});
            if (!added) return std::unexpected(added.error());
            if (*added > 0) {
                if (auto ok = History(id, "field", "", value); !ok)
                    return std::unexpected(ok.error());
                changed = true;
            }
        }
        if (changed) {
            auto ok = store_.Exec("UPDATE contacts SET updated_at = $1 WHERE id = $2", {now_, id});
            if (!ok) return std::unexpected(ok.error());
        }
        return changed;
    }

    Result<void> Update(int64_t id, const char* column, const std::string& before,
                        const std::string& after) {
        auto ok = store_.Exec(fmt::format("UPDATE contacts SET {} = $1 WHERE id = $2", column),
                              {after, id});
        if (!ok) return std::unexpected(ok.error());
        return History(id, column, before, after);
    }

    Result<void> History(int64_t id, const std::string& field, const std::string& before,
                         const std::string& after) {
        contacts::HistoryEntry e;
        e.contact_id = id;
        e.at = now_;
        e.actor = actor_;
        e.action = "import_merge";
        e.field = field;
        if (!before.empty()) e.before = before;
        e.after = after;
        e.detail = fmt::format("import #{}", import_id_);
        auto ok = contacts::AppendHistory(store_, e);
        if (!ok) return std::unexpected(ok.error());
        return {};
    }

    store::Store& store_;
    const phone::Cleaner& cleaner_;
    const std::string& actor_;
    const ImportOptions& options_;
    ImportSummary& summary_;
    int64_t now_;
    int64_t import_id_ = 0;
    contacts::TagDictionary tags_;
    contacts::FieldRegistry fields_;
    std::vector<Column> columns_;
    std::unordered_map<std::string, contacts::FieldDef> field_defs_;
    std::unordered_map<std::string, int64_t> owner_;  // E.164 -> live contact
};

}  // namespace

Result<OnDuplicate> ParseOnDuplicate(std::string_view text) {
    if (text == "merge") return OnDuplicate::kMerge;
    if (text == "skip") return OnDuplicate::kSkip;
    if (text == "new") return OnDuplicate::kNew;
    return Fail(ErrorCode::kInvalidInput, fmt::format("--on-duplicate {}: unknown mode", text),
                "use merge, skip or new");
}

Result<ImportSummary> Importer::Import(const std::string& path, const ImportOptions& options) {
    auto started = std::chrono::steady_clock::now();
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    auto bytes = ReadFile(path);
    if (!bytes) return std::unexpected(bytes.error());
    ImportSummary summary;
    std::string sha = Sha256Hex(*bytes);
    auto earlier = store_.Query(
        "SELECT id, finished_at FROM imports WHERE sha256 = $1 AND status = 'done' "
        "ORDER BY id LIMIT 1",
        {sha});
    if (!earlier) return std::unexpected(earlier.error());
    if (!earlier->empty()) {
        summary.already_imported_as = earlier->front().Int(0);
        summary.already_imported_at = earlier->front().Int(1);
        return summary;
    }

    std::string_view text = *bytes;
    bool bom = text.starts_with("\xEF\xBB\xBF");
    if (bom) text.remove_prefix(3);
    Encoding encoding = options.encoding ? *options.encoding
                        : bom            ? Encoding::kUtf8
                                         : DetectEncoding(text);
    if (encoding == Encoding::kUtf8 && !IsValidUtf8(text)) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("{} is not valid UTF-8", path),
                    "give --encoding cp1251 if it came from Excel on Windows");
    }
    std::string converted;
    if (encoding == Encoding::kCp1251) {
        converted = Cp1251ToUtf8(text);
        text = converted;
    }
    char delimiter = options.delimiter ? *options.delimiter : DetectDelimiter(text);
    summary.encoding = std::string(EncodingName(encoding)) + (bom ? " (BOM)" : "");
    summary.delimiter = DelimiterName(delimiter);

    CsvReader reader(text, delimiter);
    std::vector<std::string> cells;
    int64_t line = 0;
    if (!reader.Next(&cells, &line)) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("{} is empty", path),
                    "export the contacts with a header row");
    }
    auto columns = MapColumns(cells, options.mapping, path);
    if (!columns) return std::unexpected(columns.error());

    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    int64_t now = clock_.Now();
    auto import_id = store_.QueryValue(
        "INSERT INTO imports (file, sha256, size, source, encoding, delimiter, actor, started_at, "
        "status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running') RETURNING id",
        {path, sha, static_cast<int64_t>(bytes->size()), options.source, summary.encoding,
         summary.delimiter, actor_, now});
    if (!import_id) return std::unexpected(import_id.error());
    int64_t id = store::Row({*import_id}).Int(0);

    Run run(store_, cleaner_, clock_, actor_, options, summary);
    if (auto ok = run.Prepare(*columns, id); !ok) return std::unexpected(ok.error());
    while (reader.Next(&cells, &line)) {
        if (auto ok = run.Row(cells, line); !ok) {
            return Fail(ok.error().code, fmt::format("{}:{}: {}", path, line, ok.error().message),
                        "nothing was imported; fix the cause and run the import again");
        }
        if (options.on_progress && (summary.read & 4095) == 0) {
            options.on_progress(reader.offset(), text.size());
        }
    }
    for (const auto& e : summary.errors) {
        auto ok = store_.Exec(
            "INSERT INTO import_errors (import_id, line, col, value, reason) "
            "VALUES ($1, $2, $3, $4, $5)",
            {id, e.line, e.column, e.value, e.reason});
        if (!ok) return std::unexpected(ok.error());
    }
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto done = store_.Exec(
        "UPDATE imports SET status = $1, finished_at = $2, rows_read = $3, inserted = $4, "
        "merged = $5, unchanged = $6, rejected = $7 WHERE id = $8",
        {std::string(options.dry_run ? "dry_run" : "done"), clock_.Now(), summary.read,
         summary.inserted, summary.merged, summary.unchanged, summary.rejected, id});
    if (!done) return std::unexpected(done.error());
    if (options.dry_run) return summary;  // the transaction rolls back
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    summary.import_id = id;
    return summary;
}

Result<void> WriteErrorReport(const std::string& path, const std::vector<RowError>& errors) {
    std::string out = "\xEF\xBB\xBF";
    AppendCsvRecord(out, {"line", "column", "value", "reason"}, ';');
    for (const auto& e : errors) {
        AppendCsvRecord(out, {std::to_string(e.line), e.column, e.value, e.reason}, ';');
    }
    std::ofstream file(path, std::ios::binary);
    if (!file || !file.write(out.data(), static_cast<std::streamsize>(out.size()))) {
        return Fail(ErrorCode::kIo, fmt::format("cannot write the error report {}", path),
                    "check the folder exists and is writable");
    }
    return {};
}

}  // namespace callbase::ingest
