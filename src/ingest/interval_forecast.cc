#include "ingest/interval_forecast.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "contacts/text.h"
#include "core/clock_text.h"
#include "core/file.h"
#include "core/number_text.h"
#include "ingest/csv.h"
#include "ingest/encoding.h"
#include "ingest/spreadsheet.h"

namespace callbase::ingest {
namespace {

constexpr size_t kErrorsListed = 20;

// The next row of cells and its line; false at the end.
using RowReader = std::function<Result<bool>(std::vector<std::string>*, int64_t*)>;

enum class Column { kStart, kCalls, kAht, kOther };

// A header as the matching sees it: case folded, ё as е, a unit after a comma
// or in brackets left off ("AHT, с", "Время обработки (сек)"), spaces single.
std::string HeaderKey(std::string_view header) {
    std::string folded = contacts::FoldCase(contacts::Trim(header));
    for (size_t at; (at = folded.find("ё")) != std::string::npos;)
        folded.replace(at, std::string_view("ё").size(), "е");
    if (size_t cut = folded.find_first_of(",("); cut != std::string::npos) folded.resize(cut);
    std::string key;
    for (char c : folded) {
        const bool space = c == ' ' || c == '\t' || c == '_' || c == '-';
        if (space && (key.empty() || key.back() == ' ')) continue;
        key += space ? ' ' : c;
    }
    while (!key.empty() && key.back() == ' ')
        key.pop_back();
    return key;
}

Column ColumnOf(std::string_view header) {
    static const std::pair<std::string_view, Column> kNames[] = {
        {"время", Column::kStart},
        {"интервал", Column::kStart},
        {"начало", Column::kStart},
        {"начало интервала", Column::kStart},
        {"time", Column::kStart},
        {"interval", Column::kStart},
        {"start", Column::kStart},
        {"interval start", Column::kStart},
        {"звонки", Column::kCalls},
        {"звонков", Column::kCalls},
        {"вызовы", Column::kCalls},
        {"вызовов", Column::kCalls},
        {"количество звонков", Column::kCalls},
        {"кол во звонков", Column::kCalls},
        {"кол. звонков", Column::kCalls},
        {"прогноз", Column::kCalls},
        {"прогноз звонков", Column::kCalls},
        {"calls", Column::kCalls},
        {"calls offered", Column::kCalls},
        {"offered", Column::kCalls},
        {"forecast", Column::kCalls},
        {"aht", Column::kAht},
        {"aht s", Column::kAht},
        {"сор", Column::kAht},
        {"среднее время обработки", Column::kAht},
        {"время обработки", Column::kAht},
        {"handle time", Column::kAht},
        {"average handle time", Column::kAht},
    };
    const std::string key = HeaderKey(header);
    for (const auto& [name, column] : kNames)
        if (key == name) return column;
    return Column::kOther;
}

// "09:00", "9:00" or "09:00:00" (a sheet's time) as minutes after midnight,
// 00:00 to 23:59.
std::optional<int> StartMinute(std::string_view cell) {
    std::string text = contacts::Trim(cell);
    if (text.size() > 5 && text.ends_with(":00") && std::count(text.begin(), text.end(), ':') == 2)
        text.resize(text.size() - 3);
    auto minute = ParseClockTime(text, "start");
    if (!minute || *minute >= 24 * 60) return std::nullopt;
    return *minute;
}

std::string Quoted(std::string_view cell) {
    std::string shown(cell.substr(0, 40));
    return fmt::format("'{}'{}", shown, cell.size() > 40 ? "…" : "");
}

bool AllEmpty(const std::vector<std::string>& cells) {
    return std::all_of(cells.begin(), cells.end(),
                       [](const std::string& c) { return contacts::Trim(c).empty(); });
}

Result<IntervalForecast> ReadRows(const RowReader& next, const std::string& file,
                                  std::string format) {
    IntervalForecast out;
    out.file = file;
    out.format = std::move(format);
    std::vector<std::string> cells;
    int64_t line = 0;
    // The first row that holds anything: the header, or the first interval.
    for (;;) {
        auto more = next(&cells, &line);
        if (!more) return std::unexpected(more.error());
        if (!*more) {
            return Fail(ErrorCode::kInvalidInput, fmt::format("{} holds no intervals", file),
                        "give a row per interval: its start (09:00), the calls expected and, if "
                        "you like, the AHT in seconds, under a header such as время;звонков;AHT");
        }
        if (!AllEmpty(cells)) break;
    }
    size_t start_col = 0, calls_col = 1, aht_col = 2;
    bool header = !StartMinute(cells.empty() ? "" : cells[0]);
    out.has_aht_column = !header && cells.size() > 2;
    if (header) {
        std::optional<size_t> start, calls, aht;
        std::vector<std::string> unknown;
        for (size_t i = 0; i < cells.size(); ++i) {
            // A column without a header (a spreadsheet's trailing ';') must stay
            // empty: the rows below are checked for that.
            if (contacts::Trim(cells[i]).empty()) continue;
            switch (ColumnOf(cells[i])) {
                case Column::kStart:
                    if (!start) start = i;
                    break;
                case Column::kCalls:
                    if (!calls) calls = i;
                    break;
                case Column::kAht:
                    if (!aht) aht = i;
                    break;
                case Column::kOther:
                    unknown.push_back(Quoted(cells[i]));
                    break;
            }
        }
        if (!start || !calls) {
            std::string seen;
            for (const auto& c : cells)
                seen += (seen.empty() ? "" : ", ") + Quoted(c);
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("{}:{}: no column of {} among the headers {}", file, line,
                                    !start ? "interval starts" : "calls", seen),
                        "name the columns время (or time), звонков (or calls) and, if the AHT "
                        "differs by interval, AHT; or leave out the header and give start, calls, "
                        "AHT in that order");
        }
        if (!unknown.empty()) {
            std::string list;
            for (const auto& u : unknown)
                list += (list.empty() ? "" : ", ") + u;
            return Fail(
                ErrorCode::kInvalidInput,
                fmt::format("{}:{}: the columns {} are not part of a forecast", file, line, list),
                "keep only the interval's start (время / time), the calls (звонков / "
                "calls) and the AHT (AHT, in seconds); delete the other columns");
        }
        start_col = *start;
        calls_col = *calls;
        out.start_header = contacts::Trim(cells[*start]);
        out.calls_header = contacts::Trim(cells[*calls]);
        if (aht) {
            aht_col = *aht;
            out.aht_header = contacts::Trim(cells[*aht]);
            out.has_aht_column = true;
        }
    }

