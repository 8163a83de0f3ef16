// The staffing forecast: Erlang B and C against the textbook formulas summed
// directly in long double, against the textbook's table, monotone in the
// number of agents; Plan's answer the least count that meets every target
// (one fewer misses one), fast and finite for a 900-erlang center, shrinkage
// rounded up without a float's hair; every bad input refused naming its field.
#include "routing/erlang.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace callbase::routing {
namespace {

// Erlang C summed as the textbook writes it, apart from the code under test:
// C = (A^n/n! · n/(n−A)) / (Σ_{k<n} A^k/k! + A^n/n! · n/(n−A)), the terms
// A^k/k! built one from the last in long double (no recurrence over B).
long double DirectErlangC(long double a, int n) {
    long double sum = 0, term = 1;  // term = A^k / k!
    for (int k = 0; k < n; ++k) {
        sum += term;
        term = term * a / (k + 1);
    }
    const long double top = term * n / (n - a);
    return top / (sum + top);
}

// Erlang B the same way: (A^n/n!) / Σ_{k≤n} A^k/k!.
long double DirectErlangB(long double a, int n) {
    long double sum = 0, term = 1;
    for (int k = 0; k <= n; ++k) {
        sum += term;
        if (k < n) term = term * a / (k + 1);
    }
    return term / sum;
}

TEST(ErlangTest, ErlangCMatchesTheDirectSumOverAGrid) {
    int compared = 0;
    for (double a : {0.2, 1.0, 2.5, 5.0, 9.9, 10.0, 17.3, 42.0, 100.0, 250.0}) {
        for (int n = static_cast<int>(std::floor(a)) + 1; n <= a + 40; ++n) {
            const long double want = DirectErlangC(a, n);
            const double got = ErlangC(a, n);
            EXPECT_NEAR(got, static_cast<double>(want), 1e-12 + 1e-10 * static_cast<double>(want))
                << "a=" << a << " n=" << n;
            ++compared;
        }
    }
    EXPECT_GT(compared, 350);
}

TEST(ErlangTest, ErlangBMatchesTheDirectSum) {
    for (double a : {0.5, 3.0, 10.0, 55.5, 300.0}) {
        for (int n : {1, 2, 5, 10, 11, 40, 60, 120, 330}) {
            const long double want = DirectErlangB(a, n);
            EXPECT_NEAR(ErlangB(a, n), static_cast<double>(want),
                        1e-14 + 1e-10 * static_cast<double>(want))
                << "a=" << a << " n=" << n;
        }
    }
    EXPECT_EQ(ErlangB(5.0, 0), 1.0) << "no line: every call is lost";
}

// The textbook's table for 10 erlangs (checked by the direct sum above and
// by hand: 0.6821, 0.4494, 0.2853, 0.1741).
TEST(ErlangTest, TenErlangsGiveTheTextbookWaitingProbabilities) {
    EXPECT_NEAR(ErlangC(10, 11), 0.682, 0.0005);
    EXPECT_NEAR(ErlangC(10, 12), 0.449, 0.0005);
    EXPECT_NEAR(ErlangC(10, 13), 0.285, 0.0005);
    EXPECT_NEAR(ErlangC(10, 14), 0.174, 0.0005);
}

TEST(ErlangTest, TooFewAgentsMeanEveryoneWaitsForever) {
    for (int n : {0, 1, 9, 10}) {
        EXPECT_EQ(ErlangC(10, n), 1.0) << n;
        EXPECT_EQ(ServiceLevel(10, n, 180, 20), 0.0) << n;
        EXPECT_TRUE(std::isinf(AverageSpeedOfAnswer(10, n, 180))) << n;
        EXPECT_EQ(Occupancy(10, n), 1.0) << n;
    }
    // No calls: nobody waits, nobody is busy.
    EXPECT_EQ(ErlangC(0, 0), 0.0);
    EXPECT_EQ(ServiceLevel(0, 0, 180, 20), 1.0);
    EXPECT_EQ(AverageSpeedOfAnswer(0, 3, 180), 0.0);
    EXPECT_EQ(Occupancy(0, 3), 0.0);
}

// 300 calls an hour at 180 s are 15 erlangs; 19 agents answer 84.3 % within
// 20 s with an ASA of 11 s (by the formulas, worked apart in Python).
TEST(ErlangTest, ServiceLevelAndSpeedOfAnswerFollowTheirFormulas) {
    const double a = TrafficErlangs(300, 60, 180);
    EXPECT_DOUBLE_EQ(a, 15.0);
    EXPECT_DOUBLE_EQ(TrafficErlangs(150, 30, 180), 15.0) << "per half hour";
    EXPECT_NEAR(ServiceLevel(a, 19, 180, 20), 0.843412, 1e-6);
    EXPECT_NEAR(AverageSpeedOfAnswer(a, 19, 180), 10.98982, 1e-5);
    EXPECT_NEAR(ServiceLevel(a, 18, 180, 20), 0.741093, 1e-6);
    EXPECT_NEAR(AverageSpeedOfAnswer(a, 18, 180), 21.68006, 1e-5);
    EXPECT_DOUBLE_EQ(Occupancy(a, 20), 0.75);
    // Threshold 0: the share answered at once, 1 − C.
    EXPECT_NEAR(ServiceLevel(a, 19, 180, 0), 1 - ErlangC(a, 19), 1e-15);
}

TEST(ErlangTest, MoreAgentsAnswerMoreAndSooner) {
    for (double a : {0.7, 4.0, 15.0, 63.2, 400.0}) {
        const int first = static_cast<int>(std::floor(a)) + 1;
        for (int n = first; n < first + 60; ++n) {
            const std::string at = "a=" + std::to_string(a) + " n=" + std::to_string(n);
            EXPECT_LT(ErlangC(a, n + 1), ErlangC(a, n)) << at;
            EXPECT_GE(ServiceLevel(a, n + 1, 240, 20), ServiceLevel(a, n, 240, 20)) << at;
            EXPECT_LT(AverageSpeedOfAnswer(a, n + 1, 240), AverageSpeedOfAnswer(a, n, 240)) << at;
            EXPECT_LT(Occupancy(a, n + 1), Occupancy(a, n)) << at;
        }
    }
}

TEST(ErlangTest, ShrinkageRoundsTheStaffUpAndOnlyUp) {
    EXPECT_EQ(ScheduledStaff(7, 0.3), 10) << "7 / 0.7 is 10 exactly, though doubles say 10.0…02";
    EXPECT_EQ(ScheduledStaff(14, 0.3), 20);
    EXPECT_EQ(ScheduledStaff(10, 0.3), 15) << "14.29 rounds up";
    EXPECT_EQ(ScheduledStaff(19, 0.3), 28) << "27.14 rounds up";
    EXPECT_EQ(ScheduledStaff(3, 0.25), 4);
    EXPECT_EQ(ScheduledStaff(1, 0.5), 2);
    EXPECT_EQ(ScheduledStaff(17, 0), 17);
    EXPECT_EQ(ScheduledStaff(0, 0.3), 0);
    EXPECT_EQ(ScheduledStaff(900, 0.35), 1385) << "1384.6 rounds up";
    for (int agents = 1; agents <= 300; ++agents) {
        for (double shrinkage : {0.05, 0.1, 0.15, 0.2, 0.3, 0.35, 0.4}) {
            const int staff = ScheduledStaff(agents, shrinkage);
            // staff people at this shrinkage put at least `agents` on the phones,
            // and one fewer would not.
            EXPECT_GE(staff * (1 - shrinkage), agents - 1e-9) << agents << " " << shrinkage;
            EXPECT_LT((staff - 1) * (1 - shrinkage), agents - 1e-9) << agents << " " << shrinkage;
        }
    }
}

StaffingInput Input(double calls, double aht, double target = 0.8, double threshold = 20) {
    StaffingInput in;
    in.calls = calls;
    in.aht_seconds = aht;
    in.target = target;
    in.threshold_seconds = threshold;
    return in;
}

TEST(ErlangTest, PlanForTheUsualCaseGivesNineteenAgentsAndTwentyEightPeople) {
    StaffingInput in = Input(300, 180);
    in.shrinkage = 0.3;
    auto s = Plan(in);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_DOUBLE_EQ(s->traffic_erlangs, 15);
    EXPECT_DOUBLE_EQ(s->calls_per_hour, 300);
    EXPECT_EQ(s->answer.agents, 19);
    EXPECT_EQ(s->answer.scheduled, 28);
    EXPECT_NEAR(s->answer.service_level, 0.8434, 1e-4);
    EXPECT_NEAR(s->answer.asa_seconds, 10.99, 0.01);
    EXPECT_NEAR(s->answer.wait_probability, 0.2442, 1e-4);
    EXPECT_NEAR(s->answer.occupancy, 15.0 / 19, 1e-12);
    ASSERT_EQ(s->rows.size(), 2u * kRowsAround + 1);
    EXPECT_EQ(s->rows.front().agents, 16);
    EXPECT_EQ(s->rows.back().agents, 22);
    for (const auto& row : s->rows)
        EXPECT_EQ(row.meets(), row.agents >= 19) << row.agents;
}

// Whether the row of n agents meets every target, worked from the public
// formulas alone.
bool MeetsByFormulas(const StaffingInput& in, int n) {
    const double a = TrafficErlangs(in.calls, in.interval_minutes, in.aht_seconds);
    if (a > 0 && n <= a) return false;
    if (ServiceLevel(a, n, in.aht_seconds, in.threshold_seconds) < in.target) return false;
    if (in.max_occupancy && Occupancy(a, n) > *in.max_occupancy) return false;
    if (in.max_asa_seconds && AverageSpeedOfAnswer(a, n, in.aht_seconds) > *in.max_asa_seconds) {
        return false;
    }
    return true;
}

TEST(ErlangTest, ThePlanIsTheLeastCountThatMeetsEveryTarget) {
    int cases = 0, bound_by_occupancy = 0, bound_by_asa = 0;
    for (double calls : {0.0, 1.0, 12.0, 95.0, 300.0, 1234.5, 6000.0}) {
        for (double aht : {45.0, 180.0, 420.0}) {
            for (auto [target, threshold] :
                 {std::pair{0.8, 20.0}, {0.9, 10.0}, {0.5, 60.0}, {0.95, 0.0}, {0.7, 30.0}}) {
                for (int limits = 0; limits < 4; ++limits) {
                    StaffingInput in = Input(calls, aht, target, threshold);
                    in.interval_minutes = limits == 1 ? 30 : 60;
                    if (limits & 2) in.max_occupancy = 0.85;
                    if (limits == 3) in.max_asa_seconds = 15;
                    auto s = Plan(in);
                    ASSERT_TRUE(s) << s.error().message;
                    const int n = s->answer.agents;
                    const std::string at = fmt::format("calls={} aht={} target={}/{} limits={}",
                                                       calls, aht, target, threshold, limits);
                    EXPECT_TRUE(s->answer.meets()) << at;
                    EXPECT_TRUE(MeetsByFormulas(in, n)) << at << " n=" << n;
                    if (n > 0) {
                        const StaffingRow fewer = RowFor(in, n - 1);
                        EXPECT_FALSE(fewer.meets()) << at << " n=" << n;
                        EXPECT_FALSE(MeetsByFormulas(in, n - 1)) << at << " n=" << n;
                        bound_by_occupancy += fewer.misses_occupancy && !fewer.misses_target;
                        bound_by_asa += fewer.misses_asa && !fewer.misses_target;
                    }
                    for (int m = 0; m < n; ++m)
                        ASSERT_FALSE(MeetsByFormulas(in, m)) << at << m;
                    for (const auto& row : s->rows) {
                        EXPECT_EQ(row.meets(), MeetsByFormulas(in, row.agents)) << at;
                        EXPECT_EQ(row.meets(), row.agents >= n) << at << " row " << row.agents;
                    }
                    ++cases;
                }
            }
        }
    }
    EXPECT_EQ(cases, 7 * 3 * 5 * 4);
    // The grid reaches the other targets too, not only the service level.
    EXPECT_GT(bound_by_occupancy, 5);
    EXPECT_GT(bound_by_asa, 2);
}

TEST(ErlangTest, NoCallsNeedNoAgents) {
    auto s = Plan(Input(0, 180));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->answer.agents, 0);
    EXPECT_EQ(s->answer.scheduled, 0);
    EXPECT_EQ(s->answer.service_level, 1.0);
    EXPECT_EQ(s->rows.front().agents, 0);
    EXPECT_EQ(s->rows.back().agents, kRowsAround);
}

