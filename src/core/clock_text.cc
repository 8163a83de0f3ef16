#include "core/clock_text.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>

namespace callbase {

std::optional<int> ParseWeekday(std::string_view text) {
    for (int d = 0; d < 7; ++d)
        if (kWeekdayIds[d] == text) return d;
    return std::nullopt;
}

namespace {

// A day's names, lowercase: English, Russian abbreviations and full names.
constexpr std::string_view kDayNames[7][5] = {
    {"mon", "monday", "пн", "пон", "понедельник"}, {"tue", "tuesday", "вт", "вто", "вторник"},
    {"wed", "wednesday", "ср", "сре", "среда"},    {"thu", "thursday", "чт", "чет", "четверг"},
    {"fri", "friday", "пт", "пят", "пятница"},     {"sat", "saturday", "сб", "суб", "суббота"},
    {"sun", "sunday", "вс", "вос", "воскресенье"},
};

// ASCII and Cyrillic (А-Я, Ё) letters to lowercase; other bytes as they are.
std::string Lower(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out += static_cast<char>(std::tolower(c));
            continue;
        }
        if (c == 0xD0 && i + 1 < text.size()) {
            const auto n = static_cast<unsigned char>(text[i + 1]);
            if (n >= 0x90 && n <= 0x9F) {  // А-П -> а-п
                out += '\xD0';
                out += static_cast<char>(n + 0x20);
            } else if (n >= 0xA0 && n <= 0xAF) {  // Р-Я -> р-я
                out += '\xD1';
                out += static_cast<char>(n - 0x20);
            } else if (n == 0x81) {  // Ё -> ё
                out += "\xD1\x91";
            } else {
                out += text.substr(i, 2);
            }
            ++i;
            continue;
        }
        out += static_cast<char>(c);
    }
    return out;
}

std::optional<int> DayByName(std::string_view name) {
    for (int d = 0; d < 7; ++d)
        for (std::string_view n : kDayNames[d])
            if (n == name) return d;
    return std::nullopt;
}

}  // namespace

Result<uint8_t> ParseWeekdaySet(std::string_view text, std::string_view field) {
    static constexpr std::string_view kDaysHint =
        "write days as mon-fri, mon,wed,fri or пн-пт (mon tue wed thu fri sat sun, "
        "пн вт ср чт пт сб вс)";
    const std::string all = Lower(text);
    uint8_t days = 0;
    size_t pos = 0;
    bool any = false;
    while (pos < all.size()) {
        size_t end = all.find_first_of(", ;", pos);
        if (end == std::string::npos) end = all.size();
        const std::string part = all.substr(pos, end - pos);
        pos = end + 1;
        if (part.empty()) continue;
        any = true;
        // A range: two names around a dash (also an en dash, U+2013).
        size_t dash = part.find('-');
        size_t dash_len = 1;
        if (dash == std::string::npos) {
            dash = part.find("\xE2\x80\x93");
            dash_len = 3;
        }
        if (dash == std::string::npos) {
            auto d = DayByName(part);
            if (!d) {
                return Fail(
                    ErrorCode::kInvalidInput,
                    Msg{"days.not_a_day", "{where} '{text}': '{part}' is not a day", kDaysHint},
                    {{"where", std::string(field)}, {"text", std::string(text)}, {"part", part}});
            }
            days |= static_cast<uint8_t>(1 << *d);
            continue;
        }
        auto from = DayByName(part.substr(0, dash));
        auto to = DayByName(part.substr(dash + dash_len));
        if (!from || !to) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"days.not_a_range", "{where} '{text}': '{part}' is not a range of days",
                    kDaysHint},
                {{"where", std::string(field)}, {"text", std::string(text)}, {"part", part}});
        }
        for (int d = *from;; d = (d + 1) % 7) {
            days |= static_cast<uint8_t>(1 << d);
            if (d == *to) break;
        }
    }
    if (!any) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"days.none", "{where} '{text}': no day given", kDaysHint},
                    {{"where", std::string(field)}, {"text", std::string(text)}});
    }
    return days;
}

Result<int> ParseUtcOffset(std::string_view text, std::string_view field) {
    auto bad = [&] {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"zone.not_a_zone", "{where} '{text}' is not a time zone",
                        "write a UTC offset (+03:00, UTC+7), МСК or МСК+4, or a zone of Russia "
                        "(Europe/Moscow, Asia/Vladivostok)"},
                    {{"where", std::string(field)}, {"text", std::string(text)}});
    };
    std::string t = Lower(text);
    while (!t.empty() && t.front() == ' ')
        t.erase(0, 1);
    while (!t.empty() && t.back() == ' ')
        t.pop_back();
    int base = 0;
    for (std::string_view prefix : {"utc", "gmt", "мск", "msk"}) {
        if (t.starts_with(prefix)) {
            base = prefix == "мск" || prefix == "msk" ? 180 : 0;
            t.erase(0, prefix.size());
            if (t.empty()) return base;
            break;
        }
    }
    if (t.size() < 2 || (t[0] != '+' && t[0] != '-')) return bad();
    const int sign = t[0] == '-' ? -1 : 1;
    int h = 0, m = 0;
    char colon = 0, rest = 0;
    const int n = std::sscanf(t.c_str() + 1, "%d%c%d%c", &h, &colon, &m, &rest);
    if (!(n == 1 || (n == 3 && colon == ':')) || t.find_first_not_of("+-0123456789:") != t.npos ||
        h < 0 || m < 0 || m > 59) {
        return bad();
    }
    const int minutes = base + sign * (h * 60 + m);
    if (minutes < -12 * 60 || minutes > 14 * 60) return bad();
    return minutes;
}

std::string FormatUtcOffset(int minutes) {
    const int a = minutes < 0 ? -minutes : minutes;
    return fmt::format("{}{:02}:{:02}", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

Result<int> ParseClockTime(const std::string& text, std::string_view field) {
    int h = 0, m = 0;
    char colon = 0, rest = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &h, &colon, &m, &rest) != 3 || colon != ':' ||
        h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"time.not_a_time", "{where}: '{text}' is not a time", "write HH:MM, e.g. 09:00"},
            {{"where", std::string(field)}, {"text", text}});
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
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"duration.bad", "'{text}' is not a duration",
                        "write seconds or a number with s, m, h or d: 30m, 4h, 1d"},
                    {{"text", std::string(text)}});
    }
    return std::stoll(digits) * unit;
}

}  // namespace callbase
