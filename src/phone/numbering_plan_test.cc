// The numbering plan as shipped: it loads fast, every region resolves to a
// time zone, lookups hit the right range, and a broken file is refused with
// the file and line.
#include "phone/numbering_plan.h"

#include <gtest/gtest.h>

#include <set>

#include <filesystem>
#include <fstream>

namespace callbase::phone {
namespace {

const std::string kData = CALLBASE_DATA_DIR;

// Its load time is held by bench/phone_clean (start-up), not by a timed test.
TEST(NumberingPlanTest, LoadsEveryRangeOfTheShippedFile) {
    auto plan = NumberingPlan::LoadDefault(kData);
    ASSERT_TRUE(plan.has_value()) << plan.error().message;
    std::ifstream in(kData + "/numbering/DEF-9xx.csv");
    size_t lines = 0;
    for (std::string line; std::getline(in, line);)
        lines += !line.empty();
    EXPECT_EQ(plan->size(), lines - 1);  // every range but the header
}

TEST(NumberingPlanTest, EveryRegionHasATimeZone) {
    auto plan = NumberingPlan::LoadDefault(kData);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->UnresolvedRegions(), std::vector<std::string>{});
    EXPECT_GT(plan->RegionCount(), 80u);
}

TEST(NumberingPlanTest, FindsTheRangeOfANumber) {
    auto plan = NumberingPlan::LoadDefault(kData);
    ASSERT_TRUE(plan.has_value());
    auto first = plan->Find(9000000000);  // 900 0000000-0061999: Краснодарский край
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->region, "Краснодарский край");
    auto second = plan->Find(9000062500);  // 900 0062000-0062999: Ростовская область
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->region, "Ростовская область");
    EXPECT_FALSE(plan->Find(1234567890).has_value());
    // The last part of a compound register name is the region.
    bool norilsk_seen = false;
    for (size_t i = 0; i < plan->size(); ++i) {
        auto r = plan->Range(i);
        EXPECT_EQ(std::string(r.entry.region).find('|'), std::string::npos);
        if (r.entry.region == "Красноярский край") norilsk_seen = true;
        if (i > 0) {
            EXPECT_LT(plan->Range(i - 1).code * 10000000ull + plan->Range(i - 1).to,
                      r.code * 10000000ull + r.from);
        }
    }
    EXPECT_TRUE(norilsk_seen);
}

TEST(NumberingPlanTest, UnassignedIsExactlyWhatNoRangeCovers) {
    auto plan = NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    ASSERT_TRUE(plan) << plan.error().message;
    auto free = plan->Unassigned();
    ASSERT_FALSE(free.empty());
    uint64_t free_numbers = 0, last_end = 0;
    std::set<uint32_t> whole_codes;
    for (const auto& r : free) {
        uint64_t from = uint64_t{r.code} * 10000000 + r.from;
        uint64_t to = uint64_t{r.code} * 10000000 + r.to;
        ASSERT_LE(r.from, r.to);
        ASSERT_GE(from, last_end);  // in order, not overlapping
        last_end = to + 1;
        free_numbers += to - from + 1;
        EXPECT_FALSE(plan->Find(from)) << from;
        EXPECT_FALSE(plan->Find(to)) << to;
        if (r.from > 0) EXPECT_TRUE(plan->Find(from - 1)) << from - 1;
        if (r.to < 9999999) EXPECT_TRUE(plan->Find(to + 1)) << to + 1;
        if (r.from == 0 && r.to == 9999999) whole_codes.insert(r.code);
    }
    uint64_t held = 0;
    for (size_t i = 0; i < plan->size(); ++i)
        held += plan->Range(i).to - plan->Range(i).from + 1;
    EXPECT_EQ(free_numbers + held, 1'000'000'000u);  // 100 codes of 10M numbers
    // Codes the shipped plan gives to nobody (the demo data's numbers live here).
    for (uint32_t code : {907u, 935u, 940u, 998u})
        EXPECT_TRUE(whole_codes.contains(code)) << code;
}

TEST(NumberingPlanTest, ZoneOfGeocoderSpellings) {
    auto plan = NumberingPlan::LoadDefault(kData);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->ZoneOfRegion("Московская обл.")->timezone, "Europe/Moscow");
    EXPECT_EQ(plan->ZoneOfRegion("г. Санкт-Петербург")->utc_offset_minutes, 180);
    EXPECT_EQ(plan->ZoneOfRegion("Иркутская обл.")->utc_offset_minutes, 480);
    EXPECT_EQ(plan->ZoneOfRegion("Калининградская область")->timezone, "Europe/Kaliningrad");
    EXPECT_FALSE(plan->ZoneOfRegion("Атлантида").has_value());
}

class BadFileTest : public ::testing::Test {
protected:
    std::string Write(const std::string& text) {
        path_ = std::filesystem::temp_directory_path() /
                ("def-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                 std::to_string(reinterpret_cast<uintptr_t>(this)) + ".csv");
        std::ofstream(path_) << text;
        return path_.string();
    }
    void TearDown() override { std::filesystem::remove(path_); }
    std::filesystem::path path_;
};

TEST_F(BadFileTest, BadRangeNamesFileAndLine) {
    std::string file = Write(
        "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n"
        "900;0000000;0061999;62000;Т2;Краснодарский край;Краснодарский край;1\n"
        "900;0070000;0060000;1;Т2;Краснодарский край;Краснодарский край;1\n");
    auto plan = NumberingPlan::Load(file, kData);
    ASSERT_FALSE(plan.has_value());
    EXPECT_NE(plan.error().message.find(file + ":3:"), std::string::npos) << plan.error().message;
}

TEST_F(BadFileTest, WrongHeaderIsRefused) {
    std::string file = Write("name;phone\nИван;89161234567\n");
    auto plan = NumberingPlan::Load(file, kData);
    ASSERT_FALSE(plan.has_value());
    EXPECT_NE(plan.error().message.find(":1:"), std::string::npos);
}

TEST(NumberingPlanTest, MissingFileIsNotFound) {
    auto plan = NumberingPlan::Load("/no/such/DEF.csv", kData);
    ASSERT_FALSE(plan.has_value());
    EXPECT_EQ(plan.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace callbase::phone
