#include "phone/region_names.h"

#include "core/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

namespace callbase::phone {
namespace {

// Lower case of Basic Latin and Cyrillic; ё folds to е.
std::string Lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : DecodeUtf8(s)) {
        if (c >= U'A' && c <= U'Z')
            c += 32;
        else if (c >= U'А' && c <= U'Я')
            c += 32;
        else if (c == U'Ё' || c == U'ё')
            c = U'е';
        AppendUtf8(out, c);
    }
    return out;
}

void ReplaceWord(std::string& s, std::string_view from, std::string_view to) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
        bool starts_word = pos == 0 || s[pos - 1] == ' ';
        if (starts_word)
            s.replace(pos, from.size(), to);
        else
            pos += 1;
    }
}

}  // namespace

std::string NormalizeRegion(std::string_view name) {
    std::string lower = Lower(name);
    std::string out;
    for (char c : lower) {
        if (c == ' ' || c == '\t') {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    ReplaceWord(out, "обл.", "область");
    ReplaceWord(out, "г. ", "город ");
    ReplaceWord(out, "г.", "город ");
    return out;
}

std::string_view SubjectPart(std::string_view name) {
    size_t bar = name.rfind('|');
    return bar == std::string_view::npos ? name : name.substr(bar + 1);
}

Result<RegionTable> RegionTable::Load(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return Fail(ErrorCode::kNotFound, fmt::format("cannot read region table {}", path),
                    "check --data-dir: it must hold numbering/region-timezones.csv");
    }
    RegionTable table;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line[0] == '#' || line.starts_with("Регион;")) continue;
        size_t a = line.find(';');
        size_t b = a == std::string::npos ? a : line.find(';', a + 1);
        double hours = 0;
        if (b != std::string::npos) {
            std::string offset = line.substr(a + 1, b - a - 1);
            hours = std::strtod(offset.c_str(), nullptr);
        }
        if (b == std::string::npos || b + 1 >= line.size()) {
            return Fail(
                ErrorCode::kInvalidInput,
                fmt::format("{}:{}: expected 'region;offset;zone', got '{}'", path, line_no, line),
                "fix the line or restore the shipped file");
        }
        table.zones_[NormalizeRegion(line.substr(0, a))] =
            Zone{static_cast<int>(hours * 60), line.substr(b + 1)};
    }
    return table;
}

std::optional<RegionTable::Zone> RegionTable::Find(std::string_view name) const {
    const Zone* zone = FindPtr(name);
    if (!zone) return std::nullopt;
    return *zone;
}

const RegionTable::Zone* RegionTable::FindPtr(std::string_view name) const {
    std::string_view subject = SubjectPart(name);
    size_t start = 0;
    while (start <= subject.size()) {
        size_t comma = subject.find(',', start);
        std::string_view part = subject.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        auto it = zones_.find(NormalizeRegion(part));
        if (it != zones_.end()) return &it->second;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return nullptr;
}

std::optional<int> RegionTable::OffsetOfTimezone(std::string_view timezone) const {
    auto same = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) ==
                          std::tolower(static_cast<unsigned char>(y));
               });
    };
    for (const auto& [name, zone] : zones_)
        if (same(zone.timezone, timezone)) return zone.utc_offset_minutes;
    return std::nullopt;
}

}  // namespace callbase::phone
