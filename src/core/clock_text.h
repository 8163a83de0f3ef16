// Times of day and weekdays as people write them in settings: "09:00",
// "mon".."sun". Plain functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace callbase {

// Monday first, as the settings write them: "mon", "tue", ... "sun".
inline constexpr std::string_view kWeekdayIds[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
// 0 for "mon" ... 6 for "sun"; none for anything else.
std::optional<int> ParseWeekday(std::string_view text);

// A set of weekdays as people write it: lists and ranges, in English or
// Russian abbreviations, any case — "mon-fri", "mon,wed,fri", "sat sun",
// "пн-пт", "Пн, Ср", "fri-mon" (a range may wrap over Sunday). Bit d set for
// day d (0 = Monday), as CallingRules::weekdays. `field` names the option.
Result<uint8_t> ParseWeekdaySet(std::string_view text, std::string_view field);

// A UTC offset as people write it: "+03:00", "+3", "UTC+3", "GMT+03:00",
// "МСК" / "MSK" (Moscow, +03:00), "МСК+4" (Moscow plus four hours), in
// minutes east of UTC. IANA names ("Europe/Moscow") are not read here (the
// numbering plan's table knows Russia's, phone/region_names.h).
Result<int> ParseUtcOffset(std::string_view text, std::string_view field);
// Minutes east of UTC as "+03:00".
std::string FormatUtcOffset(int minutes);

// "HH:MM" (00:00 to 24:00) as minutes after midnight; `field` names the
// setting in the error.
Result<int> ParseClockTime(const std::string& text, std::string_view field);
// Minutes after midnight as "HH:MM".
std::string FormatClockTime(int minutes);

// A length of time as settings write it: "90" (seconds), "30m", "4h", "1d".
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace callbase
