#include "phone/numbering_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "phone/region_names.h"

namespace callbase::phone {

// Ranges sorted by start, 16 bytes each; strings interned once.
struct NumberingPlan::Table {
    struct Row {
        uint64_t start;  // 10-digit national number
        uint32_t span;   // end - start
        uint16_t operator_index;
        uint16_t region_index;
    };
    struct Region {
        std::string name;
        std::optional<int> utc_offset_minutes;
        std::string timezone;
    };
    std::vector<Row> rows;
    std::vector<std::string> operators;
    std::vector<Region> regions;
    RegionTable zones;

    Entry EntryOf(const Row& row) const {
        const Region& r = regions[row.region_index];
        return Entry{operators[row.operator_index], r.name, r.utc_offset_minutes, r.timezone};
    }
};

namespace {

// Splits one line of the register: `;`-separated; a field that starts with a
// double quote is quoted ("" inside is a quote); quotes inside a plain field
// (ПАО "МЕГАФОН") are text.
std::vector<std::string> SplitRecord(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back().push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back().push_back(c);
            }
        } else if (c == '"' && out.back().empty()) {
            quoted = true;  // a quote opens quoting only at the start of a field
        } else if (c == ';') {
            out.emplace_back();
        } else if (c != '\r') {
            out.back().push_back(c);
        }
    }
    return out;
}

bool ParseDigits(const std::string& s, uint64_t* value) {
    if (s.empty() || s.size() > 10) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    *value = v;
    return true;
}

std::string Trim(std::string s) {
    size_t a = s.find_first_not_of(' ');
    size_t b = s.find_last_not_of(' ');
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

}  // namespace

NumberingPlan::NumberingPlan(std::unique_ptr<Table> table) : table_(std::move(table)) {}
NumberingPlan::NumberingPlan(NumberingPlan&&) noexcept = default;
NumberingPlan& NumberingPlan::operator=(NumberingPlan&&) noexcept = default;
NumberingPlan::~NumberingPlan() = default;

Result<NumberingPlan> NumberingPlan::LoadDefault(const std::string& data_dir) {
    return Load(data_dir + "/numbering/DEF-9xx.csv", data_dir);
}

Result<NumberingPlan> NumberingPlan::Load(const std::string& def_file,
                                          const std::string& data_dir) {
    auto regions = RegionTable::Load(data_dir + "/numbering/region-timezones.csv");
    if (!regions) return std::unexpected(regions.error());
    std::ifstream in(def_file, std::ios::binary);
    if (!in) {
        return Fail(ErrorCode::kNotFound, fmt::format("cannot read numbering plan {}", def_file),
                    "give the path of a DEF-9xx.csv file from the ministry's open data");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);

    auto table = std::make_unique<Table>();
    table->rows.reserve(20000);
    std::unordered_map<std::string, uint16_t> operator_ids;
    std::unordered_map<std::string, uint16_t> region_ids;
    auto bad = [&](int line_no, std::string what) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("{}:{}: {}", def_file, line_no, what),
                    "the file must be the ministry's DEF register: "
                    "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН");
    };

    size_t pos = 0;
    int line_no = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.empty() || line == "\r") continue;
        auto f = SplitRecord(line);
        if (line_no == 1) {
            if (f.size() < 7 || f[0].find("DEF") == std::string::npos) {
                return bad(1, "the header is not that of the DEF register");
            }
            continue;
        }
        if (f.size() < 7) return bad(line_no, fmt::format("{} fields, expected 8", f.size()));
        uint64_t code, from, to;
        if (!ParseDigits(f[0], &code) || code < 900 || code > 999) {
            return bad(line_no, fmt::format("code '{}' is not a 9XX mobile code", f[0]));
        }
        if (!ParseDigits(f[1], &from) || !ParseDigits(f[2], &to) || from > to || to > 9999999) {
            return bad(line_no, fmt::format("range '{}'..'{}' is not two 7-digit numbers in order",
                                            f[1], f[2]));
        }
        std::string op = Trim(f[4]);
        std::string region = Trim(std::string(SubjectPart(f[6].empty() ? f[5] : f[6])));
        auto [op_it, op_new] = operator_ids.try_emplace(op, table->operators.size());
        if (op_new) table->operators.push_back(op);
        auto [reg_it, reg_new] = region_ids.try_emplace(region, table->regions.size());
        if (reg_new) {
            Table::Region r{region, std::nullopt, {}};
            if (auto zone = regions->Find(region)) {
                r.utc_offset_minutes = zone->utc_offset_minutes;
                r.timezone = zone->timezone;
            }
            table->regions.push_back(std::move(r));
        }
        table->rows.push_back(Table::Row{code * 10000000 + from, static_cast<uint32_t>(to - from),
                                         op_it->second, reg_it->second});
    }
    if (table->rows.empty()) return bad(line_no, "no ranges in the file");
    std::sort(table->rows.begin(), table->rows.end(),
              [](const Table::Row& a, const Table::Row& b) { return a.start < b.start; });
    for (size_t i = 1; i < table->rows.size(); ++i) {
        const auto& prev = table->rows[i - 1];
        if (prev.start + prev.span >= table->rows[i].start) {
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("{}: ranges overlap at +7{}", def_file, table->rows[i].start),
                        "the register must list each number once");
        }
    }
    table->zones = std::move(*regions);
    return NumberingPlan(std::move(table));
}

