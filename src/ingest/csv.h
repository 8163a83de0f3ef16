// CSV as spreadsheets write it (RFC 4180): a delimiter of ';', ',' or tab,
// quoted fields holding delimiters, doubled quotes and line breaks, CRLF or LF.
// CsvReader walks a UTF-8 or Windows-1251 text it does not own (quotes,
// delimiters and line breaks are ASCII in both), record by record, and reports
// the physical line each record starts on. AppendCsvRecord quotes what needs it.
// Not thread-safe; one reader per text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace callbase::ingest {

// The delimiter that splits the first lines into the most consistent number of
// fields (outside quotes); ';' when nothing decides.
char DetectDelimiter(std::string_view text);

// "';'", "','", "tab" for messages.
std::string DelimiterName(char delimiter);

class CsvReader {
public:
    CsvReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

    // Reads the next record into *fields; *line is the physical line (1-based)
    // it starts on. False at the end of the text. Blank lines are skipped.
    bool Next(std::vector<std::string>* fields, int64_t* line);
    size_t offset() const { return pos_; }

private:
    std::string_view text_;
    char delimiter_;
    size_t pos_ = 0;
    int64_t line_ = 1;
};

// Appends one record, quoting fields that hold the delimiter, quotes or breaks;
// ends it with CRLF, as Excel expects. Every field goes through
// SpreadsheetText first: every CSV callbase writes (exports, error reports,
// generated files) is one a spreadsheet may open.
void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields, char delimiter);

// A cell as a spreadsheet will show it as text (formula injection, OWASP): a
// cell that begins with '=', '+', '-', '@', tab or CR gets a single quote in
// front, unless the whole cell is a plain number ("+79161234567", "-12.5"),
// which no spreadsheet runs as a formula and which stays a number people can
// sort and dial. ImportedText undoes it.
std::string SpreadsheetText(std::string_view cell);

// A cell read from a CSV with the quote SpreadsheetText added taken off
// again ("'=1+2" -> "=1+2"), so that export -> import gives back what was
// exported. Other cells are returned as they are.
std::string_view ImportedText(std::string_view cell);

}  // namespace callbase::ingest
