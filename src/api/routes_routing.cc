// The routing book over the API (docs/routing.md; the Routing page edits it):
// the center's numbers and extensions with their routes, the queues, the
// rules by caller, the VIP and black lists, and the reasons operators pause
// for. Each change goes through routing::RoutingBook, which checks the whole
// configuration with it before anything is written (a route to a missing
// queue, a queue still in use are refused naming which), so a bad edit
// changes nothing. `callbase serve` reads the book again within a poll.
#include <fmt/format.h>

#include "api/handlers.h"
#include "api/json.h"
#include "routing/menu.h"
#include "routing/routing_book.h"

namespace callbase::api::handlers {
namespace {

using nlohmann::json;

routing::RoutingBook BookOf(Call& c) {
    return routing::RoutingBook(*c.db, ClockOf(c), c.actor());
}

// A number of the center from the path: an extension (digits only, up to 6)
// as it is, anything else cleaned to E.164.
Result<std::pair<std::string, bool>> CenterNumber(Call& c, const std::string& text) {
    if (routing::IsExtension(text)) return std::pair(text, true);
    auto e164 = c.Phone(text, "the center's number");
    if (!e164) return std::unexpected(e164.error());
    return std::pair(*e164, false);
}

}  // namespace

Result<Response> RoutingConfig(Call& c) {
    routing::RoutingBook book = BookOf(c);
    auto queues = book.Queues();
    if (!queues) return std::unexpected(queues.error());
    auto numbers = book.Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    auto rules = book.Rules();
    if (!rules) return std::unexpected(rules.error());
    auto vip = book.ListSize("vip");
    if (!vip) return std::unexpected(vip.error());
    auto black = book.ListSize("black");
    if (!black) return std::unexpected(black.error());
    auto reasons = book.PauseReasons();
    if (!reasons) return std::unexpected(reasons.error());
    auto profiles = book.AgentProfiles();
    if (!profiles) return std::unexpected(profiles.error());
    json out{{"queues", json::array()},
             {"numbers", json::array()},
             {"rules", routing::RulesJson(*rules)},
             {"lists", {{"vip", *vip}, {"black", *black}}},
             {"pause_reasons", json::array()},
             {"agents", json::array()}};
    for (const auto& q : *queues)
        out["queues"].push_back(routing::QueueJson(q));
    for (const auto& n : *numbers)
        out["numbers"].push_back(routing::NumberJson(n));
    for (const auto& r : *reasons)
        out["pause_reasons"].push_back(routing::PauseReasonJson(r));
    for (const auto& p : *profiles)
        out["agents"].push_back(routing::AgentProfileJson(p));
    c.records = "routing";
    return JsonResponse(200, out);
}

Result<Response> PutRoutingQueue(Call& c) {
    const std::string name = c.request.params.at("name");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    if (body->contains("name") && (*body)["name"] != name) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.queue_renamed", "the body names queue '{body}', the path '{path}'",
                        "a queue is not renamed: add the new one and move its routes to it"},
                    {{"body", (*body)["name"].dump()}, {"path", name}});
    }
    (*body)["name"] = name;
    auto queue = routing::QueueFromJson(*body);
    if (!queue) return std::unexpected(queue.error());
    if (auto put = BookOf(c).PutQueue(*queue); !put) return std::unexpected(put.error());
    c.records = "queue:" + name;
    c.detail = "queue set";
    return JsonResponse(200, routing::QueueJson(*queue));
}

Result<Response> DeleteRoutingQueue(Call& c) {
    const std::string name = c.request.params.at("name");
    if (auto done = BookOf(c).RemoveQueue(name); !done) return std::unexpected(done.error());
    c.records = "queue:" + name;
    c.detail = "queue removed";
    return JsonResponse(200, json{{"name", name}, {"removed", true}});
}

