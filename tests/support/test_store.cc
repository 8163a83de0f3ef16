#include "support/test_store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "security/encryption.h"

namespace callbase::testing {
namespace {

// Forwards to the real store; removes the database when destroyed.
class DisposableStore final : public store::Store {
public:
    // `url` and `setup` (a script run after opening) open another connection to it.
    DisposableStore(std::unique_ptr<store::Store> inner, std::function<void(store::Store&)> dispose,
                    std::string url, std::string setup)
        : inner_(std::move(inner)),
          dispose_(std::move(dispose)),
          url_(std::move(url)),
          setup_(std::move(setup)) {}
    ~DisposableStore() override { dispose_(*inner_); }

    store::Backend backend() const override { return inner_->backend(); }
    std::string Describe() const override { return inner_->Describe(); }
    Result<int64_t> Exec(std::string_view sql, std::span<const store::Value> p) override {
        return inner_->Exec(sql, p);
    }
    Result<int64_t> InsertRow(std::string_view sql, const std::vector<store::Value>& p) override {
        return inner_->InsertRow(sql, p);
    }
    Result<void> ForEach(std::string_view sql, const std::vector<store::Value>& p,
                         const std::function<bool(const store::Row&)>& on_row) override {
        return inner_->ForEach(sql, p, on_row);
    }
    Result<void> ExecScript(std::string_view sql) override { return inner_->ExecScript(sql); }
    Result<void> Begin() override { return inner_->Begin(); }
    Result<void> Commit() override { return inner_->Commit(); }
    Result<void> Rollback() override { return inner_->Rollback(); }
    Result<bool> EnterBulkMode() override { return inner_->EnterBulkMode(); }
    Result<void> LeaveBulkMode() override { return inner_->LeaveBulkMode(); }
    Result<bool> EmptyLog() override { return inner_->EmptyLog(); }

    Result<std::unique_ptr<store::Store>> OpenAgain() const {
        auto db = store::Open(url_);
        if (!db) return db;
        if (!setup_.empty()) {
            if (auto ok = (*db)->ExecScript(setup_); !ok) return std::unexpected(ok.error());
        }
        return db;
    }

private:
    std::unique_ptr<store::Store> inner_;
    std::function<void(store::Store&)> dispose_;
    std::string url_, setup_;
};

std::string UniqueName() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    return fmt::format("t_{}_{}_{:x}", getpid(), counter++, rd());
}

}  // namespace

std::vector<store::Backend> TestBackends() {
    return {store::Backend::kSqlite, store::Backend::kPostgres};
}

Result<void> DropAuditGuards(store::Store& db) {
    return db.ExecScript(db.backend() == store::Backend::kSqlite
                             ? "DROP TRIGGER IF EXISTS audit_log_no_update; "
                               "DROP TRIGGER IF EXISTS audit_log_no_delete"
                             : "DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log; "
                               "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log");
}

std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
    return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

Result<std::string> PostgresUrl() {
    const char* file = std::getenv("CALLBASE_TEST_PG_URL_FILE");
    std::string url;
    if (file && *file) std::getline(std::ifstream(file), url);
    if (url.empty()) {
        return Fail(ErrorCode::kNotFound, "no test PostgreSQL server (CALLBASE_TEST_PG_URL_FILE)",
                    "run the tests with `make test` or ctest, or start one with "
                    "`scripts/pg-test-server start build/postgres` and set "
                    "CALLBASE_TEST_PG_URL_FILE=build/postgres/url");
    }
    return url;
}

bool SealedRun() {
    const char* sealed = std::getenv("CALLBASE_TEST_SEALED");
    return sealed && std::string_view(sealed) == "1";
}

namespace {

// Under CALLBASE_TEST_SEALED=1 (the "/Sealed" runs of the store tests) every
// fresh base is encrypted with `callbase keys encrypt`'s own code and a key
// file of its own, so each test also runs on sealed numbers and names.
std::unique_ptr<store::Store> SealedIfAsked(std::unique_ptr<DisposableStore> db, int version) {
    // A base stopped before the latest migration (a migration's test) stays plain.
    if (!db || !SealedRun() || version != store::LatestSchemaVersion()) return db;
    auto path = std::filesystem::temp_directory_path() / (UniqueName() + ".key");
    auto ok = security::Encrypt(*db, path.string(), "test");
    std::error_code ec;
    std::filesystem::remove(path, ec);  // the vault is in memory; the file is not needed again
    if (!ok) {
        ADD_FAILURE() << Describe(ok.error());
        return nullptr;
    }
    return db;
}

}  // namespace

