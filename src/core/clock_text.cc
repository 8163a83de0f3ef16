#include "core/clock_text.h"

#include <fmt/format.h>

#include <cstdio>

namespace callbase {

std::optional<int> ParseWeekday(std::string_view text) {
    for (int d = 0; d < 7; ++d)
        if (kWeekdayIds[d] == text) return d;
    return std::nullopt;
}

Result<int> ParseClockTime(const std::string& text, std::string_view field) {
    int h = 0, m = 0;
    char colon = 0, rest = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &h, &colon, &m, &rest) != 3 || colon != ':' ||
        h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("{}: '{}' is not a time", field, text),
                    "write HH:MM, e.g. 09:00");
    }
    return h * 60 + m;
}

std::string FormatClockTime(int minutes) {
    return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

}  // namespace callbase