Result<Response> PutRoutingNumber(Call& c) {
    auto number = CenterNumber(c, c.request.params.at("number"));
    if (!number) return std::unexpected(number.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    if (auto ok = routing::OnlyKeys(*body, "request", {"route", "label"}); !ok)
        return std::unexpected(ok.error());
    auto route_text = Text(*body, "route", true);
    if (!route_text) return std::unexpected(route_text.error());
    auto label = Text(*body, "label");
    if (!label) return std::unexpected(label.error());
    auto route = routing::ParseRoute(*route_text);
    if (!route) return std::unexpected(route.error());
    routing::Number n{number->first, number->second, *route, *label};
    if (route->target == routing::Target::kIvr) {
        // The menu must be there and fit the center's queues and extensions
        // now; serve checks it again at every call.
        routing::RoutingBook book = BookOf(c);
        auto targets = routing::MenuTargetsOf(book);
        if (!targets) return std::unexpected(targets.error());
        auto menu = routing::LoadMenu(c.api.options().scripts_dir, route->name, targets->router,
                                      targets->queues);
        if (!menu) return std::unexpected(menu.error());
    }
    if (auto put = BookOf(c).PutNumber(n); !put) return std::unexpected(put.error());
    c.records = (n.extension ? "extension:" : "did:") + n.number;
    c.detail = "routed to " + routing::RouteText(n.route);
    return JsonResponse(200, routing::NumberJson(n));
}

Result<Response> DeleteRoutingNumber(Call& c) {
    auto number = CenterNumber(c, c.request.params.at("number"));
    if (!number) return std::unexpected(number.error());
    if (auto done = BookOf(c).RemoveNumber(number->first); !done) {
        return std::unexpected(done.error());
    }
    c.records = (number->second ? "extension:" : "did:") + number->first;
    c.detail = "route removed";
    return JsonResponse(200, json{{"number", number->first}, {"removed", true}});
}

// The keys given change; the others stay as they are.
Result<Response> PutRoutingRules(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    routing::RoutingBook book = BookOf(c);
    auto now = book.Rules();
    if (!now) return std::unexpected(now.error());
    json j = routing::RulesJson(*now);
    for (const auto& [key, value] : body->items())
        j[key] = value;  // an unknown key is refused by RulesFromJson, naming it
    auto rules = routing::RulesFromJson(j);
    if (!rules) return std::unexpected(rules.error());
    if (auto set = book.SetRules(*rules); !set) return std::unexpected(set.error());
    c.records = "routing:rules";
    c.detail = body->dump();
    return JsonResponse(200, routing::RulesJson(*rules));
}

// The newest entries of a list (?limit=, at most 1,000), each number as the
// viewer may see it.
Result<Response> RoutingList(Call& c) {
    const std::string list = c.request.params.at("list");
    auto limit = c.QueryInt("limit", 100, 1, 1000);
    if (!limit) return std::unexpected(limit.error());
    routing::RoutingBook book = BookOf(c);
    auto entries = book.ListEntries(list, *limit);
    if (!entries) return std::unexpected(entries.error());
    auto size = book.ListSize(list);
    if (!size) return std::unexpected(size.error());
    json items = json::array();
    for (const auto& e : *entries) {
        auto shown = c.Shown(e.e164);
        if (!shown) return std::unexpected(shown.error());
        items.push_back({{"number", *shown},
                         {"manager", e.manager},
                         {"note", e.note},
                         {"added_at", e.added_at},
                         {"added_by", e.added_by}});
    }
    c.records = "list:" + list;
    return JsonResponse(200, json{{"list", list}, {"size", *size}, {"entries", items}});
}

Result<Response> AddToRoutingList(Call& c) {
    const std::string list = c.request.params.at("list");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    if (auto ok = routing::OnlyKeys(*body, "request", {"number", "manager", "note"}); !ok) {
        return std::unexpected(ok.error());
    }
    auto text = Text(*body, "number", true);
    if (!text) return std::unexpected(text.error());
    auto e164 = c.Phone(*text, "the caller's number");
    if (!e164) return std::unexpected(e164.error());
    auto manager = Text(*body, "manager");
    if (!manager) return std::unexpected(manager.error());
    auto note = Text(*body, "note");
    if (!note) return std::unexpected(note.error());
    if (auto added = BookOf(c).AddToList(list, *e164, *manager, *note); !added) {
        return std::unexpected(added.error());
    }
    c.records = *e164;
    c.detail = "added to the " + list + " list";
    auto shown = c.Shown(*e164);
    if (!shown) return std::unexpected(shown.error());
    return JsonResponse(200, json{{"list", list}, {"number", *shown}, {"manager", *manager}});
}

Result<Response> RemoveFromRoutingList(Call& c) {
    const std::string list = c.request.params.at("list");
    auto e164 = c.Phone(c.request.params.at("number"), "the caller's number");
    if (!e164) return std::unexpected(e164.error());
    auto removed = BookOf(c).RemoveFromList(list, *e164);
    if (!removed) return std::unexpected(removed.error());
    if (!*removed) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.not_on_list", "the number is not on the {list} list",
                        "look it up in the list first"},
                    {{"list", list}});
    }
    c.records = *e164;
    c.detail = "removed from the " + list + " list";
    return JsonResponse(200, json{{"list", list}, {"removed", true}});
}

