// Reading .xlsx sheets as Excel stores them: workbooks are built here part by
// part (a zip of XML, as Excel, LibreOffice and openpyxl write it) so each
// test states exactly which cells the file holds. Files written by other
// programs are read in tests/cli_import/excel_test.sh.
#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "ingest/exporter.h"
#include "ingest/spreadsheet.h"
#include "ingest/xlsx_writer.h"

namespace callbase::ingest {
namespace {

namespace fs = std::filesystem;

class SpreadsheetTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("callbase-sheet-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // An .xlsx with the given sheets (name -> sheetData XML) and parts.
    std::string Workbook(const std::vector<std::pair<std::string, std::string>>& sheets,
                         const std::string& shared_strings = "", const std::string& styles = "",
                         bool date1904 = false) {
        std::map<std::string, std::string> parts;
        std::string book =
            R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)";
        if (date1904) book += R"(<workbookPr date1904="1"/>)";
        book += "<sheets>";
        std::string rels =
            R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
        for (size_t i = 0; i < sheets.size(); ++i) {
            // The sheets' parts in reverse order: the reader must follow the rels.
            std::string part = "worksheets/sheet" + std::to_string(sheets.size() - i) + ".xml";
            book += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + std::to_string(i + 1) +
                    "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
            rels += "<Relationship Id=\"rId" + std::to_string(i + 1) +
                    "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                    "relationships/worksheet\" Target=\"" +
                    part + "\"/>";
            parts["xl/" + part] =
                R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
                sheets[i].second + "</sheetData></worksheet>";
        }
        book += "</sheets></workbook>";
        if (!shared_strings.empty()) {
            rels +=
                R"(<Relationship Id="rS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)";
            parts["xl/sharedStrings.xml"] =
                R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)" +
                shared_strings + "</sst>";
        }
        if (!styles.empty()) {
            rels +=
                R"(<Relationship Id="rT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>)";
            parts["xl/styles.xml"] =
                R"(<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)" +
                styles + "</styleSheet>";
        }
        rels += "</Relationships>";
        parts["xl/workbook.xml"] = book;
        parts["xl/_rels/workbook.xml.rels"] = rels;
        return Zip(parts);
    }

    std::string Zip(const std::map<std::string, std::string>& parts) {
        std::string path = (dir_ / ("book" + std::to_string(++files_) + ".xlsx")).string();
        int error = 0;
        zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
        EXPECT_NE(z, nullptr);
        for (const auto& [name, text] : parts) {
            zip_source_t* src = zip_source_buffer(z, text.data(), text.size(), 0);
            EXPECT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
        }
        EXPECT_EQ(zip_close(z), 0);
        return path;
    }

    // Every row of a sheet: row number -> cells.
    std::vector<std::pair<int64_t, std::vector<std::string>>> Rows(const std::string& path,
                                                                   const std::string& sheet = "") {
        auto reader = OpenSheet(path, sheet);
        EXPECT_TRUE(reader) << (reader ? "" : reader.error().message);
        std::vector<std::pair<int64_t, std::vector<std::string>>> out;
        if (!reader) return out;
        std::vector<std::string> cells;
        int64_t row = 0;
        for (;;) {
            auto more = (*reader)->Next(&cells, &row);
            EXPECT_TRUE(more) << (more ? "" : more.error().message);
            if (!more || !*more) break;
            out.emplace_back(row, cells);
        }
        return out;
    }

    fs::path dir_;
    int files_ = 0;
};

using Cells = std::vector<std::string>;

TEST_F(SpreadsheetTest, SharedInlineAndFormulaStringsBooleansAndErrors) {
    std::string path = Workbook(
        {{"Лист1",
          R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>)"
          R"(<row r="2"><c r="A2" t="inlineStr"><is><t>Иванов Иван</t></is></c>)"
          R"(<c r="B2" t="str"><f>"8"&amp;"916"</f><v>8916</v></c><c r="C2" t="b"><v>1</v></c>)"
          R"(<c r="D2" t="e"><v>#N/A</v></c><c r="E2" t="s"><v>2</v></c></row>)"}},
        R"(<si><t>ФИО</t></si><si><t>Телефон</t></si>)"
        R"(<si><r><t>Пет</t></r><r><t xml:space="preserve">ров </t></r><rPh><t>ペ</t></rPh></si>)");
    auto rows = Rows(path);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].second, (Cells{"ФИО", "Телефон"}));
    EXPECT_EQ(rows[1].second, (Cells{"Иванов Иван", "8916", "TRUE", "#N/A", "Петров "}));
}

