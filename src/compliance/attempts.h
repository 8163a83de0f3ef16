// Call attempts and the inactivity rule (R-LAW-4): every dial's outcome is
// recorded per number; three failed attempts (busy, no answer, failed, invalid,
// rejected) on three different days of the callee's calendar, with no answered
// call after them, make the number inactive everywhere (phones.inactive) and
// put it on the review list, where a supervisor reactivates it or keeps it
// off. Campaigns feed Record(); the CLI exposes it for tests and manual logs.
//
// A campaign on a real network writes the attempt when it dials (Begin: the
// outcome "dialing", so the caps count a call in progress) and gives it its
// outcome when the call ends (Complete). A server that stopped in between
// leaves "dialing" rows; the next start closes them as "interrupted"
// (CloseInterrupted): an attempt for the caps, neither a failure nor an
// answer for the inactivity rule.
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
    // A dial in progress: an attempt the caps count from now on; its id for Complete.
    Result<int64_t> Begin(const std::string& e164, UnixSeconds at,
                          std::optional<int> utc_offset_minutes, const std::string& actor);
    // The outcome of a dial begun with Begin (answered, busy, no_answer,
    // failed, invalid, rejected, or interrupted), with the inactivity rule
    // applied as Record does.
    Result<AttemptResult> Complete(int64_t id, const std::string& outcome);
    // Every attempt still "dialing" becomes "interrupted"; how many did.
    Result<int64_t> CloseInterrupted();
    Result<std::vector<ReviewItem>> ReviewList(bool pending_only);
    // decision: "reactivate" (the number may be called again) or "keep" (stays inactive).
    Result<void> Review(const std::string& e164, const std::string& decision,
                        const std::string& actor);

private:
    // After an attempt's outcome is written (inside the caller's transaction).
    Result<AttemptResult> ApplyInactivity(const std::string& key, int64_t id);
    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::compliance