    std::vector<std::string> errors;
    size_t error_count = 0;
    auto bad = [&](int64_t at, std::string what) {
        if (++error_count <= kErrorsListed)
            errors.push_back(fmt::format("{}:{}: {}", file, at, what));
    };
    std::optional<ForecastRow> previous;
    bool first = !header;  // without a header the row read is the first interval
    for (;;) {
        if (!first) {
            auto more = next(&cells, &line);
            if (!more) return std::unexpected(more.error());
            if (!*more) break;
        }
        first = false;
        if (AllEmpty(cells)) continue;
        auto cell = [&](size_t i) { return i < cells.size() ? contacts::Trim(cells[i]) : ""; };
        ForecastRow row;
        row.line = line;
        bool ok = true;
        const std::string start_text = cell(start_col);
        auto start = StartMinute(start_text);
        const bool start_read = start.has_value();
        if (start) {
            row.start_minute = *start;
        } else {
            bad(line, start_text.empty()
                          ? "the interval's start is empty: write it as 09:00"
                          : fmt::format("{} is not an interval's start: write it as 09:00",
                                        Quoted(start_text)));
            ok = false;
        }
        const std::string calls_text = cell(calls_col);
        auto calls = ParseDecimal(calls_text);
        if (calls_text.empty()) {
            bad(line, "the calls are empty: write 0 for an interval without calls");
            ok = false;
        } else if (!calls) {
            bad(line, fmt::format("the calls {} are not a number: write 120 or 12,5",
                                  Quoted(calls_text)));
            ok = false;
        } else if (*calls < 0) {
            bad(line, fmt::format("the calls {} are below 0", Quoted(calls_text)));
            ok = false;
        } else {
            row.calls = *calls;
        }
        if (out.has_aht_column) {
            const std::string aht_text = cell(aht_col);
            auto aht = ParseDecimal(aht_text);
            if (aht_text.empty()) {
                // The AHT given to the command stands for an empty cell.
            } else if (!aht) {
                bad(line, fmt::format("the AHT {} is not a number of seconds: write 180 or 180,5",
                                      Quoted(aht_text)));
                ok = false;
            } else if (*aht <= 0) {
                bad(line, fmt::format("the AHT {} is not above 0 seconds", Quoted(aht_text)));
                ok = false;
            } else {
                row.aht_seconds = *aht;
            }
        }
        for (size_t i = 0; i < cells.size(); ++i) {
            if (i == start_col || i == calls_col || (out.has_aht_column && i == aht_col)) continue;
            if (!cell(i).empty()) {
                bad(line, fmt::format("column {} holds {}, which no header names: delete it or "
                                      "add the column's header",
                                      i + 1, Quoted(cell(i))));
                ok = false;
            }
        }
        // The order is checked against the last start read, whatever else the
        // rows got wrong, so that one fix does not bring up another error.
        if (start_read) {
            if (previous && row.start_minute <= previous->start_minute) {
                bad(line, fmt::format("{} comes after {} (line {}): give each interval once, in "
                                      "order of time",
                                      FormatClockTime(row.start_minute),
                                      FormatClockTime(previous->start_minute), previous->line));
                continue;
            }
            if (previous) {
                const int step = row.start_minute - previous->start_minute;
                if (out.step_minutes == 0 || step < out.step_minutes) out.step_minutes = step;
            }
            previous = row;
        }
        if (ok) out.rows.push_back(row);
    }
    if (error_count > 0) {
        std::string message =
            fmt::format("{}: {} bad row{}", file, error_count, error_count == 1 ? "" : "s");
        for (const auto& e : errors)
            message += "\n  " + e;
        if (error_count > errors.size()) {
            message += fmt::format("\n  … and {} more", error_count - errors.size());
        }
        return Fail(ErrorCode::kInvalidInput, message,
                    "fix the rows named and run the command again; nothing was planned");
    }
    if (out.rows.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} holds a header and no intervals", file),
                    "give a row per interval below the header: 09:00;120;180");
    }
    return out;
}

}  // namespace

