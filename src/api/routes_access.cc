// Least privilege (issue 17): the administrator's break-glass access, the
// contacts each caller may see and their assignment, teams, and the access
// review.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "api/handlers.h"
#include "api/json.h"
#include "api/scope.h"
#include "contacts/filter.h"
#include "security/access_review.h"
#include "security/break_glass.h"
#include "security/teams.h"

namespace callbase::api::handlers {
using nlohmann::json;

Result<Response> ListBreakGlass(Call& c) {
    auto list = security::BreakGlassAccess(*c.db, ClockOf(c)).List();
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& b : *list)
        items.push_back(BreakGlassJson(b, ClockOf(c).Now()));
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> RequestBreakGlass(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto reason = Text(*body, "reason", true);
    if (!reason) return std::unexpected(reason.error());
    const json minutes = body->value("minutes", json(60));
    if (!minutes.is_number_integer()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"break_glass.bad_minutes", "\"minutes\" must be a whole number of minutes",
                        "from 1 to {most}"},
                    {{"most", std::to_string(security::kBreakGlassMaxSeconds / 60)}});
    }
    security::BreakGlassAccess access(*c.db, ClockOf(c));
    auto id = access.Request(c.actor(), c.session->role, *reason, minutes.get<int64_t>() * 60);
    if (!id) return std::unexpected(id.error());
    auto b = access.Get(*id);
    if (!b) return std::unexpected(b.error());
    c.records = fmt::format("break-glass:{}", *id);
    c.detail = fmt::format("requested for {} min", minutes.get<int64_t>());
    return JsonResponse(201, BreakGlassJson(*b, ClockOf(c).Now()));
}

Result<Response> ApproveBreakGlass(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto b = security::BreakGlassAccess(*c.db, ClockOf(c))
                 .Approve(*id, c.actor(), c.session->role, c.source);
    if (!b) return std::unexpected(b.error());
    c.records = fmt::format("break-glass:{}", *id);
    c.detail = "approved";
    return JsonResponse(200, BreakGlassJson(*b, ClockOf(c).Now()));
}

Result<Response> EndBreakGlass(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto b = security::BreakGlassAccess(*c.db, ClockOf(c)).End(*id, c.actor(), c.session->role);
    if (!b) return std::unexpected(b.error());
    c.records = fmt::format("break-glass:{}", *id);
    c.detail = "ended";
    return JsonResponse(200, BreakGlassJson(*b, ClockOf(c).Now()));
}

Result<contacts::ContactBook> ScopedBook(Call& c) {
    contacts::ContactBook book(*c.db, ClockOf(c), c.actor());
    auto scope = ContactScope(c.viewer(), *c.db, ClockOf(c), c.api.options().cleaner,
                              c.api.options().campaigns);
    if (!scope) return std::unexpected(scope.error());
    book.Restrict(std::move(*scope));
    return book;
}

Result<void> AssignToCreator(Call& c, int64_t contact_id) {
    if (!c.session || c.session->role != security::Role::kOperator) return {};
    auto n = contacts::AssignContacts(*c.db, ClockOf(c), c.actor(), {contact_id}, {}, std::nullopt,
                                      std::pair{c.session->user_id, c.actor()});
    if (!n) return std::unexpected(n.error());
    return {};
}

