// The audit log on both backends: the chain, verify against every kind of
// tampering an attacker with database access can do (after dropping the
// append-only triggers, as such an attacker would), anchoring the head,
// concurrent appenders, listing.
#include "security/audit.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <thread>

#include "support/test_store.h"

namespace callbase::security {
namespace {

using store::Backend;

class AuditTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_TRUE(db_);
        log_ = std::make_unique<AuditLog>(*db_, clock_);
    }

    int64_t Add(const std::string& actor, const std::string& action, const std::string& records,
                const std::string& detail = "") {
        auto id = log_->Append({actor, action, "contacts", records, "cli:desk-7", detail});
        EXPECT_TRUE(id) << id.error().message;
        clock_.Advance(60);
        return id.value_or(0);
    }

    // Five records, ids 1..5.
    void AddFive() {
        Add("olga", "read", "contact:42");
        Add("olga", "change", "contact:42", "status: new -> called");
        Add("ivan", "copy", "+79161234567");
        Add("ivan", "export", "", "filter: tag=vip, 120 rows");
        Add("anna", "login", "");
    }

    // What an attacker with write access to the database does first.
    void DropTriggers() {
        auto ok = testing::DropAuditGuards(*db_);
        ASSERT_TRUE(ok) << ok.error().message;
    }

    void Sql(const std::string& sql) {
        auto ok = db_->ExecScript(sql);
        ASSERT_TRUE(ok) << sql << ": " << ok.error().message;
    }

    AuditRecord Record(int64_t id) {
        AuditLog::Filter all;
        all.limit = 1000;
        auto records = log_->List(all);
        EXPECT_TRUE(records) << records.error().message;
        for (auto& r : records.value_or(std::vector<AuditRecord>{}))
            if (r.id == id) return r;
        ADD_FAILURE() << "no record " << id;
        return {};
    }

    int64_t Count() {
        return store::Row({db_->QueryValue("SELECT COUNT(*) FROM audit_log").value()}).Int(0);
    }

    ChainBreak Broken(const std::optional<Anchor>& anchor = std::nullopt) {
        auto check = log_->Inspect(anchor);
        EXPECT_TRUE(check) << check.error().message;
        if (!check || !check->broken) {
            ADD_FAILURE() << "the chain was found intact";
            return {};
        }
        return *check->broken;
    }

    std::unique_ptr<store::Store> db_;
    FixedClock clock_{1795413600};  // 2026-11-23 06:00 UTC, a Monday
    std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditTest, AppendsAChainThatVerifies) {
    auto empty = log_->Verify();
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_EQ(empty->records, 0);
    EXPECT_EQ(empty->head, "");
    EXPECT_EQ(log_->Head().value(), "");

    AddFive();
    auto r1 = Record(1);
    EXPECT_EQ(r1.prev_hash, kGenesisHash);
    EXPECT_EQ(r1.at, 1795413600);
    EXPECT_EQ(r1.actor, "olga");
    EXPECT_EQ(r1.records, "contact:42");
    EXPECT_EQ(r1.source, "cli:desk-7");
    EXPECT_EQ(r1.hash, RecordHash(r1));
    for (int64_t id = 2; id <= 5; ++id)
        EXPECT_EQ(Record(id).prev_hash, Record(id - 1).hash) << id;

    auto report = log_->Verify();
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->records, 5);
    EXPECT_EQ(report->head_id, 5);
    EXPECT_EQ(report->head, Record(5).hash);
    EXPECT_EQ(log_->Head().value(), "5:" + Record(5).hash);
}

TEST_P(AuditTest, RefusesABadEventAndWritesNothing) {
    auto bad = log_->Append({"olga", "steal", "contacts", "contact:1", "cli", ""});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(bad.error().hint.find("login_failed"), std::string::npos) << bad.error().hint;
    EXPECT_FALSE(log_->Append({"", "read", "contacts", "contact:1", "cli", ""}));
    EXPECT_FALSE(log_->Append({"olga", "read", "contacts", "contact:1", "", ""}));
    EXPECT_EQ(Count(), 0);
    EXPECT_EQ(Add("olga", "read", "contact:1"), 1);
}

