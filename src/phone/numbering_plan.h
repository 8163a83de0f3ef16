// The Russian numbering plan for mobile (DEF) numbers: ranges of +7 9XX numbers
// with their operator, region, UTC offset and IANA time zone, held in a compact
// sorted range table.
//
// Loaded from the ministry's open-data file (data/numbering/DEF-9xx.csv, the
// format is in that folder's README) plus the curated region table
// (data/numbering/region-timezones.csv). A region is the subject of the
// federation: for "г. Норильск|г.о. город Норильск|Красноярский край" it is the last part.
// Immutable after loading; safe to share across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase::phone {

class NumberingPlan {
public:
    // What the plan knows about one number.
    struct Entry {
        std::string_view operator_name;
        std::string_view region;  // as the address register (ГАР) names it
        std::optional<int> utc_offset_minutes;
        std::string_view timezone;  // IANA, "Europe/Moscow"; empty when unknown
    };
    // One range, for generators and reports: numbers +7 code from..to.
    struct RangeInfo {
        uint32_t code;  // 900..999
        uint32_t from;  // 7 digits
        uint32_t to;    // 7 digits, inclusive
        Entry entry;
    };

    // Loads a DEF file and the region table from data_dir (data_dir/numbering/...).
    static Result<NumberingPlan> LoadDefault(const std::string& data_dir);
    // Loads a DEF file in the ministry's format; regions are matched against the
    // region table in data_dir. Errors name the file and line.
    static Result<NumberingPlan> Load(const std::string& def_file, const std::string& data_dir);

    // The entry for a 10-digit national number (9161234567), or nullopt.
    std::optional<Entry> Find(uint64_t national_number) const;

    size_t size() const;
    RangeInfo Range(size_t i) const;
    // The stretches of +7 900..999 that no range of the plan covers: numbers
    // libphonenumber calls valid mobiles but no operator holds (their entries
    // are empty). Demo and test data take their numbers from here, so they
    // never reach a real subscriber. In order; a stretch never crosses a code.
    std::vector<RangeInfo> Unassigned() const;
    size_t OperatorCount() const;
    size_t RegionCount() const;
    // The UTC offset and time zone of a region name in any common spelling
    // ("Московская обл.", "г. Санкт-Петербург"), from the curated region table.
    struct Zone {
        int utc_offset_minutes;
        std::string_view timezone;
    };
    std::optional<Zone> ZoneOfRegion(std::string_view region) const;
    // Regions of the file that the region table gives no time zone for.
    std::vector<std::string> UnresolvedRegions() const;

    NumberingPlan(NumberingPlan&&) noexcept;
    NumberingPlan& operator=(NumberingPlan&&) noexcept;
    ~NumberingPlan();

private:
    struct Table;
    explicit NumberingPlan(std::unique_ptr<Table> table);
    std::unique_ptr<Table> table_;
};

}  // namespace callbase::phone