std::optional<NumberingPlan::Entry> NumberingPlan::Find(uint64_t national_number) const {
    const auto& rows = table_->rows;
    auto it = std::upper_bound(rows.begin(), rows.end(), national_number,
                               [](uint64_t n, const Table::Row& r) { return n < r.start; });
    if (it == rows.begin()) return std::nullopt;
    --it;
    if (national_number - it->start > it->span) return std::nullopt;
    return table_->EntryOf(*it);
}

size_t NumberingPlan::size() const {
    return table_->rows.size();
}

NumberingPlan::RangeInfo NumberingPlan::Range(size_t i) const {
    const auto& row = table_->rows.at(i);
    return RangeInfo{static_cast<uint32_t>(row.start / 10000000),
                     static_cast<uint32_t>(row.start % 10000000),
                     static_cast<uint32_t>(row.start % 10000000 + row.span), table_->EntryOf(row)};
}

std::vector<NumberingPlan::RangeInfo> NumberingPlan::Unassigned() const {
    std::vector<std::pair<uint64_t, uint64_t>> taken;  // [first, last] as 10-digit numbers
    taken.reserve(table_->rows.size());
    for (const auto& row : table_->rows)
        taken.emplace_back(row.start, row.start + row.span);
    std::sort(taken.begin(), taken.end());
    std::vector<RangeInfo> out;
    auto add_gap = [&](uint64_t first, uint64_t last) {  // inclusive, may cross codes
        while (first <= last) {
            uint64_t code_end = first / 10000000 * 10000000 + 9999999;
            uint64_t end = std::min(last, code_end);
            out.push_back(RangeInfo{static_cast<uint32_t>(first / 10000000),
                                    static_cast<uint32_t>(first % 10000000),
                                    static_cast<uint32_t>(end % 10000000), Entry{}});
            first = end + 1;
        }
    };
    uint64_t next = 9000000000;  // the first number not yet known to be covered
    for (const auto& [first, last] : taken) {
        if (first > next) add_gap(next, first - 1);
        next = std::max(next, last + 1);
    }
    if (next <= 9999999999) add_gap(next, 9999999999);
    return out;
}

std::vector<std::string> NumberingPlan::UnresolvedRegions() const {
    std::vector<std::string> out;
    for (const auto& r : table_->regions) {
        if (!r.utc_offset_minutes) out.push_back(r.name);
    }
    return out;
}

std::optional<NumberingPlan::Zone> NumberingPlan::ZoneOfRegion(std::string_view region) const {
    const RegionTable::Zone* zone = table_->zones.FindPtr(region);
    if (!zone) return std::nullopt;
    return Zone{zone->utc_offset_minutes, zone->timezone};
}

size_t NumberingPlan::OperatorCount() const {
    return table_->operators.size();
}
size_t NumberingPlan::RegionCount() const {
    return table_->regions.size();
}

}  // namespace callbase::phone