TEST_P(AuditTest, ABatchAppendsInOrderAndTheChainVerifies) {
    ASSERT_TRUE(log_->Append({"olga", "login", "", "", "api:10.0.0.1", ""}));
    std::vector<AuditEvent> batch;
    for (int i = 0; i < 50; ++i) {
        batch.push_back({"olga", "read", "GET /api/v1/lookup", "contact:" + std::to_string(i),
                         "api:10.0.0.1", "status 200"});
    }
    {
        auto tx = store::Transaction::Start(*db_);
        ASSERT_TRUE(tx);
        EXPECT_EQ(log_->AppendAllWithin(batch).value(), 51);
        ASSERT_TRUE(tx->Commit());
    }
    auto report = log_->Verify();
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->records, 51);
    EXPECT_EQ(Record(2).records, "contact:0");
    EXPECT_EQ(Record(51).records, "contact:49");
    batch[7].action = "steal";
    auto tx = store::Transaction::Start(*db_);
    ASSERT_TRUE(tx);
    EXPECT_FALSE(log_->AppendAllWithin(batch)) << "one bad event refuses the batch";
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(Count(), 51);
}

TEST_P(AuditTest, AppendWithinLandsOrNotWithTheCallersTransaction) {
    {
        auto tx = store::Transaction::Start(*db_);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(log_->AppendWithin({"olga", "delete", "contacts", "contact:9", "cli", ""}));
        // No commit: the change and its record go together.
    }
    EXPECT_EQ(Count(), 0);
    {
        auto tx = store::Transaction::Start(*db_);
        ASSERT_TRUE(tx);
        EXPECT_EQ(
            log_->AppendWithin({"olga", "merge", "contacts", "contact:1,contact:2", "cli", ""})
                .value(),
            1);  // a rolled-back append leaves no gap
        ASSERT_TRUE(tx->Commit());
    }
    EXPECT_EQ(Add("olga", "read", "contact:1"), 2);
    auto report = log_->Verify();
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->records, 2);
}

TEST_P(AuditTest, TheDatabaseRefusesUpdatesAndDeletes) {
    AddFive();
    auto update = db_->Exec("UPDATE audit_log SET detail = 'nothing' WHERE id = 2");
    ASSERT_FALSE(update);
    EXPECT_NE(update.error().message.find("append-only"), std::string::npos)
        << update.error().message;
    auto del = db_->Exec("DELETE FROM audit_log WHERE id = 5");
    ASSERT_FALSE(del);
    EXPECT_NE(del.error().message.find("append-only"), std::string::npos) << del.error().message;
    if (GetParam() == Backend::kPostgres) {
        EXPECT_FALSE(db_->Exec("TRUNCATE audit_log"));
    }
    EXPECT_EQ(Count(), 5);
    EXPECT_EQ(Record(2).detail, "status: new -> called");
    EXPECT_TRUE(log_->Verify());
}

TEST_P(AuditTest, VerifyNamesAnEditedRecord) {
    AddFive();
    DropTriggers();
    Sql("UPDATE audit_log SET records = '+79990000000' WHERE id = 3");
    auto verify = log_->Verify();
    ASSERT_FALSE(verify);
    EXPECT_EQ(verify.error().code, ErrorCode::kConflict);
    EXPECT_NE(verify.error().message.find("record 3 was edited"), std::string::npos)
        << verify.error().message;
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kEdited);
    EXPECT_EQ(b.record_id, 3);

    // Verifying changes nothing, and auditing goes on: the break stays where it is.
    EXPECT_EQ(Record(3).records, "+79990000000");
    EXPECT_EQ(Count(), 5);
    Add("olga", "read", "contact:7");
    EXPECT_EQ(Broken().record_id, 3);
}

