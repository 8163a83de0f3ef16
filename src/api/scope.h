// Which contacts a viewer may see at all (issue 17, item 9; R-SEC-1): the
// one place that turns a role, a team and a desk into a contacts::Scope, for
// the API and the CLI alike; ContactBook::Restrict applies it to search,
// the card, the screen pop and every change by id, and a contact outside it
// answers 404 like one that does not exist.
//
// - operator: the contacts assigned to them, their open callbacks, the
//   contacts of their calls of the last 24 hours, and — in a server whose
//   campaigns run — the leads of the campaign they joined and the contact on
//   their desk;
// - supervisor in a team: the contacts assigned to the team's members and
//   the unassigned pool (which they hand out); assigns only to the team;
// - everyone else (a supervisor without a team, analyst, admin, dpo,
//   service): no restriction here (the analyst and the admin see pseudonyms).
//
// Plain functions over the Store given; the Store's thread rules apply.
#pragma once

#include <optional>
#include <string>

#include "api/redact.h"
#include "contacts/scope.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::phone {
class Cleaner;
}
namespace callbase::campaigns {
class CampaignRunner;
}

namespace callbase::api {

// How long an operator keeps seeing the contact of a call they had.
inline constexpr int64_t kOperatorCallScope = 24 * 3600;

// The viewer's scope; none when the role sees the whole base. `runner` (may
// be null, as in the CLI) gives the operator's joined campaign and desk;
// `cleaner` (needed with a runner) reads the campaign's segment.
Result<std::optional<contacts::Scope>> ContactScope(const Viewer& viewer, store::Store& db,
                                                    const Clock& clock,
                                                    const phone::Cleaner* cleaner,
                                                    campaigns::CampaignRunner* runner);

// Who a viewer may assign contacts to: anyone active (a supervisor without a
// team), or a member of their team. Returns the user's id; NotFound names an
// unknown user, Conflict one outside the team.
Result<int64_t> AssignableUser(const Viewer& viewer, store::Store& db, const Clock& clock,
                               const std::string& name);

}  // namespace callbase::api
