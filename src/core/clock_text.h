// Times of day and weekdays as people write them in settings: "09:00",
// "mon".."sun". Plain functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace callbase {

// Monday first, as the settings write them: "mon", "tue", ... "sun".
inline constexpr std::string_view kWeekdayIds[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
// 0 for "mon" ... 6 for "sun"; none for anything else.
std::optional<int> ParseWeekday(std::string_view text);

// "HH:MM" (00:00 to 24:00) as minutes after midnight; `field` names the
// setting in the error.
Result<int> ParseClockTime(const std::string& text, std::string_view field);
// Minutes after midnight as "HH:MM".
std::string FormatClockTime(int minutes);

// A length of time as settings write it: "90" (seconds), "30m", "4h", "1d".
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace callbase
