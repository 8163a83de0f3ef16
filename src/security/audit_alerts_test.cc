// Alert rules: the burst thresholds fire at exactly N events within 60
// minutes and not at N - 1 or over 60 minutes; working hours in the configured
// offset; the rules as JSON, where anything wrong is refused and nothing saved.
#include "security/audit_alerts.h"

#include <gtest/gtest.h>

#include "security/audit.h"
#include "support/test_store.h"

namespace callbase::security {
namespace {

using store::Backend;

constexpr UnixSeconds kMonday0600Utc = 1795413600;  // 2026-11-23 09:00 in Moscow (UTC+3)

std::vector<Alert> Burst(int threshold, const std::vector<UnixSeconds>& times,
                         UnixSeconds report_from = 0) {
    BurstCounter counter("copies_per_hour", "copies", threshold, report_from);
    int64_t id = 0;
    for (UnixSeconds t : times)
        counter.Add(++id, "olga", t);
    return counter.Take();
}

TEST(AuditBurstCounter, FiresAtExactlyTheThresholdWithinAnHour) {
    const UnixSeconds t = kMonday0600Utc;
    auto five = Burst(5, {t, t + 600, t + 1200, t + 1800, t + 3599});
    ASSERT_EQ(five.size(), 1u);
    EXPECT_EQ(five[0].actor, "olga");
    EXPECT_EQ(five[0].at, t + 3599);  // when the threshold was reached
    EXPECT_EQ(five[0].record_ids, (std::vector<int64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(five[0].detail, "5 copies in 60 min (threshold: 5 within 60 min)");

    EXPECT_TRUE(Burst(5, {t, t + 600, t + 1200, t + 1800}).empty());            // 4
    EXPECT_TRUE(Burst(5, {t, t + 600, t + 1200, t + 1800, t + 3600}).empty());  // 60 min apart
    EXPECT_EQ(Burst(5, {t, t, t, t, t}).size(), 1u);                            // same second
    EXPECT_EQ(Burst(4, {t, t + 600, t + 1200, t + 1800}).size(), 1u);           // configurable
    EXPECT_TRUE(Burst(0, {t, t, t, t, t, t, t, t}).empty());                    // 0: off
}

TEST(AuditBurstCounter, OneAlertPerBurstAndANewOneAfterAPause) {
    const UnixSeconds t = kMonday0600Utc;
    std::vector<UnixSeconds> times;
    for (int i = 0; i < 8; ++i)
        times.push_back(t + i * 60);  // 8 copies in 7 minutes: one alert
    for (int i = 0; i < 5; ++i)
        times.push_back(t + 4 * 3600 + i * 60);  // 5 more, four hours on: another
    auto alerts = Burst(5, times);
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[0].record_ids.size(), 8u);
    EXPECT_EQ(alerts[0].at, t + 4 * 60);
    EXPECT_EQ(alerts[1].record_ids, (std::vector<int64_t>{9, 10, 11, 12, 13}));
}

TEST(AuditBurstCounter, CountsEachActorApart) {
    BurstCounter counter("copies_per_hour", "copies", 3, 0);
    const UnixSeconds t = kMonday0600Utc;
    counter.Add(1, "ivan", t);
    counter.Add(2, "ivan", t + 10);
    counter.Add(3, "olga", t + 20);  // ordered by actor: ivan's two, then olga's
    counter.Add(4, "olga", t + 30);
    EXPECT_TRUE(counter.Take().empty());
}

TEST(AuditBurstCounter, ReportsOnlyBurstsThatReachTheThresholdFromReportFrom) {
    const UnixSeconds t = kMonday0600Utc;
    // Reached before report_from: dropped. Reached after it, with events before: kept.
    EXPECT_TRUE(Burst(3, {t, t + 10, t + 20}, t + 21).empty());
    auto straddling = Burst(3, {t, t + 10, t + 20}, t + 15);
    ASSERT_EQ(straddling.size(), 1u);
    EXPECT_EQ(straddling[0].record_ids.size(), 3u);
}

TEST(AuditWorkingHours, EdgesInTheConfiguredOffset) {
    AlertRules r;                                          // 09:00-20:00 Monday to Friday, UTC+3
    EXPECT_FALSE(OutsideWorkingHours(r, kMonday0600Utc));  // Mon 09:00
    EXPECT_TRUE(OutsideWorkingHours(r, kMonday0600Utc - 60));                     // Mon 08:59
    EXPECT_FALSE(OutsideWorkingHours(r, kMonday0600Utc + 11 * 3600 - 60));        // 19:59
    EXPECT_TRUE(OutsideWorkingHours(r, kMonday0600Utc + 11 * 3600));              // 20:00
    EXPECT_TRUE(OutsideWorkingHours(r, kMonday0600Utc + 5 * 86400 + 3 * 3600));   // Sat 12:00
    EXPECT_FALSE(OutsideWorkingHours(r, kMonday0600Utc + 4 * 86400 + 3 * 3600));  // Fri 12:00
    r.utc_offset_minutes = 0;  // 06:00 UTC is before 09:00 UTC
    EXPECT_TRUE(OutsideWorkingHours(r, kMonday0600Utc));
    // 23:30 UTC on Sunday is 02:30 on Monday at UTC+3: outside by the hour, not the day.
    r.utc_offset_minutes = 180;
    r.work_start_minute = 0;
    r.work_end_minute = 24 * 60;
    EXPECT_FALSE(OutsideWorkingHours(r, kMonday0600Utc - 6 * 3600 - 30 * 60));
    EXPECT_TRUE(OutsideWorkingHours(r, kMonday0600Utc - 9 * 3600 - 30 * 60));  // Sun 23:30
}

TEST(AuditAlertJson, RoundTripsAndRefusesWhatIsWrong) {
    AlertRules r;
    auto same = ApplyAlertJson(AlertRules{}, AlertRulesJson(r));
    ASSERT_TRUE(same) << same.error().message;
    EXPECT_EQ(AlertRulesJson(*same), AlertRulesJson(r));

    auto changed = ApplyAlertJson(
        r, R"({"copies_per_hour": 3, "working_hours_start": "08:30", "working_days": ["sat"],
               "utc_offset_minutes": -300, "off_hours_actions": ["export", "delete"]})");
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_EQ(changed->copies_per_hour, 3);
    EXPECT_EQ(changed->failed_logins_per_hour, 5);  // untouched fields keep their values
    EXPECT_EQ(changed->work_start_minute, 8 * 60 + 30);
    EXPECT_EQ(changed->work_days, 1 << 5);
    EXPECT_EQ(changed->utc_offset_minutes, -300);
    EXPECT_EQ(changed->off_hours_actions, (std::vector<std::string>{"export", "delete"}));

    for (const char* bad :
         {"", "[]", "{", R"({"copies_per_hour": "many"})", R"({"copies_per_hour": -1})",
          R"({"copy_per_hour": 5})", R"({"working_hours_start": "9"})",
          R"({"working_hours_start": "21:00"})", R"({"working_hours_end": "25:00"})",
          R"({"working_days": []})", R"({"working_days": ["moon"]})",
          R"({"utc_offset_minutes": 900})", R"({"off_hours_actions": ["steal"]})",
          R"({"off_hours_actions": "export"})"}) {
        auto result = ApplyAlertJson(r, bad);
        EXPECT_FALSE(result) << bad;
        if (!result) {
            EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput) << bad;
        }
    }
}

class AuditAlertsTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_TRUE(db_);
        log_ = std::make_unique<AuditLog>(*db_, clock_);
    }

    int64_t At(UnixSeconds at, const std::string& actor, const std::string& action) {
        clock_.Set(at);
        auto id = log_->Append({actor, action, "contacts", "+79161234567", "cli", ""});
        EXPECT_TRUE(id) << id.error().message;
        return id.value_or(0);
    }

    std::vector<Alert> Fired(const std::string& rule, UnixSeconds since = 0) {
        auto alerts = log_->Alerts(since);
        EXPECT_TRUE(alerts) << alerts.error().message;
        std::vector<Alert> out;
        for (auto& a : alerts.value_or(std::vector<Alert>{}))
            if (a.rule == rule) out.push_back(a);
        return out;
    }

    std::string SavedRow() {
        auto rows = db_->Query(
            "SELECT value, updated_at, updated_by FROM settings WHERE name = 'audit_alerts'");
        if (!rows || rows->empty()) return "";
        return rows->front().Text(0) + "|" + rows->front().Text(1) + "|" + rows->front().Text(2);
    }

    std::unique_ptr<store::Store> db_;
    FixedClock clock_{kMonday0600Utc};
    std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditAlertsTest, CopiesAtTheThresholdFireAndBelowDoNot) {
    const UnixSeconds t = kMonday0600Utc + 3600;  // Monday 10:00 local
    std::vector<int64_t> olga;
    for (int i = 0; i < 5; ++i)
        olga.push_back(At(t + i * 890, "olga", "copy"));  // 5 within 59 min 20 s
    for (int i = 0; i < 4; ++i)
        At(t + i * 60, "ivan", "copy");  // 4: below
    for (int i = 0; i < 5; ++i)
        At(t + i * 900, "anna", "copy");  // 5, but the last exactly 60 minutes after the first
    At(t, "ivan", "read");                // other actions do not count

    auto alerts = Fired("copies_per_hour");
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].actor, "olga");
    EXPECT_EQ(alerts[0].record_ids, olga);
    EXPECT_EQ(alerts[0].at, t + 4 * 890);
    EXPECT_TRUE(Fired("copies_per_hour", t + 4 * 890 + 1).empty());  // since: after it fired

    ASSERT_TRUE(SaveAlertSettings(*db_, R"({"copies_per_hour": 4})", "dpo", clock_));
    auto four = Fired("copies_per_hour");
    ASSERT_EQ(four.size(), 3u);  // ivan now, anna within any 60 minutes, olga
}

