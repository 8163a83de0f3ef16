// BuildCallReport: the supervisors' report from call records, in the call
// center's time zone.
#include "campaigns/call_report.h"

#include <gtest/gtest.h>

namespace callbase::campaigns {
namespace {

// 2026-03-02 00:00 UTC, a Monday.
constexpr UnixSeconds kMonday = 1'772'409'600;

struct Made {
    int64_t campaign = 1;
    std::string agent;
    std::string outcome = "answered";
    int64_t started_s = 0;  // seconds after kMonday
    int64_t talk_s = -1;    // -1: never bridged
    int64_t wrap_s = -1;    // -1: no disposition
    std::string disposition;
    bool open = false;  // still in progress
};

StoredCall Call(const Made& m) {
    StoredCall c;
    c.campaign_id = m.campaign;
    c.campaign = m.campaign == 1 ? "Весна" : "Осень";
    c.agent = m.agent;
    c.outcome = m.open ? "in_progress" : m.outcome;
    c.started = (kMonday + m.started_s) * 1000;
    c.answered = c.started + 5000;
    if (m.talk_s >= 0) c.bridged = c.answered + 1000;
    c.ended = m.open ? 0 : (m.talk_s >= 0 ? c.bridged + m.talk_s * 1000 : c.answered + 2000);
    if (m.wrap_s >= 0) {
        c.disposed_at = c.ended / 1000 + m.wrap_s;
        c.disposition = m.disposition.empty() ? "in_progress" : m.disposition;
    }
    return c;
}

TEST(CallReportTest, HoursAndDaysAreTheCallCentersOwn) {
    // 20:30 and 21:30 UTC on Monday: 23:30 on Monday and 00:30 on Tuesday in
    // Moscow (UTC+3), 03:30 and 04:30 on Tuesday in Novosibirsk (UTC+7),
    // 20:30 and 21:30 on Monday in London in winter (UTC+0).
    const std::vector<StoredCall> calls = {Call({.started_s = 20 * 3600 + 1800}),
                                           Call({.started_s = 21 * 3600 + 1800})};
    struct Case {
        int offset;
        size_t hour_a, hour_b;
        std::vector<int64_t> per_day;
    };
    for (const Case& k : {Case{180, 23, 0, {0, 1, 1, 0}}, Case{420, 3, 4, {0, 0, 2, 0}},
                          Case{0, 20, 21, {0, 2, 0}}}) {
        SCOPED_TRACE(k.offset);
        // The period: Sunday to Wednesday, local midnights.
        const UnixSeconds from = kMonday - 86400 - k.offset * 60;
        const UnixSeconds to = from + 86400 * static_cast<int64_t>(k.per_day.size());
        CallReport r = BuildCallReport(calls, from, to, k.offset);
        ASSERT_EQ(r.hours.size(), 24u);
        EXPECT_EQ(r.hours[k.hour_a].calls, 1);
        EXPECT_EQ(r.hours[k.hour_b].calls, 1);
        int64_t in_hours = 0;
        for (const auto& h : r.hours)
            in_hours += h.calls;
        EXPECT_EQ(in_hours, 2);
        ASSERT_EQ(r.days.size(), k.per_day.size());
        ASSERT_EQ(r.day_starts.size(), k.per_day.size());
        for (size_t i = 0; i < k.per_day.size(); ++i) {
            EXPECT_EQ(r.days[i].calls, k.per_day[i]) << "day " << i;
            EXPECT_EQ(r.day_starts[i], from + static_cast<int64_t>(i) * 86400);
        }
    }
}

TEST(CallReportTest, CallsOutsideThePeriodAreLeftOut) {
    const UnixSeconds from = kMonday, to = kMonday + 86400;
    CallReport r = BuildCallReport({Call({.started_s = -1}), Call({.started_s = 0}),
                                    Call({.started_s = 86399}), Call({.started_s = 86400})},
                                   from, to, 0);
    EXPECT_EQ(r.total.calls, 2);
    ASSERT_EQ(r.days.size(), 1u);
    EXPECT_EQ(r.days[0].calls, 2);
}

TEST(CallReportTest, TalkWrapUpAndHandleTimesPerOperatorAndCampaign) {
    const std::vector<StoredCall> calls = {
        // anna: two handled calls, 60 s and 120 s of talk, wrap-ups of 10 s and none.
        Call({.agent = "anna",
              .started_s = 3600,
              .talk_s = 60,
              .wrap_s = 10,
              .disposition = "callback"}),
        Call({.agent = "anna", .started_s = 7200, .talk_s = 120}),
        // boris on the other campaign: 30 s of talk, 30 s of wrap-up.
        Call({.campaign = 2,
              .agent = "boris",
              .started_s = 7300,
              .talk_s = 30,
              .wrap_s = 30,
              .disposition = "refused"}),
        // Nobody's: no answer, an abandoned call, one still ringing.
        Call({.outcome = "no_answer", .started_s = 7400}),
        Call({.outcome = "abandoned", .started_s = 7500}),
        Call({.started_s = 7600, .open = true}),
    };
    CallReport r = BuildCallReport(calls, kMonday, kMonday + 86400, 180);
    EXPECT_EQ(r.total.calls, 6);
    EXPECT_EQ(r.total.answered, 3);
    EXPECT_EQ(r.total.abandoned, 1);
    EXPECT_EQ(r.total.handled, 3);
    EXPECT_EQ(r.total.wrapped, 2);
    EXPECT_DOUBLE_EQ(r.total.AverageTalkSeconds(), 70.0);
    EXPECT_DOUBLE_EQ(r.total.AverageWrapUpSeconds(), 20.0);
    EXPECT_DOUBLE_EQ(r.total.AverageHandleSeconds(), (210.0 + 40.0) / 3);
    EXPECT_EQ(r.total.dispositions,
              (std::map<std::string, int64_t>{{"callback", 1}, {"refused", 1}}));

    ASSERT_EQ(r.operators.size(), 2u) << "calls nobody took belong to no operator";
    const ReportFigures& anna = r.operators.at("anna");
    EXPECT_EQ(anna.calls, 2);
    EXPECT_DOUBLE_EQ(anna.AverageTalkSeconds(), 90.0);
    EXPECT_DOUBLE_EQ(anna.AverageWrapUpSeconds(), 10.0);
    EXPECT_DOUBLE_EQ(anna.AverageHandleSeconds(), 95.0);
    const ReportFigures& boris = r.operators.at("boris");
    EXPECT_DOUBLE_EQ(boris.AverageHandleSeconds(), 60.0);

    ASSERT_EQ(r.campaigns.size(), 2u);
    EXPECT_EQ(r.campaigns.at(1).name, "Весна");
    EXPECT_EQ(r.campaigns.at(1).figures.calls, 5);
    EXPECT_EQ(r.campaigns.at(1).figures.abandoned, 1);
    EXPECT_EQ(r.campaigns.at(2).figures.calls, 1);
    EXPECT_EQ(r.campaigns.at(2).figures.dispositions.at("refused"), 1);

    // 01:00-02:59 UTC is 04:00-05:59 in Moscow.
    EXPECT_EQ(r.hours[4].calls, 1);
    EXPECT_EQ(r.hours[5].calls, 5);
}

TEST(CallReportTest, NoCallsGiveZerosNotNaN) {
    CallReport r = BuildCallReport({}, kMonday, kMonday + 7 * 86400, 180);
    EXPECT_EQ(r.days.size(), 8u) << "the period's local days, the partial ones at both ends too";
    EXPECT_EQ(r.total.AverageHandleSeconds(), 0.0);
    EXPECT_EQ(r.total.AverageTalkSeconds(), 0.0);
    EXPECT_TRUE(r.operators.empty());
}

}  // namespace
}  // namespace callbase::campaigns
