// Reading files as spreadsheets write them: delimiters, quoting, line breaks
// inside fields and the physical line numbers reported for each record.
#include <gtest/gtest.h>

#include "ingest/column_map.h"
#include "ingest/csv.h"
#include "ingest/encoding.h"

namespace callbase::ingest {
namespace {

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

TEST(CsvTest, RecordsOfDifferentWidthsDoNotLeakFields) {
    // The reader reuses the strings of the previous record.
    CsvReader reader("a;b;c;d\r\n1\r\nx;\"\";z\r\nsay \"hi\" there;\"q\"\"\"", ';');
    std::vector<std::string> f;
    int64_t line = 0;
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(f.size(), 4u);
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(f, (std::vector<std::string>{"1"}));
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(f, (std::vector<std::string>{"x", "", "z"}));
    ASSERT_TRUE(reader.Next(&f, &line));
    EXPECT_EQ(line, 4);
    // A quote inside an unquoted field is kept as it is; no final line break.
    EXPECT_EQ(f, (std::vector<std::string>{"say \"hi\" there", "q\""}));
    EXPECT_FALSE(reader.Next(&f, &line));
}

TEST(CsvTest, Cp1251BytesAreSplitAsTheyAre) {
    // Delimiters, quotes and breaks are ASCII in cp1251 too: the importer splits
    // the raw bytes and converts cells one by one.
    std::string cp = Utf8ToCp1251("ФИО;Телефон\n\"Ёлкин; Пётр\";8 916 123-45-67\n", nullptr);
    EXPECT_EQ(DetectDelimiter(cp), ';');
    CsvReader reader(cp, ';');
    std::vector<std::string> f;
    int64_t line = 0;
    ASSERT_TRUE(reader.Next(&f, &line));
    ASSERT_TRUE(reader.Next(&f, &line));
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(Cp1251ToUtf8(f[0]), "Ёлкин; Пётр");
}

// Issue 17, item 18: formula injection.
TEST(CsvTest, CellsThatWouldRunAsFormulasAreWrittenAsText) {
    for (std::string_view cell : {"=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                  "+7 916 123-45-67", "-", "+", "--1"}) {
        EXPECT_EQ(SpreadsheetText(cell), "'" + std::string(cell)) << cell;
        EXPECT_EQ(ImportedText(SpreadsheetText(cell)), cell);
    }
    for (std::string_view cell :
         {"+79161234567", "-12", "-12.5", "+3,25", "Иван", "a=b", "", "'quoted already"}) {
        EXPECT_EQ(SpreadsheetText(cell), cell) << cell;
        EXPECT_EQ(ImportedText(cell), cell);
    }
    std::string out;
    AppendCsvRecord(out, {"=1+2", "+79161234567", "\r=x", "ok"}, ';');
    EXPECT_EQ(out, "'=1+2;+79161234567;\"'\r=x\";ok\r\n");
}

}  // namespace
}  // namespace callbase::ingest
