// Why a running campaign dials nothing, and the warnings before a start:
// across the days of the week, time zones (a center in Vladivostok whose
// server keeps UTC, near midnight), holidays, and every figure that can hold
// a campaign back.
#include "campaigns/diagnosis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compliance/rules.h"

namespace callbase::campaigns {
namespace {

constexpr int kMoscow = 180;
constexpr int kVladivostok = 600;
constexpr int kKaliningrad = 120;

// A moment given on a clock `offset` minutes from UTC.
UnixSeconds At(const std::string& date, int hour, int minute, int offset) {
    auto day = compliance::ParseDay(date);
    EXPECT_TRUE(day) << date;
    return int64_t{*day} * 86400 + hour * 3600 + minute * 60 - int64_t{offset} * 60;
}

CampaignSpec Running() {
    CampaignSpec s;
    s.id = 1;
    s.name = "Напоминание";
    s.state = "running";
    s.pacing = Pacing::kProgressive;
    s.caller_ids = {{"+74951230100", "Москва", 0}, {"+74951230101", "Москва", 0}};
    s.daily_cap = 75;
    return s;
}

// Monday to Friday, 09:00-20:00 in the callee's time: the defaults.
compliance::CallingRules Weekdays() {
    return compliance::CallingRules{};
}

// A campaign with leads, agents and caller IDs to spare: only the clock and
// the rules can hold it.
StallFigures Healthy(std::map<int, int64_t> offsets = {{kMoscow, 100}}) {
    StallFigures f;
    f.segment = 100;
    f.leads_left = 100;
    f.agents_working = 3;
    f.agents_logged_in = 3;
    f.caller_id_calls_left = 150;
    f.callee_offsets = std::move(offsets);
    return f;
}

std::vector<std::string> Codes(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
        out.push_back(f.code);
    return out;
}

const Finding* Find(const std::vector<Finding>& findings, const std::string& code) {
    for (const auto& f : findings) {
        if (f.code == code) return &f;
    }
    return nullptr;
}

TEST(Diagnosis, EveryDayOfTheWeekAtNoonOnlySaturdayAndSundayAreDaysOffUnderMonToFriRules) {
    // 2026-11-30 is a Monday.
    const std::vector<std::string> days = {"2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03",
                                           "2026-12-04", "2026-12-05", "2026-12-06"};
    const std::vector<std::string> ids = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (size_t d = 0; d < days.size(); ++d) {
        auto findings =
            DiagnoseStall(Running(), Weekdays(), At(days[d], 12, 0, kMoscow), kMoscow, Healthy());
        if (d < 5) {
            EXPECT_TRUE(findings.empty()) << days[d] << ": " << FindingsJson(findings).dump();
            continue;
        }
        ASSERT_EQ(Codes(findings), std::vector<std::string>{"campaign.stall.day_off"}) << days[d];
        const Finding& f = findings.front();
        EXPECT_EQ(f.params.at("weekday"), ids[d]);
        EXPECT_EQ(f.params.at("allowed"), "mon-fri");
        EXPECT_EQ(f.params.at("resumes_weekday"), "mon");
        EXPECT_EQ(f.params.at("resumes_time"), "09:00");
        EXPECT_EQ(f.params.at("resumes_date"), "2026-12-07");
        EXPECT_NE(FindingText(f).find(d == 5 ? "Saturday" : "Sunday"), std::string::npos);
        EXPECT_NE(FindingText(f).find("mon-fri"), std::string::npos);
    }
}

TEST(Diagnosis, AllDaysAllowedMeansNoDayOffAndTheRulesWeekdaysAreWrittenAsPeopleRead) {
    compliance::CallingRules rules = Weekdays();
    rules.weekdays = 0x7f;
    EXPECT_TRUE(
        DiagnoseStall(Running(), rules, At("2026-12-05", 12, 0, kMoscow), kMoscow, Healthy())
            .empty());
    EXPECT_EQ(WeekdaysText(0x7f), "every day");
    EXPECT_EQ(WeekdaysText(0b0011111), "mon-fri");
    EXPECT_EQ(WeekdaysText(0b1100000), "sat,sun");
    EXPECT_EQ(WeekdaysText(0b0010101), "mon,wed,fri");
    EXPECT_EQ(WeekdaysText(0b1011111), "mon-fri,sun");
    EXPECT_EQ(WeekdaysText(0), "no day");
    rules.weekdays = 0;
    auto findings =
        DiagnoseStall(Running(), rules, At("2026-12-02", 12, 0, kMoscow), kMoscow, Healthy());
    EXPECT_EQ(Codes(findings), std::vector<std::string>{"campaign.stall.rules_no_days"});
}

TEST(Diagnosis, AVladivostokCenterOnAUtcServerJustAfterMidnightOnSaturdayIsOnItsDayOff) {
    // Friday 14:30 UTC is Saturday 00:30 in Vladivostok.
    const UnixSeconds now = At("2026-12-04", 14, 30, 0);
    auto local =
        DiagnoseStall(Running(), Weekdays(), now, kVladivostok, Healthy({{kVladivostok, 100}}));
    ASSERT_NE(Find(local, "campaign.stall.day_off"), nullptr);
    EXPECT_EQ(Find(local, "campaign.stall.day_off")->params.at("weekday"), "sat");
    EXPECT_EQ(Find(local, "campaign.stall.day_off")->params.at("date"), "2026-12-05");
    // Resumes Monday 09:00 in Vladivostok, told on the center's clock.
    EXPECT_EQ(Find(local, "campaign.stall.day_off")->params.at("resumes_weekday"), "mon");
    EXPECT_EQ(Find(local, "campaign.stall.day_off")->params.at("resumes_time"), "09:00");
    // 00:30 is outside the campaign's 09:00-20:00 on the center's clock too.
    ASSERT_NE(Find(local, "campaign.stall.schedule_closed"), nullptr);
    EXPECT_EQ(Find(local, "campaign.stall.schedule_closed")->params.at("now"), "00:30");

    // The same moment for Moscow callees is Friday 17:30: the rules allow
    // them; only the center's own schedule holds the campaign.
    auto moscow =
        DiagnoseStall(Running(), Weekdays(), now, kVladivostok, Healthy({{kMoscow, 100}}));
    EXPECT_EQ(Codes(moscow), std::vector<std::string>{"campaign.stall.schedule_closed"});

    // Callees in both zones: someone may be called, so the rules hold nobody back.
    auto mixed = DiagnoseStall(Running(), Weekdays(), now, kVladivostok,
                               Healthy({{kMoscow, 10}, {kVladivostok, 90}}));
    EXPECT_EQ(Find(mixed, "campaign.stall.day_off"), nullptr);
}

TEST(Diagnosis, MondayMorningInVladivostokIsStillSundayNightForMoscowCallees) {
    // Monday 10:00 in Vladivostok = Monday 00:00 UTC = Monday 03:00 Moscow:
    // a weekday for both, but the Moscow callees are outside 09:00-20:00.
    const UnixSeconds now = At("2026-12-07", 10, 0, kVladivostok);
    auto moscow =
        DiagnoseStall(Running(), Weekdays(), now, kVladivostok, Healthy({{kMoscow, 100}}));
    ASSERT_EQ(Codes(moscow), std::vector<std::string>{"campaign.stall.outside_rules_window"});
    EXPECT_EQ(moscow[0].params.at("callee_time"), "03:00");
    EXPECT_EQ(moscow[0].params.at("window"), "09:00-20:00");
    // 09:00 in Moscow is 16:00 in Vladivostok, the same Monday.
    EXPECT_EQ(moscow[0].params.at("resumes_time"), "16:00");
    EXPECT_EQ(moscow[0].params.at("resumes_weekday"), "mon");

    // Four hours earlier, Monday 06:00 in Vladivostok, it is Sunday 23:00 in
    // Moscow: a day off there.
    auto sunday = DiagnoseStall(Running(), Weekdays(), now - 3600 * 4, kVladivostok,
                                Healthy({{kMoscow, 100}}));
    ASSERT_NE(Find(sunday, "campaign.stall.day_off"), nullptr);
    EXPECT_EQ(Find(sunday, "campaign.stall.day_off")->params.at("weekday"), "sun");
    // For Vladivostok callees, Monday 10:00 is open.
    EXPECT_TRUE(
        DiagnoseStall(Running(), Weekdays(), now, kVladivostok, Healthy({{kVladivostok, 100}}))
            .empty());
}

TEST(Diagnosis, AHolidaySaysItsDateAndWhenCallsResumeAfterTheNextWorkingDay) {
    compliance::CallingRules rules = Weekdays();
    rules.holidays = {*compliance::ParseDay("2026-12-31"), *compliance::ParseDay("2027-01-01")};
    auto findings =
        DiagnoseStall(Running(), rules, At("2026-12-31", 11, 0, kMoscow), kMoscow, Healthy());
    ASSERT_EQ(Codes(findings), std::vector<std::string>{"campaign.stall.holiday"});
    EXPECT_EQ(findings[0].params.at("date"), "2026-12-31");
    // 2027-01-01 is a holiday too and 01-02, 01-03 a weekend: Monday 01-04.
    EXPECT_EQ(findings[0].params.at("resumes_date"), "2027-01-04");
    EXPECT_EQ(findings[0].params.at("resumes_weekday"), "mon");
    // The day before the holidays is an ordinary Wednesday.
    EXPECT_TRUE(
        DiagnoseStall(Running(), rules, At("2026-12-30", 11, 0, kMoscow), kMoscow, Healthy())
            .empty());
}

TEST(Diagnosis, TheCampaignStallsBeforeTheWindowOpensAndResumesTheMinuteItDoes) {
    const auto before =
        DiagnoseStall(Running(), Weekdays(), At("2026-12-02", 8, 59, kMoscow), kMoscow, Healthy());
    EXPECT_NE(Find(before, "campaign.stall.outside_rules_window"), nullptr);
    EXPECT_NE(Find(before, "campaign.stall.schedule_closed"), nullptr);
    EXPECT_TRUE(
        DiagnoseStall(Running(), Weekdays(), At("2026-12-02", 9, 0, kMoscow), kMoscow, Healthy())
            .empty());
    EXPECT_TRUE(
        DiagnoseStall(Running(), Weekdays(), At("2026-12-02", 19, 59, kMoscow), kMoscow, Healthy())
            .empty());
    const auto after =
        DiagnoseStall(Running(), Weekdays(), At("2026-12-02", 20, 0, kMoscow), kMoscow, Healthy());
    ASSERT_NE(Find(after, "campaign.stall.outside_rules_window"), nullptr);
    // After Wednesday's window: Thursday 09:00.
    EXPECT_EQ(Find(after, "campaign.stall.outside_rules_window")->params.at("resumes_weekday"),
              "thu");
}

TEST(Diagnosis, EmptySegmentNoAgentsAndCappedCallerIdsAreEachSaid) {
    const UnixSeconds noon = At("2026-12-02", 12, 0, kMoscow);
    StallFigures empty = Healthy();
    empty.segment = 0;
    empty.leads_left = 0;
    EXPECT_EQ(Codes(DiagnoseStall(Running(), Weekdays(), noon, kMoscow, empty)),
              std::vector<std::string>{"campaign.stall.segment_empty"});

    StallFigures done = Healthy();
    done.leads_left = 0;
    auto exhausted = DiagnoseStall(Running(), Weekdays(), noon, kMoscow, done);
    ASSERT_EQ(Codes(exhausted), std::vector<std::string>{"campaign.stall.segment_exhausted"});
    EXPECT_EQ(exhausted[0].params.at("segment"), "100");

    StallFigures nobody = Healthy();
    nobody.agents_working = 0;
    nobody.agents_logged_in = 2;
    auto no_agents = DiagnoseStall(Running(), Weekdays(), noon, kMoscow, nobody);
    ASSERT_EQ(Codes(no_agents), std::vector<std::string>{"campaign.stall.no_agents"});
    EXPECT_EQ(no_agents[0].params.at("logged_in"), "2");
    // A robot campaign needs no operators.
    CampaignSpec robot = Running();
    robot.pacing = Pacing::kRobot;
    EXPECT_TRUE(DiagnoseStall(robot, Weekdays(), noon, kMoscow, nobody).empty());

    StallFigures capped = Healthy();
    capped.caller_id_calls_left = 0;
    auto cap = DiagnoseStall(Running(), Weekdays(), noon, kMoscow, capped);
    ASSERT_EQ(Codes(cap), std::vector<std::string>{"campaign.stall.caller_ids_capped"});
    EXPECT_EQ(cap[0].params.at("numbers"), "2");
    EXPECT_EQ(cap[0].params.at("cap"), "75");

    // Unknown figures are not judged; a paused campaign is not stalled.
    EXPECT_TRUE(DiagnoseStall(Running(), Weekdays(), noon, kMoscow, StallFigures{}).empty());
    CampaignSpec paused = Running();
    paused.state = "paused";
    EXPECT_TRUE(DiagnoseStall(paused, Weekdays(), noon, kMoscow, nobody).empty());
}

TEST(Diagnosis, EveryLeadHeldByTheGateIsGroupedByReasonMostFirst) {
    const UnixSeconds noon = At("2026-12-02", 12, 0, kMoscow);
    StallFigures f = Healthy();
    f.leads_left = 5;
    f.held = {{"stop_list", 3}, {"no_consent", 7}, {"attempt_cap", 2}};
    auto findings = DiagnoseStall(Running(), Weekdays(), noon, kMoscow, f);
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[0].params.at("reason"), "no_consent");
    EXPECT_EQ(findings[0].params.at("count"), "7");
    EXPECT_EQ(findings[1].params.at("reason"), "stop_list");
    EXPECT_EQ(findings[2].params.at("reason"), "attempt_cap");
    for (const auto& finding : findings)
        EXPECT_EQ(finding.code, "campaign.stall.gate");

