// The staffing forecast's interval file as spreadsheets save it: LibreOffice's
// CSV (';', BOM, CRLF, decimal commas, Russian headers), Russian Excel's
// (Windows-1251, ',' with quoted decimal commas), English tab-separated text, a
// file without a header, an .xlsx sheet — and every bad row named by its line,
// nothing skipped.
#include "ingest/interval_forecast.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest/encoding.h"
#include "ingest/xlsx_writer.h"

namespace callbase::ingest {
namespace {

TEST(IntervalForecastTest, ReadsLibreOfficeCsvWithRussianHeaders) {
    const std::string text =
        "\xEF\xBB\xBF"
        "время;звонков;AHT\r\n"
        "09:00;120;180,5\r\n"
        "09:30;135,5;\r\n"
        ";;\r\n"
        "10:00;0;200\r\n";
    auto f = ParseIntervalForecast(text, "прогноз.csv");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->format, "csv, utf-8 (BOM), ';'");
    EXPECT_EQ(f->start_header, "время");
    EXPECT_EQ(f->calls_header, "звонков");
    EXPECT_EQ(f->aht_header, "AHT");
    EXPECT_TRUE(f->has_aht_column);
    EXPECT_EQ(f->step_minutes, 30);
    ASSERT_EQ(f->rows.size(), 3u) << "the row of empty cells holds nothing";
    EXPECT_EQ(f->rows[0].line, 2);
    EXPECT_EQ(f->rows[0].start_minute, 9 * 60);
    EXPECT_DOUBLE_EQ(f->rows[0].calls, 120);
    EXPECT_DOUBLE_EQ(*f->rows[0].aht_seconds, 180.5);
    EXPECT_DOUBLE_EQ(f->rows[1].calls, 135.5);
    EXPECT_FALSE(f->rows[1].aht_seconds) << "an empty AHT: the command's --aht stands for it";
    EXPECT_EQ(f->rows[2].line, 5);
    EXPECT_EQ(f->rows[2].start_minute, 10 * 60);
    EXPECT_DOUBLE_EQ(f->rows[2].calls, 0);
}

TEST(IntervalForecastTest, ReadsRussianExcelInWindows1251WithCommas) {
    const std::string text = Utf8ToCp1251(
        "Интервал,Звонки,\"СОР, с\"\r\n"
        "08:00,\"12,5\",\"240,0\"\r\n"
        "8:15,14,230\r\n"
        "08:30:00,\"1 200\",225\r\n",
        nullptr);
    auto f = ParseIntervalForecast(text, "forecast.csv");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->format, "csv, cp1251, ','");
    EXPECT_EQ(f->calls_header, "Звонки");
    EXPECT_EQ(f->aht_header, "СОР, с");
    EXPECT_EQ(f->step_minutes, 15);
    ASSERT_EQ(f->rows.size(), 3u);
    EXPECT_DOUBLE_EQ(f->rows[0].calls, 12.5);
    EXPECT_DOUBLE_EQ(*f->rows[0].aht_seconds, 240);
    EXPECT_EQ(f->rows[1].start_minute, 8 * 60 + 15);
    EXPECT_EQ(f->rows[2].start_minute, 8 * 60 + 30) << "a sheet's 08:30:00";
    EXPECT_DOUBLE_EQ(f->rows[2].calls, 1200);
}

TEST(IntervalForecastTest, ReadsEnglishTabsAndFilesWithoutAHeader) {
    auto english = ParseIntervalForecast(
        "Interval start\tCalls offered\tAHT (s)\n13:00\t88\t\n14:00\t91\t175\n", "f.tsv");
    ASSERT_TRUE(english) << english.error().message;
    EXPECT_EQ(english->format, "csv, utf-8, tab");
    EXPECT_EQ(english->step_minutes, 60);
    ASSERT_EQ(english->rows.size(), 2u);
    EXPECT_FALSE(english->rows[0].aht_seconds);
    EXPECT_DOUBLE_EQ(*english->rows[1].aht_seconds, 175);

    auto bare = ParseIntervalForecast("09:00;100\n09:15;120\n09:30;90\n", "bare.csv");
    ASSERT_TRUE(bare) << bare.error().message;
    EXPECT_FALSE(bare->has_aht_column);
    EXPECT_EQ(bare->start_header, "");
    ASSERT_EQ(bare->rows.size(), 3u);
    EXPECT_EQ(bare->rows[0].line, 1) << "no header: the first line is an interval";
    EXPECT_EQ(bare->step_minutes, 15);

    auto with_aht = ParseIntervalForecast("09:00;100;150\n", "one.csv");
    ASSERT_TRUE(with_aht) << with_aht.error().message;
    EXPECT_TRUE(with_aht->has_aht_column);
    EXPECT_EQ(with_aht->step_minutes, 0) << "one interval: no step";
}

