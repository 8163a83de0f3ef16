// Caller-ID pools: rotation by least use, the daily cap, local presence, the
// near-cap warning, the report and counting calls made before the pool.
#include "campaigns/caller_id_pool.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callbase::campaigns {
namespace {

constexpr int32_t kToday = 20513;  // 2026-03-01
constexpr int32_t kTomorrow = kToday + 1;

const char* const kA = "+74950000001";
const char* const kB = "+74950000002";
const char* const kC = "+74820000003";

std::vector<std::string> PickNumbers(CallerIdPool& pool, int count, std::string_view region = "",
                                     int32_t day = kToday) {
    std::vector<std::string> numbers;
    for (int i = 0; i < count; ++i) {
        auto pick = pool.Pick(region, day);
        numbers.push_back(pick ? pick->number : "none");
    }
    return numbers;
}

TEST(CallerIdPool, RotatesToTheLeastUsedNumber) {
    CallerIdPool pool({{kA}, {kB}, {kC}});
    EXPECT_EQ(PickNumbers(pool, 6), (std::vector<std::string>{kA, kB, kC, kA, kB, kC}));
    auto report = pool.Report(kToday);
    ASSERT_EQ(report.size(), 3u);
    for (const auto& usage : report)
        EXPECT_EQ(usage.calls, 2) << usage.number;
}

TEST(CallerIdPool, EqualUseGoesToTheLeastRecentlyUsed) {
    CallerIdPool pool({{kA}, {kB}, {kC}});
    pool.Count(kB, kToday, 1);  // from stored records: B used, but never by this pool
    // A and C are least used; then all have 1 and B, never picked here, is the
    // least recently used; then A (picked before C), then C.
    EXPECT_EQ(PickNumbers(pool, 5), (std::vector<std::string>{kA, kC, kB, kA, kC}));
}

TEST(CallerIdPool, TheDefaultCapIs75CallsADayAndTheNextDayStartsAfresh) {
    CallerIdPool pool({{kA}});
    EXPECT_EQ(pool.Remaining(kToday), 75);
    for (int i = 1; i <= 75; ++i) {
        auto pick = pool.Pick("", kToday);
        ASSERT_TRUE(pick) << "call " << i;
        EXPECT_EQ(pick->calls_today, i);
        EXPECT_EQ(pick->cap, 75);
    }
    EXPECT_EQ(pool.Remaining(kToday), 0);
    EXPECT_FALSE(pool.Pick("", kToday)) << "the 76th call has no caller ID";
    EXPECT_EQ(pool.Report(kToday)[0].calls, 75) << "a refused pick counts no call";

    auto tomorrow = pool.Pick("", kTomorrow);
    ASSERT_TRUE(tomorrow);
    EXPECT_EQ(tomorrow->number, kA);
    EXPECT_EQ(tomorrow->calls_today, 1);
    EXPECT_EQ(pool.Remaining(kTomorrow), 74);
}

TEST(CallerIdPool, ANumbersOwnCapAndThePoolDefault) {
    PoolOptions options;
    options.daily_cap = 3;
    CallerIdPool pool({{kA, "", 1}, {kB}}, options);
    EXPECT_EQ(pool.Remaining(kToday), 4);
    EXPECT_EQ(PickNumbers(pool, 5), (std::vector<std::string>{kA, kB, kB, kB, "none"}));
    auto report = pool.Report(kToday);
    EXPECT_EQ(report[0].cap, 1);
    EXPECT_EQ(report[1].cap, 3);
}

TEST(CallerIdPool, LocalNumbersFirstThenTheOthersWhenTheLocalOnesAreCapped) {
    PoolOptions options;
    options.daily_cap = 2;
    CallerIdPool pool({{kA, "Москва"}, {kC, "Тверская область"}, {kB, "Москва"}}, options);
    std::vector<std::string> numbers;
    std::vector<bool> local;
    for (int i = 0; i < 6; ++i) {
        auto pick = pool.Pick("Москва", kToday);
        numbers.push_back(pick ? pick->number : "none");
        local.push_back(pick && pick->local);
    }
    // The two Moscow numbers twice each, although C is less used; then C.
    EXPECT_EQ(numbers, (std::vector<std::string>{kA, kB, kA, kB, kC, kC}));
    EXPECT_EQ(local, (std::vector<bool>{true, true, true, true, false, false}));
    EXPECT_FALSE(pool.Pick("Москва", kToday));
}

TEST(CallerIdPool, ACalleeWithoutALocalNumberGetsTheLeastUsedOne) {
    CallerIdPool pool({{kA, "Москва"}, {kC, "Тверская область"}});
    auto tver = pool.Pick("Тверская область", kToday);
    ASSERT_TRUE(tver);
    EXPECT_EQ(tver->number, kC);
    EXPECT_TRUE(tver->local);
    // Kazan has no number: the least used (A), not local; unknown region likewise.
    auto kazan = pool.Pick("Татарстан", kToday);
    ASSERT_TRUE(kazan);
    EXPECT_EQ(kazan->number, kA);
    EXPECT_FALSE(kazan->local);
    EXPECT_EQ(PickNumbers(pool, 2), (std::vector<std::string>{kC, kA}));
}

TEST(CallerIdPool, LocalPresenceCanBeTurnedOff) {
    PoolOptions options;
    options.local_presence = false;
    CallerIdPool pool({{kA, "Москва"}, {kC, "Тверская область"}}, options);
    auto first = pool.Pick("Тверская область", kToday);
    auto second = pool.Pick("Тверская область", kToday);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->number, kA);  // pool order, not the region
    EXPECT_FALSE(first->local);
    EXPECT_EQ(second->number, kC);
    EXPECT_TRUE(second->local) << "local still says where the number is from";
}

