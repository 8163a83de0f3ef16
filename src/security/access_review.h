// The access review (R-SEC-1: "rights are reviewed at least quarterly"): who
// holds which rights, when they last logged in and when they last used each
// right, so that a reviewer sees rights that are held but not needed.
//
// A right is used when a route or a command that needs it runs: the server and
// the CLI call RecordPermissionUse (the server through its audit writer, in
// the writer's batches), which keeps one row per user and permission in
// permission_use. The last login comes from the audit log (`login` records).
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

// A right unused for this long is flagged in the review.
inline constexpr int64_t kUnusedAfter = 90 * 86400;

// Notes that `user` used `permission` at `at` (keeps the latest).
Result<void> RecordPermissionUse(store::Store& store, const std::string& user,
                                 std::string_view permission, UnixSeconds at);

struct ReviewedRight {
    std::string permission;
    std::optional<UnixSeconds> last_used;
    bool unused = false;  // never used, or not within kUnusedAfter
};

struct ReviewedUser {
    std::string name, role, state, team;  // state: active, locked, disabled
    bool totp = false;
    UnixSeconds created_at = 0;
    std::optional<UnixSeconds> last_login;
    std::optional<UnixSeconds> break_glass_until;  // an open break-glass access
    std::vector<ReviewedRight> rights;             // what the role grants
};

// Every user, by name, with the rights of their role.
Result<std::vector<ReviewedUser>> AccessReview(store::Store& store, const Clock& clock);

// The review as CSV for the file: one line per user and right (a user with
// no rights gets one line with the permission empty).
std::string AccessReviewCsv(const std::vector<ReviewedUser>& users);

}  // namespace callbase::security
