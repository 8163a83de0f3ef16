#include "store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>

namespace callbase::store {
namespace {

struct DbCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

// Writes made by any connection of this process (a kept snapshot that began
// before the latest one is stale).
std::atomic<uint64_t> g_writes{0};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteStore final : public Store {
public:
    SqliteStore(DbPtr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

    Backend backend() const override { return Backend::kSqlite; }
    std::string Describe() const override { return "sqlite:" + path_; }

    ~SqliteStore() override { EndKeptSnapshot(false); }

    Result<int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
        if (auto ok = EndKept(); !ok) return std::unexpected(ok.error());
        return Step(sql, params);
    }

    Result<int64_t> InsertRow(std::string_view sql, const std::vector<Value>& params) override {
        auto changed = Exec(sql, params);
        if (!changed) return std::unexpected(changed.error());
        return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.get()));
    }

    Result<void> ForEach(std::string_view sql, const std::vector<Value>& params,
                         const std::function<bool(const Row&)>& on_row) override {
        if (auto ok = EndKept(); !ok) return ok;
        auto stmt = Prepare(sql, params);
        if (!stmt) return std::unexpected(stmt.error());
        sqlite3_stmt* s = *stmt;
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            int n = sqlite3_column_count(s);
            std::vector<Value> cells;
            cells.reserve(n);
            for (int i = 0; i < n; ++i)
                cells.push_back(Column(s, i));
            if (!on_row(Row(std::move(cells)))) {
                rc = SQLITE_DONE;
                break;
            }
        }
        sqlite3_reset(s);
        if (!sqlite3_stmt_readonly(s)) Wrote();
        if (rc != SQLITE_DONE) return Failure(sql);
        return {};
    }

    Result<void> ExecScript(std::string_view sql) override {
        if (auto ok = EndKept(); !ok) return ok;
        std::string text(sql);
        char* err = nullptr;
        if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string message = err ? err : "unknown error";
            sqlite3_free(err);
            return Fail(ErrorCode::kDatabase, fmt::format("{}: {}", Describe(), message));
        }
        Wrote();  // scripts are schema changes, COMMIT and the like
        return {};
    }

    Result<void> Begin() override { return ExecScript("BEGIN IMMEDIATE"); }
    Result<void> Commit() override { return ExecScript("COMMIT"); }
    Result<void> Rollback() override { return ExecScript("ROLLBACK"); }
    // A deferred BEGIN takes the read lock at the first SELECT; both are
    // prepared once (Exec), not parsed on every request (ExecScript).
    Result<void> BeginRead() override {
        if (kept_) {
            if (g_writes.load(std::memory_order_acquire) == kept_generation_ &&
                std::chrono::steady_clock::now() - kept_since_ < keep_) {
                kept_ = false;  // the kept snapshot is still the base as it is
                return {};
            }
            if (auto ok = EndKept(); !ok) return ok;
        }
        // Read before the snapshot is taken: a write between the two only
        // makes the next BeginRead start afresh.
        kept_generation_ = g_writes.load(std::memory_order_acquire);
        kept_since_ = std::chrono::steady_clock::now();
        if (auto ok = Step("BEGIN", {}); !ok) return std::unexpected(ok.error());
        return {};
    }
    Result<void> EndRead() override {
        if (keep_.count() > 0) {
            kept_ = true;
            return {};
        }
        if (auto ok = Step("COMMIT", {}); !ok) return std::unexpected(ok.error());
        return {};
    }
    void KeepSnapshots(std::chrono::milliseconds max_age) override { keep_ = max_age; }
    void EndKeptSnapshot(bool only_if_stale) override {
        if (!kept_) return;
        if (only_if_stale && std::chrono::steady_clock::now() - kept_since_ < keep_) return;
        (void)EndKept();
    }

    Result<bool> EnterBulkMode() override {
        if (bulk_) return true;
        // Leaving WAL mode needs the only connection: when another one has the
        // database open, the pragma fails at once (no busy wait) or answers "wal".
        sqlite3_busy_timeout(db_.get(), 0);
        auto mode = QueryValue("PRAGMA journal_mode = DELETE");
        sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
        if (!mode || Row({*mode}).Text(0) != "delete") {
            (void)ExecScript("PRAGMA journal_mode = WAL");
            return false;
        }
        // FULL: in rollback-journal mode NORMAL may lose the journal's sync.
        // Foreign keys and CHECK constraints are off: the bulk writer gives the
        // ids and validates every value itself (a CHECK with an IN list, as on
        // contacts.status, builds a temporary table for every row it checks).
        if (auto ok = ExecScript("PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; "
                                 "PRAGMA ignore_check_constraints = ON");
            !ok) {
            (void)LeaveBulkMode();
            return std::unexpected(ok.error());
        }
        bulk_ = true;
        return true;
    }

    Result<void> LeaveBulkMode() override {
        bulk_ = false;
        return ExecScript(kNormalMode);
    }

    Result<bool> EmptyLog() override {
        // TRUNCATE: copies every frame into the file and cuts the log to
        // zero bytes; it cannot while another connection reads an older frame.
        auto rows = Query("PRAGMA wal_checkpoint(TRUNCATE)");
        if (!rows) return std::unexpected(rows.error());
        return !rows->empty() && rows->front().Int(0) == 0;
    }

    static constexpr int kBusyTimeoutMs = 5000;
    // The pragmas every connection starts with.
    static constexpr const char* kNormalMode =
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
        "PRAGMA ignore_check_constraints = OFF";

