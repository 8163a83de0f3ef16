// A day's forecast of calls by interval, as a planner keeps it in a
// spreadsheet: one row per interval with its start (09:00), the calls
// expected and, optionally, the average handle time in seconds — the input of
// `callbase staffing --profile` (docs/routing.md). Read from a CSV as
// LibreOffice and Excel save it (';', ',' or tab; UTF-8 with or without a
// BOM, or Windows-1251; CRLF or LF; decimal commas, "180,5") or from a sheet
// of an .xlsx or .xls workbook, with Russian or English headers
// (время;звонков;AHT, Interval start,Calls,AHT s). A file without a header
// row is read by position when its first cell is a time: start, calls, AHT.
//
// Nothing is skipped silently: every row that holds anything is an interval
// or an error naming the file, the line (a sheet's row) and what to fix; only
// rows with every cell empty are passed over. Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase::ingest {

struct ForecastRow {
    int64_t line = 0;                   // the file's line (CSV) or the sheet's row, 1-based
    int start_minute = 0;               // the interval's start, minutes after midnight
    double calls = 0;                   // calls expected in the interval, 0 or more
    std::optional<double> aht_seconds;  // > 0; none: the cell is empty or there is no column
};

struct IntervalForecast {
    std::string file;
    std::vector<ForecastRow> rows;  // in order of start, each start once
    // The headers the columns were found under ("" without a header row; the
    // AHT's "" too when the file has no AHT column).
    std::string start_header, calls_header, aht_header;
    bool has_aht_column = false;
    // The shortest step between two starts, in minutes: the interval's length
    // unless told otherwise; 0 with a single row.
    int step_minutes = 0;
    std::string format;  // "csv, utf-8 (BOM), ';'", "xlsx", "xls"
};

// Reads the forecast from a CSV text (`file` names it in errors).
Result<IntervalForecast> ParseIntervalForecast(std::string_view bytes, const std::string& file);

// Reads the forecast from a file: a workbook (.xlsx, .xls, told by its first
// bytes; the first sheet) or a CSV text. kNotFound when it cannot be read;
// kInvalidInput, listing every bad row (the first 20, and how many more), when
// the file is not a forecast.
Result<IntervalForecast> ReadIntervalForecast(const std::string& path);

}  // namespace callbase::ingest
