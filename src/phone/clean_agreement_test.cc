// The fast path must agree with libphonenumber, the authority on validity and
// E.164, on every input of a generated corpus of 1,000,000 messy inputs: every
// common Russian spelling of valid and invalid numbers, wrong lengths, foreign
// numbers, extensions, labels, several numbers in one cell, and junk.
//
// The reference is libphonenumber's Parse(text, "RU") + IsValidNumber +
// Format(E164) on the input as written. One deliberate difference: a cell with
// several numbers is split by the cleaner, so its reference is libphonenumber on
// the first piece that is a valid number (libphonenumber alone would read the
// digits of both numbers as one over-long number). Two: libphonenumber reads
// letters as keypad digits (vanity numbers, "1-800-FLOWERS"); in a Russian
// contact base letters next to digits are junk, and the cleaner never invents a
// digit, so the reference counts a number whose digits are not all written in
// the input as invalid. docs/performance.md lists both.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "phone/spelling.h"

namespace callbase::phone {
namespace {

namespace pn = i18n::phonenumbers;

struct Input {
    std::string text;
    std::vector<std::string> pieces;  // what libphonenumber sees, in order
};

// The region the cleaner must give a valid number that is not a +7 mobile of
// the numbering plan: the geocoder's full answer ("Россия" alone says nothing).
std::string ReferenceRegion(const CleanResult& r) {
    static pn::PhoneNumberOfflineGeocoder geocoder;
    pn::PhoneNumber n;
    pn::PhoneNumberUtil::GetInstance()->Parse(r.e164, "ZZ", &n);
    std::string where = geocoder.GetDescriptionForNumber(n, icu::Locale("ru"));
    if (r.country == "RU" && where == "Россия") where.clear();
    return where;
}

std::string Reference(const std::string& text) {
    const auto* util = pn::PhoneNumberUtil::GetInstance();
    pn::PhoneNumber n;
    if (util->Parse(text, "RU", &n) != pn::PhoneNumberUtil::NO_PARSING_ERROR) return "";
    if (!util->IsValidNumber(n)) return "";
    std::string out;
    util->Format(n, pn::PhoneNumberUtil::E164, &out);
    // Every digit of the number must be written in the input, in order.
    size_t at = 0;
    std::string national = out.substr(1 + std::to_string(n.country_code()).size());
    for (char c : text) {
        if (at < national.size() && c == national[at]) ++at;
    }
    return at == national.size() ? out : "";
}

// A deterministic corpus generator, seeded.
class Corpus {
public:
    explicit Corpus(uint64_t seed) : rng_(seed) {}

    Input Next() {
        switch (Pick(10)) {
            case 0:
            case 1:
            case 2:
                return Single(Spell(Mobile()));
            case 3:
                return Single(Spell(AnyPrefix()));
            case 4:
                return Single(WrongLength());
            case 5:
                return Single(Foreign());
            case 6:
                return Single(Junk());
            case 7:
                return Single(Spell(Mobile()) + Extension());
            case 8:
                return Single(Label() + Spell(Pick(2) ? Mobile() : AnyPrefix()));
            default: {
                std::string a = Pick(4) ? Spell(Mobile()) : Junk();
                std::string b = Spell(Pick(2) ? Mobile() : AnyPrefix());
                static constexpr std::array<const char*, 4> kSeps = {", ", "; ", " / ", "\n"};
                return Input{a + kSeps[Pick(4)] + b, {a, b}};
            }
        }
    }

private:
    uint64_t Pick(uint64_t n) { return rng_() % n; }
    Input Single(std::string text) { return Input{text, {text}}; }
    uint64_t Mobile() { return 9000000000 + Pick(1000000000); }
    uint64_t AnyPrefix() { return Pick(10000000000); }  // 000..999: valid, invalid, KZ
    std::string Spell(uint64_t national) { return SpellRussian(national, rng_); }
    std::string WrongLength() {
        std::string s = Spell(Pick(2) ? Mobile() : AnyPrefix());
        size_t pos = s.find_last_of("0123456789");
        if (Pick(2))
            s.erase(pos, 1);
        else
            s.insert(pos, 1, static_cast<char>('0' + Pick(10)));
        return s;
    }
    std::string Foreign() {
        static constexpr std::array<const char*, 12> kCodes = {
            "1", "44", "49", "33", "380", "375", "86", "998", "90", "374", "995", "39"};
        std::string s = std::string("+") + kCodes[Pick(kCodes.size())] + (Pick(2) ? " " : "");
        size_t digits = 6 + Pick(7);
        for (size_t i = 0; i < digits; ++i) {
            s.push_back(static_cast<char>('0' + Pick(10)));
            if (Pick(5) == 0) s.push_back(Pick(2) ? ' ' : '-');
        }
        return s;
    }
    std::string Junk() {
        static constexpr std::array<const char*, 12> kJunk = {
            "нет", "-", "123", "", " ", "не звонить", "+7", "0", "???", "тел.", "8-800", "n/a"};
        if (Pick(3)) return kJunk[Pick(kJunk.size())];
        std::string s;
        size_t len = Pick(14);
        for (size_t i = 0; i < len; ++i) {
            s.push_back("0123456789 -()+abcxyz"[Pick(21)]);
        }
        return s;
    }
    std::string Extension() {
        static constexpr std::array<const char*, 4> kMarks = {" доб. ", " доб ", " ext. ", " #"};
        return kMarks[Pick(kMarks.size())] + std::to_string(1 + Pick(9999));
    }
    std::string Label() {
        static constexpr std::array<const char*, 5> kLabels = {"тел.: ", "моб. ", "Тел ",
                                                               "phone: ", "т. "};
        return kLabels[Pick(kLabels.size())];
    }