TEST_P(AuditTest, VerifyNamesAnEditedTimeOrActor) {
    AddFive();
    DropTriggers();
    Sql("UPDATE audit_log SET at = at + 3600 WHERE id = 4");
    EXPECT_EQ(Broken().record_id, 4);
    Sql("UPDATE audit_log SET at = at - 3600 WHERE id = 4");
    EXPECT_TRUE(log_->Verify());
    Sql("UPDATE audit_log SET actor = 'anna' WHERE id = 2");
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kEdited);
    EXPECT_EQ(b.record_id, 2);
}

TEST_P(AuditTest, AnEditWithItsHashRecomputedBreaksTheNextLink) {
    AddFive();
    DropTriggers();
    AuditRecord r = Record(3);
    r.records = "+79990000000";
    Sql(fmt::format("UPDATE audit_log SET records = '{}', hash = '{}' WHERE id = 3", r.records,
                    RecordHash(r)));
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kRelinked);
    EXPECT_EQ(b.record_id, 4);
    EXPECT_NE(b.message.find("record 4 does not follow record 3"), std::string::npos) << b.message;
}

TEST_P(AuditTest, VerifyNamesTheRecordAfterADeletedOne) {
    AddFive();
    DropTriggers();
    Sql("DELETE FROM audit_log WHERE id = 3");
    auto verify = log_->Verify();
    ASSERT_FALSE(verify);
    EXPECT_NE(verify.error().message.find("record 3 is missing before record 4"), std::string::npos)
        << verify.error().message;
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kMissing);
    EXPECT_EQ(b.record_id, 4);
}

TEST_P(AuditTest, VerifyCatchesTheFirstRecordsDeleted) {
    AddFive();
    DropTriggers();
    Sql("DELETE FROM audit_log WHERE id <= 2");
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kMissing);
    EXPECT_EQ(b.record_id, 3);
    EXPECT_NE(b.message.find("records 1–2 are missing before record 3"), std::string::npos)
        << b.message;
}

TEST_P(AuditTest, VerifyCatchesTwoSwappedRecords) {
    AddFive();
    DropTriggers();
    Sql("UPDATE audit_log SET id = -3 WHERE id = 3");
    Sql("UPDATE audit_log SET id = 3 WHERE id = 4");
    Sql("UPDATE audit_log SET id = 4 WHERE id = -3");
    auto verify = log_->Verify();
    ASSERT_FALSE(verify);
    EXPECT_NE(verify.error().message.find("record 3 is out of order"), std::string::npos)
        << verify.error().message;
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kOutOfOrder);
    EXPECT_EQ(b.record_id, 3);
    EXPECT_NE(b.message.find("written as number 4"), std::string::npos) << b.message;
}

TEST_P(AuditTest, VerifyCatchesADeletionHiddenByRenumbering) {
    AddFive();
    DropTriggers();
    Sql("DELETE FROM audit_log WHERE id = 2");
    Sql("UPDATE audit_log SET id = -id WHERE id > 2");
    Sql("UPDATE audit_log SET id = -id - 1 WHERE id < 0");
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kOutOfOrder);
    EXPECT_EQ(b.record_id, 2);
    EXPECT_NE(b.message.find("written as number 3"), std::string::npos) << b.message;
}

TEST_P(AuditTest, TruncatingTheTailIsCaughtOnlyWithAnAnchor) {
    AddFive();
    auto head = log_->Head();
    ASSERT_TRUE(head);
    auto anchor = ParseAnchor(*head);
    ASSERT_TRUE(anchor) << anchor.error().message;
    EXPECT_EQ(anchor->id, 5);

    auto intact = log_->Inspect(*anchor);
    ASSERT_TRUE(intact);
    EXPECT_FALSE(intact->broken);
    EXPECT_TRUE(intact->anchor_checked);

    DropTriggers();
    Sql("DELETE FROM audit_log WHERE id >= 4");
    // What is left is a valid chain: without the anchor nothing shows.
    auto verify = log_->Verify();
    ASSERT_TRUE(verify);
    EXPECT_EQ(verify->records, 3);
    auto b = Broken(*anchor);
    EXPECT_EQ(b.kind, ChainBreak::Kind::kAnchorMissing);
    EXPECT_EQ(b.record_id, 4);
    EXPECT_NE(b.message.find("records 4–5 are missing"), std::string::npos) << b.message;
}

