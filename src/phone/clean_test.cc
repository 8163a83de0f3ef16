// What a user of `callbase phone clean` relies on: each common spelling gives
// the same E.164 with the right quality code, extensions are kept, several
// numbers are listed, junk is called junk, and +7 mobiles carry their region,
// operator and time zone from the numbering plan.
#include "phone/clean.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "phone/numbering_plan.h"
#include "phone/spelling.h"
#include "support/test_phone.h"

namespace callbase::phone {
namespace {

class CleanTest : public ::testing::Test {
protected:
    const Cleaner& cleaner_ = callbase::testing::TestCleaner();
};

TEST_F(CleanTest, EveryCommonRussianSpellingGivesTheSameNumber) {
    struct Case {
        const char* input;
        Quality qc;
    };
    for (const Case& c :
         {Case{"8 (916) 123-45-67", Quality::kCorrected}, Case{"+7 916 1234567", Quality::kSure},
          Case{"9161234567", Quality::kCorrected}, Case{"7-916-123-45-67", Quality::kCorrected},
          Case{"89161234567", Quality::kCorrected}, Case{"+7 (916) 123-45-67", Quality::kSure},
          Case{"  +79161234567 ", Quality::kSure}}) {
        CleanResult r = cleaner_.Clean(c.input);
        EXPECT_EQ(r.e164, "+79161234567") << c.input;
        EXPECT_EQ(r.qc, c.qc) << c.input;
        EXPECT_EQ(r.type, LineType::kMobile) << c.input;
        EXPECT_EQ(r.country, "RU") << c.input;
        EXPECT_EQ(r.qc == Quality::kSure, r.reason.empty()) << c.input << ": " << r.reason;
    }
}

TEST_F(CleanTest, ReasonSaysWhatWasAssumed) {
    EXPECT_EQ(cleaner_.Clean("8 (916) 123-45-67").reason, "trunk prefix 8 replaced with +7");
    EXPECT_EQ(cleaner_.Clean("9161234567").reason, "country code +7 assumed");
    EXPECT_EQ(cleaner_.Clean("79161234567").reason, "'+' added before the country code 7");
}

TEST_F(CleanTest, MobileCarriesRegionOperatorAndTimeZoneFromThePlan) {
    CleanResult r = cleaner_.Clean("+7 916 123-45-67");
    EXPECT_EQ(r.operator_name, "ПАО \"Мобильные ТелеСистемы\"");
    EXPECT_EQ(r.region, "Город Москва, Московская область");
    EXPECT_EQ(r.timezone, "Europe/Moscow");
    ASSERT_TRUE(r.utc_offset_minutes.has_value());
    EXPECT_EQ(*r.utc_offset_minutes, 180);

    CleanResult nsk = cleaner_.Clean("8 923 000 01 23");  // 923 0000000-0000999: Novosibirsk
    EXPECT_EQ(nsk.region, "Новосибирская область");
    EXPECT_EQ(nsk.operator_name, "ПАО \"МЕГАФОН\"");
    EXPECT_EQ(nsk.timezone, "Asia/Novosibirsk");
    EXPECT_EQ(nsk.utc_offset_minutes, 420);
}

TEST_F(CleanTest, ExtensionIsKeptApart) {
    CleanResult r = cleaner_.Clean("+7(495)123-45-67 доб. 101");
    EXPECT_EQ(r.e164, "+74951234567");
    EXPECT_EQ(r.extension, "101");
    EXPECT_EQ(r.type, LineType::kFixed);
    EXPECT_EQ(r.qc, Quality::kSure);
    EXPECT_EQ(cleaner_.Clean("8 495 123-45-67, доб 22").extension, "22");
    EXPECT_EQ(cleaner_.Clean("+1 650 253 0000 ext. 7").extension, "7");
}

TEST_F(CleanTest, LandlineRegionComesFromTheGeocoder) {
    CleanResult r = cleaner_.Clean("8 (3822) 12-34-56");
    EXPECT_EQ(r.e164, "+73822123456");
    EXPECT_EQ(r.type, LineType::kFixed);
    EXPECT_EQ(r.region, "Томская обл.");
    EXPECT_EQ(r.timezone, "Asia/Tomsk");
    EXPECT_EQ(r.utc_offset_minutes, 420);
    CleanResult spb = cleaner_.Clean("+7 812 123 45 67");
    EXPECT_EQ(spb.timezone, "Europe/Moscow");
}

TEST_F(CleanTest, SeveralNumbersInOneCell) {
    CleanResult r = cleaner_.Clean("тел.: 8 916 123 45 67, 8 495 765 43 21");
    EXPECT_EQ(r.qc, Quality::kSeveral);
    EXPECT_EQ(r.e164, "+79161234567");
    EXPECT_EQ(r.all, (std::vector<std::string>{"+79161234567", "+74957654321"}));
    EXPECT_FALSE(r.reason.empty());
    // The same number twice is one number.
    CleanResult twice = cleaner_.Clean("89161234567; +7 916 123-45-67");
    EXPECT_EQ(twice.all.size(), 0u);
    EXPECT_EQ(twice.e164, "+79161234567");
}

TEST_F(CleanTest, LabelAroundOneNumberIsIgnoredButNoted) {
    CleanResult r = cleaner_.Clean("моб. +7 916 123-45-67");
    EXPECT_EQ(r.e164, "+79161234567");
    EXPECT_EQ(r.qc, Quality::kCorrected);
    EXPECT_NE(r.reason.find("ignored"), std::string::npos);
}

TEST_F(CleanTest, ForeignNumbersWrittenWithPlus) {
    struct Case {
        const char* input;
        const char* e164;
        const char* country;
    };
    for (const Case& c : {Case{"+1 650 253 0000", "+16502530000", "US"},
                          Case{"+44 20 7946 0958", "+442079460958", "GB"},
                          Case{"+375 29 123-45-67", "+375291234567", "BY"},
                          Case{"+49 30 123456", "+4930123456", "DE"},
                          Case{"+7 701 123 4567", "+77011234567", "KZ"}}) {
        CleanResult r = cleaner_.Clean(c.input);
        EXPECT_EQ(r.e164, c.e164) << c.input;
        EXPECT_EQ(r.country, c.country) << c.input;
        EXPECT_EQ(r.qc, Quality::kSure) << c.input;
    }
}

TEST_F(CleanTest, JunkIsCalledJunkWithAReason) {
    for (const char* junk : {"", "   ", "нет", "123", "-", "+7 (000) 000-00-00", "не звонить",
                             "8 916 123", "+7 916 123 45 67 89 01 23"}) {
        CleanResult r = cleaner_.Clean(junk);
        EXPECT_TRUE(r.e164.empty()) << junk;
        EXPECT_EQ(r.qc, Quality::kJunk) << junk;
        EXPECT_FALSE(r.reason.empty()) << junk;
    }
    EXPECT_EQ(cleaner_.Clean("").reason, "empty");
}

TEST_F(CleanTest, TollFreeAndTypes) {
    EXPECT_EQ(cleaner_.Clean("8 800 555-35-35").type, LineType::kTollFree);
    EXPECT_EQ(cleaner_.Clean("8 800 555-35-35").e164, "+78005553535");
}

TEST_F(CleanTest, HotPathAgreesWithFullCleaning) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 2000; ++i) {
        uint64_t national = 9000000000 + rng() % 1000000000;
        std::string text = SpellRussian(national, rng);
        std::string e164;
        bool ok = cleaner_.ToE164(text, &e164);
        CleanResult full = cleaner_.Clean(text);
        EXPECT_EQ(ok, full.valid()) << text;
        if (ok) {
            EXPECT_EQ(e164, full.e164) << text;
        }
    }
}

