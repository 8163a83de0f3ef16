#include "api/scope.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>

#include "campaigns/campaign_book.h"
#include "campaigns/runner.h"
#include "contacts/filter.h"
#include "core/json_text.h"
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
        return Fail(ErrorCode::kNotFound,
                    Msg{"assign.no_user", "no user {name}", "see `callbase user list`"},
                    {{"name", name}});
    }
    if (!rows->front().IsNull(1)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"assign.disabled", "{name} is disabled",
                        "assign the contacts to someone who works"},
                    {{"name", name}});
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
        return Fail(ErrorCode::kConflict,
                    Msg{"assign.not_in_team", "{name} is not in your team",
                        "assign to a member of your team (`callbase team list`), or ask an "
                        "administrator to move them"},
                    {{"name", name}});
    }
    return id;
}

Result<std::optional<security::Team>> FiguresTeam(const Viewer& viewer, store::Store& db,
                                                  const Clock& clock) {
    if (!viewer.role || *viewer.role != security::Role::kSupervisor) return std::nullopt;
    security::Teams teams(db, clock);
    auto id = teams.TeamOf(viewer.user_id);
    if (!id) return std::unexpected(id.error());
    if (!*id) return std::nullopt;
    auto team = teams.Get(**id);
    if (!team) return std::unexpected(team.error());
    return std::optional<security::Team>(std::move(*team));
}

bool InTeam(const security::Team& team, std::string_view agent) {
    return !agent.empty() &&
           std::binary_search(team.members.begin(), team.members.end(), agent, std::less<>());
}

void KeepTeamCalls(const security::Team& team, std::vector<routing::InboundCall>& calls) {
    std::erase_if(calls, [&](const auto& call) { return !InTeam(team, call.agent); });
    for (auto& call : calls) {
        std::erase_if(call.missed,
                      [&](const routing::MissedRing& m) { return !InTeam(team, m.agent); });
    }
}

nlohmann::json TeamJson(const std::optional<security::Team>& team) {
    if (!team) return nullptr;
    return {{"id", team->id}, {"name", team->name}, {"members", team->members}};
}

std::string TeamLive(std::string_view live, const security::Team& team,
                     const campaigns::CampaignStats& team_stats) {
    using nlohmann::json;
    const json whole = json::parse(live, nullptr, false);
    json out = json::object();
    if (whole.is_object()) {
        // Why the campaign dials nothing is the whole campaign's, and names nobody.
        for (const char* key : {"campaign", "name", "state", "pacing", "now", "leads", "leads_left",
                                "abandon_limit", "stall"}) {
            if (auto it = whole.find(key); it != whole.end()) out[key] = *it;
        }
    }
    json agents = json::array();
    json by_state = json::object();
    if (auto it = whole.find("agents"); whole.is_object() && it != whole.end() && it->is_array()) {
        for (const auto& a : *it) {
            if (!a.is_object() || !a.contains("agent") || !a["agent"].is_string()) continue;
            if (!InTeam(team, a["agent"].get<std::string>())) continue;
            agents.push_back(a);
            const std::string state = a.value("state", "");
            by_state[state] = by_state.value(state, 0) + 1;
        }
    }
    out["agents"] = agents;
    out["agents_by_state"] = by_state;
    const auto& st = team_stats;
    auto answered_outcome = st.outcomes.find("answered");
    out["attempts"] = st.attempts;
    out["answered"] = st.answered;
    out["bridged"] = answered_outcome == st.outcomes.end() ? 0 : answered_outcome->second;
    out["abandoned"] = st.abandoned;
    out["abandon_rate"] = st.AbandonRate();
    out["short_calls"] = st.short_calls;
    out["outcomes"] = st.outcomes;
    out["inbound"] = st.inbound;
    out["inbound_answered"] = st.inbound_answered;
    out["inbound_abandoned"] = st.inbound - st.inbound_answered;
    // The team's calls per caller ID; the cap and its warning are the number's,
    // whoever called from it.
    json ids = json::array();
    for (const auto& [number, calls] : st.calls_per_caller_id) {
        json id{{"caller_id", number}, {"calls", calls}, {"cap", nullptr}, {"near_cap", false}};
        if (auto it = whole.find("caller_ids"); whole.is_object() && it != whole.end()) {
            for (const auto& u : *it) {
                if (u.is_object() && u.value("caller_id", "") == number) {
                    id["cap"] = u.value("cap", json(nullptr));
                    id["near_cap"] = u.value("near_cap", false);
                }
            }
        }
        ids.push_back(std::move(id));
    }
    out["caller_ids"] = ids;
    out["points"] = json::array();
    out["team"] = TeamJson(team);
    return JsonText(out);
}

}  // namespace callbase::api
