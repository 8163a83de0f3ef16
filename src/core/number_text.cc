#include "core/number_text.h"

#include <charconv>
#include <cmath>
#include <string>

namespace callbase {

std::optional<double> ParseDecimal(std::string_view text) {
    std::string cleaned;
    int commas = 0, points = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        // Spaces, tabs, U+00A0 (no-break space) and U+202F (narrow no-break
        // space): what spreadsheets put between thousands and around cells.
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            static_cast<unsigned char>(text[i + 2]) == 0xAF) {
            i += 2;
            continue;
        }
        if (c == ',') {
            ++commas;
            cleaned += '.';
            continue;
        }
        points += c == '.';
        cleaned += static_cast<char>(c);
    }
    if (cleaned.empty() || commas + points > 1) return std::nullopt;
    const char* begin = cleaned.data();
    const char* end = begin + cleaned.size();
    if (*begin == '+') ++begin;
    double value = 0;
    auto [stop, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || stop != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

}  // namespace callbase
