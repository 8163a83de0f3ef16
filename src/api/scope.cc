#include "api/scope.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "campaigns/campaign_book.h"
#include "campaigns/runner.h"
#include "contacts/filter.h"
#include "security/teams.h"

namespace callbase::api {

Result<std::optional<contacts::Scope>> ContactScope(const Viewer& viewer, store::Store& db,
                                                    const Clock& clock,
                                                    const phone::Cleaner* cleaner,
                                                    campaigns::CampaignRunner* runner) {
    using security::Role;
    if (!viewer.role) return std::nullopt;
    if (*viewer.role == Role::kSupervisor) {
        auto team = security::Teams(db, clock).TeamOf(viewer.user_id);
        if (!team) return std::unexpected(team.error());
        if (!*team) return std::nullopt;
        auto members = security::Teams(db, clock).MemberIds(**team);
        if (!members) return std::unexpected(members.error());
        contacts::Scope scope;
        scope.assignees = std::move(*members);
        scope.unassigned = true;
        return scope;
    }
    if (*viewer.role != Role::kOperator) return std::nullopt;
    contacts::Scope scope;
    scope.assignees = {viewer.user_id};
    scope.agent = viewer.user;
    if (scope.agent.empty()) {  // a Viewer made without the name: look it up
        auto name = db.Query("SELECT name FROM users WHERE id = $1", {viewer.user_id});
        if (!name) return std::unexpected(name.error());
        // An operator with no user row (cannot happen through a login) sees
        // only what is assigned to that id.
        if (!name->empty()) scope.agent = name->front().Text(0);
    }
    scope.calls_since = viewer.now - kOperatorCallScope;
    if (runner && cleaner && !scope.agent.empty()) {
        auto state = nlohmann::json::parse(runner->AgentJson(scope.agent).second, nullptr, false);
        if (state.is_object()) {
            if (auto c = state.find("contact_id"); c != state.end() && c->is_number_integer())
                scope.contacts.push_back(c->get<int64_t>());
            if (auto id = state.find("campaign"); id != state.end() && id->is_number_integer()) {
                auto spec = campaigns::CampaignBook(db, clock).Get(id->get<int64_t>());
                if (!spec) return std::unexpected(spec.error());
                auto segment = contacts::ParseFilter(spec->segment, *cleaner);
                if (!segment) return std::unexpected(segment.error());
                scope.segments.push_back(std::move(*segment));
            }
        }
    }
    return scope;
}

Result<int64_t> AssignableUser(const Viewer& viewer, store::Store& db, const Clock& clock,
                               const std::string& name) {
    auto rows = db.Query("SELECT id, disabled_at FROM users WHERE name = $1", {name});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound, fmt::format("no user {}", name),
                    "see `callbase user list`");
    }
    if (!rows->front().IsNull(1)) {
        return Fail(ErrorCode::kConflict, fmt::format("{} is disabled", name),
                    "assign the contacts to someone who works");
    }
    const int64_t id = rows->front().Int(0);
    if (!viewer.role || *viewer.role != security::Role::kSupervisor) return id;
    security::Teams teams(db, clock);
    auto mine = teams.TeamOf(viewer.user_id);
    if (!mine) return std::unexpected(mine.error());
    if (!*mine) return id;
    auto theirs = teams.TeamOf(id);
    if (!theirs) return std::unexpected(theirs.error());
    if (*theirs != *mine) {
        return Fail(ErrorCode::kConflict, fmt::format("{} is not in your team", name),
                    "assign to a member of your team (`callbase team list`), or ask an "
                    "administrator to move them");
    }
    return id;
}

}  // namespace callbase::api
