#include "phone/spelling.h"

#include <fmt/format.h>

#include <array>

namespace callbase::phone {

std::string SpellRussian(uint64_t national, int style) {
    auto code = static_cast<unsigned>(national / 10000000);
    auto a = static_cast<unsigned>(national / 10000 % 1000);
    auto b = static_cast<unsigned>(national / 100 % 100);
    auto c = static_cast<unsigned>(national % 100);
    auto rest = static_cast<unsigned>(national % 10000000);
    switch (style) {
        case 0:
            return fmt::format("8 ({:03}) {:03}-{:02}-{:02}", code, a, b, c);
        case 1:
            return fmt::format("+7 {:03} {:07}", code, rest);
        case 2:
            return fmt::format("{:010}", national);
        case 3:
            return fmt::format("7-{:03}-{:03}-{:02}-{:02}", code, a, b, c);
        case 4:
            return fmt::format("8{:010}", national);
        case 5:
            return fmt::format("+7{:010}", national);
        case 6:
            return fmt::format("+7 ({:03}) {:03}-{:02}-{:02}", code, a, b, c);
        case 7:
            return fmt::format("8 {:03} {:03} {:02} {:02}", code, a, b, c);
        case 8:
            return fmt::format("8-{:03}-{:03}-{:02}-{:02}", code, a, b, c);
        case 9:
            return fmt::format("({:03}) {:03}-{:02}-{:02}", code, a, b, c);
        case 10:
            return fmt::format("+7({:03}){:03}-{:02}-{:02}", code, a, b, c);
        case 11:
            return fmt::format("7{:010}", national);
        case 12:
            return fmt::format("+7 {:03} {:03} {:02} {:02}", code, a, b, c);
        default:
            return fmt::format("8.{:03}.{:03}.{:02}.{:02}", code, a, b, c);
    }
}

std::string SpellRussian(uint64_t national, std::mt19937_64& rng) {
    // Weights from what CRM exports look like: 8 (XXX) and +7 forms dominate.
    static constexpr std::array<int, kRussianSpellings> kWeights = {20, 8, 8, 4, 12, 10, 12,
                                                                    6,  5, 3, 4, 4,  3,  1};
    std::discrete_distribution<int> pick(kWeights.begin(), kWeights.end());
    return SpellRussian(national, pick(rng));
}

}  // namespace callbase::phone
