// The dial gate against a separate, deliberately simple reference written here:
// at least 1M random cases (number state, rules, time) must get the same
// decision, the same reasons and the same earliest time.
//
// The reference shares no code with gate.cc: it reads local dates and weekdays
// through std::chrono's calendar, counts attempts in the period one by one, and
// finds the earliest time by trying every candidate moment in order (the time
// asked about, each moment a bound lapses, and each day's window opening over
// the next 80 days) instead of computing it.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "compliance/gate.h"

namespace callbase::compliance {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

struct Reference {
    const NumberState& state;
    std::string_view purpose;
    const CallingRules& rules;
    int offset_minutes;

    int64_t LocalDay(int64_t t) const {
        sys_seconds local{seconds{t + int64_t{offset_minutes} * 60}};
        return std::chrono::floor<days>(local).time_since_epoch().count();
    }
    bool IsHoliday(int64_t day) const {
        for (int32_t h : rules.holidays)
            if (h == day) return true;
        return false;
    }
    bool WeekdayAllowed(int64_t day) const {
        std::chrono::weekday wd{sys_days{days{day}}};
        int monday_first = static_cast<int>(wd.iso_encoding()) - 1;  // Monday = 0
        return (rules.weekdays & (1 << monday_first)) != 0;
    }
    bool InWindow(int64_t t) const {
        int64_t local = t + int64_t{offset_minutes} * 60;
        int64_t day = LocalDay(t);
        int64_t minute_of_day = (local - day * 86400) / 60;
        return WeekdayAllowed(day) && !IsHoliday(day) &&
               minute_of_day >= rules.window_start_minute &&
               minute_of_day < rules.window_end_minute;
    }
    int AttemptsInPeriodEndingAt(int64_t t, int64_t now) const {
        int count = 0;
        for (int64_t a : state.attempts)
            if (a <= now && a > t - rules.attempt_period) ++count;
        return count;
    }
    std::optional<int64_t> LastAttempt(int64_t now) const {
        std::optional<int64_t> last;
        for (int64_t a : state.attempts)
            if (a <= now) last = a;
        return last;
    }
    // Only the reasons that pass with time.
    bool TimeAllows(int64_t t, int64_t now) const {
        for (const StopEntry& s : state.stops)
            if (s.category == StopCategory::kNotNow && s.until && *s.until > t) return false;
        if (rules.max_attempts > 0 && AttemptsInPeriodEndingAt(t, now) >= rules.max_attempts)
            return false;
        auto last = LastAttempt(now);
        if (last && rules.min_gap > 0 && t < *last + rules.min_gap) return false;
        return InWindow(t);
    }