namespace {

// Opens sealed values and passes plain ones through: for sealing rows a test
// wrote beside rows the code sealed.
class PlainOrSealed final : public store::Cipher {
public:
    explicit PlainOrSealed(const store::Cipher& inner) : inner_(inner) {}
    std::string SealFindable(std::string_view v, std::string_view d) const override {
        return inner_.SealFindable(v, d);
    }
    std::string Seal(std::string_view v, std::string_view c) const override {
        return inner_.Seal(v, c);
    }
    Result<std::string> Open(std::string_view text, std::string_view column) const override {
        if (!security::Vault::IsSealed(text)) return std::string(text);
        return inner_.Open(text, column);
    }
    std::vector<int64_t> WordKeys(std::string_view folded) const override {
        return inner_.WordKeys(folded);
    }
    std::string BlindIndex(std::string_view normalised, std::string_view domain) const override {
        return inner_.BlindIndex(normalised, domain);
    }

private:
    const store::Cipher& inner_;
};

}  // namespace

PlainView::PlainView(store::Store& db) {
    if (!db.cipher()) return;
    if (auto ok = db.Begin(); !ok) {
        ADD_FAILURE() << Describe(ok.error());
        return;
    }
    db_ = &db;
    if (auto ok = security::ResealAll(db, db.cipher(), nullptr); !ok) {
        ADD_FAILURE() << "a stored value is not sealed as it should be: " << Describe(ok.error());
    }
}

PlainView::~PlainView() {
    if (db_) (void)db_->Rollback();
}

void SealSeeded(store::Store& db) {
    if (!db.cipher()) return;
    PlainOrSealed from(*db.cipher());
    auto tx = store::Transaction::Start(db);
    if (!tx) {
        ADD_FAILURE() << Describe(tx.error());
        return;
    }
    if (auto ok = security::ResealAll(db, &from, db.cipher()); !ok) {
        ADD_FAILURE() << Describe(ok.error());
        return;
    }
    if (auto ok = tx->Commit(); !ok) ADD_FAILURE() << Describe(ok.error());
}

std::unique_ptr<store::Store> OpenFreshStore(store::Backend backend, int schema_version) {
    const int version = schema_version > 0 ? schema_version : store::LatestSchemaVersion();
    if (backend == store::Backend::kSqlite) {
        auto path = std::filesystem::temp_directory_path() / (UniqueName() + ".db");
        auto db = store::Open(path.string());
        if (!db) {
            ADD_FAILURE() << db.error().message;
            return nullptr;
        }
        if (auto m = store::Migrate(**db, version); !m) {
            ADD_FAILURE() << m.error().message;
            return nullptr;
        }
        return SealedIfAsked(std::make_unique<DisposableStore>(
                                 std::move(*db),
                                 [path](store::Store&) {
                                     std::error_code ec;
                                     for (const char* suffix : {"", "-wal", "-shm"}) {
                                         std::filesystem::remove(path.string() + suffix, ec);
                                     }
                                 },
                                 path.string(), ""),
                             version);
    }
    auto url = PostgresUrl();
    if (!url) {
        ADD_FAILURE() << Describe(url.error());
        return nullptr;
    }
    auto db = store::Open(*url);
    if (!db) {
        ADD_FAILURE() << Describe(db.error());
        return nullptr;
    }
    std::string schema = UniqueName();
    if (auto ok =
            (*db)->ExecScript(fmt::format("CREATE SCHEMA {0}; SET search_path TO {0}", schema));
        !ok) {
        ADD_FAILURE() << ok.error().message;
        return nullptr;
    }
    if (auto m = store::Migrate(**db, version); !m) {
        ADD_FAILURE() << m.error().message;
        return nullptr;
    }
    return SealedIfAsked(std::make_unique<DisposableStore>(
                             std::move(*db),
                             [schema](store::Store& s) {
                                 (void)s.ExecScript(fmt::format("DROP SCHEMA {} CASCADE", schema));
                             },
                             *url, fmt::format("SET search_path TO {}", schema)),
                         version);
}

std::unique_ptr<store::Store> OpenSecondConnection(store::Store& fresh) {
    auto* disposable = dynamic_cast<DisposableStore*>(&fresh);
    if (!disposable) {
        ADD_FAILURE() << "OpenSecondConnection takes a store from OpenFreshStore";
        return nullptr;
    }
    auto db = disposable->OpenAgain();
    if (!db) {
        ADD_FAILURE() << Describe(db.error());
        return nullptr;
    }
    return std::move(*db);
}

}  // namespace callbase::testing
