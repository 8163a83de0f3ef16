#include "store/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

#include "store/migrations.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace callbase::store {

int64_t Row::Int(size_t i) const {
    const Value& v = cells_.at(i);
    if (auto* p = std::get_if<int64_t>(&v)) return *p;
    if (auto* p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
    if (auto* p = std::get_if<std::string>(&v)) return std::strtoll(p->c_str(), nullptr, 10);
    return 0;
}

double Row::Double(size_t i) const {
    const Value& v = cells_.at(i);
    if (auto* p = std::get_if<double>(&v)) return *p;
    if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
    if (auto* p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
    return 0;
}

std::string Row::Text(size_t i) const {
    const Value& v = cells_.at(i);
    if (auto* p = std::get_if<std::string>(&v)) return *p;
    if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
    if (auto* p = std::get_if<double>(&v)) return fmt::format("{}", *p);
    return {};
}

Result<std::vector<Row>> Store::Query(std::string_view sql, const std::vector<Value>& params) {
    std::vector<Row> rows;
    auto ok = ForEach(sql, params, [&rows](const Row& row) {
        rows.push_back(row);
        return true;
    });
    if (!ok) return std::unexpected(ok.error());
    return rows;
}

Result<Value> Store::QueryValue(std::string_view sql, const std::vector<Value>& params) {
    auto rows = Query(sql, params);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty() || rows->front().size() == 0) {
        return Fail(ErrorCode::kNotFound, "query returned no row");
    }
    return rows->front().Cell(0);
}

std::string PhoneKey(const Store& store, std::string_view e164) {
    const Cipher* cipher = store.cipher();
    // An invalid phone has no number: '' stays '' (`e164 <> ''` still works).
    if (!cipher || e164.empty()) return std::string(e164);
    return cipher->SealFindable(e164, kPhoneDomain);
}

Result<std::string> PhoneOf(const Store& store, std::string_view stored) {
    const Cipher* cipher = store.cipher();
    if (!cipher || stored.empty() || IsForgotten(stored)) return std::string(stored);
    return cipher->Open(stored, kPhoneDomain);
}

std::string SealText(const Store& store, std::string_view value, std::string_view column) {
    const Cipher* cipher = store.cipher();
    if (!cipher || value.empty()) return std::string(value);
    return cipher->Seal(value, column);
}

Value SealOptional(const Store& store, const std::optional<std::string>& value,
                   std::string_view column) {
    if (!value) return std::monostate{};
    return SealText(store, *value, column);
}

Result<std::string> OpenText(const Store& store, std::string_view stored, std::string_view column) {
    const Cipher* cipher = store.cipher();
    if (!cipher || stored.empty()) return std::string(stored);
    return cipher->Open(stored, column);
}

Result<std::string> Store::DropIndex(std::string_view name) {
    // The name goes into DDL, which takes no parameters: only plain names.
    if (name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("not an index name: {}", name));
    }
    auto definition = QueryValue(backend() == Backend::kSqlite
                                     ? "SELECT sql FROM sqlite_master WHERE type = 'index' "
                                       "AND name = $1"
                                     : "SELECT indexdef FROM pg_indexes WHERE indexname = $1 "
                                       "AND schemaname = current_schema()",
                                 {std::string(name)});
    if (!definition && definition.error().code == ErrorCode::kNotFound) {
        return Fail(ErrorCode::kNotFound, fmt::format("{}: no index named {}", Describe(), name));
    }
    if (!definition) return std::unexpected(definition.error());
    if (auto ok = Exec(fmt::format("DROP INDEX {}", name)); !ok) return std::unexpected(ok.error());
    return Row({*definition}).Text(0);
}

Result<std::unique_ptr<Store>> Open(std::string_view url) {
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return OpenPostgres(url);
    }
    std::string_view path = url;
    if (path.starts_with("sqlite:"))
        path.remove_prefix(7);
    else if (path.starts_with("file:"))
        path.remove_prefix(5);
    if (path.empty()) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("database URL '{}' names no file", url),
                    "give a path such as ./callbase.db or a postgresql:// URL");
    }
    return OpenSqlite(path);
}

