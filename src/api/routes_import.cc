// Imports by upload: a preview (encoding, delimiter, columns, first rows), the
// import itself on a thread of its own, its state and WebSocket feed, and the
// error report.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/handlers.h"
#include "api/json.h"
#include "compliance/registry_catalog.h"
#include "compliance/registry_source.h"
#include "core/json_text.h"
#include "ingest/column_map.h"
#include "ingest/csv.h"
#include "ingest/encoding.h"
#include "ingest/importer.h"
#include "ingest/spreadsheet.h"

namespace callbase::api {

using nlohmann::json;

// A job on a thread of its own: an import of contacts, or the load of a
// registry's next version (kind "registry", its summary in `result`).
struct Api::ImportJob {
    int64_t id = 0;
    std::string kind = "contacts";
    json result;  // a registry load's summary
    std::string user, file_name, path;
    std::mutex mutex;
    std::condition_variable changed;
    int64_t version = 0;  // bumped on every change, for the feeds
    std::string state = "running";
    uint64_t done_bytes = 0, total_bytes = 0;
    std::optional<ingest::ImportSummary> summary;
    std::string error;
    std::string error_key;  // the error's code and parameters for the screens, when it has one
    MessageParams error_params;
    std::thread thread;

    // Keeps the request's body as dir/name for the job's thread.
    Result<void> KeepUpload(const std::string& body, const std::filesystem::path& dir,
                            const std::string& name) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        path = (dir / name).string();
        std::ofstream out(path, std::ios::binary);
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
        if (!out) return Fail(ErrorCode::kIo, "cannot keep the uploaded file in " + dir.string());
        total_bytes = body.size();
        return {};
    }
    // The reader's progress, for GET and the feeds.
    void Progress(uint64_t done, uint64_t total) {
        std::lock_guard lock(mutex);
        done_bytes = done;
        total_bytes = total;
        ++version;
        changed.notify_all();
    }
    // Under the mutex: the job failed. Errors a person can act on are shown as
    // they are; others go to the server's log and `otherwise` to the client.
    void Failed(const Error& e, const char* otherwise) {
        state = "failed";
        const bool for_people = e.code == ErrorCode::kInvalidInput ||
                                e.code == ErrorCode::kNotFound || e.code == ErrorCode::kConflict;
        error = for_people ? e.message + (e.hint.empty() ? "" : "; " + e.hint) : otherwise;
        if (for_people) {
            error_key = e.key;
            error_params = e.params;
        }
        if (!for_people) fmt::print(stderr, "callbase serve: {}\n", Describe(e));
    }

    // Under the mutex.
    json Json() const {
        json out{{"job", id},
                 {"state", state},
                 {"file_name", file_name},
                 {"done_bytes", done_bytes},
                 {"total_bytes", total_bytes},
                 {"summary", nullptr},
                 {"error", error}};
        if (!error_key.empty()) {
            json params = json::object();
            for (const auto& [name, value] : error_params)
                params[name] = value;
            out["error_code"] = error_key;
            out["error_params"] = std::move(params);
        }
        if (summary) out["summary"] = ImportSummaryJson(*summary);
        if (!result.is_null()) out["summary"] = result;
        if (kind != "contacts") out["kind"] = kind;
        return out;
    }
};

std::shared_ptr<Api::ImportJob> Api::NewImportJob() {
    auto job = std::make_shared<ImportJob>();
    std::lock_guard lock(jobs_mutex_);
    job->id = next_job_++;
    jobs_[job->id] = job;
    return job;
}

std::shared_ptr<Api::ImportJob> Api::FindImportJob(int64_t id) {
    std::lock_guard lock(jobs_mutex_);
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second;
}

void Api::JoinImports() {
    std::vector<std::shared_ptr<ImportJob>> jobs;
    {
        std::lock_guard lock(jobs_mutex_);
        for (auto& [id, job] : jobs_)
            jobs.push_back(job);
    }
    for (auto& job : jobs)
        if (job->thread.joinable()) job->thread.join();
}

