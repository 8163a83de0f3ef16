// An aligned text table for people (the default output of CLI commands; --json
// is for scripts). Widths count UTF-8 code points so Cyrillic lines up.
// Header-only, plain value; not shared between threads.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace callbase::cli {

class Table {
public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

    void Add(std::vector<std::string> cells) {
        cells.resize(headers_.size());
        for (auto& c : cells)
            std::replace(c.begin(), c.end(), '\n', ' ');
        rows_.push_back(std::move(cells));
    }

    // Prints the header line (when with_header) and the rows, two spaces apart.
    void Print(bool with_header = true) const {
        std::vector<size_t> width(headers_.size(), 0);
        if (with_header) {
            for (size_t i = 0; i < headers_.size(); ++i)
                width[i] = Width(headers_[i]);
        }
        for (const auto& r : rows_) {
            for (size_t i = 0; i < r.size(); ++i)
                width[i] = std::max(width[i], Width(r[i]));
        }
        if (with_header) PrintRow(headers_, width);
        for (const auto& r : rows_)
            PrintRow(r, width);
    }

private:
    static size_t Width(std::string_view s) {
        size_t n = 0;
        for (char c : s)
            n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return n;
    }
    static void PrintRow(const std::vector<std::string>& cells, const std::vector<size_t>& width) {
        std::string line;
        for (size_t i = 0; i < cells.size(); ++i) {
            line += cells[i];
            if (i + 1 < cells.size()) line.append(width[i] - Width(cells[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        fmt::print("{}\n", line);
    }

    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace callbase::cli
