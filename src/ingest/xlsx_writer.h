// Writing one sheet of an .xlsx file (libxlsxwriter behind a narrow wrapper):
// a bold header row, then rows of text cells and date cells. Text is always
// written as a string cell, never a formula or a number, so a cell that begins
// with '=', '+', '-' or '@' is shown as written and never evaluated, and a
// phone keeps its '+' and leading digits. Dates are real Excel dates
// (DD.MM.YYYY) a spreadsheet can sort and filter. Rows are written in order
// and flushed as they go (libxlsxwriter's constant-memory mode), so a large
// export holds one row in memory. Not thread-safe; one writer per file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace callbase::ingest {

class XlsxWriter {
public:
    // Creates `path` (the caller renames it into place when complete) with one
    // sheet named `sheet`; `tmpdir` holds libxlsxwriter's temporary files.
    static Result<std::unique_ptr<XlsxWriter>> Create(const std::string& path,
                                                      const std::string& sheet,
                                                      const std::string& tmpdir);
    ~XlsxWriter();
    XlsxWriter(const XlsxWriter&) = delete;
    XlsxWriter& operator=(const XlsxWriter&) = delete;

    // The header row, in bold; `widths` in characters, one per column (may be
    // shorter than the header).
    Result<void> Header(const std::vector<std::string>& cells, const std::vector<double>& widths);

    // One row of text cells; the cells at `date_columns` hold "YYYY-MM-DD"
    // (optionally with " HH:MM[:SS]") and are written as dates when they parse.
    Result<void> Row(const std::vector<std::string>& cells,
                     const std::vector<size_t>& date_columns);

    // Writes the file; nothing is on disk before it returns without an error.
    Result<void> Close();

private:
    struct State;
    explicit XlsxWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace callbase::ingest