TEST(ErlangTest, RowsBelowTheTrafficSayTheQueueIsNotStable) {
    // One call a minute at 60 s: 1 erlang; a loose target lets 2 agents do.
    auto s = Plan(Input(60, 60, 0.5, 60));
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->answer.agents, 2);
    ASSERT_EQ(s->rows.front().agents, 0);
    for (int n : {0, 1}) {
        const StaffingRow& row = s->rows[n];
        EXPECT_FALSE(row.stable) << n;
        EXPECT_TRUE(row.misses_target) << n;
        EXPECT_TRUE(std::isinf(row.asa_seconds)) << n;
        EXPECT_EQ(row.wait_probability, 1.0) << n;
    }
    EXPECT_TRUE(s->rows[2].stable);
}

TEST(ErlangTest, ANineHundredErlangCenterIsFastAndFinite) {
    const auto start = std::chrono::steady_clock::now();
    double last = 1;
    for (int n = 901; n <= 1100; ++n) {
        const double c = ErlangC(900, n);
        ASSERT_TRUE(std::isfinite(c)) << n;
        ASSERT_GE(c, 0) << n;
        ASSERT_LE(c, last) << n;
        last = c;
        ASSERT_TRUE(std::isfinite(AverageSpeedOfAnswer(900, n, 200))) << n;
        const double sl = ServiceLevel(900, n, 200, 20);
        ASSERT_TRUE(sl >= 0 && sl <= 1) << n;
    }
    EXPECT_LT(last, 1e-9) << "1,100 agents for 900 erlangs: hardly anybody waits";
    // The direct sum's A^k/k! reaches 1e389 here: past a double, within a long double.
    for (int n : {901, 930, 1000, 1100}) {
        const long double want = DirectErlangC(900, n);
        EXPECT_NEAR(ErlangC(900, n), static_cast<double>(want), 1e-9 * static_cast<double>(want))
            << n;
    }
    EXPECT_NEAR(ErlangC(900, 1100), 6.51998507e-11, 1e-18) << "60-digit decimal sum, apart";
    // 16,200 calls an hour at 200 s are 900 erlangs.
    StaffingInput in = Input(16200, 200);
    in.max_occupancy = 0.95;
    auto s = Plan(in);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_DOUBLE_EQ(s->traffic_erlangs, 900);
    EXPECT_GT(s->answer.agents, 900);
    EXPECT_LT(s->answer.agents, 1000);
    EXPECT_TRUE(MeetsByFormulas(in, s->answer.agents));
    EXPECT_FALSE(MeetsByFormulas(in, s->answer.agents - 1));
    // The textbook formula's A^n / n! is no double here; the recurrence is.
    const double b = ErlangB(9000, 10000);
    EXPECT_TRUE(std::isfinite(b) && b >= 0 && b < 1e-6) << b;
    EXPECT_NEAR(ErlangB(10000, 10000), 0.00795, 5e-4) << "≈ 1/sqrt(π·A/2) at n = A";
    auto huge = Plan(Input(1'600'000, 200));  // 88,889 erlangs
    ASSERT_TRUE(huge) << huge.error().message;
    EXPECT_GT(huge->answer.agents, 88'889);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 2.0) << "a large center's forecast is no wait";
}

TEST(ErlangTest, TrafficPastTheLimitIsRefusedNamingTheCalls) {
    auto s = Plan(Input(2'000'000, 200));  // 111,111 erlangs
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().key, "staffing.too_many_agents");
    EXPECT_NE(s.error().message.find("2000000 calls an hour"), std::string::npos)
        << s.error().message;
}

