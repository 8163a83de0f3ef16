// The scheduled verify (ChainWatch) on both backends: it anchors each run on
// the head of the last intact one, so a tail cut between two runs is caught
// and its records named; a break is recorded once and shown as an alert.
#include "security/audit_watch.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_store.h"

namespace callbase::security {
namespace {

using store::Backend;

class ChainWatchTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_TRUE(db_);
        log_ = std::make_unique<AuditLog>(*db_, clock_);
    }
    void Add(int n) {
        for (int i = 0; i < n; ++i) {
            ASSERT_TRUE(log_->Append({"olga", "read", "contacts", "contact:42", "cli:desk-7", ""}));
            clock_.Advance(60);
        }
    }
    // What an attacker with write access to the database does first.
    void DropTriggers() {
        auto ok = testing::DropAuditGuards(*db_);
        ASSERT_TRUE(ok) << ok.error().message;
    }
    std::vector<Alert> ChainAlerts() {
        auto alerts = log_->Alerts(0);
        EXPECT_TRUE(alerts) << alerts.error().message;
        std::vector<Alert> out;
        for (auto& a : alerts.value_or(std::vector<Alert>{}))
            if (a.rule == kChainAlertRule) out.push_back(a);
        return out;
    }

    FixedClock clock_{1'780'000'000};
    std::unique_ptr<store::Store> db_;
    std::unique_ptr<AuditLog> log_;
};

TEST_P(ChainWatchTest, ATailCutBetweenTwoRunsIsCaughtNamedAndAlertedOnce) {
    Add(10);
    ChainWatch watch(*db_, clock_);
    auto first = watch.Run();
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_FALSE(first->broken);
    ASSERT_TRUE(watch.anchor());
    EXPECT_EQ(watch.anchor()->id, 10);
    EXPECT_TRUE(ChainAlerts().empty());

    Add(2);  // records 11 and 12 come, then the attacker cuts 9..12
    ASSERT_TRUE(watch.Run());
    EXPECT_EQ(watch.anchor()->id, 12);
    DropTriggers();
    ASSERT_TRUE(db_->Exec("DELETE FROM audit_log WHERE id >= 9"));
    ASSERT_TRUE(log_->Verify()) << "what is left is a valid chain";

    auto cut = watch.Run();
    ASSERT_TRUE(cut) << cut.error().message;
    ASSERT_TRUE(cut->broken);
    EXPECT_EQ(cut->broken->kind, ChainBreak::Kind::kAnchorMissing);
    EXPECT_EQ(cut->broken->first_missing, 9);
    EXPECT_EQ(cut->broken->last_missing, 12);
    EXPECT_NE(cut->broken->message.find("records 9–12 are missing"), std::string::npos)
        << cut->broken->message;
    auto alerts = ChainAlerts();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].actor, kChainAlertActor);
    EXPECT_NE(alerts[0].detail.find("records 9–12 are missing"), std::string::npos)
        << alerts[0].detail;

    // The log goes on after the cut (the alert itself is record 9 now); the
    // same break, found again, is not recorded again.
    Add(5);
    auto again = watch.Run();
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->broken);
    EXPECT_EQ(ChainAlerts().size(), 1u);
}

TEST_P(ChainWatchTest, AnEditedRecordIsAlerted) {
    Add(5);
    ChainWatch watch(*db_, clock_);
    ASSERT_TRUE(watch.Run());
    DropTriggers();
    ASSERT_TRUE(db_->Exec("UPDATE audit_log SET records = 'contact:43' WHERE id = 3"));
    auto edited = watch.Run();
    ASSERT_TRUE(edited);
    ASSERT_TRUE(edited->broken);
    EXPECT_EQ(edited->broken->kind, ChainBreak::Kind::kEdited);
    auto alerts = ChainAlerts();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_NE(alerts[0].detail.find("record 3 was edited"), std::string::npos) << alerts[0].detail;
}

INSTANTIATE_TEST_SUITE_P(Backends, ChainWatchTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::security
