// The Store contract that every domain module relies on, on both backends:
// parameters of every type, portable SQL, transactions, errors, migrations and
// the schema guard.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "store/store.h"
#include "support/test_store.h"

namespace callbase::store {
namespace {

class StoreTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        ASSERT_TRUE(
            db_->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY, s TEXT, d DOUBLE "
                            "PRECISION, n BIGINT)"));
    }
    std::unique_ptr<Store> db_;
};

TEST_P(StoreTest, ParametersOfEveryTypeRoundTrip) {
    int64_t big = std::numeric_limits<int64_t>::max();
    ASSERT_TRUE(db_->Exec("INSERT INTO t (id, s, d, n) VALUES ($1, $2, $3, $4)",
                          {int64_t{1}, std::string("Иванов Пётр «VIP»"), 2.5, std::monostate{}}));
    ASSERT_TRUE(db_->Exec("INSERT INTO t (id, s, d, n) VALUES ($1, $2, $3, $4)",
                          {int64_t{2}, std::string(""), -0.25, big}));
    auto rows = db_->Query("SELECT id, s, d, n FROM t ORDER BY id");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].Int(0), 1);
    EXPECT_EQ((*rows)[0].Text(1), "Иванов Пётр «VIP»");
    EXPECT_DOUBLE_EQ((*rows)[0].Double(2), 2.5);
    EXPECT_TRUE((*rows)[0].IsNull(3));
    EXPECT_EQ((*rows)[1].Int(3), big);
    EXPECT_EQ((*rows)[1].Text(1), "");
    EXPECT_FALSE((*rows)[1].IsNull(1));
}

TEST_P(StoreTest, ParameterUsedTwiceAndOutOfOrder) {
    ASSERT_TRUE(db_->Exec("INSERT INTO t (n, id, s) VALUES ($2, $1, $3)",
                          {int64_t{7}, int64_t{42}, std::string("x")}));
    auto v = db_->QueryValue("SELECT s FROM t WHERE id = $2 AND n = $1 AND n > $2",
                             {int64_t{42}, int64_t{7}});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(Row({*v}).Text(0), "x");
}

TEST_P(StoreTest, ExecCountsChangedRowsAndReturningGivesIds) {
    ASSERT_TRUE(
        db_->ExecScript(GetParam() == Backend::kSqlite
                            ? "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)"
                            : "CREATE TABLE a (id BIGSERIAL PRIMARY KEY, v TEXT)"));
    auto first = db_->QueryValue("INSERT INTO a (v) VALUES ($1) RETURNING id", {std::string("x")});
    auto second = db_->QueryValue("INSERT INTO a (v) VALUES ($1) RETURNING id", {std::string("y")});
    ASSERT_TRUE(first && second);
    EXPECT_EQ(Row({*second}).Int(0), Row({*first}).Int(0) + 1);
    auto changed = db_->Exec("UPDATE a SET v = 'z'");
    ASSERT_TRUE(changed);
    EXPECT_EQ(*changed, 2);
}

TEST_P(StoreTest, OnConflictDoNothing) {
    for (int i = 0; i < 2; ++i) {
        auto n = db_->Exec("INSERT INTO t (id, s) VALUES (1, 'a') ON CONFLICT (id) DO NOTHING");
        ASSERT_TRUE(n) << n.error().message;
        EXPECT_EQ(*n, i == 0 ? 1 : 0);
    }
}

TEST_P(StoreTest, ForEachStopsWhenAsked) {
    for (int64_t i = 0; i < 10; ++i)
        ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {i}));
    int seen = 0;
    ASSERT_TRUE(
        db_->ForEach("SELECT id FROM t ORDER BY id", {}, [&](const Row&) { return ++seen < 3; }));
    EXPECT_EQ(seen, 3);
    auto none = db_->Query("SELECT id FROM t WHERE id < 0");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    auto missing = db_->QueryValue("SELECT id FROM t WHERE id < 0");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, ErrorsAreClassified) {
    auto syntax = db_->Exec("SELEKT 1");
    ASSERT_FALSE(syntax);
    EXPECT_EQ(syntax.error().code, ErrorCode::kDatabase);
    EXPECT_NE(syntax.error().message.find("SELEKT"), std::string::npos) << syntax.error().message;
    ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES (1)"));
    auto dup = db_->Exec("INSERT INTO t (id) VALUES (1)");
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
}