    // Some leads are still callable: not a stall.
    f.leads_left = 50;
    EXPECT_TRUE(DiagnoseStall(Running(), Weekdays(), noon, kMoscow, f).empty());

    // Every lead left waits for the window: the rules' finding says it once.
    StallFigures night = Healthy();
    night.held = {{"outside_window", 100}};
    auto weekend =
        DiagnoseStall(Running(), Weekdays(), At("2026-12-05", 12, 0, kMoscow), kMoscow, night);
    EXPECT_EQ(Codes(weekend), std::vector<std::string>{"campaign.stall.day_off"});
}

TEST(Diagnosis, BeforeStartAnEmptySegmentAndASchedulePastTheRulesWindowAreWarned) {
    CampaignSpec draft = Running();
    draft.state = "draft";
    EXPECT_TRUE(CheckBeforeStart(draft, Weekdays(), 10, kMoscow).empty());
    EXPECT_EQ(Codes(CheckBeforeStart(draft, Weekdays(), 0, kMoscow)),
              std::vector<std::string>{"campaign.warning.segment_empty"});

    // 21:00-23:00 in Moscow, rules 09:00-20:00 for Moscow callees: never.
    draft.schedule_start_minute = 21 * 60;
    draft.schedule_end_minute = 23 * 60;
    auto late = CheckBeforeStart(draft, Weekdays(), 10, kMoscow, {{kMoscow, 10}});
    ASSERT_EQ(Codes(late), std::vector<std::string>{"campaign.warning.schedule_outside_rules"});
    EXPECT_EQ(late[0].params.at("schedule"), "21:00-23:00");
    EXPECT_EQ(late[0].params.at("window"), "09:00-20:00");
    // For Kaliningrad callees 21:00 Moscow is 20:00: still closed. For
    // Vladivostok callees 21:00 Moscow is 04:00: closed as well.
    EXPECT_FALSE(
        CheckBeforeStart(draft, Weekdays(), 10, kMoscow, {{kKaliningrad, 5}, {kVladivostok, 5}})
            .empty());

    // A Vladivostok center at 09:00-12:00 reaches its own callees but never
    // the Kaliningrad ones (01:00-04:00 there).
    draft.schedule_start_minute = 9 * 60;
    draft.schedule_end_minute = 12 * 60;
    auto zones = CheckBeforeStart(draft, Weekdays(), 30, kVladivostok,
                                  {{kVladivostok, 20}, {kKaliningrad, 10}});
    ASSERT_EQ(Codes(zones), std::vector<std::string>{"campaign.warning.schedule_misses_zones"});
    EXPECT_EQ(zones[0].params.at("count"), "10");

    compliance::CallingRules none = Weekdays();
    none.weekdays = 0;
    EXPECT_EQ(Codes(CheckBeforeStart(draft, none, 0, kMoscow)),
              (std::vector<std::string>{"campaign.warning.segment_empty",
                                        "campaign.warning.rules_no_days"}));
}

TEST(Diagnosis, FindingsTravelAsCodesWithParameters) {
    auto findings =
        DiagnoseStall(Running(), Weekdays(), At("2026-12-05", 12, 0, kMoscow), kMoscow, Healthy());
    auto j = FindingsJson(findings);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["code"], "campaign.stall.day_off");
    EXPECT_EQ(j[0]["params"]["weekday"], "sat");
    EXPECT_EQ(j[0]["params"]["allowed"], "mon-fri");
}

}  // namespace
}  // namespace callbase::campaigns