Result<IntervalForecast> ParseIntervalForecast(std::string_view bytes, const std::string& file) {
    std::string_view text = bytes;
    const bool bom = text.starts_with("\xEF\xBB\xBF");
    if (bom) text.remove_prefix(3);
    Encoding encoding = Encoding::kUtf8;
    if (!bom) {
        auto detected = DetectFileEncoding(text, file);
        if (!detected) return std::unexpected(detected.error());
        encoding = *detected;
    } else if (size_t wrong = FirstInvalidUtf8(text); wrong != std::string_view::npos) {
        const auto at = 1 + std::count(text.begin(), text.begin() + wrong, '\n');
        return Fail(
            ErrorCode::kInvalidInput,
            fmt::format("{}:{}: not valid UTF-8, though the file starts as UTF-8", file, at),
            "save it again from the spreadsheet as CSV (UTF-8)");
    }
    const char delimiter = DetectDelimiter(text);
    auto reader = std::make_shared<CsvReader>(text, delimiter);
    auto raw = std::make_shared<std::vector<std::string>>();
    RowReader next = [reader, raw, encoding](std::vector<std::string>* cells, int64_t* line) {
        if (encoding == Encoding::kUtf8) return Result<bool>(reader->Next(cells, line));
        if (!reader->Next(raw.get(), line)) return Result<bool>(false);
        cells->resize(raw->size());
        for (size_t i = 0; i < raw->size(); ++i)
            Cp1251ToUtf8((*raw)[i], &(*cells)[i]);
        return Result<bool>(true);
    };
    return ReadRows(next, file,
                    fmt::format("csv, {}{}, {}", EncodingName(encoding), bom ? " (BOM)" : "",
                                DelimiterName(delimiter)));
}

Result<IntervalForecast> ReadIntervalForecast(const std::string& path) {
    auto bytes = ReadWholeFile(path);
    if (!bytes) {
        return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}", path),
                    "check the path and its permissions");
    }
    const FileKind kind = KindOfFile(std::string_view(*bytes).substr(0, 8));
    if (kind == FileKind::kText) return ParseIntervalForecast(*bytes, path);
    auto sheet = OpenSheet(path, "");
    if (!sheet) return std::unexpected(sheet.error());
    std::shared_ptr<SheetReader> reader = std::move(*sheet);
    RowReader next = [reader](std::vector<std::string>* cells, int64_t* row) {
        return reader->Next(cells, row);
    };
    return ReadRows(next, path, kind == FileKind::kXlsx ? "xlsx" : "xls");
}

}  // namespace callbase::ingest
