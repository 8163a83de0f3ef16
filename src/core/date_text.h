// Dates and moments as people in Russia type them — "31.12.2026",
// "31.12.2026 10:00" — and as ISO writes them — "2026-12-31",
// "2026-12-31T10:00", with an optional zone ("Z", "+03:00", "+0300"). The
// one parser every command and the API use for a date or a time. Plain
// functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace callbase {

// A moment as written: a calendar day, a time of day (00:00 when only the
// date was given) and the zone when one was written.
struct DateTime {
    int32_t day = 0;                        // days since 1970-01-01
    int32_t second_of_day = 0;              // 0 .. 86399
    bool has_time = false;                  // a time of day was written
    std::optional<int> utc_offset_minutes;  // the zone written, if any
};

// A calendar date, DD.MM.YYYY (also D.M.YYYY) or YYYY-MM-DD, as days since
// 1970-01-01. Refuses days the month does not have (31.02.2026, 29.02.2027),
// years outside 1800..2999 and anything after the date. `what` names the
// option or field in the error ("--until").
Result<int32_t> ParseDate(std::string_view text, std::string_view what);

// A date with an optional time of day, HH:MM or HH:MM:SS (00:00 to 23:59:59;
// 24:00 is refused), after a space or 'T', and an optional zone: Z, UTC,
// +03:00, +0300 or +03.
Result<DateTime> ParseDateTime(std::string_view text, std::string_view what);

// Unix seconds of a moment; one written without a zone is taken at
// `default_utc_offset_minutes` (the call center's zone).
UnixSeconds ToUnixSeconds(const DateTime& at, int default_utc_offset_minutes);

// Days since 1970-01-01 as YYYY-MM-DD.
std::string FormatIsoDate(int32_t day);

}  // namespace callbase
