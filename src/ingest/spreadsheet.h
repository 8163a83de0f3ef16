// Reading the rows of a spreadsheet file (.xlsx, .xls) for the importer: one
// sheet, row by row, each cell as the text a person sees in it. What Excel
// stores is turned into what the importer reads in a CSV: shared and inline
// strings as they are; numbers without a stray ".0" or exponent
// (9161234567 stored as a number, 7.916E+10 -> 79160000000); a number in a
// date or time format as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (serial dates,
// the 1900 system with its phantom 29 February 1900, or the 1904 system when
// the workbook says so); booleans as TRUE/FALSE; error cells as "#N/A" etc.
// A cell's column is its letter (A, B, ..., AA), so empty cells between cells
// stay empty columns; a row's number is its number in the sheet.
//
// The .xlsx sheet is streamed (libzip inflates it chunk by chunk, expat parses
// each chunk): memory holds the shared strings, the styles and a few rows, never
// the sheet. An .xls file (at most 65,536 rows) is read whole by libfreexl.
// Encrypted (password-protected) and damaged files are refused with an error.
// One reader per file; not thread-safe (the importer reads it on one thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase::ingest {

enum class FileKind { kText, kXlsx, kXls };

// What the first bytes of a file say it is: a zip archive (.xlsx), an OLE
// compound file (.xls, or an encrypted .xlsx) or anything else (text, CSV).
FileKind KindOfFile(std::string_view first_bytes);

class SheetReader {
public:
    virtual ~SheetReader() = default;

    // Reads the next row that has a non-empty cell into *cells (UTF-8; cells
    // after the last non-empty one are left out) and its number in the sheet
    // (1-based) into *row. False at the end of the sheet; an error when the
    // file turns out damaged.
    virtual Result<bool> Next(std::vector<std::string>* cells, int64_t* row) = 0;

    // The sheets of the workbook in order, and the one being read.
    virtual const std::vector<std::string>& sheets() const = 0;
    virtual const std::string& sheet() const = 0;

    // Progress: how much of the sheet has been read, of how much (bytes of
    // the sheet's XML for .xlsx, rows for .xls).
    virtual uint64_t done() const = 0;
    virtual uint64_t total() const = 0;
};

// Opens one sheet of an .xlsx or .xls file: `sheet` is its name or its number
// (1-based); empty for the first sheet. Fails naming the sheets there are when
// there is no such sheet, and refuses encrypted and damaged files.
Result<std::unique_ptr<SheetReader>> OpenSheet(const std::string& path, std::string_view sheet);

// The date (and time) an Excel serial day number stands for: "2026-03-31",
// or "2026-03-31 10:30:00" when it has a time of day; "10:30:00" for a time
// alone (a serial below 1). `date1904`: the workbook counts from 1904-01-01.
// nullopt for a serial no date has (negative, or past the year 9999).
std::optional<std::string> ExcelSerialDate(double serial, bool date1904);

// Whether a number format (Excel's format code, e.g. "dd.mm.yyyy", "[$-419]d
// mmmm yyyy", "#,##0.00") shows a date or a time.
bool IsDateFormat(std::string_view format_code);

// A number as a cell shows it in the General format, without its float
// artifacts: whole numbers without a decimal point or exponent (79161234567,
// not 7.9161234567E+10), others in their shortest exact form (0.1, 12.5).
std::string NumberText(double value);

}  // namespace callbase::ingest