TEST_P(AuditTest, ARewrittenChainIsCaughtByTheAnchor) {
    AddFive();
    auto anchor = ParseAnchor(log_->Head().value()).value();
    DropTriggers();
    // The attacker edits record 2 and recomputes every hash after it.
    std::string prev = Record(1).hash;
    for (int64_t id = 2; id <= 5; ++id) {
        AuditRecord r = Record(id);
        if (id == 2) r.detail = "status: new -> new";
        r.prev_hash = prev;
        r.hash = RecordHash(r);
        Sql(
            fmt::format("UPDATE audit_log SET detail = '{}', prev_hash = '{}', hash = '{}' "
                        "WHERE id = {}",
                        r.detail, r.prev_hash, r.hash, id));
        prev = r.hash;
    }
    EXPECT_TRUE(log_->Verify());  // a consistent forgery: the limit of an unkeyed chain
    auto b = Broken(anchor);
    EXPECT_EQ(b.kind, ChainBreak::Kind::kAnchorMismatch);
    EXPECT_EQ(b.record_id, 5);
}

TEST_P(AuditTest, ConcurrentAppendersKeepOneChain) {
    AddFive();
    auto second = testing::OpenSecondConnection(*db_);
    ASSERT_TRUE(second);
    constexpr int kEach = 100;
    auto append = [](store::Store& db, const std::string& actor, int* failures) {
        SystemClock clock;
        AuditLog log(db, clock);
        for (int i = 0; i < kEach; ++i) {
            auto id =
                log.Append({actor, "read", "contacts", fmt::format("contact:{}", i), "cli", ""});
            if (!id) {
                ++*failures;
                fmt::print(stderr, "{}\n", id.error().message);
            }
        }
    };
    int failures_a = 0, failures_b = 0;
    std::thread a(append, std::ref(*db_), "thread-a", &failures_a);
    std::thread b(append, std::ref(*second), "thread-b", &failures_b);
    a.join();
    b.join();
    EXPECT_EQ(failures_a, 0);
    EXPECT_EQ(failures_b, 0);

    auto report = log_->Verify();
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->records, 5 + 2 * kEach);
    EXPECT_EQ(report->head_id, 5 + 2 * kEach);
    for (const char* actor : {"thread-a", "thread-b"}) {
        AuditLog::Filter f;
        f.actor = actor;
        f.limit = 1000;
        EXPECT_EQ(log_->List(f).value().size(), static_cast<size_t>(kEach)) << actor;
    }
}

TEST_P(AuditTest, ListFiltersNewestFirst) {
    AddFive();  // at 06:00, 06:01, ..., 06:04 UTC
    AuditLog::Filter f;
    auto all = log_->List(f).value();
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all.front().id, 5);
    EXPECT_EQ(all.back().id, 1);

    f.actor = "ivan";
    auto ivan = log_->List(f).value();
    ASSERT_EQ(ivan.size(), 2u);
    EXPECT_EQ(ivan[0].action, "export");
    EXPECT_EQ(ivan[1].action, "copy");

    f = {};
    f.action = "change";
    ASSERT_EQ(log_->List(f).value().size(), 1u);

    f = {};
    f.from = 1795413600 + 60;  // from <= at < to
    f.to = 1795413600 + 180;
    auto window = log_->List(f).value();
    ASSERT_EQ(window.size(), 2u);
    EXPECT_EQ(window[0].id, 3);
    EXPECT_EQ(window[1].id, 2);

    f = {};
    f.limit = 2;
    EXPECT_EQ(log_->List(f).value().size(), 2u);
    f.limit = 0;
    EXPECT_EQ(log_->List(f).error().code, ErrorCode::kInvalidInput);
    f = {};
    f.action = "steal";
    EXPECT_EQ(log_->List(f).error().code, ErrorCode::kInvalidInput);
}

