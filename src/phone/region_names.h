// Region names as different sources spell them ("Московская обл.",
// "Город Москва, Московская область", "г. Норильск|г.о. город Норильск|Красноярский
// край") reduced to one key, and the curated region table that maps such keys
// to a UTC offset and an IANA time zone (data/numbering/region-timezones.csv).
// Immutable after loading; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

namespace callbase::phone {

// Lower case (Cyrillic too), "обл." -> "область", "г." -> "город", "ё" -> "е",
// spaces collapsed.
std::string NormalizeRegion(std::string_view name);

// The part of a register name that names the subject of the federation: the
// last of the `|`-separated parts ("г. Норильск|...|Красноярский край").
std::string_view SubjectPart(std::string_view name);

class RegionTable {
public:
    struct Zone {
        int utc_offset_minutes;
        std::string timezone;
    };

    static Result<RegionTable> Load(const std::string& path);

    // The zone of a region name in any of the spellings above; for a list of
    // regions ("Москва, Московская область") the first one that is known.
    std::optional<Zone> Find(std::string_view name) const;
    // The same, pointing into the table (valid while the table lives).
    const Zone* FindPtr(std::string_view name) const;
    // The UTC offset of an IANA zone some region of the table is in
    // ("Asia/Vladivostok": 600); none for a zone no region has.
    std::optional<int> OffsetOfTimezone(std::string_view timezone) const;

private:
    std::unordered_map<std::string, Zone> zones_;
};

}  // namespace callbase::phone
