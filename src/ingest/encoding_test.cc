// Encodings of imported files: UTF-8 with and without a BOM, Windows-1251, and
// files that are neither (mixed, Latin-1, UTF-16) refused with the line to look at.
#include <gtest/gtest.h>

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