TEST_P(AuditAlertsTest, FailedLoginsAtTheThresholdFire) {
    const UnixSeconds t = kMonday0600Utc;
    for (int i = 0; i < 4; ++i)
        At(t + i * 60, "pavel", "login_failed");
    EXPECT_TRUE(Fired("failed_logins_per_hour").empty());
    At(t + 3599, "pavel", "login_failed");
    auto alerts = Fired("failed_logins_per_hour");
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].actor, "pavel");
    EXPECT_EQ(alerts[0].record_ids.size(), 5u);
}

TEST_P(AuditAlertsTest, ExportsAndMassEditsOutsideWorkingHours) {
    At(kMonday0600Utc, "anna", "export");                                // Mon 09:00: inside
    int64_t late = At(kMonday0600Utc + 11 * 3600, "anna", "mass_edit");  // Mon 20:00: outside
    int64_t saturday = At(kMonday0600Utc + 5 * 86400 + 3600, "ivan", "export");
    At(kMonday0600Utc + 5 * 86400 + 3600, "ivan", "read");  // reads are not watched
    auto exports = Fired("off_hours_export");
    ASSERT_EQ(exports.size(), 1u);
    EXPECT_EQ(exports[0].actor, "ivan");
    EXPECT_EQ(exports[0].record_ids, std::vector<int64_t>{saturday});
    EXPECT_NE(exports[0].detail.find("Sat 10:00 (UTC+03:00)"), std::string::npos)
        << exports[0].detail;
    auto edits = Fired("off_hours_mass_edit");
    ASSERT_EQ(edits.size(), 1u);
    EXPECT_EQ(edits[0].record_ids, std::vector<int64_t>{late});

    // Working hours to 21:00 and Saturdays: nothing is off hours any more.
    ASSERT_TRUE(SaveAlertSettings(
        *db_,
        R"({"working_hours_end": "21:00", "working_days": ["mon","tue","wed","thu","fri","sat"]})",
        "dpo", clock_));
    EXPECT_TRUE(Fired("off_hours_export").empty());
    EXPECT_TRUE(Fired("off_hours_mass_edit").empty());
}