Result<Response> PutPauseReason(Call& c) {
    const std::string code = c.request.params.at("code");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    if (auto ok = routing::OnlyKeys(*body, "request", {"label", "paid", "max_minutes"}); !ok) {
        return std::unexpected(ok.error());
    }
    auto label = Text(*body, "label");
    if (!label) return std::unexpected(label.error());
    routing::PauseReason r{code, *label, true, 0, 0};
    if (body->contains("paid")) {
        if (!(*body)["paid"].is_boolean()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.field_not_boolean", "\"{field}\" must be true or false"},
                        {{"field", "paid"}});
        }
        r.paid = (*body)["paid"].get<bool>();
    }
    if (body->contains("max_minutes")) {
        if (!(*body)["max_minutes"].is_number_integer()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.field_not_integer", "\"{field}\" must be a whole number"},
                        {{"field", "max_minutes"}});
        }
        r.max_minutes = (*body)["max_minutes"].get<int>();
    }
    if (auto put = BookOf(c).PutPauseReason(r); !put) return std::unexpected(put.error());
    c.records = "pause_reason:" + code;
    c.detail = "pause reason set";
    return JsonResponse(200, routing::PauseReasonJson(r));
}

Result<Response> DeletePauseReason(Call& c) {
    const std::string code = c.request.params.at("code");
    routing::RoutingBook book = BookOf(c);
    if (auto known = book.CheckPauseReason(code); !known) {
        Error e = known.error();
        if (e.code == ErrorCode::kInvalidInput) e.code = ErrorCode::kNotFound;
        return std::unexpected(std::move(e));
    }
    auto removed = book.RemovePauseReason(code);
    if (!removed) return std::unexpected(removed.error());
    c.records = "pause_reason:" + code;
    c.detail = "pause reason removed";
    return JsonResponse(200, json{{"code", code}, {"removed", true}});
}

// {"blend": "inbound", "skills": [{"name": "senior", "level": 1}]}: the
// operator's profile as a whole (a key left out takes its default).
Result<Response> PutAgentProfile(Call& c) {
    const std::string agent = c.request.params.at("agent");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    if (body->is_object() && body->contains("agent") && (*body)["agent"] != agent) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"routing.agent_renamed", "the body names operator '{body}', the path '{path}'",
                "leave \"agent\" out of the body or make it the same"},
            {{"body", (*body)["agent"].dump()}, {"path", agent}});
    }
    if (body->is_object()) (*body)["agent"] = agent;
    auto profile = routing::AgentProfileFromJson(*body);
    if (!profile) return std::unexpected(profile.error());
    if (auto put = BookOf(c).PutAgentProfile(*profile); !put) return std::unexpected(put.error());
    c.records = "agent_profile:" + agent;
    c.detail = "operator's profile set";
    return JsonResponse(200, routing::AgentProfileJson(*profile));
}

Result<Response> DeleteAgentProfile(Call& c) {
    const std::string agent = c.request.params.at("agent");
    auto removed = BookOf(c).RemoveAgentProfile(agent);
    if (!removed) return std::unexpected(removed.error());
    if (!*removed) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_profile", "operator '{agent}' has no profile",
                        "the Routing page lists the operators' profiles"},
                    {{"agent", agent}});
    }
    c.records = "agent_profile:" + agent;
    c.detail = "operator's profile removed";
    return JsonResponse(200, json{{"agent", agent}, {"removed", true}});
}

}  // namespace callbase::api::handlers