// POST /api/v1/contacts/assign {"to": "oleg" | null, "ids": [1, 2] | "filter": ["region=…"]}
Result<Response> AssignContacts(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto to_it = body->find("to");
    if (to_it == body->end() || !(to_it->is_string() || to_it->is_null())) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.assign_to",
                        "\"to\" must name the user to assign to, or be null to unassign",
                        "e.g. {\"to\": \"oleg\", \"ids\": [1, 2]}"});
    }
    std::optional<std::pair<int64_t, std::string>> to;
    if (to_it->is_string()) {
        const std::string name = to_it->get<std::string>();
        auto id = AssignableUser(c.viewer(), *c.db, ClockOf(c), name);
        if (!id) return std::unexpected(id.error());
        to = std::pair{*id, name};
    }
    std::vector<int64_t> ids;
    std::vector<std::string> expressions;
    const json ids_json = body->value("ids", json::array());
    const json filter_json = body->value("filter", json::array());
    if (!ids_json.is_array() || !filter_json.is_array()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.ids_and_filter",
                        "\"ids\" must be an array of contact ids and \"filter\" an array of "
                        "expressions like \"region=Москва\""});
    }
    for (const auto& v : ids_json) {
        if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.contact_id", "a contact id is a positive whole number"});
        }
        ids.push_back(v.get<int64_t>());
    }
    for (const auto& v : filter_json) {
        if (!v.is_string()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.filter_not_text", "a filter must be a string"});
        }
        expressions.push_back(v.get<std::string>());
    }
    if (ids.empty() == expressions.empty()) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"request.ids_or_filter", "give either \"ids\" or \"filter\", not both or none",
                "a filter selects every contact it matches: {\"filter\": [\"status=new\"]}"});
    }
    auto filter = contacts::ParseFilter(expressions, *c.api.options().cleaner);
    if (!filter) return std::unexpected(filter.error());
    auto scope = ContactScope(c.viewer(), *c.db, ClockOf(c), c.api.options().cleaner,
                              c.api.options().campaigns);
    if (!scope) return std::unexpected(scope.error());
    auto changed = contacts::AssignContacts(*c.db, ClockOf(c), c.actor(), ids, *filter, *scope, to);
    if (!changed) return std::unexpected(changed.error());
    c.records = ids.empty() ? fmt::format("filter:{}", fmt::join(expressions, " "))
                            : fmt::format("contact:{}", fmt::join(ids, ",contact:"));
    c.detail = fmt::format("assigned to {}: {} changed", to ? to->second : "nobody", *changed);
    return JsonResponse(200,
                        json{{"to", to ? json(to->second) : json(nullptr)}, {"changed", *changed}});
}

Result<Response> ListTeams(Call& c) {
    auto teams = security::Teams(*c.db, ClockOf(c)).List();
    if (!teams) return std::unexpected(teams.error());
    json items = json::array();
    for (const auto& t : *teams)
        items.push_back({{"id", t.id}, {"name", t.name}, {"members", t.members}});
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> AddTeam(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto id = security::Teams(*c.db, ClockOf(c)).Add(*name, c.actor());
    if (!id) return std::unexpected(id.error());
    c.records = fmt::format("team:{}", *id);
    return JsonResponse(201, json{{"id", *id}, {"name", *name}});
}

// PUT /api/v1/users/{name}/team {"team": "sales" | null}
Result<Response> SetUserTeam(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto team = body->find("team");
    if (team == body->end() || !(team->is_string() || team->is_null())) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.team", "\"team\" must name a team, or be null for none"});
    }
    const std::string user = c.request.params.at("name");
    const std::string name = team->is_string() ? team->get<std::string>() : "";
    if (auto ok = security::Teams(*c.db, ClockOf(c)).SetMember(user, name); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = "user:" + user;
    c.detail = name.empty() ? "no team" : "team " + name;
    return JsonResponse(200, json{{"user", user}, {"team", team->is_string() ? *team : json()}});
}

// GET /api/v1/access-review[?format=csv]
Result<Response> AccessReview(Call& c) {
    auto review = security::AccessReview(*c.db, ClockOf(c));
    if (!review) return std::unexpected(review.error());
    const auto format = c.request.Query("format").value_or("json");
    if (format == "csv") {
        Response r{200, "text/csv; charset=utf-8", security::AccessReviewCsv(*review), {}};
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"access-review.csv\"");
        return r;
    }
    if (format != "json") {
        return Fail(ErrorCode::kInvalidInput, fmt::format("format={} is not known", format),
                    "use format=json (the default) or format=csv");
    }
    json items = json::array();
    for (const auto& u : *review) {
        json rights = json::array();
        for (const auto& r : u.rights) {
            rights.push_back({{"permission", r.permission},
                              {"last_used", OptionalTime(r.last_used)},
                              {"unused", r.unused}});
        }
        items.push_back({{"user", u.name},
                         {"role", u.role},
                         {"state", u.state},
                         {"team", u.team.empty() ? json(nullptr) : json(u.team)},
                         {"totp", u.totp},
                         {"created_at", u.created_at},
                         {"last_login", OptionalTime(u.last_login)},
                         {"break_glass_until", OptionalTime(u.break_glass_until)},
                         {"rights", rights}});
    }
    return JsonResponse(200, json{{"at", ClockOf(c).Now()},
                                  {"unused_after_days", security::kUnusedAfter / 86400},
                                  {"users", items}});
}

}  // namespace callbase::api::handlers