TEST(ErlangTest, BadInputIsRefusedNamingTheField) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    struct Case {
        const char* field;
        void (*set)(StaffingInput&, double);
        std::vector<double> bad, good;
    };
    const Case cases[] = {
        {"calls", [](StaffingInput& in, double v) { in.calls = v; }, {-1, nan, inf}, {0, 0.5, 1e5}},
        {"interval",
         [](StaffingInput& in, double v) { in.interval_minutes = v; },
         {0, -15, 1441, nan},
         {15, 30, 1440}},
        {"aht",
         [](StaffingInput& in, double v) { in.aht_seconds = v; },
         {0, -180, nan, inf},
         {1, 180.5}},
        {"target",
         [](StaffingInput& in, double v) { in.target = v; },
         {0, 1, 1.5, -0.8, 80, nan},
         {0.01, 0.8, 0.99}},
        {"threshold",
         [](StaffingInput& in, double v) { in.threshold_seconds = v; },
         {-1, nan, inf},
         {0, 20, 600}},
        {"max_occupancy",
         [](StaffingInput& in, double v) { in.max_occupancy = v; },
         {0, 1.01, 85, -0.5, nan},
         {0.85, 1}},
        {"max_asa",
         [](StaffingInput& in, double v) { in.max_asa_seconds = v; },
         {0, -5, nan, inf},
         {0.5, 30}},
        {"shrinkage",
         [](StaffingInput& in, double v) { in.shrinkage = v; },
         {1, 1.2, -0.1, 30, nan},
         {0, 0.3, 0.99}},
    };
    for (const Case& c : cases) {
        for (double v : c.bad) {
            StaffingInput in = Input(300, 180);
            c.set(in, v);
            auto s = Plan(in);
            ASSERT_FALSE(s) << c.field << "=" << v;
            EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
            EXPECT_EQ(s.error().key, std::string("staffing.") + c.field) << v;
            EXPECT_TRUE(s.error().message.starts_with(std::string(c.field) + " = "))
                << s.error().message;
            EXPECT_FALSE(s.error().hint.empty()) << c.field;
            EXPECT_EQ(s.error().params.at(0),
                      (std::pair<std::string, std::string>{"field", c.field}));
        }
        for (double v : c.good) {
            StaffingInput in = Input(300, 180);
            c.set(in, v);
            EXPECT_TRUE(Plan(in)) << c.field << "=" << v;
        }
    }
    Error e = StaffingFieldError("aht", "три минуты");
    EXPECT_EQ(e.key, "staffing.aht");
    EXPECT_EQ(e.message, "aht = три минуты: give the average handle time in seconds, more than 0");
}

}  // namespace
}  // namespace callbase::routing