private:
    // Runs one prepared statement to its end.
    Result<int64_t> Step(std::string_view sql, std::span<const Value> params) {
        auto stmt = Prepare(sql, params);
        if (!stmt) return std::unexpected(stmt.error());
        int rc;
        while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
        }
        sqlite3_reset(*stmt);
        if (!sqlite3_stmt_readonly(*stmt)) Wrote();
        if (rc != SQLITE_DONE) return Failure(sql);
        return static_cast<int64_t>(sqlite3_changes64(db_.get()));
    }

    // Ends the kept snapshot, if any, before the connection does anything else.
    Result<void> EndKept() {
        if (!kept_) return {};
        kept_ = false;
        if (auto ok = Step("COMMIT", {}); !ok) return std::unexpected(ok.error());
        return {};
    }

    // Tells every kept snapshot of the process that the base may have changed.
    static void Wrote() { g_writes.fetch_add(1, std::memory_order_release); }

    // A prepared statement and, for each $N, its SQLite parameter index (0 when
    // the statement does not use $N).
    struct Prepared {
        StmtPtr stmt;
        std::vector<int> index_of;
    };

    // Prepared statements are cached by their SQL text: the import hot path runs
    // the same few statements millions of times.
    Result<sqlite3_stmt*> Prepare(std::string_view sql, std::span<const Value> params) {
        auto it = cache_.find(sql);
        if (it == cache_.end()) {
            sqlite3_stmt* raw = nullptr;
            if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                   SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
                return Failure(sql);
            }
            // Parameters are written $1..$N; SQLite numbers named parameters by
            // first appearance, so look each name up once.
            Prepared p{StmtPtr(raw), {}};
            int count = sqlite3_bind_parameter_count(raw);
            for (int n = 1; n <= count; ++n) {
                p.index_of.push_back(
                    sqlite3_bind_parameter_index(raw, fmt::format("${}", n).c_str()));
            }
            it = cache_.emplace(std::string(sql), std::move(p)).first;
        }
        sqlite3_stmt* stmt = it->second.stmt.get();
        const std::vector<int>& index_of = it->second.index_of;
        // Every parameter is bound below; a statement given fewer values than
        // it has parameters must not see the last call's values in the rest.
        if (params.size() < index_of.size()) sqlite3_clear_bindings(stmt);
        for (size_t i = 0; i < params.size() && i < index_of.size(); ++i) {
            int index = index_of[i];
            if (index == 0) continue;  // parameter not used by this statement
            const Value& v = params[i];
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::monostate>(v)) {
                rc = sqlite3_bind_null(stmt, index);
            } else if (auto* n = std::get_if<int64_t>(&v)) {
                rc = sqlite3_bind_int64(stmt, index, *n);
            } else if (auto* d = std::get_if<double>(&v)) {
                rc = sqlite3_bind_double(stmt, index, *d);
            } else {
                // The Value outlives the step that reads it, so SQLite need not copy.
                const auto& s = std::get<std::string>(v);
                rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()),
                                       SQLITE_STATIC);
            }
            if (rc != SQLITE_OK) return Failure(sql);
        }
        return stmt;
    }

    static Value Column(sqlite3_stmt* s, int i) {
        switch (sqlite3_column_type(s, i)) {
            case SQLITE_INTEGER:
                return int64_t{sqlite3_column_int64(s, i)};
            case SQLITE_FLOAT:
                return sqlite3_column_double(s, i);
            case SQLITE_NULL:
                return std::monostate{};
            default: {
                auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
                return std::string(text, sqlite3_column_bytes(s, i));
            }
        }
    }

    std::unexpected<Error> Failure(std::string_view sql) const {
        std::string what = sqlite3_errmsg(db_.get());
        int code = sqlite3_errcode(db_.get());
        ErrorCode ec = code == SQLITE_CONSTRAINT ? ErrorCode::kConflict : ErrorCode::kDatabase;
        std::string first_line(sql.substr(0, sql.find('\n')));
        return Fail(ec, fmt::format("{}: {} (in: {})", Describe(), what, first_line.substr(0, 80)));
    }

    DbPtr db_;
    std::string path_;
    bool bulk_ = false;
    std::chrono::milliseconds keep_{0};  // KeepSnapshots
    bool kept_ = false;                  // a read transaction left open by EndRead
    uint64_t kept_generation_ = 0;       // g_writes when it began
    std::chrono::steady_clock::time_point kept_since_;
    // Transparent hashing: look statements up by string_view without a copy.
    struct SqlHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, Prepared, SqlHash, std::equal_to<>> cache_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(std::string_view path_view) {
    std::string path(path_view);
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        return Fail(
            ErrorCode::kNotFound,
            fmt::format("cannot open database {}: folder {} does not exist", path, parent.string()),
            "create the folder or give another --db path");
    }
    static std::once_flag configured;
    std::call_once(configured, [] {
        // SQLite counts every allocation under one process-wide mutex unless
        // told not to; the server's threads, each with its own connection,
        // would take turns at it on every query.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    });
    sqlite3* raw = nullptr;
    int rc =
        // NOMUTEX: a Store is used by one thread at a time (store.h), so the
        // connection need not lock itself on every call (binding the
        // parameters of a bulk INSERT calls it a thousand times).
        sqlite3_open_v2(path.c_str(), &raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK) {
        return Fail(ErrorCode::kDatabase,
                    fmt::format("cannot open database {}: {}", path,
                                raw ? sqlite3_errmsg(raw) : "out of memory"),
                    "check the path and its permissions");
    }
    sqlite3_busy_timeout(db.get(), SqliteStore::kBusyTimeoutMs);
    auto store = std::make_unique<SqliteStore>(std::move(db), path);
    // A file that is not a database fails here, on the first read.
    // Large sorts (building an index after a bulk import, a big ORDER BY) may
    // use a helper thread per core. secure_delete: what a DELETE or UPDATE
    // frees is overwritten with zeros, so a deleted name or number does not
    // linger in free space of the file (a processed deletion request relies on
    // it; docs/compliance.md). It costs writes of pages already being written.
    for (const char* pragma : {SqliteStore::kNormalMode, "PRAGMA cache_size = -65536",
                               "PRAGMA threads = 2", "PRAGMA secure_delete = ON"}) {
        if (auto ok = store->ExecScript(pragma); !ok) {
            return Fail(ErrorCode::kDatabase,
                        fmt::format("cannot use {} as a database: {}", path, ok.error().message),
                        "is it a callbase database? give another --db path");
        }
    }
    return store;
}

}  // namespace callbase::store