    std::mt19937_64 rng_;
};

TEST(CleanAgreementTest, AgreesWithLibphonenumberOnAMillionMessyInputs) {
    auto plan = NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    ASSERT_TRUE(plan.has_value()) << plan.error().message;
    Cleaner cleaner(*plan);
    Corpus corpus(20261123);
    constexpr int kInputs = 1000000;
    int disagreements = 0, valid = 0, regions = 0, region_disagreements = 0;
    for (int i = 0; i < kInputs; ++i) {
        Input in = corpus.Next();
        std::string expected;
        for (const auto& piece : in.pieces) {
            expected = Reference(piece);
            if (!expected.empty()) break;
        }
        std::string fast;
        bool fast_valid = cleaner.ToE164(in.text, &fast);
        if (!fast_valid) fast.clear();
        // The full cleaning on a tenth of the inputs (it adds enrichment, not
        // parsing), with the region checked where the geocoder gives it.
        std::string full = fast;
        if (i % 10 == 0) {
            CleanResult r = cleaner.Clean(in.text);
            full = r.e164;
            bool from_plan = r.country == "RU" && !r.operator_name.empty();
            if (r.valid() && !from_plan) {
                ++regions;
                if (r.region != ReferenceRegion(r) && ++region_disagreements <= 20) {
                    ADD_FAILURE() << "input '" << in.text << "': geocoder '" << ReferenceRegion(r)
                                  << "', Clean '" << r.region << "'";
                }
            }
        }
        valid += !expected.empty();
        if (fast != expected || full != expected) {
            if (++disagreements <= 20) {
                ADD_FAILURE() << "input '" << in.text << "': libphonenumber '" << expected
                              << "', fast path '" << fast << "', Clean '" << full << "'";
            }
        }
    }
    EXPECT_EQ(disagreements, 0);
    EXPECT_EQ(region_disagreements, 0);
    EXPECT_GT(regions, kInputs / 100);  // landlines and foreign numbers in earnest
    // The corpus must exercise both outcomes in earnest.
    EXPECT_GT(valid, kInputs / 2);
    EXPECT_GT(kInputs - valid, kInputs / 10);
    std::printf(
        "%d inputs, %d valid, %d disagreements; %d regions from the geocoder, %d "
        "disagreements\n",
        kInputs, valid, disagreements, regions, region_disagreements);
}

// +1 numbers take their own fast path (a verdict kept per six-digit
// prefix). Many numbers share each prefix here, and the prefixes whose
// validity libphonenumber decides below the area code (305-20x, 505-64x) are
// in the mix, so a verdict that did not hold for a whole prefix would show.
TEST(CleanAgreementTest, NorthAmericanNumbersAgreeWithLibphonenumber) {
    const auto* util = pn::PhoneNumberUtil::GetInstance();
    auto plan = NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    ASSERT_TRUE(plan.has_value()) << plan.error().message;
    Cleaner us(*plan, "US");
    Cleaner ru(*plan);
    std::mt19937_64 rng(1123);
    std::vector<uint64_t> prefixes;  // seven digits: NPA, NXX, the line's first digit
    for (int k = 0; k < 20000; ++k)
        prefixes.push_back(rng() % 10000000);
    // Every exchange of a few area codes, so that a verdict kept by too short a
    // prefix would meet numbers it does not hold for.
    for (uint64_t npa : {212u, 305u, 505u, 800u, 876u})
        for (uint64_t nxx = 0; nxx < 1000; ++nxx)
            prefixes.push_back(npa * 10000 + nxx * 10 + rng() % 10);
    for (uint64_t special :
         {3052000u, 3052090u, 3052095u, 5056400u, 5056470u, 5056480u, 8005550u, 9002220u, 2125550u})
        for (uint64_t d = 0; d < 10; ++d)
            prefixes.push_back(special + d);
    int inputs = 0, valid = 0, disagreements = 0;
    for (int i = 0; i < 200000; ++i) {
        uint64_t national = prefixes[rng() % prefixes.size()] * 1000 + rng() % 1000;
        std::string d = fmt::format("{:010}", national);
        std::string text;
        switch (rng() % 5) {
            case 0:
                text = fmt::format("+1 {} {} {}", d.substr(0, 3), d.substr(3, 3), d.substr(6));
                break;
            case 1:
                text = fmt::format("({}) {}-{}", d.substr(0, 3), d.substr(3, 3), d.substr(6));
                break;
            case 2:
                text = fmt::format("1-{}-{}-{}", d.substr(0, 3), d.substr(3, 3), d.substr(6));
                break;
            case 3:
                text = fmt::format("{}.{}.{}", d.substr(0, 3), d.substr(3, 3), d.substr(6));
                break;
            default:
                text = d;
                break;
        }
        for (const Cleaner* cleaner : {&us, &ru}) {
            const char* region = cleaner == &us ? "US" : "RU";
            pn::PhoneNumber n;
            std::string expected;
            if (util->Parse(text, region, &n) == pn::PhoneNumberUtil::NO_PARSING_ERROR &&
                util->IsValidNumber(n)) {
                util->Format(n, pn::PhoneNumberUtil::E164, &expected);
            }
            std::string got;
            if (!cleaner->ToE164(text, &got)) got.clear();
            ++inputs;
            valid += !expected.empty();
            if (got != expected && ++disagreements <= 20) {
                ADD_FAILURE() << "input '" << text << "' (" << region << "): libphonenumber '"
                              << expected << "', ToE164 '" << got << "'";
            }
        }
    }
    EXPECT_EQ(disagreements, 0);
    EXPECT_GT(valid, inputs / 10);
    EXPECT_LT(valid, inputs * 9 / 10);
    std::printf("%d +1 inputs, %d valid, %d disagreements\n", inputs, valid, disagreements);
}

}  // namespace
}  // namespace callbase::phone
