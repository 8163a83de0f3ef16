// The generated demo data: deterministic, the requested shares of duplicates
// and junk, valid numbers with cities that match them, parseable CSV, cp1251.
#include "ingest/generator.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "ingest/csv.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "support/test_phone.h"

namespace callbase::ingest {
namespace {

std::string Generate(const phone::NumberingPlan& plan, GeneratorOptions o) {
    std::stringstream out;
    EXPECT_TRUE(GenerateContacts(plan, o, out));
    return out.str();
}

TEST(GeneratorTest, DeterministicRatesAndValidInventedNumbers) {
    const phone::NumberingPlan* plan = &callbase::testing::TestPlan();
    const phone::Cleaner& cleaner = callbase::testing::TestCleaner();
    GeneratorOptions o{.rows = 20000, .seed = 5, .dup_rate = 0.05, .junk_rate = 0.03};
    std::string a = Generate(*plan, o);
    EXPECT_EQ(a, Generate(*plan, o));
    o.seed = 6;
    EXPECT_NE(a, Generate(*plan, o));

    CsvReader reader(a, ';');
    std::vector<std::string> f;
    int64_t line;
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(f.size(), 9u);
    int rows = 0, junk = 0, repeated = 0, held = 0, mobiles = 0;
    std::set<std::string> cities;
    std::set<std::string> seen;
    while (reader.Next(&f, &line)) {
        ASSERT_EQ(f.size(), 9u) << "line " << line;
        ++rows;
        auto r = cleaner.Clean(f[1]);
        if (!r.valid()) {
            ++junk;
            continue;
        }
        EXPECT_EQ(r.country, "RU") << f[1];
        if (!seen.insert(r.e164).second) ++repeated;
        // Pseudonymized: a valid mobile that no operator of the plan holds.
        mobiles += r.type == phone::LineType::kMobile;
        held += plan->Find(std::stoull(r.e164.substr(2))).has_value();
        for (const std::string& extra : cleaner.Clean(f[2]).all)
            held += plan->Find(std::stoull(extra.substr(2))).has_value();
        EXPECT_FALSE(f[3].empty()) << "line " << line;
        cities.insert(f[3]);
    }
    EXPECT_EQ(rows, 20000);
    EXPECT_NEAR(junk / 20000.0, 0.03, 0.01);
    EXPECT_NEAR(repeated / 20000.0, 0.05, 0.01);
    EXPECT_EQ(mobiles, rows - junk);
    EXPECT_EQ(held, 0);
    EXPECT_GT(cities.size(), 50u);  // people all over the country
}

// The demo's data (issue 18): numbers invented inside the real range of each
// person's city, so that the card shows the city's region, its operator and
// its time zone. Such numbers may be real; the demo base is marked and never
// dialed over a real network (campaigns/demo_base_test.cc).
TEST(GeneratorTest, RealRangesGiveEveryNumberTheRegionOperatorAndTimeZoneOfItsCity) {
    const phone::NumberingPlan* plan = &callbase::testing::TestPlan();
    const phone::Cleaner& cleaner = callbase::testing::TestCleaner();
    GeneratorOptions o{.rows = 3000, .seed = 42, .dup_rate = 0.05, .junk_rate = 0.03};
    o.real_ranges = true;
    const std::string text = Generate(*plan, o);
    EXPECT_EQ(text, Generate(*plan, o)) << "deterministic";
    o.real_ranges = false;
    EXPECT_NE(text, Generate(*plan, o));

    CsvReader reader(text, ';');
    std::vector<std::string> f;
    int64_t line;
    ASSERT_TRUE(reader.Next(&f, &line));
    int numbers = 0, with_zone = 0;
    std::set<std::string> zones, operators;
    while (reader.Next(&f, &line)) {
        auto r = cleaner.Clean(f[1]);
        if (!r.valid()) continue;
        ++numbers;
        auto entry = plan->Find(std::stoull(r.e164.substr(2)));
        ASSERT_TRUE(entry) << f[1] << ": not in a real range";
        EXPECT_NE(std::string(entry->region).find(f[3]), std::string::npos)
            << "line " << line << ": the number's region " << entry->region << ", the city "
            << f[3];
        EXPECT_FALSE(r.region.empty()) << f[1];
        EXPECT_FALSE(r.operator_name.empty()) << f[1];
        with_zone += !r.timezone.empty();
        zones.insert(r.timezone);
        operators.insert(r.operator_name);
        for (const std::string& extra : cleaner.Clean(f[2]).all)
            EXPECT_TRUE(plan->Find(std::stoull(extra.substr(2)))) << extra;
    }
    EXPECT_GT(numbers, 2700);
    EXPECT_GT(with_zone, numbers * 95 / 100) << "nearly every region has a known time zone";
    EXPECT_GT(zones.size(), 5u) << "callees across Russia's time zones";
    EXPECT_GT(operators.size(), 3u);
}

TEST(GeneratorTest, Cp1251OutputDecodesBack) {
    const phone::NumberingPlan* plan = &callbase::testing::TestPlan();
    GeneratorOptions o{.rows = 500, .seed = 3};
    std::string utf8 = Generate(*plan, o);
    o.encoding = Encoding::kCp1251;
    std::string cp = Generate(*plan, o);
    EXPECT_FALSE(IsValidUtf8(cp));
    EXPECT_EQ(Cp1251ToUtf8(cp), utf8);
}

TEST(GeneratorTest, BadRatesAreRefused) {
    EXPECT_FALSE(ValidateGeneratorOptions({.dup_rate = 1.5}));
    EXPECT_FALSE(ValidateGeneratorOptions({.junk_rate = -0.1}));
    EXPECT_FALSE(ValidateGeneratorOptions({.rows = -1}));
    EXPECT_TRUE(ValidateGeneratorOptions({}));
}

}  // namespace
}  // namespace callbase::ingest