TEST_F(SpreadsheetTest, EmptyCellsBetweenCellsKeepTheirColumnsAndRowNumbersAreTheSheets) {
    std::string path =
        Workbook({{"S", R"(<row r="3"><c r="B3" t="inlineStr"><is><t>b</t></is></c>)"
                        R"(<c r="AA3"><v>7</v></c></row>)"
                        R"(<row r="4"><c r="A4"><v></v></c></row>)"
                        // No r attributes: the next row and column.
                        R"(<row><c t="inlineStr"><is><t>x</t></is></c><c><v>2</v></c></row>)"}});
    auto rows = Rows(path);
    ASSERT_EQ(rows.size(), 2u);  // row 4 has no value: skipped
    EXPECT_EQ(rows[0].first, 3);
    ASSERT_EQ(rows[0].second.size(), 27u);  // A .. AA
    EXPECT_EQ(rows[0].second[0], "");
    EXPECT_EQ(rows[0].second[1], "b");
    EXPECT_EQ(rows[0].second[26], "7");
    EXPECT_EQ(rows[1].first, 5);
    EXPECT_EQ(rows[1].second, (Cells{"x", "2"}));
}

TEST_F(SpreadsheetTest, NumbersAsACellShowsThemNotAsDoublesPrint) {
    std::string path = Workbook({{"S", R"(<row r="1"><c r="A1"><v>9161234567</v></c>)"
                                       R"(<c r="B1"><v>79161234567</v></c>)"
                                       R"(<c r="C1"><v>7.9161234567E+10</v></c>)"
                                       R"(<c r="D1"><v>7.916E+10</v></c>)"
                                       R"(<c r="E1"><v>0.1</v></c>)"
                                       R"(<c r="F1"><v>-12.5</v></c>)"
                                       R"(<c r="G1" t="n"><v>89161234567.0</v></c></row>)"}});
    auto rows = Rows(path);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].second, (Cells{"9161234567", "79161234567", "79161234567", "79160000000",
                                     "0.1", "-12.5", "89161234567"}));
}

constexpr const char* kDateStyles =
    R"(<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm"/>)"
    R"(<numFmt numFmtId="165" formatCode="#,##0.00&quot;р.&quot;"/></numFmts>)"
    R"(<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>)"
    R"(<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>)"
    R"(<xf numFmtId="165"/><xf numFmtId="21"/></cellXfs>)";

TEST_F(SpreadsheetTest, SerialDatesIn1900System) {
    std::string path = Workbook({{"S", R"(<row r="1"><c r="A1" s="1"><v>46112</v></c>)"
                                       R"(<c r="B1" s="2"><v>46112.4375</v></c>)"
                                       R"(<c r="C1" s="1"><v>1</v></c>)"
                                       R"(<c r="D1" s="1"><v>61</v></c>)"
                                       R"(<c r="E1" s="3"><v>46112</v></c>)"
                                       R"(<c r="F1" s="0"><v>46112</v></c>)"
                                       R"(<c r="G1" s="4"><v>0.75</v></c>)"
                                       R"(<c r="H1" s="1"><v>32874</v></c></row>)"}},
                                "", kDateStyles);
    auto rows = Rows(path);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].second,
              (Cells{"2026-03-31", "2026-03-31 10:30:00", "1900-01-01", "1900-03-01",
                     "46112",  // a money format is no date
                     "46112",  // nor is General
                     "18:00:00", "1990-01-01"}));
}

TEST_F(SpreadsheetTest, SerialDatesIn1904System) {
    std::string path = Workbook(
        {{"S", R"(<row r="1"><c r="A1" s="1"><v>44650</v></c><c r="B1" s="1"><v>0</v></c></row>)"}},
        "", kDateStyles, /*date1904=*/true);
    auto rows = Rows(path);
    ASSERT_EQ(rows.size(), 1u);
    // 44650 days after 1904-01-01 is the day 46112 is in the 1900 system.
    EXPECT_EQ(rows[0].second, (Cells{"2026-03-31", "1904-01-01"}));
}

TEST_F(SpreadsheetTest, SerialDateHelpers) {
    EXPECT_EQ(ExcelSerialDate(45658, false), "2025-01-01");
    EXPECT_EQ(ExcelSerialDate(59, false), "1900-02-28");
    EXPECT_EQ(ExcelSerialDate(60, false), std::nullopt);  // 29 February 1900 never was
    EXPECT_EQ(ExcelSerialDate(-1, false), std::nullopt);
    EXPECT_EQ(ExcelSerialDate(45658.999999, false), "2025-01-02");  // rounds to midnight
    EXPECT_TRUE(IsDateFormat("dd.mm.yyyy"));
    EXPECT_TRUE(IsDateFormat("[$-419]d mmmm yyyy"));
    EXPECT_TRUE(IsDateFormat("[h]:mm"));
    EXPECT_FALSE(IsDateFormat("General"));
    EXPECT_FALSE(IsDateFormat("#,##0.00\"д.\""));
    EXPECT_FALSE(IsDateFormat("[Red]0.00;[Blue]-0.00"));
    EXPECT_FALSE(IsDateFormat("0.00E+00"));
    EXPECT_FALSE(IsDateFormat("@"));
}