namespace handlers {
namespace {

constexpr size_t kPreviewBytes = 64 * 1024;
constexpr int kPreviewRows = 5;

// A file name without folders or odd characters, for the upload's copy.
std::string SafeName(const std::string& name) {
    std::string base = std::filesystem::path(name).filename().string();
    std::string out;
    for (char ch : base) {
        const unsigned char u = static_cast<unsigned char>(ch);
        out += (u >= 0x80 || std::isalnum(u) || ch == '.' || ch == '-' || ch == '_') ? ch : '_';
    }
    if (out.empty() || out.front() == '.') out = "upload" + out;
    return out.size() > 120 ? out.substr(0, 120) : out;
}

Result<std::optional<char>> DelimiterParam(Call& c) {
    const std::string text = c.request.Query("delimiter").value_or("");
    if (text.empty()) return std::nullopt;
    if (text == ";" || text == "," || text == "|") return text[0];
    if (text == "tab" || text == "\t") return '\t';
    return Fail(ErrorCode::kInvalidInput,
                Msg{"import.unknown_delimiter", "delimiter '{delimiter}' is not one we read",
                    "use ';', ',', '|' or tab"},
                {{"delimiter", text}});
}

Result<std::optional<ingest::Encoding>> EncodingParam(Call& c) {
    const std::string text = c.request.Query("encoding").value_or("");
    if (text.empty()) return std::nullopt;
    auto e = ingest::ParseEncoding(text);
    if (!e) return std::unexpected(e.error());
    return *e;
}

// ?sheet= (a workbook's sheet, name or number) and ?header_row= (the line or
// row of the column names; 0 or absent: the first).
Result<int64_t> HeaderRowParam(Call& c) {
    const std::string text = c.request.Query("header_row").value_or("");
    if (text.empty()) return 0;
    int64_t row = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), row);
    if (ec != std::errc() || end != text.data() + text.size() || row < 0 || row > 1048576) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.bad_header_row", "header_row '{row}' is not a row",
                        "give the number of the row that holds the column names, 1 or more"},
                    {{"row", text}});
    }
    return row;
}

// The preview's columns and mapping, for CSV and workbooks alike.
json PreviewJson(Call& c, const std::string& file, const std::vector<std::string>& header,
                 const json& rows, int64_t header_line) {
    json mapping = json::array();
    std::string mapping_error;
    auto limits = ingest::CheckHeaderLimits(header, c.api.options().import_limits, file);
    Result<std::vector<ingest::Column>> columns =
        limits ? ingest::MapColumns(header, c.request.QueryAll("map"), file)
               : Result<std::vector<ingest::Column>>(std::unexpected(limits.error()));
    if (columns) {
        for (const auto& column : *columns)
            mapping.push_back({{"header", column.header}, {"field", ingest::MapName(column)}});
    } else {
        mapping_error = columns.error().message + "; " + columns.error().hint;
    }
    return json{
        {"header", header},   {"header_row", header_line},      {"rows", rows},
        {"mapping", mapping}, {"mapping_error", mapping_error}, {"bytes", c.request.body.size()}};
}

