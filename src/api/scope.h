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
// Which figures a viewer sees (the same item): a supervisor in a team sees
// a campaign's figures over the calls the team's members took, the call
// records of those calls and, of the live view, the team's operators; every
// other viewer (a supervisor without a team included) sees the whole.
//
// Plain functions over the Store given; the Store's thread rules apply.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/redact.h"
#include "campaigns/campaign_book.h"
#include "contacts/scope.h"
#include "core/error.h"
#include "routing/inbound_report.h"
#include "security/teams.h"
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

// The team whose figures the viewer sees: a supervisor's team, with its
// members' names; none (the whole view) for a supervisor without a team and
// for every other role.
Result<std::optional<security::Team>> FiguresTeam(const Viewer& viewer, store::Store& db,
                                                  const Clock& clock);
// Whether a call's operator (a user name) is one of the team's members.
bool InTeam(const security::Team& team, std::string_view agent);
// The incoming calls a team's supervisor sees: those the team's members
// took, and of the phones that missed them only the members'.
void KeepTeamCalls(const security::Team& team, std::vector<routing::InboundCall>& calls);
// The "team" field of an answer with figures, which tells the UI whose they
// are: {"id", "name", "members"}, or null for the whole view.
nlohmann::json TeamJson(const std::optional<security::Team>& team);
// A campaign's live figures (CampaignRunner::PublishLive) as a team's
// supervisor sees them: the campaign's settings and progress (leads left);
// the team's operators only (and their count per state); the call figures
// over the team's calls (`team_stats`: CampaignBook::Stats for the members),
// calls per caller ID too; "points" empty. The dialer-wide figures that no
// operator's calls make up (occupancy, live calls, the rolling abandon rate,
// the gate's denials, robot keys) are left out. Built from a list of what
// is kept, so that a figure the runner adds later stays out until it is
// placed here.
std::string TeamLive(std::string_view live, const security::Team& team,
                     const campaigns::CampaignStats& team_stats);

}  // namespace callbase::api
