// Reading files as spreadsheets write them: encodings, delimiters, quoting,
// line numbers, and header mapping in Russian and English.
#include <gtest/gtest.h>

#include "ingest/column_map.h"
#include "ingest/csv.h"
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

TEST(CsvTest, DetectsDelimiter) {
    EXPECT_EQ(DetectDelimiter("a;b;c\n1;2;3\n"), ';');
    EXPECT_EQ(DetectDelimiter("a,b,c\n1,2,3\n"), ',');
    EXPECT_EQ(DetectDelimiter("a\tb\tc\n1\t2\t3\n"), '\t');
    // Commas inside quoted fields do not fool it.
    EXPECT_EQ(DetectDelimiter("ФИО;Комментарий\n\"Иванов, Иван\";\"да, нет, да\"\n"), ';');
}

TEST(CsvTest, QuotedFieldsWithDelimitersQuotesAndBreaksKeepLineNumbers) {
    std::string text =
        "name;phone;note\r\n"
        "\"Иванов; Иван\";89161234567;\"he said \"\"hi\"\"\"\r\n"
        "Петров;8 916;\"two\nline\nnote\"\n"
        "\n"
        "Сидоров;+7 916;\n";
    CsvReader reader(text, ';');
    std::vector<std::string> f;
    int64_t line = 0;
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(line, 1);
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(line, 2);
    EXPECT_EQ(f, (std::vector<std::string>{"Иванов; Иван", "89161234567", "he said \"hi\""}));
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(line, 3);
    EXPECT_EQ(f[2], "two\nline\nnote");
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(line, 7);  // the quoted record spanned lines 3-5, line 6 is blank
    EXPECT_EQ(f[0], "Сидоров");
    EXPECT_FALSE(reader.Next(&f, &line));
}

TEST(CsvTest, WriterQuotesWhatNeedsIt) {
    std::string out;
    AppendCsvRecord(out, {"a;b", "say \"x\"", "plain", "two\nlines"}, ';');
    EXPECT_EQ(out, "\"a;b\";\"say \"\"x\"\"\";plain;\"two\nlines\"\r\n");
    CsvReader reader(out, ';');
    std::vector<std::string> f;
    int64_t line;
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(f, (std::vector<std::string>{"a;b", "say \"x\"", "plain", "two\nlines"}));
}

TEST(ColumnMapTest, RussianAndEnglishHeaders) {
    auto cols = MapColumns({"ФИО", "Тел.", "Рабочий телефон", "Город", "Источник", "E-mail",
                            "Комментарий", "Статус", "Теги", "Дата добавления", "Сумма заказа"},
                           {}, "f.csv");
    ASSERT_TRUE(cols) << cols.error().message;
    std::vector<Target> want = {Target::kName,      Target::kPhone,  Target::kExtraPhone,
                                Target::kRegion,    Target::kSource, Target::kEmail,
                                Target::kComment,   Target::kStatus, Target::kTags,
                                Target::kDateAdded, Target::kCustom};
    for (size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ((*cols)[i].target, want[i]) << i;
    EXPECT_EQ((*cols)[2].label, "рабочий");
    auto en = MapColumns({"Name", "Phone", "City"}, {}, "f.csv");
    ASSERT_TRUE(en);
    EXPECT_EQ((*en)[1].target, Target::kPhone);
    auto parts = MapColumns({"Фамилия", "Имя", "Отчество", "Мобильный"}, {}, "f.csv");
    ASSERT_TRUE(parts);
    EXPECT_EQ((*parts)[0].target, Target::kLastName);
    EXPECT_EQ((*parts)[1].target, Target::kFirstName);
    EXPECT_EQ((*parts)[2].target, Target::kMiddleName);
    EXPECT_EQ((*parts)[3].target, Target::kPhone);
}

TEST(ColumnMapTest, NoPhoneColumnIsRefusedWithTheHeadersAndAHint) {
    auto cols = MapColumns({"ФИО", "Сотовый номер клиента"}, {}, "f.csv");
    ASSERT_FALSE(cols);
    EXPECT_NE(cols.error().message.find("Сотовый номер клиента"), std::string::npos);
    EXPECT_NE(cols.error().hint.find("--map"), std::string::npos);
    auto mapped =
        MapColumns({"ФИО", "Сотовый номер клиента"}, {"Сотовый номер клиента=phone"}, "f.csv");
    ASSERT_TRUE(mapped) << mapped.error().message;
    EXPECT_EQ((*mapped)[1].target, Target::kPhone);
    EXPECT_FALSE(MapColumns({"ФИО", "Тел"}, {"Нет такой=phone"}, "f.csv"));
    EXPECT_FALSE(MapColumns({"ФИО", "Тел"}, {"ФИО=colour"}, "f.csv"));
}

}  // namespace
}  // namespace callbase::ingest
