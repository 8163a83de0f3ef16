#include "ingest/xlsx_writer.h"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>

namespace callbase::ingest {

struct XlsxWriter::State {
    std::string path, tmpdir;
    lxw_workbook* book = nullptr;
    lxw_worksheet* sheet = nullptr;
    lxw_format* bold = nullptr;
    lxw_format* date = nullptr;
    lxw_format* date_time = nullptr;
    lxw_row_t row = 0;
    ~State() {
        // A writer dropped without Close() leaves no file behind.
        if (book) {
            lxw_workbook_free(book);
            std::remove(path.c_str());
        }
    }
};

XlsxWriter::XlsxWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
XlsxWriter::~XlsxWriter() = default;

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path,
                                                       const std::string& sheet,
                                                       const std::string& tmpdir) {
    auto state = std::make_unique<State>();
    state->path = path;
    state->tmpdir = tmpdir;
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = state->tmpdir.empty() ? nullptr : state->tmpdir.data();
    options.use_zip64 = LXW_TRUE;
    state->book = workbook_new_opt(path.c_str(), &options);
    if (!state->book) {
        return Fail(ErrorCode::kIo, fmt::format("cannot write {}", path),
                    "check the folder exists and is writable");
    }
    state->sheet = workbook_add_worksheet(state->book, sheet.c_str());
    state->bold = workbook_add_format(state->book);
    format_set_bold(state->bold);
    state->date = workbook_add_format(state->book);
    format_set_num_format(state->date, "dd.mm.yyyy");
    state->date_time = workbook_add_format(state->book);
    format_set_num_format(state->date_time, "dd.mm.yyyy hh:mm");
    if (!state->sheet || !state->bold || !state->date) {
        return Fail(ErrorCode::kInternal, fmt::format("cannot start the workbook {}", path),
                    "the server may be out of memory; try again");
    }
    return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(state)));
}

namespace {

Error CellError(const std::string& path, lxw_row_t row, size_t col, lxw_error e) {
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
        return Error{ErrorCode::kInvalidInput,
                     fmt::format("{}: row {}, column {} holds more than the 32,767 characters an "
                                 "Excel cell may hold",
                                 path, row + 1, col + 1),
                     "export as CSV, which has no such limit"};
    }
    return Error{ErrorCode::kIo,
                 fmt::format("{}: row {}, column {}: {}", path, row + 1, col + 1, lxw_strerror(e)),
                 "check the disk space"};
}

// "2026-03-31" or "2026-03-31 10:30[:00]" -> a datetime; false when it is not one.
bool ParseDate(const std::string& text, lxw_datetime* out, bool* has_time) {
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
    int n = std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &y, &m, &d, &hh, &mm, &ss);
    if (n < 3 || y < 1900 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    *out = lxw_datetime{y, m, d, hh, mm, static_cast<double>(ss)};
    *has_time = n >= 5 && (hh != 0 || mm != 0 || ss != 0);
    return true;
}

}  // namespace

Result<void> XlsxWriter::Header(const std::vector<std::string>& cells,
                                const std::vector<double>& widths) {
    for (size_t i = 0; i < widths.size(); ++i) {
        worksheet_set_column(state_->sheet, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i),
                             widths[i], nullptr);
    }
    for (size_t i = 0; i < cells.size(); ++i) {
        lxw_error e = worksheet_write_string(state_->sheet, state_->row, static_cast<lxw_col_t>(i),
                                             cells[i].c_str(), state_->bold);
        if (e != LXW_NO_ERROR) return std::unexpected(CellError(state_->path, state_->row, i, e));
    }
    worksheet_freeze_panes(state_->sheet, 1, 0);
    ++state_->row;
    return {};
}

Result<void> XlsxWriter::Row(const std::vector<std::string>& cells,
                             const std::vector<size_t>& date_columns) {
    if (state_->row >= LXW_ROW_MAX) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}: more than the {} rows an Excel sheet may hold", state_->path,
                                LXW_ROW_MAX - 1),
                    "narrow the export with a filter, or export as CSV");
    }
    for (size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].empty()) continue;
        const auto col = static_cast<lxw_col_t>(i);
        lxw_error e = LXW_NO_ERROR;
        lxw_datetime when;
        bool has_time = false;
        if (std::find(date_columns.begin(), date_columns.end(), i) != date_columns.end() &&
            ParseDate(cells[i], &when, &has_time)) {
            e = worksheet_write_datetime(state_->sheet, state_->row, col, &when,
                                         has_time ? state_->date_time : state_->date);
        } else {
            // A string cell: never a formula, whatever it begins with.
            e = worksheet_write_string(state_->sheet, state_->row, col, cells[i].c_str(), nullptr);
        }
        if (e != LXW_NO_ERROR) return std::unexpected(CellError(state_->path, state_->row, i, e));
    }
    ++state_->row;
    return {};
}

Result<void> XlsxWriter::Close() {
    lxw_error e = workbook_close(state_->book);
    state_->book = nullptr;  // freed by workbook_close
    if (e != LXW_NO_ERROR) {
        std::remove(state_->path.c_str());
        return Fail(ErrorCode::kIo,
                    fmt::format("cannot write {}: {}", state_->path, lxw_strerror(e)),
                    "check the folder is writable and the disk has space");
    }
    return {};
}

}  // namespace callbase::ingest
