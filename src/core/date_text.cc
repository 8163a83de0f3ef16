#include "core/date_text.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

namespace callbase {
namespace {

constexpr std::string_view kDateHint =
    "write the date as DD.MM.YYYY (31.12.2026) or YYYY-MM-DD (2026-12-31)";
constexpr std::string_view kTimeHint =
    "write DD.MM.YYYY HH:MM (31.12.2026 10:00) or YYYY-MM-DDTHH:MM (2026-12-31T10:00), "
    "optionally with a zone (+03:00 or Z); without one it is the call center's time";

// Reads 1..max digits at `pos`; false when there are none or more.
bool Digits(std::string_view s, size_t& pos, size_t min, size_t max, int& out) {
    size_t start = pos;
    out = 0;
    while (pos < s.size() && pos - start < max && std::isdigit(static_cast<unsigned char>(s[pos])))
        out = out * 10 + (s[pos++] - '0');
    if (pos - start < min) return false;
    return pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]));
}

std::string_view Trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

// The date at the start of `s`; `pos` after it. An error names what is wrong.
Result<int32_t> DateAt(std::string_view s, size_t& pos, std::string_view what,
                       std::string_view whole) {
    auto bad = [&](std::string_view why) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} '{}' is not a date{}", what, whole, why),
                    std::string(kDateHint));
    };
    int a = 0, b = 0, c = 0, y = 0, m = 0, d = 0;
    size_t p = 0;
    if (!Digits(s, p, 1, 4, a) || p >= s.size()) return bad("");
    if (p == 4 && s[p] == '-') {  // YYYY-MM-DD
        ++p;
        if (!Digits(s, p, 2, 2, b) || p >= s.size() || s[p] != '-') return bad("");
        ++p;
        if (!Digits(s, p, 2, 2, c)) return bad("");
        y = a, m = b, d = c;
    } else if (p <= 2 && s[p] == '.') {  // DD.MM.YYYY
        ++p;
        if (!Digits(s, p, 1, 2, b) || p >= s.size() || s[p] != '.') return bad("");
        ++p;
        if (!Digits(s, p, 4, 4, c)) return bad(": the year needs four digits");
        d = a, m = b, y = c;
    } else {
        return bad("");
    }
    if (y < 1800 || y > 2999) return bad(": the year is out of range");
    if (m < 1 || m > 12) return bad(fmt::format(": there is no month {}", m));
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                    std::chrono::day{unsigned(d)}};
    if (d < 1 || !ymd.ok()) {
        return bad(fmt::format(": {:02}.{:04} has no day {}", m, y, d));
    }
    pos = p;
    return static_cast<int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

}  // namespace

Result<int32_t> ParseDate(std::string_view text, std::string_view what) {
    std::string_view s = Trimmed(text);
    size_t pos = 0;
    auto day = DateAt(s, pos, what, text);
    if (!day) return day;
    if (pos != s.size()) {
        return Fail(
            ErrorCode::kInvalidInput,
            fmt::format("{} '{}' is not a date: '{}' follows it", what, text, s.substr(pos)),
            std::string(kDateHint));
    }
    return day;
}

Result<DateTime> ParseDateTime(std::string_view text, std::string_view what) {
    std::string_view s = Trimmed(text);
    auto bad = [&](std::string why) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} '{}' is not a date and time{}", what, text, why),
                    std::string(kTimeHint));
    };
    size_t pos = 0;
    auto day = DateAt(s, pos, what, text);
    if (!day) return std::unexpected(day.error());
    DateTime out;
    out.day = *day;
    if (pos == s.size()) return out;
    if (s[pos] != ' ' && s[pos] != 'T' && s[pos] != 't') return bad("");
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == 't'))
        ++pos;
    int h = 0, m = 0, sec = 0;
    if (!Digits(s, pos, 1, 2, h) || pos >= s.size() || s[pos] != ':') return bad("");
    ++pos;
    if (!Digits(s, pos, 2, 2, m)) return bad("");
    if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!Digits(s, pos, 2, 2, sec)) return bad("");
    }
    if (h > 23 || m > 59 || sec > 59) {
        return bad(fmt::format(": {:02}:{:02} is not a time of day (00:00 to 23:59)", h, m));
    }
    out.has_time = true;
    out.second_of_day = h * 3600 + m * 60 + sec;
    // "+0300" is "+03:00".
    std::string written(Trimmed(s.substr(pos)));
    if (written.size() == 5 && (written[0] == '+' || written[0] == '-') &&
        written.find_first_not_of("0123456789", 1) == std::string::npos) {
        written.insert(3, ":");
    }
    std::string_view zone = written;
    if (zone.empty()) return out;
    if (zone == "Z" || zone == "z" || zone == "UTC") {
        out.utc_offset_minutes = 0;
        return out;
    }
    if (zone[0] == '+' || zone[0] == '-') {
        const int sign = zone[0] == '-' ? -1 : 1;
        size_t p = 1;
        int oh = 0, om = 0;
        bool ok = Digits(zone, p, 2, 2, oh);
        if (ok && p < zone.size()) {
            if (zone[p] == ':') ++p;
            ok = Digits(zone, p, 2, 2, om) && p == zone.size();
        }
        if (ok && oh <= 14 && om <= 59) {
            out.utc_offset_minutes = sign * (oh * 60 + om);
            return out;
        }
    }
    return bad(fmt::format(": '{}' is not a zone", zone));
}

UnixSeconds ToUnixSeconds(const DateTime& at, int default_utc_offset_minutes) {
    const int offset = at.utc_offset_minutes.value_or(default_utc_offset_minutes);
    return int64_t{at.day} * 86400 + at.second_of_day - int64_t{offset} * 60;
}

std::string FormatIsoDate(int32_t day) {
    std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace callbase