// A workbook's preview: its sheets, the one shown, its header and first rows.
// The upload is written to a file for the reader and removed at once.
Result<Response> PreviewSheet(Call& c, const std::string& file, int64_t header_row) {
    static std::atomic<int64_t> counter{0};
    const std::filesystem::path path =
        WorkDir(c) / fmt::format("callbase-preview-{}-{}", getpid(), ++counter);
    {
        std::ofstream out(path, std::ios::binary);
        if (!out.write(c.request.body.data(),
                       static_cast<std::streamsize>(c.request.body.size()))) {
            return Fail(ErrorCode::kIo, "cannot keep the upload for its preview",
                        "check the server's temporary folder has space");
        }
    }
    struct Remove {
        std::filesystem::path path;
        ~Remove() {
            std::error_code ignored;
            std::filesystem::remove(path, ignored);
        }
    } remove{path};
    auto sheet = ingest::OpenSheet(path.string(), c.request.Query("sheet").value_or(""));
    if (!sheet) {
        Error e = sheet.error();
        // The message names the temporary copy: name the upload instead.
        for (size_t at = e.message.find(path.string()); at != std::string::npos;
             at = e.message.find(path.string())) {
            e.message.replace(at, path.string().size(), file);
        }
        for (auto& [name, value] : e.params) {
            if (value == path.string()) value = file;
        }
        return std::unexpected(e);
    }
    std::vector<std::string> header, cells;
    int64_t line = 0;
    for (;;) {
        auto more = (*sheet)->Next(&header, &line);
        if (!more) return std::unexpected(more.error());
        if (!*more) {
            if (header_row > 0) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"import.sheet_no_header_below",
                                "sheet '{sheet}' has no header row at or below row {row}",
                                "choose the sheet and the row that hold the column names"},
                            {{"sheet", (*sheet)->sheet()}, {"row", std::to_string(header_row)}});
            }
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.sheet_no_header", "sheet '{sheet}' has no header row",
                            "choose the sheet and the row that hold the column names"},
                        {{"sheet", (*sheet)->sheet()}});
        }
        if (line >= header_row) break;
    }
    const int64_t header_line = line;
    json rows = json::array();
    while (static_cast<int>(rows.size()) < kPreviewRows) {
        auto more = (*sheet)->Next(&cells, &line);
        if (!more) return std::unexpected(more.error());
        if (!*more) break;
        rows.push_back(cells);
    }
    json out = PreviewJson(c, file, header, rows, header_line);
    out["format"] =
        ingest::KindOfFile(c.request.body.substr(0, 8)) == ingest::FileKind::kXlsx ? "xlsx" : "xls";
    out["sheets"] = (*sheet)->sheets();
    out["sheet"] = (*sheet)->sheet();
    out["encoding"] = nullptr;
    out["delimiter"] = nullptr;
    c.detail = fmt::format("preview of {}", file);
    return JsonResponse(200, out);
}

Result<std::shared_ptr<Api::ImportJob>> JobOf(Call& c, std::string_view kind = "contacts") {
    auto id = c.Id("job");
    if (!id) return std::unexpected(id.error());
    auto job = c.api.FindImportJob(*id);
    if (!job || job->kind != kind) {
        if (kind == "contacts") {
            return Fail(ErrorCode::kNotFound,
                        Msg{"import.no_job", "there is no import job {job}",
                            "jobs are kept while the server runs; start it again"},
                        {{"job", std::to_string(*id)}});
        }
        return Fail(ErrorCode::kNotFound,
                    Msg{"import.no_registry_job", "there is no registry job {job}",
                        "jobs are kept while the server runs; start it again"},
                    {{"job", std::to_string(*id)}});
    }
    return job;
}

}  // namespace

