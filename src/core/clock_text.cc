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

Result<int64_t> ParseDuration(std::string_view text) {
    int64_t unit = 1;
    std::string digits(text);
    if (!digits.empty() && std::string_view("smhd").find(digits.back()) != std::string::npos) {
        char u = digits.back();
        digits.pop_back();
        unit = u == 'm' ? 60 : u == 'h' ? 3600 : u == 'd' ? 86400 : 1;
    }
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("'{}' is not a duration", text),
                    "write seconds or a number with s, m, h or d: 30m, 4h, 1d");
    }
    return std::stoll(digits) * unit;
}

}  // namespace callbase
