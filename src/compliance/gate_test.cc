// The dial gate on the cases a supervisor reasons about; the property test
// (gate_property_test.cc) covers the rest.
#include <gtest/gtest.h>

#include "compliance/gate.h"

namespace callbase::compliance {
namespace {

// 2026-11-23 is a Monday; 06:00 UTC is 09:00 in Moscow (UTC+3).
constexpr UnixSeconds kMonday0600Utc = 1795413600;

NumberState Moscow() {
    NumberState s;
    s.utc_offset_minutes = 180;
    return s;
}

TEST(DialGate, ServiceCallInTheWindowIsAllowed) {
    auto d = DialGate::Check(Moscow(), "service", kMonday0600Utc, CallingRules{});
    EXPECT_TRUE(d.allowed);
    EXPECT_TRUE(d.reasons.empty());
    EXPECT_EQ(d.earliest, kMonday0600Utc);
}

TEST(DialGate, TheWindowIsTheCalleesLocalTime) {
    // 09:00 in Moscow is 13:00 in Novosibirsk (UTC+7): allowed; 06:00 in
    // Kamchatka (UTC+12) is 18:00 there: allowed; a minute before 09:00 in Moscow
    // is too early and the earliest is 09:00.
    NumberState novosibirsk;
    novosibirsk.utc_offset_minutes = 420;
    EXPECT_TRUE(DialGate::Check(novosibirsk, "service", kMonday0600Utc, {}).allowed);
    auto early = DialGate::Check(Moscow(), "service", kMonday0600Utc - 60, {});
    ASSERT_FALSE(early.allowed);
    ASSERT_EQ(early.reasons.size(), 1u);
    EXPECT_EQ(early.reasons[0].reason, DenyReason::kOutsideWindow);
    EXPECT_EQ(early.reasons[0].detail, "hours");
    EXPECT_EQ(early.earliest, kMonday0600Utc);
    // Kaliningrad (UTC+2) at 20:00 Moscow is 19:00 local: still allowed.
    NumberState kaliningrad;
    kaliningrad.utc_offset_minutes = 120;
    EXPECT_TRUE(DialGate::Check(kaliningrad, "service", kMonday0600Utc + 11 * 3600, {}).allowed);
    EXPECT_FALSE(DialGate::Check(Moscow(), "service", kMonday0600Utc + 11 * 3600, {}).allowed);
}

TEST(DialGate, FridayEveningMovesToMondayAndAHolidayToTheNextWorkingDay) {
    const UnixSeconds friday_2030_msk = kMonday0600Utc - 3 * 86400 + 11 * 3600 + 1800;
    auto d = DialGate::Check(Moscow(), "service", friday_2030_msk, {});
    ASSERT_FALSE(d.allowed);
    EXPECT_EQ(d.earliest, kMonday0600Utc);
    CallingRules rules;
    rules.holidays = {static_cast<int32_t>(kMonday0600Utc / 86400)};  // Monday is a holiday
    auto holiday = DialGate::Check(Moscow(), "service", kMonday0600Utc, rules);
    ASSERT_FALSE(holiday.allowed);
    EXPECT_EQ(holiday.reasons[0].detail, "holiday");
    EXPECT_EQ(holiday.earliest, kMonday0600Utc + 86400);
}

TEST(DialGate, MarketingNeedsAConsentThatIsNotRevoked) {
    NumberState s = Moscow();
    auto none = DialGate::Check(s, "marketing", kMonday0600Utc, {});
    ASSERT_FALSE(none.allowed);
    EXPECT_EQ(none.reasons[0].reason, DenyReason::kNoConsent);
    EXPECT_FALSE(none.earliest) << "no consent never lapses by itself";
    s.consents.push_back({"marketing", kMonday0600Utc - 86400, std::nullopt});
    EXPECT_TRUE(DialGate::Check(s, "marketing", kMonday0600Utc, {}).allowed);
    s.consents[0].revoked_at = kMonday0600Utc - 60;
    auto revoked = DialGate::Check(s, "marketing", kMonday0600Utc, {});
    ASSERT_FALSE(revoked.allowed);
    EXPECT_EQ(revoked.reasons[0].reason, DenyReason::kConsentRevoked);
}

TEST(DialGate, EveryReasonIsListedAndTheLatestBoundWins) {
    NumberState s = Moscow();
    s.stops.push_back({StopCategory::kNotNow, kMonday0600Utc + 2 * 86400});
    s.attempts = {kMonday0600Utc - 3 * 86400, kMonday0600Utc - 2 * 86400, kMonday0600Utc - 600};
    auto d = DialGate::Check(s, "service", kMonday0600Utc, {});
    ASSERT_FALSE(d.allowed);
    std::vector<DenyReason> reasons;
    for (const auto& r : d.reasons)
        reasons.push_back(r.reason);
    EXPECT_EQ(reasons, (std::vector<DenyReason>{DenyReason::kStopList, DenyReason::kAttemptCap,
                                                DenyReason::kTooSoon}));
    // The cap lets go 7 days after the first of the three attempts (Friday 09:00);
    // the not-now date (Wednesday 09:00) is earlier, so the cap decides.
    EXPECT_EQ(d.earliest, kMonday0600Utc - 3 * 86400 + 7 * 86400);
    s.stops.push_back({StopCategory::kDoNotDisturb, std::nullopt});
    s.registries.push_back("rkn");
    s.deletion_pending = true;
    s.inactive = true;
    // At 05:00 the attempt of 08:50 has not happened yet: no cap, no gap; every
    // other reason is listed.
    auto all = DialGate::Check(s, "marketing", kMonday0600Utc - 4 * 3600, {});
    EXPECT_EQ(all.reasons.size(), 7u) << all.reasons.size();
    EXPECT_FALSE(all.earliest);
}

TEST(DialGate, UnknownZoneIsTakenAsMoscowAndSaysSo) {
    NumberState s;
    auto d = DialGate::Check(s, "service", kMonday0600Utc, {});
    EXPECT_TRUE(d.allowed);
    EXPECT_TRUE(d.offset_assumed);
}

TEST(DialGate, CategoriesAreParsedInEverySpelling) {
    EXPECT_EQ(ParseStopCategory("dnd"), StopCategory::kDoNotDisturb);
    EXPECT_EQ(ParseStopCategory("written_only"), StopCategory::kWrittenOnly);
    EXPECT_EQ(ParseStopCategory("not-now"), StopCategory::kNotNow);
    EXPECT_FALSE(ParseStopCategory("maybe"));
}

}  // namespace
}  // namespace callbase::compliance