TEST(IntervalForecastTest, EveryBadRowIsNamedByItsLineAndNothingIsKept) {
    const std::string text =
        "время;звонков;AHT\r\n"
        "09:00;120;180\r\n"
        "9-30;100;180\r\n"     // 3: not a time
        "10:00;много;180\r\n"  // 4: calls not a number
        "10:30;-5;180\r\n"     // 5: negative calls
        "11:00;50;0\r\n"       // 6: AHT not above 0
        "11:30;;180\r\n"       // 7: calls empty
        "11:00;40;180\r\n"     // 8: out of order
        "12:00;40;180;x\r\n"   // 9: a cell under no header
        "24:00;10;180\r\n"     // 10: no such start
        "13:00;10;180 с\r\n";  // 11: AHT with a unit
    auto f = ParseIntervalForecast(text, "day.csv");
    ASSERT_FALSE(f);
    EXPECT_EQ(ExitCode(f.error()), 2);
    const std::string& m = f.error().message;
    EXPECT_TRUE(m.starts_with("day.csv: 9 bad rows")) << m;
    for (const char* want :
         {"day.csv:3: '9-30' is not an interval's start: write it as 09:00",
          "day.csv:4: the calls 'много' are not a number", "day.csv:5: the calls '-5' are below 0",
          "day.csv:6: the AHT '0' is not above 0 seconds",
          "day.csv:7: the calls are empty: write 0", "day.csv:8: 11:00 comes after 11:30 (line 7)",
          "day.csv:9: column 4 holds 'x', which no header names",
          "day.csv:10: '24:00' is not an interval's start",
          "day.csv:11: the AHT '180 с' is not a number of seconds"}) {
        EXPECT_NE(m.find(want), std::string::npos) << want << "\nin:\n" << m;
    }
    EXPECT_EQ(m.find("day.csv:2:"), std::string::npos) << m;
    EXPECT_NE(f.error().hint.find("nothing was planned"), std::string::npos);
}

TEST(IntervalForecastTest, ManyBadRowsAreCountedPastTheOnesListed) {
    std::string text = "время;звонков\n";
    for (int i = 0; i < 35; ++i)
        text += "x;1\n";
    auto f = ParseIntervalForecast(text, "bad.csv");
    ASSERT_FALSE(f);
    EXPECT_TRUE(f.error().message.starts_with("bad.csv: 35 bad rows")) << f.error().message;
    EXPECT_NE(f.error().message.find("bad.csv:21:"), std::string::npos);
    EXPECT_EQ(f.error().message.find("bad.csv:22:"), std::string::npos);
    EXPECT_NE(f.error().message.find("… and 15 more"), std::string::npos);
}

TEST(IntervalForecastTest, HeadersThatAreNoForecastAreRefusedNamingThem) {
    auto no_calls = ParseIntervalForecast("время;операторов\n09:00;5\n", "a.csv");
    ASSERT_FALSE(no_calls);
    EXPECT_NE(no_calls.error().message.find("a.csv:1: no column of calls among the headers "
                                            "'время', 'операторов'"),
              std::string::npos)
        << no_calls.error().message;
    auto no_start = ParseIntervalForecast("calls;aht\n10;180\n", "b.csv");
    ASSERT_FALSE(no_start);
    EXPECT_NE(no_start.error().message.find("no column of interval starts"), std::string::npos);
    auto extra = ParseIntervalForecast("дата;время;звонков\n01.12;09:00;5\n", "c.csv");
    ASSERT_FALSE(extra);
    EXPECT_NE(extra.error().message.find("c.csv:1: the columns 'дата' are not part of a forecast"),
              std::string::npos)
        << extra.error().message;
    // A trailing ';' makes a column without a header: fine while it stays empty.
    EXPECT_TRUE(ParseIntervalForecast("время;звонков;\n09:00;5;\n", "d.csv"));
    auto empty = ParseIntervalForecast("\xEF\xBB\xBF\r\n\r\n", "e.csv");
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("e.csv holds no intervals"), std::string::npos);
    auto header_only = ParseIntervalForecast("время;звонков\r\n", "f.csv");
    ASSERT_FALSE(header_only);
    EXPECT_NE(header_only.error().message.find("holds a header and no intervals"),
              std::string::npos);
}

TEST(IntervalForecastTest, ReadsTheFirstSheetOfAWorkbookAndRefusesAMissingFile) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("interval_forecast_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "прогноз.xlsx").string();
    {
        auto writer = XlsxWriter::Create(path, "Прогноз", dir.string());
        ASSERT_TRUE(writer) << writer.error().message;
        ASSERT_TRUE((*writer)->Header({"Время", "Звонков", "AHT"}, {}));
        ASSERT_TRUE((*writer)->Row({"09:00", "40", "200"}, {}));
        ASSERT_TRUE((*writer)->Row({"10:00", "55,5", ""}, {}));
        ASSERT_TRUE((*writer)->Close());
    }
    auto f = ReadIntervalForecast(path);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->format, "xlsx");
    ASSERT_EQ(f->rows.size(), 2u);
    EXPECT_EQ(f->rows[1].line, 3) << "the sheet's row";
    EXPECT_DOUBLE_EQ(f->rows[1].calls, 55.5);
    auto missing = ReadIntervalForecast((dir / "нет.csv").string());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callbase::ingest