TEST_F(CleanTest, EverySpellingCleansBack) {
    for (int style = 0; style < kRussianSpellings; ++style) {
        std::string text = SpellRussian(9161234567, style);
        EXPECT_EQ(cleaner_.Clean(text).e164, "+79161234567") << text;
    }
}

TEST_F(CleanTest, JsonLineHasEveryField) {
    auto j = nlohmann::json::parse(ToJson(cleaner_.Clean("8 (916) 123-45-67")));
    for (const char* key : {"input", "e164", "extension", "type", "country", "region", "operator",
                            "utc_offset", "timezone", "qc", "reason"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_EQ(j["utc_offset"], 3);
    EXPECT_EQ(j["qc"], 1);
    auto junk = nlohmann::json::parse(ToJson(cleaner_.Clean("нет")));
    EXPECT_TRUE(junk["e164"].is_null());
    auto several = nlohmann::json::parse(ToJson(cleaner_.Clean("89161234567, 84957654321")));
    EXPECT_EQ(several["all"].size(), 2u);
}

// Found by fuzz/fuzz_phone (input in fuzz/corpus/fuzz_phone/invalid-utf8.txt):
// the JSON line echoes the input, and bytes that are not UTF-8 made the JSON
// writer throw (`printf '\xff' | callbase phone clean` aborted).
// Found by fuzz/fuzz_phone (input in fuzz/corpus/fuzz_phone/seventeen-digits.txt):
// libphonenumber took a German number of 17 digits as valid; E.164 has 15.
TEST_F(CleanTest, ANumberOfMoreThanFifteenDigitsIsNotValid) {
    auto r = cleaner_.Clean("891A61234~67; +4 9266w75-6746123 4 92");
    EXPECT_FALSE(r.valid()) << r.e164;
    std::string e164;
    EXPECT_FALSE(cleaner_.ToE164("+4 9266w75-6746123 4 92", &e164)) << e164;
}

TEST_F(CleanTest, JsonLineOfInputThatIsNotUtf8ReplacesTheBadBytes) {
    const std::string line = ToJson(cleaner_.Clean("\xd0\xbd\xbd 8 916 123-45-67 \xff"));
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("qc"));
    EXPECT_EQ(j["input"], "\xd0\xbd\xef\xbf\xbd 8 916 123-45-67 \xef\xbf\xbd");
}

}  // namespace
}  // namespace callbase::phone
