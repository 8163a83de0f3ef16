#include "routing/router.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace callbase::routing {
namespace {

constexpr int64_t kDay = 86'400;

}  // namespace

std::string_view TargetId(Target target) {
    switch (target) {
        case Target::kQueue:
            return "queue";
        case Target::kIvr:
            return "ivr";
        case Target::kExtension:
            return "extension";
        case Target::kAgent:
            return "agent";
        case Target::kMessage:
            return "message";
        case Target::kReject:
            return "reject";
    }
    return "?";
}

Result<Route> ParseRoute(std::string_view text) {
    const size_t colon = text.find(':');
    const std::string_view kind = text.substr(0, colon);
    const std::string_view name = colon == std::string_view::npos ? "" : text.substr(colon + 1);
    for (Target t : {Target::kQueue, Target::kIvr, Target::kExtension, Target::kAgent,
                     Target::kMessage, Target::kReject}) {
        if (TargetId(t) != kind) continue;
        if (name.empty()) break;
        if (t == Target::kReject && name != "603" && name != "403") {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"routing.bad_reject", "route '{route}': a call is rejected with 603 or 403",
                    "write reject:603 (declined) or reject:403 (forbidden)"},
                {{"route", std::string(text)}});
        }
        return Route{t, std::string(name)};
    }
    return Fail(ErrorCode::kInvalidInput,
                Msg{"routing.bad_route", "'{route}' is not a route",
                    "write queue:NAME, ivr:FILE, extension:101, agent:LOGIN, message:TEXT or "
                    "reject:603"},
                {{"route", std::string(text)}});
}

bool IsExtension(std::string_view number) {
    return !number.empty() && number.size() <= 6 &&
           number.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string RouteText(const Route& route) {
    return std::string(TargetId(route.target)) + ":" + route.name;
}

std::optional<std::string> MemoryCallerFacts::Vip(const std::string& e164) const {
    auto it = vip.find(e164);
    if (it == vip.end()) return std::nullopt;
    return it->second;
}

int MemoryCallerFacts::Complaints(const std::string& e164, std::string_view,
                                  int64_t since_unix) const {
    auto it = complaints.find(e164);
    if (it == complaints.end()) return 0;
    return static_cast<int>(std::count_if(it->second.begin(), it->second.end(),
                                          [&](int64_t at) { return at >= since_unix; }));
}

Result<Router> Router::Make(std::vector<Number> numbers, RuleSettings rules,
                            const std::vector<std::string>& queues) {
    const std::set<std::string> known(queues.begin(), queues.end());
    auto need_queue = [&](const std::string& queue, const std::string& where) -> Result<void> {
        if (known.contains(queue)) return {};
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.missing_queue", "{where}: there is no queue '{queue}'",
                        "create the queue first, or name one that exists"},
                    {{"where", where}, {"queue", queue}});
    };
    Router r;
    for (size_t i = 0; i < numbers.size(); ++i) {
        const Number& n = numbers[i];
        if (!r.by_number_.emplace(n.number, i).second) {
            return Fail(ErrorCode::kConflict,
                        Msg{"routing.number_twice", "{number} is given twice",
                            "each number or extension routes one way; remove one"},
                        {{"number", n.number}});
        }
        if (n.route.target == Target::kQueue) {
            if (auto ok = need_queue(n.route.name, n.number); !ok)
                return std::unexpected(ok.error());
        }
    }
    // An extension a number routes to must exist.
    for (const Number& n : numbers) {
        if (n.route.target == Target::kExtension && !r.by_number_.contains(n.route.name)) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"routing.missing_extension", "{number}: there is no extension {extension}",
                    "add the extension first"},
                {{"number", n.number}, {"extension", n.route.name}});
        }
    }
    if (rules.vip_enabled && !rules.vip_queue.empty()) {
        if (auto ok = need_queue(rules.vip_queue, "VIP"); !ok) return std::unexpected(ok.error());
    }
    if (rules.complaints_enabled) {
        if (auto ok = need_queue(rules.complaints_queue, "complaints"); !ok)
            return std::unexpected(ok.error());
    }
    r.numbers_ = std::move(numbers);
    r.rules_ = std::move(rules);
    return r;
}

std::optional<Route> Router::Extension(std::string_view digits) const {
    auto it = by_number_.find(std::string(digits));
    if (it == by_number_.end() || !numbers_[it->second].extension) return std::nullopt;
    return numbers_[it->second].route;
}

std::string ReasonText(std::string_view reason, const std::map<std::string, std::string>& params) {
    auto param = [&](const char* key) {
        auto it = params.find(key);
        return it == params.end() ? std::string() : it->second;
    };
    if (reason == "vip") {
        const std::string agent = param("agent");
        return agent.empty() ? "VIP" : fmt::format("VIP, personal manager {}", agent);
    }
    if (reason == "complaints")
        return fmt::format("{} complaints in {} days", param("count"), param("days"));
    if (reason == "black_list") return "black list";
    if (reason == "unknown") return "unknown caller";
    if (reason == "no_route") return fmt::format("no route for {}", param("number"));
    if (reason == "number") {
        const std::string label = param("label");
        return label.empty() ? fmt::format("number {}", param("number"))
                             : fmt::format("number {} «{}»", param("number"), label);
    }
    return std::string(reason);
}

Decision Router::Decide(const std::string& from, const std::string& to, const CallerFacts& facts,
                        int64_t now_unix) const {
    Decision d;
    // The black list first: whatever number they dialed, they are refused.
    if (!from.empty() && rules_.black_enabled && facts.Black(from)) {
        d.route = rules_.black_action;
        d.reason = "black_list";
        return d;
    }
    auto it = by_number_.find(to);
    if (it == by_number_.end()) {
        d.route = {Target::kMessage, "no_route"};
        d.reason = "no_route";
        d.reason_params = {{"number", to}};
        return d;
    }
    const Number& number = numbers_[it->second];
    d.route = number.route;
    // An extension routes on: follow it (a chain of at most a few).
    for (int hops = 0; d.route.target == Target::kExtension && hops < 8; ++hops) {
        auto ext = by_number_.find(d.route.name);
        if (ext == by_number_.end()) break;
        d.route = numbers_[ext->second].route;
    }
    d.reason = "number";
    d.reason_params = {{"number", number.number}};
    if (!number.label.empty()) d.reason_params["label"] = number.label;
    if (from.empty()) return d;  // an anonymous caller: no list can match
    if (rules_.vip_enabled) {
        if (auto manager = facts.Vip(from)) {
            d.reason = "vip";
            d.reason_params = {};
            d.priority = rules_.vip_priority;
            Route queue =
                rules_.vip_queue.empty() ? d.route : Route{Target::kQueue, rules_.vip_queue};
            if (!manager->empty()) {
                d.agent = *manager;
                d.fallback = queue;
                d.route = {Target::kAgent, *manager};
                d.reason_params["agent"] = *manager;
            } else {
                d.route = queue;
            }
            d.known = true;
            return d;
        }
    }
    if (rules_.complaints_enabled) {
        const int n = facts.Complaints(from, rules_.complaint_category,
                                       now_unix - int64_t{rules_.complaints_days} * kDay);
        if (n > rules_.complaints_threshold) {
            d.route = {Target::kQueue, rules_.complaints_queue};
            d.reason = "complaints";
            d.reason_params = {{"count", std::to_string(n)},
                               {"days", std::to_string(rules_.complaints_days)}};
            d.known = true;
            return d;
        }
    }
    d.known = facts.Known(from);
    if (!d.known) {
        d.reason = "unknown";
        d.create_card = true;
    }
    return d;
}

}  // namespace callbase::routing
