#include "compliance/gate.h"

#include <algorithm>

namespace callbase::compliance {
namespace {

constexpr int64_t kDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// 0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday.
int Weekday(int64_t day) {
    return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

bool Holiday(int64_t day, const CallingRules& rules) {
    return std::binary_search(rules.holidays.begin(), rules.holidays.end(),
                              static_cast<int32_t>(day));
}

bool DayAllowed(int64_t day, const CallingRules& rules) {
    return (rules.weekdays >> Weekday(day) & 1) != 0 && !Holiday(day, rules);
}

}  // namespace

std::string_view StopCategoryId(StopCategory category) {
    switch (category) {
        case StopCategory::kDoNotDisturb:
            return "do_not_disturb";
        case StopCategory::kWrittenOnly:
            return "written_only";
        case StopCategory::kNotNow:
            return "not_now";
    }
    return "do_not_disturb";
}

std::optional<StopCategory> ParseStopCategory(std::string_view text) {
    for (StopCategory c :
         {StopCategory::kDoNotDisturb, StopCategory::kWrittenOnly, StopCategory::kNotNow}) {
        if (text == StopCategoryId(c)) return c;
    }
    if (text == "dnd" || text == "do-not-disturb") return StopCategory::kDoNotDisturb;
    if (text == "written" || text == "written-only" || text == "sms-only" || text == "email-only")
        return StopCategory::kWrittenOnly;
    if (text == "not-now") return StopCategory::kNotNow;
    return std::nullopt;
}

// i18n: gate.reason
std::string_view DenyReasonId(DenyReason reason) {
    switch (reason) {
        case DenyReason::kStopList:
            return "stop_list";
        case DenyReason::kRegistry:
            return "registry";
        case DenyReason::kNoConsent:
            return "no_consent";
        case DenyReason::kConsentRevoked:
            return "consent_revoked";
        case DenyReason::kDeletionPending:
            return "deletion_pending";
        case DenyReason::kInactive:
            return "inactive";
        case DenyReason::kOutsideWindow:
            return "outside_window";
        case DenyReason::kAttemptCap:
            return "attempt_cap";
        case DenyReason::kTooSoon:
            return "too_soon";
        case DenyReason::kOtherOperator:
            return "other_operator";
    }
    return "stop_list";
}

std::optional<UnixSeconds> DialGate::NextWindowStart(UnixSeconds t, int offset_minutes,
                                                     const CallingRules& rules) {
    if ((rules.weekdays & 0x7F) == 0 || rules.window_start_minute >= rules.window_end_minute) {
        return std::nullopt;
    }
    const int64_t offset = int64_t{offset_minutes} * 60;
    const int64_t start = int64_t{rules.window_start_minute} * 60;
    const int64_t end = int64_t{rules.window_end_minute} * 60;
    const int64_t local = t + offset;
    int64_t day = FloorDiv(local, kDay);
    int64_t into_day = local - day * kDay;
    // Each holiday may cost a week when it falls on the only allowed weekday.
    const size_t limit = 7 * (rules.holidays.size() + 1) + 1;
    for (size_t i = 0; i < limit; ++i, ++day, into_day = 0) {
        if (!DayAllowed(day, rules) || into_day >= end) continue;
        return day * kDay + std::max(into_day, start) - offset;
    }
    return std::nullopt;
}

namespace {

// Why a moment of `local_day` is outside the window: the day is a holiday, a
// day off, or the hours are not the window's.
// i18n: gate.window
std::string_view OutsideWindowId(int64_t local_day, const CallingRules& rules) {
    if (Holiday(local_day, rules)) return "holiday";
    if (rules.weekdays >> Weekday(local_day) & 1) return "hours";
    return "day_off";
}

}  // namespace

Decision DialGate::Check(const NumberState& state, std::string_view purpose, UnixSeconds at,
                         const CallingRules& rules) {
    Decision d;
    bool lapses = true;  // false once a reason that never lapses by itself applies
    UnixSeconds bound = at;
    auto deny = [&](DenyReason reason, std::string_view detail) {
        d.reasons.push_back({reason, std::string(detail)});
    };

    for (const StopEntry& s : state.stops) {
        if (s.category == StopCategory::kNotNow && s.until) {
            if (*s.until <= at) continue;  // lapsed
            bound = std::max(bound, *s.until);
        } else {
            lapses = false;
        }
        deny(DenyReason::kStopList, StopCategoryId(s.category));
    }
    for (const std::string& registry : state.registries) {
        deny(DenyReason::kRegistry, registry);
        lapses = false;
    }
    const auto& free = rules.purposes_without_consent;
    if (std::find(free.begin(), free.end(), purpose) == free.end()) {
        bool valid = false, revoked = false;
        for (const ConsentRecord& c : state.consents) {
            if (c.purpose != purpose || c.obtained_at > at) continue;
            if (c.revoked_at && *c.revoked_at <= at)
                revoked = true;
            else
                valid = true;
        }
        if (!valid) {
            deny(revoked ? DenyReason::kConsentRevoked : DenyReason::kNoConsent, purpose);
            lapses = false;
        }
    }
    if (state.deletion_pending) {
        deny(DenyReason::kDeletionPending, "");
        lapses = false;
    }
    if (state.inactive) {
        deny(DenyReason::kInactive, "");
        lapses = false;
    }

    // Attempts up to `at`: the cap holds in every period ending at or after it.
    const auto past_end = std::upper_bound(state.attempts.begin(), state.attempts.end(), at);
    const auto n = static_cast<int64_t>(past_end - state.attempts.begin());
    if (rules.max_attempts > 0 && n >= rules.max_attempts) {
        // The period must have let go of the attempt max_attempts back from the last.
        UnixSeconds release =
            state.attempts[static_cast<size_t>(n - rules.max_attempts)] + rules.attempt_period;
        if (release > at) {
            deny(DenyReason::kAttemptCap, "");
            bound = std::max(bound, release);
        }
    }
    if (n > 0 && rules.min_gap > 0) {
        UnixSeconds after_gap = state.attempts[static_cast<size_t>(n - 1)] + rules.min_gap;
        if (after_gap > at) {
            deny(DenyReason::kTooSoon, "");
            bound = std::max(bound, after_gap);
        }
    }

    d.offset_assumed = !state.utc_offset_minutes;
    const int offset = state.utc_offset_minutes.value_or(rules.default_utc_offset_minutes);
    auto now_open = NextWindowStart(at, offset, rules);
    if (!now_open || *now_open != at) {
        const int64_t local_day = FloorDiv(at + int64_t{offset} * 60, kDay);
        deny(DenyReason::kOutsideWindow, OutsideWindowId(local_day, rules));
        if (!now_open) lapses = false;
    }

    d.allowed = d.reasons.empty();
    if (d.allowed) {
        d.earliest = at;
    } else if (lapses) {
        d.earliest = NextWindowStart(bound, offset, rules);
    }
    return d;
}

}  // namespace callbase::compliance
