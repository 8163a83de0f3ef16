// Call attempts and the inactivity rule (R-LAW-4): every dial's outcome is
// recorded per number; three failed attempts (busy, no answer, failed, invalid,
// rejected) on three different days of the callee's calendar, with no answered
// call after them, make the number inactive everywhere (phones.inactive) and
// put it on the review list, where a supervisor reactivates it or keeps it
// off. Campaigns feed Record(); the CLI exposes it for tests and manual logs.
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::compliance {

constexpr int kFailedDaysToInactive = 3;

struct AttemptResult {
    int64_t id = 0;
    int failed_days = 0;           // distinct local days with a failure since the last answer
    bool became_inactive = false;  // this attempt tipped the number over
};

struct ReviewItem {
    std::string e164;
    UnixSeconds since = 0;
    std::string reason;
    std::optional<UnixSeconds> reviewed_at;
    std::string reviewed_by, decision;
};

class Attempts {
public:
    Attempts(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // outcome: answered, busy, no_answer, failed, invalid, rejected. The UTC
    // offset is the callee's (its local date decides "different days");
    // unknown -> Moscow.
    Result<AttemptResult> Record(const std::string& e164, UnixSeconds at,
                                 const std::string& outcome, std::optional<int> utc_offset_minutes,
                                 const std::string& actor);
    Result<std::vector<ReviewItem>> ReviewList(bool pending_only);
    // decision: "reactivate" (the number may be called again) or "keep" (stays inactive).
    Result<void> Review(const std::string& e164, const std::string& decision,
                        const std::string& actor);

private:
    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::compliance