std::string DefaultUrl() {
    if (const char* env = std::getenv("CALLBASE_DB"); env && *env) return env;
    return "./callbase.db";
}

int LatestSchemaVersion() {
    return static_cast<int>(Migrations(Backend::kSqlite).size());
}

namespace {

// The schema version recorded in the database; 0 when it has no callbase schema.
Result<int> CurrentVersion(Store& store) {
    auto exists = store.Query(store.backend() == Backend::kSqlite
                                  ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                    "name = 'schema_migrations'"
                                  : "SELECT 1 FROM information_schema.tables WHERE "
                                    "table_schema = current_schema() AND "
                                    "table_name = 'schema_migrations'");
    if (!exists) return std::unexpected(exists.error());
    if (exists->empty()) return 0;
    auto v = store.QueryValue("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!v) return std::unexpected(v.error());
    return static_cast<int>(Row({*v}).Int(0));
}

Error TooNew(const Store& store, int version) {
    return Error{ErrorCode::kSchemaTooNew,
                 fmt::format("{} has schema version {}, newer than this callbase knows ({})",
                             store.Describe(), version, LatestSchemaVersion()),
                 "upgrade callbase to the version that wrote this database; do not downgrade"};
}

}  // namespace

Result<MigrationReport> Migrate(Store& store) {
    return Migrate(store, LatestSchemaVersion());
}

Result<MigrationReport> Migrate(Store& store, int up_to) {
    auto current = CurrentVersion(store);
    if (!current) return std::unexpected(current.error());
    MigrationReport report{*current, *current, {}};
    if (*current > LatestSchemaVersion()) return std::unexpected(TooNew(store, *current));
    if (*current == 0) {
        auto ok = store.ExecScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        if (!ok) return std::unexpected(ok.error());
    }
    const auto& all = Migrations(store.backend());
    for (int v = *current + 1; v <= std::min(up_to, static_cast<int>(all.size())); ++v) {
        const Migration& m = all[v - 1];
        auto tx = Transaction::Start(store);
        if (!tx) return std::unexpected(tx.error());
        if (auto ok = store.ExecScript(m.sql); !ok) {
            return Fail(ErrorCode::kDatabase,
                        fmt::format("migration {} ({}) failed: {}", v, m.name, ok.error().message),
                        "the database was left at version " + std::to_string(v - 1));
        }
        auto rec = store.Exec(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            {int64_t{v}, std::string(m.name),
             int64_t{std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()}});
        if (!rec) return std::unexpected(rec.error());
        if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
        report.applied.emplace_back(m.name);
        report.to_version = v;
    }
    return report;
}

Result<void> CheckSchema(Store& store) {
    auto current = CurrentVersion(store);
    if (!current) return std::unexpected(current.error());
    if (*current > LatestSchemaVersion()) return std::unexpected(TooNew(store, *current));
    if (*current < LatestSchemaVersion()) {
        return Fail(ErrorCode::kInvalidInput,
                    *current == 0 ? fmt::format("{} has no callbase schema", store.Describe())
                                  : fmt::format("{} has schema version {}, this callbase needs {}",
                                                store.Describe(), *current, LatestSchemaVersion()),
                    "run `callbase init` to create or migrate it");
    }
    return {};
}

Result<Transaction> Transaction::Start(Store& store) {
    if (auto ok = store.Begin(); !ok) return std::unexpected(ok.error());
    return Transaction(store);
}

Transaction::~Transaction() {
    if (store_) (void)store_->Rollback();
}

Result<void> Transaction::Commit() {
    Store* s = store_;
    store_ = nullptr;
    if (!s) return Fail(ErrorCode::kInternal, "transaction already finished");
    return s->Commit();
}

Result<ReadSnapshot> ReadSnapshot::Start(Store& store) {
    if (auto ok = store.BeginRead(); !ok) return std::unexpected(ok.error());
    return ReadSnapshot(store);
}

ReadSnapshot::~ReadSnapshot() {
    if (store_) (void)store_->EndRead();
}

}  // namespace callbase::store