TEST_P(AuditAlertsTest, BadRulesAreRefusedAndNothingChanges) {
    ASSERT_TRUE(SaveAlertSettings(*db_, R"({"copies_per_hour": 3})", "dpo", clock_));
    const std::string before = SavedRow();
    EXPECT_NE(before.find("\"copies_per_hour\":3"), std::string::npos) << before;
    EXPECT_NE(before.find("|dpo"), std::string::npos) << before;

    clock_.Advance(3600);
    for (const char* bad : {"{not json", R"({"copies_per_hour": 2, "bogus": 1})",
                            R"({"copies_per_hour": 2, "working_hours_start": "22:00"})"}) {
        auto ok = SaveAlertSettings(*db_, bad, "mallory", clock_);
        ASSERT_FALSE(ok) << bad;
        EXPECT_EQ(ok.error().code, ErrorCode::kInvalidInput);
        EXPECT_FALSE(ok.error().hint.empty());
    }
    EXPECT_EQ(SavedRow(), before);
    EXPECT_EQ(LoadAlertSettings(*db_).value().copies_per_hour, 3);
}

TEST_P(AuditAlertsTest, SavedRulesThatNoLongerReadSayHowToFixThem) {
    ASSERT_TRUE(
        db_->Exec("INSERT INTO settings (name, value, updated_at, updated_by) VALUES "
                  "('audit_alerts', '{\"copies_per_hour\": \"x\"}', 0, 'someone')"));
    auto alerts = log_->Alerts(0);
    ASSERT_FALSE(alerts);
    EXPECT_NE(alerts.error().message.find("saved audit alert rules"), std::string::npos)
        << alerts.error().message;
    EXPECT_NE(alerts.error().hint.find("alert-rules set"), std::string::npos);
    ASSERT_TRUE(SaveAlertSettings(*db_, R"({"copies_per_hour": 6})", "dpo", clock_));
    EXPECT_EQ(LoadAlertSettings(*db_).value().copies_per_hour, 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditAlertsTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::security
