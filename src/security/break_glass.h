// Break-glass access (R-SEC-1, issue 17 item 8): the administrator runs the
// system but does not see business data (pseudonyms, like an analyst). For a
// support case an admin asks for a time-limited view, with a reason; the
// data-protection officer approves it; while it is open the admin sees as a
// supervisor would (names and full numbers; still no export), and it ends by
// itself at its end time, or earlier when the admin or the dpo ends it.
// Approving writes an audit record of its own (action `break_glass`, object
// `break-glass granted`) in the same transaction, and the audit alert rule
// `break_glass` reports every such record.
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "security/permissions.h"
#include "store/store.h"

namespace callbase::security {

// The longest a break-glass access may last: 4 hours.
inline constexpr int64_t kBreakGlassMaxSeconds = 4 * 3600;

struct BreakGlass {
    int64_t id = 0;
    std::string user;  // the admin who asked
    std::string reason;
    int64_t seconds = 0;  // how long it lasts once approved
    UnixSeconds requested_at = 0;
    std::string approved_by;  // "" until approved
    std::optional<UnixSeconds> approved_at, ends_at, ended_at;
    std::string ended_by;
    // pending, active, expired (its time ran out), ended (ended early),
    // as of the time State() is given.
    std::string State(UnixSeconds now) const;
};

class BreakGlassAccess {
public:
    BreakGlassAccess(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // An admin asks for `seconds` (1 s to kBreakGlassMaxSeconds) of a
    // supervisor's view; `reason` is required (the support case). Returns the
    // request's id. Other roles are refused: they see what their role shows.
    Result<int64_t> Request(const std::string& user, Role role, const std::string& reason,
                            int64_t seconds);
    // The dpo approves a pending request: it opens now and ends `seconds`
    // later. Writes the audit record (from `source`) with the approval.
    Result<BreakGlass> Approve(int64_t id, const std::string& approver, Role approver_role,
                               const std::string& source);
    // Ends an open or pending request now (the admin who asked, or the dpo).
    Result<BreakGlass> End(int64_t id, const std::string& by, Role by_role);
    Result<BreakGlass> Get(int64_t id);
    // Newest first.
    Result<std::vector<BreakGlass>> List(int64_t limit = 100);
    // The user's access open now, if any.
    Result<std::optional<BreakGlass>> Open(const std::string& user);

private:
    store::Store& store_;
    const Clock& clock_;
};

// The role whose view of personal data applies to a user now: a supervisor's
// for an admin with an open break-glass access, else the user's own role.
Result<Role> ViewingRole(store::Store& store, const Clock& clock, const std::string& user,
                         Role role);

}  // namespace callbase::security
