// The dial gate (R-LAW-4, R-LAW-5): one pure function decides every dial.
//
// DialGate::Check(state, purpose, at, rules) looks at everything known about a
// number (its NumberState: stop-list entries, registry hits, consents, a
// pending deletion, the inactivity flag, the callee's UTC offset, earlier
// attempts) and answers allow, or deny with every reason that applies, and the
// earliest time the number may be called (none when a reason never lapses by
// itself: a stop-list entry for good, a registry, no consent, a deletion).
//
// The calling window is the callee's local time: [window_start, window_end) on
// the allowed weekdays, except public holidays (local dates). A number whose
// UTC offset is unknown is taken at rules.default_utc_offset_minutes, and the
// decision says so. Attempts are capped per rolling period (default 3 in 7
// days) with a minimum gap after the last one.
//
// Pure and allocation-light: safe to call from any thread; the state is the
// caller's (gate_state.h loads it from the store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace callbase::compliance {

enum class StopCategory {
    kDoNotDisturb,  // never call again
    kWrittenOnly,   // e-mail or SMS only: no calls
    kNotNow,        // not until a date (default: 6 months)
};
std::string_view StopCategoryId(StopCategory category);  // "do_not_disturb", ...
std::optional<StopCategory> ParseStopCategory(std::string_view text);

struct StopEntry {
    StopCategory category = StopCategory::kDoNotDisturb;
    std::optional<UnixSeconds> until;  // kNotNow: the entry lapses then
};

struct ConsentRecord {
    std::string purpose;
    UnixSeconds obtained_at = 0;
    std::optional<UnixSeconds> revoked_at;
};

struct NumberState {
    std::vector<StopEntry> stops;         // entries not removed
    std::vector<std::string> registries;  // registries that list the number
    std::vector<ConsentRecord> consents;  // every record, revoked ones too
    bool deletion_pending = false;
    bool inactive = false;
    std::optional<int> utc_offset_minutes;  // the callee's; unknown -> rules default
    std::vector<UnixSeconds> attempts;      // earlier attempts, ascending
};

struct CallingRules {
    int window_start_minute = 9 * 60;  // local time, inclusive
    int window_end_minute = 20 * 60;   // local time, exclusive
    // Bit d set: day d allowed, 0 = Monday ... 6 = Sunday. Default Monday-Friday.
    uint8_t weekdays = 0b0011111;
    std::vector<int32_t> holidays;  // local dates as days since 1970-01-01, ascending
    int max_attempts = 3;           // per period
    int64_t attempt_period = 7 * 86400;
    int64_t min_gap = 30 * 60;  // after the last attempt
    // Purposes that need no consent (a call about a service the person uses);
    // every other purpose, marketing and those users define, needs one.
    std::vector<std::string> purposes_without_consent = {"service"};
    int default_utc_offset_minutes = 180;  // Moscow, for numbers of unknown zone
};

enum class DenyReason {
    kStopList,
    kRegistry,
    kNoConsent,
    kConsentRevoked,
    kDeletionPending,
    kInactive,
    kOutsideWindow,
    kAttemptCap,
    kTooSoon,  // within the minimum gap after the last attempt
    // A sensitive campaign's number talked with another operator within the
    // last day (campaigns::CampaignGate::CheckOperator; DialGate never says it).
    kOtherOperator,
};
std::string_view DenyReasonId(DenyReason reason);  // "stop_list", ...

struct Denial {
    DenyReason reason;
    std::string detail;  // the stop-list category, the registry's name, ...
};

struct Decision {
    bool allowed = false;
    std::vector<Denial> reasons;          // empty when allowed
    std::optional<UnixSeconds> earliest;  // == at when allowed; none when it never lapses
    bool offset_assumed = false;          // the callee's zone was unknown
};

class DialGate {
public:
    static Decision Check(const NumberState& state, std::string_view purpose, UnixSeconds at,
                          const CallingRules& rules);
    // The first moment at or after `t` inside the calling window of a callee at
    // `offset_minutes` from UTC (none when the rules allow no day at all).
    static std::optional<UnixSeconds> NextWindowStart(UnixSeconds t, int offset_minutes,
                                                      const CallingRules& rules);
};

}  // namespace callbase::compliance