    Decision Decide(int64_t at) const {
        Decision d;
        bool forever = false;
        for (const StopEntry& s : state.stops) {
            bool lapsed = s.category == StopCategory::kNotNow && s.until && *s.until <= at;
            if (lapsed) continue;
            d.reasons.push_back({DenyReason::kStopList, std::string(StopCategoryId(s.category))});
            if (!(s.category == StopCategory::kNotNow && s.until)) forever = true;
        }
        for (const auto& r : state.registries) {
            d.reasons.push_back({DenyReason::kRegistry, r});
            forever = true;
        }
        bool needs_consent = true;
        for (const auto& p : rules.purposes_without_consent)
            if (p == purpose) needs_consent = false;
        if (needs_consent) {
            bool any_valid = false, any_revoked = false;
            for (const auto& c : state.consents) {
                if (c.purpose != purpose || c.obtained_at > at) continue;
                bool revoked = c.revoked_at.has_value() && *c.revoked_at <= at;
                any_revoked = any_revoked || revoked;
                any_valid = any_valid || !revoked;
            }
            if (!any_valid) {
                d.reasons.push_back(
                    {any_revoked ? DenyReason::kConsentRevoked : DenyReason::kNoConsent,
                     std::string(purpose)});
                forever = true;
            }
        }
        if (state.deletion_pending) {
            d.reasons.push_back({DenyReason::kDeletionPending, ""});
            forever = true;
        }
        if (state.inactive) {
            d.reasons.push_back({DenyReason::kInactive, ""});
            forever = true;
        }
        if (rules.max_attempts > 0 && AttemptsInPeriodEndingAt(at, at) >= rules.max_attempts)
            d.reasons.push_back({DenyReason::kAttemptCap, ""});
        auto last = LastAttempt(at);
        if (last && rules.min_gap > 0 && at < *last + rules.min_gap)
            d.reasons.push_back({DenyReason::kTooSoon, ""});
        if (!InWindow(at)) {
            int64_t day = LocalDay(at);
            d.reasons.push_back({DenyReason::kOutsideWindow, IsHoliday(day)        ? "holiday"
                                                             : WeekdayAllowed(day) ? "hours"
                                                                                   : "day_off"});
        }
        d.allowed = d.reasons.empty();
        d.offset_assumed = !state.utc_offset_minutes;
        if (d.allowed) {
            d.earliest = at;
            return d;
        }
        if (forever) return d;
        // Every moment at which "allowed" can begin.
        std::set<int64_t> candidates = {at};
        for (const StopEntry& s : state.stops)
            if (s.until) candidates.insert(*s.until);
        for (int64_t a : state.attempts) {
            candidates.insert(a + rules.attempt_period);
            candidates.insert(a + rules.min_gap);
        }
        int64_t first_day = LocalDay(at);
        for (int64_t day = first_day; day <= first_day + 80; ++day) {
            candidates.insert(day * 86400 + int64_t{rules.window_start_minute} * 60 -
                              int64_t{offset_minutes} * 60);
        }
        for (int64_t c : candidates) {
            if (c >= at && TimeAllows(c, at)) {
                d.earliest = c;
                break;
            }
        }
        return d;
    }
};

std::vector<std::pair<DenyReason, std::string>> Sorted(const std::vector<Denial>& reasons) {
    std::vector<std::pair<DenyReason, std::string>> out;
    for (const auto& r : reasons)
        out.emplace_back(r.reason, r.detail);
    std::sort(out.begin(), out.end());
    return out;
}

std::string Show(const Decision& d) {
    std::string out = d.allowed ? "allow" : "deny";
    for (const auto& r : d.reasons)
        out += fmt::format(" {}({})", DenyReasonId(r.reason), r.detail);
    out += d.earliest ? fmt::format(" earliest={}", *d.earliest) : " never";
    return out;
}

TEST(DialGateProperty, AgreesWithTheReferenceOnAMillionRandomCases) {
    std::mt19937_64 rng(20261123);
    auto pick = [&](int64_t lo, int64_t hi) {
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    const std::vector<std::string> purposes = {"service", "marketing", "survey"};
    constexpr int kCases = 1'000'000;
    int allowed = 0, never = 0, later = 0;
    for (int i = 0; i < kCases; ++i) {
        const int64_t at = pick(1767225600, 1798761599);  // any second of 2026
        CallingRules rules;
        if (pick(0, 3) > 0) {  // a quarter keep the defaults
            rules.window_start_minute = static_cast<int>(pick(0, 23) * 60 + pick(0, 1) * 30);
            rules.window_end_minute = static_cast<int>(
                std::min<int64_t>(24 * 60, rules.window_start_minute + pick(-60, 16 * 60)));
            rules.weekdays = static_cast<uint8_t>(pick(0, 40) == 0 ? 0 : pick(1, 127));
            rules.max_attempts = static_cast<int>(pick(0, 4));
            rules.attempt_period = pick(1, 10) * 86400;
            rules.min_gap = pick(0, 6) * 1800;
            if (pick(0, 3) == 0) rules.purposes_without_consent = {"service", "survey"};
        }
        const int64_t today = (at + 3 * 3600) / 86400;
        for (int64_t h = pick(0, 5); h > 0; --h)
            rules.holidays.push_back(static_cast<int32_t>(today + pick(-3, 20)));
        std::sort(rules.holidays.begin(), rules.holidays.end());
        rules.holidays.erase(std::unique(rules.holidays.begin(), rules.holidays.end()),
                             rules.holidays.end());

        NumberState state;
        if (pick(0, 5) > 0) {
            static constexpr int kOffsets[] = {120, 180, 240, 300, 360,  420, 480, 540,
                                               600, 660, 720, 330, -300, 0,   345};
            state.utc_offset_minutes = kOffsets[pick(0, std::size(kOffsets) - 1)];
        }
        for (int64_t s = pick(-4, 2); s > 0; --s) {
            auto category = static_cast<StopCategory>(pick(0, 2));
            StopEntry e{category, std::nullopt};
            if (category == StopCategory::kNotNow && pick(0, 9) > 0)
                e.until = at + pick(-30 * 86400, 30 * 86400);
            state.stops.push_back(e);
        }
        if (pick(0, 9) == 0) state.registries.push_back(pick(0, 1) ? "rkn" : "own");
        for (int64_t c = pick(0, 3); c > 0; --c) {
            ConsentRecord r{purposes[pick(0, 2)], at - pick(-86400, 400 * 86400), std::nullopt};
            if (pick(0, 3) == 0) r.revoked_at = r.obtained_at + pick(0, 60 * 86400);
            state.consents.push_back(r);
        }
        state.deletion_pending = pick(0, 19) == 0;
        state.inactive = pick(0, 19) == 0;
        for (int64_t a = pick(-2, 5); a > 0; --a)
            state.attempts.push_back(at - pick(0, 10 * 86400));
        std::sort(state.attempts.begin(), state.attempts.end());
        const std::string purpose = purposes[pick(0, 2)];

        Reference ref{state, purpose, rules,
                      state.utc_offset_minutes.value_or(rules.default_utc_offset_minutes)};
        Decision want = ref.Decide(at);
        Decision got = DialGate::Check(state, purpose, at, rules);
        ASSERT_EQ(got.allowed, want.allowed)
            << "case " << i << ": got " << Show(got) << ", reference " << Show(want);
        ASSERT_EQ(Sorted(got.reasons), Sorted(want.reasons))
            << fmt::format("window {}-{} weekdays {} offset {} at {} ", rules.window_start_minute,
                           rules.window_end_minute, rules.weekdays, ref.offset_minutes, at)
            << "case " << i << ": got " << Show(got) << ", reference " << Show(want);
        ASSERT_EQ(got.earliest, want.earliest)
            << fmt::format("window {}-{} weekdays {} offset {} at {} holidays {} ",
                           rules.window_start_minute, rules.window_end_minute, rules.weekdays,
                           ref.offset_minutes, at, fmt::join(rules.holidays, ","))
            << "case " << i << ": got " << Show(got) << ", reference " << Show(want);
        ASSERT_EQ(got.offset_assumed, want.offset_assumed);
        allowed += got.allowed;
        never += !got.earliest;
        later += !got.allowed && got.earliest.has_value();
    }
    // The generator must reach every kind of answer, or the test proves little.
    fmt::print("{} cases: {} allowed, {} denied until a later time, {} denied for good\n", kCases,
               allowed, later, never);
    EXPECT_GT(allowed, kCases / 50);
    EXPECT_GT(later, kCases / 10);
    EXPECT_GT(never, kCases / 10);
}

}  // namespace
}  // namespace callbase::compliance
