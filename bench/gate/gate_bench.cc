// Dial-gate throughput: DialGate::Check on one thread with every rule on — a
// marketing call (consent needed), stop-list entries (one lapsed "not now"),
// earlier attempts (cap and gap), the calling window in the callee's zone and
// a year of public holidays — over 1,000,000 prepared number states
// (--cases N). No off-the-shelf dial gate exists to run beside it; the goal is
// absolute: at least 1M decisions per second. The best of three runs is kept.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compliance/gate.h"

using namespace callbase::compliance;

int main(int argc, char** argv) {
    size_t cases = 1'000'000;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--cases") == 0) cases = std::stoul(argv[i + 1]);

    std::mt19937_64 rng(7);
    auto pick = [&](int64_t lo, int64_t hi) {
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    const int64_t base = 1795413600;  // 2026-11-23 06:00 UTC
    CallingRules rules;
    for (int d = 0; d < 365; d += 25)  // 15 holidays over the year
        rules.holidays.push_back(static_cast<int32_t>(base / 86400 + d));
    std::vector<NumberState> states(cases);
    std::vector<int64_t> times(cases);
    for (size_t i = 0; i < cases; ++i) {
        NumberState& s = states[i];
        s.utc_offset_minutes = static_cast<int>(pick(2, 12) * 60);
        s.consents.push_back({"marketing", base - pick(0, 300) * 86400,
                              pick(0, 9) == 0 ? std::optional<int64_t>(base) : std::nullopt});
        s.consents.push_back({"service", base - 1000 * 86400, std::nullopt});
        s.stops.push_back({StopCategory::kNotNow, base - pick(1, 100) * 86400});
        if (pick(0, 19) == 0) s.stops.push_back({StopCategory::kDoNotDisturb, std::nullopt});
        for (int64_t a = pick(0, 4); a > 0; --a)
            s.attempts.push_back(base - pick(0, 9 * 86400));
        std::sort(s.attempts.begin(), s.attempts.end());
        times[i] = base + pick(0, 7 * 86400);
    }

    size_t allowed = 0;
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
        allowed = 0;
        auto start = std::chrono::steady_clock::now();
        for (size_t i = 0; i < cases; ++i)
            allowed += DialGate::Check(states[i], "marketing", times[i], rules).allowed;
        best = std::min(
            best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    fmt::print(
        "dial gate: {} decisions ({} allowed) in {:.3f} s: {:.2f}M decisions/s "
        "(goal: at least 1M/s)\n",
        cases, allowed, best, static_cast<double>(cases) / best / 1e6);
    return static_cast<double>(cases) / best >= 1e6 ? 0 : 1;
}