TEST(CallerIdPool, NearCapIsToldOncePerNumberAndDay) {
    CallerIdPool pool({{kA}});
    std::vector<int> warned_at;
    for (int i = 1; i <= 75; ++i) {
        auto pick = pool.Pick("", kToday);
        ASSERT_TRUE(pick);
        if (pick->near_cap) warned_at.push_back(pick->calls_today);
    }
    // 90 % of 75 is 67.5: the 68th call brings the number there.
    EXPECT_EQ(warned_at, (std::vector<int>{68}));
    warned_at.clear();
    for (int i = 1; i <= 75; ++i) {
        auto pick = pool.Pick("", kTomorrow);
        ASSERT_TRUE(pick);
        if (pick->near_cap) warned_at.push_back(pick->calls_today);
    }
    EXPECT_EQ(warned_at, (std::vector<int>{68})) << "told again the next day";
}

TEST(CallerIdPool, EveryNumberIsWarnedAboutOnItsOwn) {
    PoolOptions options;
    options.daily_cap = 70;  // 90 % is exactly 63
    CallerIdPool pool({{kA}, {kB}}, options);
    std::vector<std::pair<std::string, int>> warnings;
    for (int i = 0; i < 140; ++i) {
        auto pick = pool.Pick("", kToday);
        ASSERT_TRUE(pick);
        if (pick->near_cap) warnings.emplace_back(pick->number, pick->calls_today);
    }
    EXPECT_EQ(warnings, (std::vector<std::pair<std::string, int>>{{kA, 63}, {kB, 63}}));
    EXPECT_FALSE(pool.Pick("", kToday));
}

TEST(CallerIdPool, ReportGivesTheCallsPerNumberForADay) {
    PoolOptions options;
    options.daily_cap = 10;
    CallerIdPool pool({{kA, "Москва"}, {kB, "Москва", 20}, {kC, "Тверская область"}}, options);
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE(pool.Pick("Тверская область", kToday));  // all on C
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(pool.Pick("Москва", kToday));  // A, B, A, B

    auto report = pool.Report(kToday);
    ASSERT_EQ(report.size(), 3u);
    EXPECT_EQ(report[0].number, kA);
    EXPECT_EQ(report[0].region, "Москва");
    EXPECT_EQ(report[0].calls, 2);
    EXPECT_EQ(report[0].cap, 10);
    EXPECT_FALSE(report[0].near_cap);
    EXPECT_EQ(report[1].calls, 2);
    EXPECT_EQ(report[1].cap, 20);
    EXPECT_EQ(report[2].number, kC);
    EXPECT_EQ(report[2].region, "Тверская область");
    EXPECT_EQ(report[2].calls, 9);
    EXPECT_TRUE(report[2].near_cap);
    EXPECT_EQ(pool.Remaining(kToday), (10 - 2) + (20 - 2) + (10 - 9));

    for (const auto& usage : pool.Report(kTomorrow)) {
        EXPECT_EQ(usage.calls, 0) << usage.number;
        EXPECT_FALSE(usage.near_cap);
    }
    EXPECT_EQ(pool.Remaining(kTomorrow), 40);
}

TEST(CallerIdPool, CountSeedsTheCallsMadeBeforeThePoolExisted) {
    CallerIdPool pool({{kA}, {kB}});
    pool.Count(kA, kToday, 70);
    pool.Count(kA, kToday, 4);               // counts add up
    pool.Count("+70000000000", kToday, 50);  // not in the pool: ignored
    EXPECT_EQ(pool.Remaining(kToday), 1 + 75);
    // B is least used until it has 74 calls too.
    auto first = pool.Pick("", kToday);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->number, kB);

    // A seeded past 90 % is warned about on its next pick, which is its last.
    pool.Count(kB, kToday, 73);
    auto a = pool.Pick("", kToday);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->number, kA);
    EXPECT_EQ(a->calls_today, 75);
    EXPECT_TRUE(a->near_cap);
    auto b = pool.Pick("", kToday);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->number, kB);
    EXPECT_EQ(b->calls_today, 75);
    EXPECT_TRUE(b->near_cap);
    EXPECT_FALSE(pool.Pick("", kToday));
}

TEST(CallerIdPool, CountForAnEarlierDayDoesNotTouchToday) {
    CallerIdPool pool({{kA}});
    pool.Count(kA, kTomorrow, 5);
    pool.Count(kA, kToday, 60);  // yesterday's records, loaded late
    EXPECT_EQ(pool.Report(kTomorrow)[0].calls, 5);
    auto pick = pool.Pick("", kTomorrow);
    ASSERT_TRUE(pick);
    EXPECT_EQ(pick->calls_today, 6);
}

TEST(CallerIdPool, AnEmptyPoolHasNoCallerId) {
    CallerIdPool pool({});
    EXPECT_EQ(pool.size(), 0u);
    EXPECT_FALSE(pool.Pick("Москва", kToday));
    EXPECT_EQ(pool.Remaining(kToday), 0);
    EXPECT_TRUE(pool.Report(kToday).empty());
}

}  // namespace
}  // namespace callbase::campaigns