TEST_P(AuditTest, VerifyPagesThroughALargerLogWithProgress) {
    // A valid chain written straight into the table, 1,000 rows a statement
    // (an append at a time would take the test too long on PostgreSQL).
    constexpr int64_t kRecords = kProgressStep + 5'000;  // eleven pages, the last one partial
    std::string prev = kGenesisHash;
    for (int64_t first = 1; first <= kRecords; first += 1000) {
        std::string sql =
            "INSERT INTO audit_log (id, at, actor, action, object, records, source, detail, "
            "prev_hash, hash) VALUES ";
        for (int64_t id = first; id < first + 1000 && id <= kRecords; ++id) {
            AuditRecord r{id,
                          1795413600 + id,
                          "bulk",
                          "read",
                          "contacts",
                          fmt::format("contact:{}", id),
                          "api:10.0.0.1",
                          "",
                          prev,
                          ""};
            r.hash = RecordHash(r);
            sql += fmt::format("{}({}, {}, '{}', '{}', '{}', '{}', '{}', '', '{}', '{}')",
                               id == first ? "" : ", ", r.id, r.at, r.actor, r.action, r.object,
                               r.records, r.source, r.prev_hash, r.hash);
            prev = r.hash;
        }
        Sql(sql);
    }
    std::vector<int64_t> seen;
    auto check = log_->Inspect(std::nullopt, [&](int64_t n) { seen.push_back(n); });
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_FALSE(check->broken) << check->broken->message;
    EXPECT_EQ(check->records, kRecords);
    EXPECT_EQ(check->head, prev);
    EXPECT_EQ(seen, (std::vector<int64_t>{kProgressStep, kRecords}));

    // A gap at a page boundary is still a gap.
    DropTriggers();
    Sql("DELETE FROM audit_log WHERE id = 10001");
    auto b = Broken();
    EXPECT_EQ(b.kind, ChainBreak::Kind::kMissing);
    EXPECT_EQ(b.record_id, 10002);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

// The encoding the README documents, built byte by byte: a change to RecordHash
// that would orphan every stored chain fails here.
TEST(AuditRecordHash, IsBlake2bOverTheDocumentedEncoding) {
    AuditRecord r{7,     1795413600, "olga",       "copy", "contacts", "+79161234567",
                  "cli", "x",        kGenesisHash, ""};
    std::string bytes;
    auto u64 = [&](uint64_t v) {
        for (int i = 7; i >= 0; --i)
            bytes.push_back(static_cast<char>(v >> (8 * i) & 0xff));
    };
    auto field = [&](const std::string& s) {
        u64(s.size());
        bytes += s;
    };
    field("callbase.audit.v1");
    field(r.prev_hash);
    u64(7);
    u64(1795413600);
    for (const auto& s : {r.actor, r.action, r.object, r.records, r.source, r.detail})
        field(s);
    std::array<unsigned char, 32> digest;
    crypto_generichash(digest.data(), digest.size(),
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr,
                       0);
    std::string hex(65, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();
    EXPECT_EQ(RecordHash(r), hex);
}

TEST(AuditRecordHash, FieldBoundariesAndTheIdCount) {
    AuditRecord a{1, 100, "ab", "c", "", "", "cli", "", kGenesisHash, ""};
    AuditRecord b = a;
    b.actor = "a";
    b.action = "bc";
    EXPECT_NE(RecordHash(a), RecordHash(b));
    AuditRecord c = a;
    c.id = 2;
    EXPECT_NE(RecordHash(a), RecordHash(c));
    EXPECT_EQ(RecordHash(a), RecordHash(AuditRecord(a)));
}

TEST(AuditParseAnchor, ReadsWhatHeadPrints) {
    const std::string hash(64, 'a');
    auto a = ParseAnchor("42:" + hash);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->id, 42);
    EXPECT_EQ(a->hash, hash);
    EXPECT_EQ(ParseAnchor("42:" + std::string(64, 'A')).value().hash, hash);
    for (const std::string& bad :
         std::vector<std::string>{"", "42", ":" + hash, "0:" + hash, "x:" + hash,
                                  "42:" + hash.substr(1), "42:" + std::string(64, 'g')}) {
        EXPECT_FALSE(ParseAnchor(bad)) << bad;
    }
}

}  // namespace
}  // namespace callbase::security