Result<Response> PreviewImport(Call& c) {
    const std::string file = c.request.Query("file_name").value_or("upload.csv");
    std::string_view bytes(c.request.body);
    if (bytes.empty()) {
        return Fail(ErrorCode::kInvalidInput, Msg{"import.upload_empty", "the file is empty",
                                                  "send the file's bytes as the request body"});
    }
    auto header_row = HeaderRowParam(c);
    if (!header_row) return std::unexpected(header_row.error());
    if (ingest::KindOfFile(bytes.substr(0, 8)) != ingest::FileKind::kText) {
        return PreviewSheet(c, file, *header_row);
    }
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    auto forced = EncodingParam(c);
    if (!forced) return std::unexpected(forced.error());
    ingest::Encoding encoding;
    if (*forced) {
        encoding = **forced;
    } else {
        auto detected = ingest::DetectFileEncoding(bytes, file);
        if (!detected) return std::unexpected(detected.error());
        encoding = *detected;
    }
    std::string_view head = bytes.substr(0, kPreviewBytes);
    if (head.size() < bytes.size()) {
        size_t line_end = head.rfind('\n');
        if (line_end != std::string_view::npos) head = head.substr(0, line_end + 1);
    }
    const std::string text =
        encoding == ingest::Encoding::kCp1251 ? ingest::Cp1251ToUtf8(head) : std::string(head);
    auto forced_delimiter = DelimiterParam(c);
    if (!forced_delimiter) return std::unexpected(forced_delimiter.error());
    const char delimiter = forced_delimiter->value_or(ingest::DetectDelimiter(text));
    ingest::CsvReader reader(text, delimiter);
    std::vector<std::string> header, fields;
    int64_t line = 0;
    json rows = json::array();
    do {
        if (!reader.Next(&header, &line)) {
            if (*header_row > 0) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"import.no_header_below",
                                "the file has no header line at or below line {line}",
                                "give the line that holds the column names"},
                            {{"line", std::to_string(*header_row)}});
            }
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.no_header", "the file has no header line",
                            "give the line that holds the column names"});
        }
    } while (line < *header_row);
    const int64_t header_line = line;
    while (static_cast<int>(rows.size()) < kPreviewRows && reader.Next(&fields, &line))
        rows.push_back(fields);
    c.detail = fmt::format("preview of {}", file);
    json out = PreviewJson(c, file, header, rows, header_line);
    out["format"] = "csv";
    out["encoding"] = ingest::EncodingName(encoding);
    out["delimiter"] = delimiter == '\t' ? "tab" : std::string(1, delimiter);
    return JsonResponse(200, out);
}

