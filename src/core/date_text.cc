#include "core/date_text.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

namespace callbase {
namespace {

// The errors are coded (core/error.h): the API's answers carry them to the
// web UI, whose texts are in web/src/messages/core.ts ("date.*").

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
    const MessageParams params = {{"what", std::string(what)}, {"text", std::string(whole)}};
    auto with = [&](MessageParams more) {
        MessageParams all = params;
        all.insert(all.end(), more.begin(), more.end());
        return all;
    };
    auto bad = [&] {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"date.not_a_date", "{what} '{text}' is not a date",
                        "write the date as DD.MM.YYYY (31.12.2026) or YYYY-MM-DD (2026-12-31)"},
                    params);
    };
    int a = 0, b = 0, c = 0, y = 0, m = 0, d = 0;
    size_t p = 0;
    if (!Digits(s, p, 1, 4, a) || p >= s.size()) return bad();
    if (p == 4 && s[p] == '-') {  // YYYY-MM-DD
        ++p;
        if (!Digits(s, p, 2, 2, b) || p >= s.size() || s[p] != '-') return bad();
        ++p;
        if (!Digits(s, p, 2, 2, c)) return bad();
        y = a, m = b, d = c;
    } else if (p <= 2 && s[p] == '.') {  // DD.MM.YYYY
        ++p;
        if (!Digits(s, p, 1, 2, b) || p >= s.size() || s[p] != '.') return bad();
        ++p;
        if (!Digits(s, p, 4, 4, c)) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"date.year_digits", "{what} '{text}' is not a date: the year needs four digits",
                    "write the year in full: 31.12.2026, not 31.12.26"},
                params);
        }
        d = a, m = b, y = c;
    } else {
        return bad();
    }
    if (y < 1800 || y > 2999) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"date.year_range", "{what} '{text}' is not a date: the year is out of range",
                "write a year from 1800 to 2999"},
            params);
    }
    if (m < 1 || m > 12) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"date.no_month", "{what} '{text}' is not a date: there is no month {month}",
                        "the month is 1 to 12: DD.MM.YYYY (31.12.2026) or YYYY-MM-DD (2026-12-31)"},
                    with({{"month", std::to_string(m)}}));
    }
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                    std::chrono::day{unsigned(d)}};
    if (d < 1 || !ymd.ok()) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"date.no_day", "{what} '{text}' is not a date: {month}.{year} has no day {day}",
                "check the day in a calendar; write DD.MM.YYYY (28.02.2026) or "
                "YYYY-MM-DD (2026-02-28)"},
            with({{"month", fmt::format("{:02}", m)},
                  {"year", fmt::format("{:04}", y)},
                  {"day", std::to_string(d)}}));
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
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"date.trailing", "{what} '{text}' is not a date: '{rest}' follows it",
                        "write the date alone, as DD.MM.YYYY (31.12.2026) or YYYY-MM-DD "
                        "(2026-12-31)"},
                    {{"what", std::string(what)},
                     {"text", std::string(text)},
                     {"rest", std::string(s.substr(pos))}});
    }
    return day;
}

Result<DateTime> ParseDateTime(std::string_view text, std::string_view what) {
    std::string_view s = Trimmed(text);
    const MessageParams params = {{"what", std::string(what)}, {"text", std::string(text)}};
    auto bad = [&] {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"date.not_a_moment", "{what} '{text}' is not a date and time",
                        "write DD.MM.YYYY HH:MM (31.12.2026 10:00) or YYYY-MM-DDTHH:MM "
                        "(2026-12-31T10:00), optionally with a zone (+03:00 or Z); without one "
                        "it is the call center's time"},
                    params);
    };
    size_t pos = 0;
    auto day = DateAt(s, pos, what, text);
    if (!day) return std::unexpected(day.error());
    DateTime out;
    out.day = *day;
    if (pos == s.size()) return out;
    if (s[pos] != ' ' && s[pos] != 'T' && s[pos] != 't') return bad();
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == 't'))
        ++pos;
    int h = 0, m = 0, sec = 0;
    if (!Digits(s, pos, 1, 2, h) || pos >= s.size() || s[pos] != ':') return bad();
    ++pos;
    if (!Digits(s, pos, 2, 2, m)) return bad();
    if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!Digits(s, pos, 2, 2, sec)) return bad();
    }
    if (h > 23 || m > 59 || sec > 59) {
        MessageParams more = params;
        more.emplace_back("time", fmt::format("{:02}:{:02}", h, m));
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"date.no_time",
                        "{what} '{text}' is not a date and time: {time} is not a time of day "
                        "(00:00 to 23:59)",
                        "write the time as HH:MM, from 00:00 to 23:59"},
                    std::move(more));
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
    MessageParams more = params;
    more.emplace_back("zone", std::string(zone));
    return Fail(
        ErrorCode::kInvalidInput,
        Msg{"date.no_zone", "{what} '{text}' is not a date and time: '{zone}' is not a zone",
            "write the zone as +03:00, +0300, +03 or Z, or leave it out for the call "
            "center's time"},
        std::move(more));
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