TEST_P(StoreTest, TransactionRollsBackUnlessCommitted) {
    {
        auto tx = Transaction::Start(*db_);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES (1)"));
    }  // destroyed without Commit
    EXPECT_TRUE(db_->Query("SELECT id FROM t")->empty());
    {
        auto tx = Transaction::Start(*db_);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES (2)"));
        ASSERT_TRUE(tx->Commit());
    }
    EXPECT_EQ(db_->Query("SELECT id FROM t")->size(), 1u);
}

TEST_P(StoreTest, MigrateIsIdempotentAndNewerSchemaIsRefused) {
    auto again = Migrate(*db_);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_TRUE(again->applied.empty());
    EXPECT_EQ(again->to_version, LatestSchemaVersion());
    EXPECT_TRUE(CheckSchema(*db_));
    ASSERT_TRUE(db_->Exec("INSERT INTO schema_migrations VALUES ($1, 'future', 0)",
                          {int64_t{LatestSchemaVersion() + 1}}));
    auto refused = Migrate(*db_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kSchemaTooNew);
    auto check = CheckSchema(*db_);
    ASSERT_FALSE(check);
    EXPECT_EQ(check.error().code, ErrorCode::kSchemaTooNew);
    EXPECT_NE(check.error().hint.find("upgrade"), std::string::npos);
}

TEST_P(StoreTest, EveryTableOfTheSchemaTakesARow) {
    constexpr const char* kRows[] = {
        "INSERT INTO contacts (id, name, created_at, updated_at) VALUES (1, 'Иван', 1, 1)",
        "INSERT INTO phones (contact_id, e164, raw, created_at) VALUES (1, '+79161234567', "
        "'8 916 123-45-67', 1)",
        "INSERT INTO tag_categories (id, name, created_at) VALUES (1, 'Сегмент', 1)",
        "INSERT INTO tags (id, category_id, name, created_at) VALUES (1, 1, 'VIP', 1)",
        "INSERT INTO contact_tags (contact_id, tag_id, added_at) VALUES (1, 1, 1)",
        "INSERT INTO field_defs (id, name, type, created_at) VALUES (1, 'Сумма', 'number', 1)",
        "INSERT INTO field_values (contact_id, field_id, value) VALUES (1, 1, '1500')",
        "INSERT INTO history (contact_id, at, actor, action) VALUES (1, 1, 'test', 'created')",
        "INSERT INTO imports (id, file, sha256, size, started_at) VALUES (1, 'a.csv', 'x', 1, 1)",
        "INSERT INTO import_errors (import_id, line, reason) VALUES (1, 2, 'no phone')",
        "INSERT INTO merges (at, actor, kept_id, merged_ids, snapshot) VALUES (1, 't', 1, '[]', "
        "'{}')",
    };
    for (const char* sql : kRows) {
        auto ok = db_->Exec(sql);
        EXPECT_TRUE(ok) << sql << ": " << (ok ? "" : ok.error().message);
    }
    auto bad_status = db_->Exec("UPDATE contacts SET status = 'sleeping' WHERE id = 1");
    EXPECT_FALSE(bad_status);
}

TEST_P(StoreTest, DropIndexGivesTheStatementThatBuildsItAgain) {
    ASSERT_TRUE(db_->ExecScript("CREATE INDEX t_s ON t (s)"));
    auto exists = [&] {
        auto n = db_->QueryValue(GetParam() == Backend::kSqlite
                                     ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 't_s'"
                                     : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 't_s' "
                                       "AND schemaname = current_schema()");
        EXPECT_TRUE(n);
        return n && Row({*n}).Int(0) == 1;
    };
    {
        auto tx = Transaction::Start(*db_);
        ASSERT_TRUE(tx);
        auto sql = db_->DropIndex("t_s");
        ASSERT_TRUE(sql) << sql.error().message;
        EXPECT_NE(sql->find("CREATE INDEX t_s ON"), std::string::npos) << *sql;
        EXPECT_FALSE(exists());
    }  // rolled back: the index is there again
    EXPECT_TRUE(exists());
    auto sql = db_->DropIndex("t_s");
    ASSERT_TRUE(sql);
    EXPECT_FALSE(exists());
    ASSERT_TRUE(db_->ExecScript(*sql));
    EXPECT_TRUE(exists());

    auto injected = db_->DropIndex("t_s; DROP TABLE t");
    ASSERT_FALSE(injected);
    EXPECT_EQ(injected.error().code, ErrorCode::kInvalidInput);
    auto missing = db_->DropIndex("no_such_index");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(exists());
}

