// Encodings of imported files: UTF-8 with and without a BOM, Windows-1251, and
// files that are neither (mixed, Latin-1, UTF-16) refused with the line to look at.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ingest/encoding.h"

namespace callbase::ingest {
namespace {

TEST(EncodingTest, Cp1251RoundTripsCyrillic) {
    std::string text = "Иванов Пётр Ёлкин, тел. №5 — «VIP»";
    size_t lost = 0;
    std::string cp = Utf8ToCp1251(text, &lost);
    EXPECT_EQ(lost, 0u);
    EXPECT_FALSE(IsValidUtf8(cp));
    EXPECT_EQ(DetectEncoding(cp), Encoding::kCp1251);
    EXPECT_EQ(Cp1251ToUtf8(cp), text);
    EXPECT_EQ(static_cast<unsigned char>(Utf8ToCp1251("Я", nullptr)[0]), 0xDF);
    size_t lost_cjk = 0;
    EXPECT_EQ(Utf8ToCp1251("a中b", &lost_cjk), "a?b");
    EXPECT_EQ(lost_cjk, 1u);
}

TEST(EncodingTest, DetectsUtf8AndNamesEncodings) {
    EXPECT_EQ(DetectEncoding("Телефон;Имя"), Encoding::kUtf8);
    EXPECT_EQ(DetectEncoding("plain ascii"), Encoding::kUtf8);
    EXPECT_EQ(*ParseEncoding("Windows-1251"), Encoding::kCp1251);
    EXPECT_EQ(*ParseEncoding("UTF8"), Encoding::kUtf8);
    auto bad = ParseEncoding("koi8-r");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().hint.find("cp1251"), std::string::npos);
}

TEST(EncodingTest, DetectsAWholeFile) {
    std::string utf8 = "ФИО;Телефон\nИванов Пётр;89161234567\n";
    EXPECT_EQ(*DetectFileEncoding(utf8, "f.csv"), Encoding::kUtf8);
    EXPECT_EQ(*DetectFileEncoding("Name;Phone\nIvan;89161234567\n", "f.csv"), Encoding::kUtf8);
    EXPECT_EQ(*DetectFileEncoding(Utf8ToCp1251(utf8, nullptr), "f.csv"), Encoding::kCp1251);
    // Punctuation of the upper half (№, «», —) does not make cp1251 look foreign.
    std::string punct = Utf8ToCp1251("Заказ №5 — «срочно»; Ёлкин\n", nullptr);
    EXPECT_EQ(*DetectFileEncoding(punct, "f.csv"), Encoding::kCp1251);
}

TEST(EncodingTest, MixedFileIsRefusedWithTheFirstForeignLine) {
    // A UTF-8 file with one line pasted from a Windows-1251 file.
    std::string mixed = "ФИО;Телефон\nИванов Иван;89161234567\nПетрова Анна;89161234568\n" +
                        Utf8ToCp1251("Сидоров;89161234569\n", nullptr) +
                        "Козлова Мария;89161234570\n";
    auto got = DetectFileEncoding(mixed, "mixed.csv");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("mixed.csv"), std::string::npos);
    EXPECT_NE(got.error().message.find("mixes UTF-8"), std::string::npos) << got.error().message;
    EXPECT_NE(got.error().message.find("line 4"), std::string::npos) << got.error().message;
    EXPECT_NE(got.error().hint.find("--encoding"), std::string::npos);
    EXPECT_EQ(got.error().key, "import.mixed_encoding");
    EXPECT_EQ(got.error().params, (MessageParams{{"file", "mixed.csv"}, {"line", "4"}}));
}

TEST(EncodingTest, NeitherUtf8NorCyrillicIsRefused) {
    // Latin-1 accents are high bytes that are not cp1251 letters.
    auto latin1 = DetectFileEncoding(
        "Name;Phone\nJos\xe9 M\xfcller;+4930123456\n\xa9\xae\xb1\xb2\xb3;1\n", "l.csv");
    // é and ü are cp1251 letters (й, ь), but ©®±²³ are not: more foreign than Cyrillic.
    ASSERT_FALSE(latin1);
    EXPECT_NE(latin1.error().message.find("neither UTF-8 nor Windows-1251"), std::string::npos);
    std::string utf16("N\0a\0m\0e\0\n\0", 10);
    auto wide = DetectFileEncoding(utf16, "w.csv");
    ASSERT_FALSE(wide);
    EXPECT_NE(wide.error().message.find("UTF-16"), std::string::npos);
}

TEST(EncodingTest, FirstInvalidUtf8FindsTheByte) {
    EXPECT_EQ(FirstInvalidUtf8("plain ascii text, long enough for the word loop"),
              std::string_view::npos);
    std::string s = "0123456789abcdefЖ\xff";
    EXPECT_EQ(FirstInvalidUtf8(s), s.size() - 1);
    EXPECT_EQ(FirstInvalidUtf8("\xc0\x80"), 0u);  // overlong
    EXPECT_EQ(FirstInvalidUtf8("ab\xd0"), 2u);    // cut short
}

}  // namespace
}  // namespace callbase::ingest

namespace callbase::ingest {
namespace {

// A deliberately plain reference: the offset of the first byte that does not
// start a well-formed sequence (no overlong two-byte forms), or npos.
size_t ReferenceFirstInvalid(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto b = static_cast<unsigned char>(s[i]);
        size_t len = 0;
        if (b < 0x80)
            len = 1;
        else if (b >= 0xC2 && b < 0xE0)
            len = 2;
        else if (b >= 0xE0 && b < 0xF0)
            len = 3;
        else if (b >= 0xF0 && b < 0xF8)
            len = 4;
        if (len == 0 || i + len > s.size()) return i;
        for (size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
        i += len;
    }
    return std::string_view::npos;
}

TEST(EncodingTest, FirstInvalidUtf8AgreesWithAPlainReferenceOnLargeAndSmallText) {
    // Over 4 MB, so the check runs in two halves; broken bytes land anywhere,
    // around the middle included.
    const std::string pieces[] = {"Иванов ", "ёлка;", "a,b ", "中文", "😀", "\"\n", "Щ"};
    std::mt19937 rng(7);
    std::string text;
    while (text.size() < (5u << 20))
        text += pieces[rng() % std::size(pieces)];
    ASSERT_EQ(FirstInvalidUtf8(text), std::string_view::npos);
    std::vector<size_t> spots;
    for (size_t d = 0; d < 8; ++d) {
        spots.push_back(text.size() / 2 - 4 + d);
    }
    for (int k = 0; k < 16; ++k)
        spots.push_back(rng() % text.size());
    const unsigned char bad[] = {0xFF, 0x80, 0xC0, 0xD0, 0xE2, 0xF0, 'a'};
    int broken = 0;
    for (size_t at : spots) {
        for (unsigned char b : bad) {
            const char was = text[at];  // broken in place, mended below
            text[at] = static_cast<char>(b);
            size_t want = ReferenceFirstInvalid(text);
            broken += want != std::string_view::npos;
            EXPECT_EQ(FirstInvalidUtf8(text), want) << "byte " << int(b) << " at " << at;
            std::string_view small = std::string_view(text).substr(at > 100 ? at - 100 : 0, 300);
            EXPECT_EQ(FirstInvalidUtf8(small), ReferenceFirstInvalid(small));
            text[at] = was;
        }
    }
    EXPECT_GT(broken, 100);  // most replacements do break the text
}

}  // namespace
}  // namespace callbase::ingest