Result<Response> StartImport(Call& c) {
    if (c.request.body.empty()) {
        return Fail(ErrorCode::kInvalidInput, Msg{"import.upload_empty", "the file is empty",
                                                  "send the file's bytes as the request body"});
    }
    ingest::ImportOptions options;
    options.source = c.request.Query("source").value_or("");
    if (options.source.empty()) options.source = "web";
    if (auto d = c.request.Query("on_duplicate"); d && !d->empty()) {
        auto parsed = ingest::ParseOnDuplicate(*d);
        if (!parsed) return std::unexpected(parsed.error());
        options.on_duplicate = *parsed;
    }
    auto encoding = EncodingParam(c);
    if (!encoding) return std::unexpected(encoding.error());
    options.encoding = *encoding;
    auto delimiter = DelimiterParam(c);
    if (!delimiter) return std::unexpected(delimiter.error());
    options.delimiter = *delimiter;
    options.mapping = c.request.QueryAll("map");
    options.limits = c.api.options().import_limits;
    options.sheet = c.request.Query("sheet").value_or("");
    auto header_row = HeaderRowParam(c);
    if (!header_row) return std::unexpected(header_row.error());
    options.header_row = *header_row;

    auto job = c.api.NewImportJob();
    job->user = c.actor();
    job->file_name = SafeName(c.request.Query("file_name").value_or("upload.csv"));
    const std::filesystem::path dir =
        WorkDir(c) / fmt::format("callbase-import-{}-{}", getpid(), job->id);
    if (auto ok = job->KeepUpload(c.request.body, dir, job->file_name); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = fmt::format("import-job:{}", job->id);
    c.detail = fmt::format("import of {} ({} bytes) from {}", job->file_name, c.request.body.size(),
                           options.source);

    Api& api = c.api;
    const std::string source = c.source;
    options.on_progress = [job](uint64_t done, uint64_t total) { job->Progress(done, total); };
    job->thread = std::thread([&api, job, options, source, dir] {
        Result<ingest::ImportSummary> summary = [&]() -> Result<ingest::ImportSummary> {
            auto db = api.options().open_store();
            if (!db) return std::unexpected(db.error());
            ingest::Importer importer(**db, *api.options().cleaner, *api.options().clock,
                                      job->user);
            return importer.Import(job->path, options);
        }();
        std::string records, detail;
        {
            std::lock_guard lock(job->mutex);
            if (summary) {
                job->state = "done";
                job->done_bytes = job->total_bytes;
                records = fmt::format("import:{}", summary->import_id);
                detail = fmt::format("import of {}: read {}, inserted {}, merged {}, rejected {}",
                                     job->file_name, summary->read, summary->inserted,
                                     summary->merged, summary->rejected);
                job->summary = std::move(*summary);
            } else {
                job->Failed(summary.error(),
                            "the import failed; nothing was imported, and the server's log says "
                            "why");
                detail = fmt::format("import of {} failed", job->file_name);
            }
            ++job->version;
        }
        job->changed.notify_all();
        api.audit().Post({job->user, "mass_edit", "import", records, source, detail});
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    });
    std::lock_guard lock(job->mutex);
    return JsonResponse(202, job->Json());
}

Result<Response> ImportState(Call& c) {
    auto job = JobOf(c);
    if (!job) return std::unexpected(job.error());
    std::lock_guard lock((*job)->mutex);
    return JsonResponse(200, (*job)->Json());
}

Result<server::Feed> ImportEvents(Call& c) {
    auto job = JobOf(c);
    if (!job) return std::unexpected(job.error());
    c.records = fmt::format("import-job:{}", (*job)->id);
    auto last = std::make_shared<int64_t>(-1);
    auto ended = std::make_shared<bool>(false);
    return server::Feed([job = *job, last, ended]() -> std::optional<std::string> {
        if (*ended) return std::nullopt;
        std::unique_lock lock(job->mutex);
        if (!job->changed.wait_for(lock, std::chrono::milliseconds(500),
                                   [&] { return job->version != *last; })) {
            return std::string();  // nothing new yet
        }
        *last = job->version;
        *ended = job->state != "running";
        json state = job->Json();
        lock.unlock();
        // At most ten messages a second: a progress bar needs no more.
        if (!*ended) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return JsonText(state);
    });
}

// How many rows of an error report the import page shows (format=json).
constexpr size_t kErrorRowsShown = 100;

Result<Response> ImportErrors(Call& c) {
    auto job = JobOf(c);
    if (!job) return std::unexpected(job.error());
    std::vector<ingest::RowError> errors;
    {
        std::lock_guard lock((*job)->mutex);
        if (!(*job)->summary) {
            // One code per state, so that a translation says it in words.
            if ((*job)->state == "running") {
                return Fail(ErrorCode::kConflict,
                            Msg{"import.job_running", "import job {job} is running",
                                "the error report is ready when the import is done"},
                            {{"job", std::to_string((*job)->id)}});
            }
            return Fail(ErrorCode::kConflict,
                        Msg{"import.job_failed", "import job {job} is failed",
                            "the error report is ready when the import is done"},
                        {{"job", std::to_string((*job)->id)}});
        }
        errors = (*job)->summary->errors;
    }
    c.records = fmt::format("import-job:{}", (*job)->id);
    const auto format = c.request.Query("format").value_or("csv");
    if (format == "json") {
        // The first rows for the import page, each reason with its code and
        // parameters so that the page says it in the user's language; the
        // CSV holds them all.
        json rows = json::array();
        for (size_t i = 0; i < errors.size() && i < kErrorRowsShown; ++i) {
            const auto& e = errors[i];
            json params = json::object();
            for (const auto& [name, value] : e.params)
                params[name] = value;
            rows.push_back({{"line", e.line},
                            {"column", e.column},
                            {"value", e.value},
                            {"reason", e.reason},
                            {"code", e.key.empty() ? json(nullptr) : json(e.key)},
                            {"params", params}});
        }
        c.detail = fmt::format("error report, {} of {} rows", rows.size(), errors.size());
        return JsonResponse(200, json{{"total", errors.size()}, {"rows", rows}});
    }
    if (format != "csv") {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.report_format", "format={format} is not known",
                        "use format=csv (the default) or format=json"},
                    {{"format", format}});
    }
    const std::string path =
        (WorkDir(c) / fmt::format("callbase-errors-{}-{}.csv", getpid(), (*job)->id)).string();
    if (auto ok = ingest::WriteErrorReport(path, errors); !ok) return std::unexpected(ok.error());
    auto body = ReadFile(path);
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    if (!body) return std::unexpected(body.error());
    c.detail = fmt::format("error report, {} rows", errors.size());
    Response r{200, "text/csv; charset=utf-8", std::move(*body), {}};
    r.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"import-{}-errors.csv\"", (*job)->id));
    return r;
}

}  // namespace handlers
namespace handlers {

Result<Response> LoadRegistry(Call& c) {
    const std::string name = c.request.params.at("name");
    if (auto ok = compliance::RegistryCatalog::CheckName(name); !ok) {
        return std::unexpected(ok.error());
    }
    if (c.request.body.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"registry.upload_empty", "the file is empty",
                        "send the list of numbers (one a line, plain or gzip) as the request "
                        "body"});
    }
    auto job = c.api.NewImportJob();
    job->kind = "registry";
    job->user = c.actor();
    job->file_name = name;
    const std::filesystem::path dir =
        WorkDir(c) / fmt::format("callbase-registry-{}-{}", getpid(), job->id);
    if (auto ok = job->KeepUpload(c.request.body, dir, "source"); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = fmt::format("registry:{}", name);
    c.detail = fmt::format("registry load started ({} bytes), job {}", job->total_bytes, job->id);

    Api& api = c.api;
    const std::string source = c.source;
    job->thread = std::thread([&api, job, name, source, dir] {
        compliance::SourceOptions options;
        options.on_progress = [job](uint64_t done, uint64_t total) { job->Progress(done, total); };
        auto summary = [&]() -> Result<compliance::LoadSummary> {
            auto db = api.options().open_store();
            if (!db) return std::unexpected(db.error());
            auto catalog = compliance::RegistryCatalog::Open(**db, api.options().registry_dir,
                                                             compliance::Verify::kStructure);
            if (!catalog) return std::unexpected(catalog.error());
            return catalog->Load(name, job->path, *api.options().cleaner, *api.options().clock,
                                 job->user, options);
        }();
        std::string detail;
        {
            std::lock_guard lock(job->mutex);
            if (summary) {
                const auto& v = summary->version;
                job->state = "done";
                job->done_bytes = job->total_bytes;
                job->result = json{{"registry", v.name},      {"version", v.version},
                                   {"numbers", v.numbers},    {"rejected", v.rejected},
                                   {"lines", summary->lines}, {"duplicates", summary->duplicates}};
                detail = fmt::format("registry {} version {}: {} numbers, {} rejected", v.name,
                                     v.version, v.numbers, v.rejected);
            } else {
                job->Failed(summary.error(),
                            "the load failed; the registry is as it was, and the server's log "
                            "says why");
                detail = fmt::format("registry {} load failed", name);
            }
            ++job->version;
        }
        job->changed.notify_all();
        api.audit().Post(
            {job->user, "mass_edit", "registry load", "registry:" + name, source, detail});
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    });
    std::lock_guard lock(job->mutex);
    return JsonResponse(202, job->Json());
}

Result<Response> RegistryLoadState(Call& c) {
    auto job = JobOf(c, "registry");
    if (!job) return std::unexpected(job.error());
    std::lock_guard lock((*job)->mutex);
    return JsonResponse(200, (*job)->Json());
}

}  // namespace handlers
}  // namespace callbase::api