TEST_F(SpreadsheetTest, ChoosesASheetByNameOrNumberAndNamesTheSheetsWhenThereIsNone) {
    std::string path = Workbook(
        {{"Клиенты", R"(<row r="1"><c r="A1" t="inlineStr"><is><t>first</t></is></c></row>)"},
         {"Архив", R"(<row r="2"><c r="A2" t="inlineStr"><is><t>second</t></is></c></row>)"}});
    EXPECT_EQ(Rows(path)[0].second, Cells{"first"});
    EXPECT_EQ(Rows(path, "Архив")[0].second, Cells{"second"});
    EXPECT_EQ(Rows(path, "2")[0].first, 2);
    auto missing = OpenSheet(path, "Лист3");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("1 'Клиенты', 2 'Архив'"), std::string::npos)
        << missing.error().message;
    EXPECT_FALSE(missing.error().hint.empty());
    EXPECT_EQ(missing.error().key, "import.no_such_sheet");
    EXPECT_EQ(
        missing.error().params,
        (MessageParams{{"file", path}, {"sheet", "Лист3"}, {"sheets", "1 'Клиенты', 2 'Архив'"}}));
}

TEST_F(SpreadsheetTest, RefusesDamagedAndEncryptedFiles) {
    // Not a zip at all, though named .xlsx.
    std::string text = (dir_ / "text.xlsx").string();
    std::ofstream(text) << "ФИО;Телефон\n";
    EXPECT_FALSE(OpenSheet(text, ""));
    // A zip that is not a workbook.
    auto not_book = OpenSheet(Zip({{"readme.txt", "hi"}}), "");
    ASSERT_FALSE(not_book);
    EXPECT_NE(not_book.error().message.find("xl/workbook.xml is missing"), std::string::npos);
    EXPECT_EQ(not_book.error().key, "import.xlsx_damaged");
    // Broken XML in the sheet: the error comes with the row it reached.
    std::string broken =
        Workbook({{"S", R"(<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c>)"}});
    auto reader = OpenSheet(broken, "");
    ASSERT_TRUE(reader);
    std::vector<std::string> cells;
    int64_t row = 0;
    Result<bool> more = true;
    while (more && *more)
        more = (*reader)->Next(&cells, &row);
    ASSERT_FALSE(more);
    EXPECT_NE(more.error().message.find("not a readable .xlsx"), std::string::npos);
    // A shared string index past the table.
    std::string bad_index =
        Workbook({{"S", R"(<row r="1"><c r="A1" t="s"><v>5</v></c></row>)"}}, "<si><t>a</t></si>");
    reader = OpenSheet(bad_index, "");
    ASSERT_TRUE(reader);
    ASSERT_FALSE((*reader)->Next(&cells, &row));
    // An encrypted workbook: an OLE compound file with an EncryptedPackage stream.
    std::string encrypted = (dir_ / "secret.xlsx").string();
    {
        std::ofstream out(encrypted, std::ios::binary);
        std::string bytes("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
        bytes.resize(1024, '\0');
        bytes += std::string("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32);
        bytes.resize(4096, '\0');
        out << bytes;
    }
    auto secret = OpenSheet(encrypted, "");
    ASSERT_FALSE(secret);
    EXPECT_NE(secret.error().message.find("password"), std::string::npos);
    EXPECT_EQ(secret.error().key, "import.xls_password");
    EXPECT_EQ(secret.error().params, (MessageParams{{"file", encrypted}}));
}

TEST(ExportFormat, IsCsvOrXlsxAndAnyOtherIsRefusedByName) {
    EXPECT_EQ(*ParseExportFormat("csv"), ExportFormat::kCsv);
    EXPECT_EQ(*ParseExportFormat("xlsx"), ExportFormat::kXlsx);
    auto xls = ParseExportFormat("xls");
    ASSERT_FALSE(xls);
    EXPECT_EQ(xls.error().message, "export format 'xls': unknown");
    EXPECT_EQ(xls.error().key, "export.unknown_format");
    EXPECT_EQ(xls.error().params, (MessageParams{{"format", "xls"}}));
}

TEST_F(SpreadsheetTest, WhatTheWriterWritesTheReaderReadsBack) {
    std::string path = (dir_ / "out.xlsx").string();
    {
        auto writer = XlsxWriter::Create(path, "Контакты", dir_.string());
        ASSERT_TRUE(writer);
        ASSERT_TRUE((*writer)->Header({"ФИО", "Телефон", "Дата"}, {30, 20}));
        ASSERT_TRUE((*writer)->Row({"=cmd|' /C calc'!A0", "+79161234567", "2026-03-31"}, {2}));
        ASSERT_TRUE((*writer)->Row({"@SUM(1)", "", "2026-03-31 10:30"}, {2}));
        ASSERT_TRUE((*writer)->Close());
    }
    auto rows = Rows(path);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1].second, (Cells{"=cmd|' /C calc'!A0", "+79161234567", "2026-03-31"}));
    EXPECT_EQ(rows[2].second, (Cells{"@SUM(1)", "", "2026-03-31 10:30:00"}));
}

}  // namespace
}  // namespace callbase::ingest