TEST_P(StoreTest, BulkModeOnlyWhereTheBackendHasIt) {
    auto entered = db_->EnterBulkMode();
    ASSERT_TRUE(entered) << entered.error().message;
    EXPECT_EQ(*entered, GetParam() == Backend::kSqlite);
    // Writes in bulk mode land and roll back as usual.
    {
        auto tx = Transaction::Start(*db_);
        ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES (1)"));
    }
    {
        auto tx = Transaction::Start(*db_);
        ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES (2)"));
        ASSERT_TRUE(tx->Commit());
    }
    EXPECT_TRUE(db_->LeaveBulkMode());
    auto ids = db_->Query("SELECT id FROM t");
    ASSERT_TRUE(ids);
    ASSERT_EQ(ids->size(), 1u);
    EXPECT_EQ((*ids)[0].Int(0), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

TEST(OpenTest, MissingFolderNotADatabaseAndUnreachableServer) {
    auto missing = Open("/no/such/folder/base.db");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

    auto path = std::filesystem::temp_directory_path() / "callbase-not-a-db.txt";
    std::ofstream(path) << "plain text, not SQLite\n";
    auto text = Open(path.string());
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, ErrorCode::kDatabase);
    std::filesystem::remove(path);

    auto pg = Open("postgresql://user:hunter2@127.0.0.1:1/nowhere?connect_timeout=2");
    ASSERT_FALSE(pg);
    EXPECT_EQ(pg.error().code, ErrorCode::kDatabase);
    EXPECT_NE(pg.error().message.find("127.0.0.1"), std::string::npos) << pg.error().message;
    EXPECT_EQ(pg.error().message.find("hunter2"), std::string::npos) << pg.error().message;
}

// SQLite's bulk mode: a rollback journal and no foreign-key checks while it
// lasts, WAL and foreign keys after; refused while another connection has the
// database open, which then keeps WAL.
TEST(SqliteBulkModeTest, SwitchesTheJournalAndBackOrDeclinesWhenShared) {
    auto path = std::filesystem::temp_directory_path() /
                ("callbase-bulk-" + std::to_string(::getpid()) + ".db");
    auto pragma = [](Store& db, const char* name) {
        auto v = db.QueryValue(fmt::format("PRAGMA {}", name));
        EXPECT_TRUE(v);
        return v ? Row({*v}).Text(0) : std::string();
    };
    {
        auto db = Open(path.string());
        ASSERT_TRUE(db) << db.error().message;
        EXPECT_EQ(pragma(**db, "journal_mode"), "wal");
        auto entered = (*db)->EnterBulkMode();
        ASSERT_TRUE(entered) << entered.error().message;
        EXPECT_TRUE(*entered);
        EXPECT_EQ(pragma(**db, "journal_mode"), "delete");
        EXPECT_EQ(pragma(**db, "foreign_keys"), "0");
        ASSERT_TRUE((*db)->LeaveBulkMode());
        EXPECT_EQ(pragma(**db, "journal_mode"), "wal");
        EXPECT_EQ(pragma(**db, "foreign_keys"), "1");

        auto other = Open(path.string());
        ASSERT_TRUE(other);
        EXPECT_EQ(pragma(**other, "journal_mode"), "wal");  // the other connection reads
        auto shared = (*db)->EnterBulkMode();
        ASSERT_TRUE(shared) << shared.error().message;
        EXPECT_FALSE(*shared);
        EXPECT_EQ(pragma(**db, "journal_mode"), "wal");
        EXPECT_EQ(pragma(**db, "foreign_keys"), "1");
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(path.string() + suffix);
}

TEST(SqliteReadSnapshotTest, ReadsInsideSeeOneMomentAndTheNextSeesTheChange) {
    auto path = std::filesystem::temp_directory_path() /
                ("callbase-snapshot-" + std::to_string(::getpid()) + ".db");
    {
        auto reader = Open(path.string());
        auto writer = Open(path.string());
        ASSERT_TRUE(reader && writer);
        ASSERT_TRUE((*writer)->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
        auto count = [&] {
            auto v = (*reader)->QueryValue("SELECT COUNT(*) FROM t");
            EXPECT_TRUE(v);
            return v ? Row({*v}).Int(0) : -1;
        };
        {
            auto snapshot = ReadSnapshot::Start(**reader);
            ASSERT_TRUE(snapshot) << snapshot.error().message;
            EXPECT_EQ(count(), 0);
            ASSERT_TRUE((*writer)->Exec("INSERT INTO t (id) VALUES (1)", {}));
            EXPECT_EQ(count(), 0) << "a read inside the snapshot saw a later commit";
        }
        EXPECT_EQ(count(), 1) << "the read after the snapshot did not see the commit";
        // The snapshot ended: the reader's connection is free for a transaction.
        auto tx = Transaction::Start(**reader);
        ASSERT_TRUE(tx) << tx.error().message;
        ASSERT_TRUE((*reader)->Exec("INSERT INTO t (id) VALUES (2)", {}));
        ASSERT_TRUE(tx->Commit());
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix);
}

// Kept snapshots (the server's screen pop): taken up again while nothing was
// written through this process and they are young; a write through this
// process is seen at once, one from outside (a raw connection here) within
// the age; any other use of the Store ends the kept snapshot first.
TEST(SqliteReadSnapshotTest, KeptSnapshotsSeeThisProcessAtOnceAndOthersWithinTheirAge) {
    auto path = std::filesystem::temp_directory_path() /
                ("callbase-kept-" + std::to_string(::getpid()) + ".db");
    {
        auto reader = Open(path.string());
        auto writer = Open(path.string());
        ASSERT_TRUE(reader && writer);
        ASSERT_TRUE((*writer)->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
        (*reader)->KeepSnapshots(std::chrono::milliseconds(300));
        sqlite3* outside = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &outside), SQLITE_OK);
        auto outside_insert = [&](int id) {
            const std::string sql = fmt::format("INSERT INTO t (id) VALUES ({})", id);
            ASSERT_EQ(sqlite3_exec(outside, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        };
        auto snapshot_count = [&] {
            auto snapshot = ReadSnapshot::Start(**reader);
            EXPECT_TRUE(snapshot);
            auto v = (*reader)->QueryValue("SELECT COUNT(*) FROM t");
            EXPECT_TRUE(v);
            return v ? Row({*v}).Int(0) : -1;
        };
        EXPECT_EQ(snapshot_count(), 0);
        ASSERT_TRUE((*writer)->Exec("INSERT INTO t (id) VALUES (1)", {}));
        EXPECT_EQ(snapshot_count(), 1) << "a write through this process is seen at once";
        outside_insert(2);
        EXPECT_EQ(snapshot_count(), 1) << "the kept snapshot was taken up again";
        std::this_thread::sleep_for(std::chrono::milliseconds(350));
        EXPECT_EQ(snapshot_count(), 2) << "an outside write is seen once the snapshot is old";
        outside_insert(3);
        EXPECT_EQ(snapshot_count(), 2);
        auto plain = (*reader)->QueryValue("SELECT COUNT(*) FROM t");
        ASSERT_TRUE(plain);
        EXPECT_EQ(Row({*plain}).Int(0), 3) << "a read outside a snapshot ended the kept one";
        // Ended: the connection can write, and an idle end leaves nothing open.
        EXPECT_EQ(snapshot_count(), 3);
        (*reader)->EndKeptSnapshot(false);
        auto tx = Transaction::Start(**reader);
        ASSERT_TRUE(tx) << tx.error().message;
        ASSERT_TRUE(tx->Commit());
        sqlite3_close(outside);
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace callbase::store
