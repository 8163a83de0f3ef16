#include "routing/inbound_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace callbase::routing {
namespace {

using nlohmann::json;

constexpr Millis kWeek = 7LL * 86'400'000;
constexpr Millis kQuickReturn = 10LL * 60'000;
constexpr int kRepeatAbove = 3;  // more than this many calls in a week

double Ratio(int64_t a, int64_t b) {
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0;
}

}  // namespace

ReportOptions ReportOptionsFor(const std::vector<QueueSpec>& queues, Millis now) {
    ReportOptions options;
    for (const auto& q : queues)
        options.queues[q.name] = q;
    options.now = now;
    return options;
}

std::string RouteName(const std::string& route) {
    if (route.starts_with("queue:")) return route.substr(6);
    return route;
}

double RouteFigures::AverageHandleSeconds() const {
    return stats.answered > 0
               ? static_cast<double>(talk_ms) / 1000.0 / static_cast<double>(stats.answered)
               : 0;
}

double AgentFigures::AverageHandleSeconds() const {
    return calls > 0 ? static_cast<double>(talk_ms) / 1000.0 / static_cast<double>(calls) : 0;
}

double Resolution::Rate() const {
    return Ratio(resolved, answered - pending);
}

Result<std::vector<InboundCall>> LoadInboundCalls(store::Store& store, Millis from, Millis to) {
    auto rows = store.Query(
        "SELECT id, e164, caller_id, started_at, answered_at, ended_at, outcome, cause, agent, "
        "route, disposition_tags, bridged_at FROM campaign_calls WHERE direction = 'in' AND "
        "started_at >= $1 "
        "AND started_at < $2 ORDER BY started_at, id",
        {from - kWeek, to + kWeek});
    if (!rows) return std::unexpected(rows.error());
    std::vector<InboundCall> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) {
        InboundCall c;
        c.id = r.Int(0);
        c.caller = r.Text(1);
        c.did = r.Text(2);
        c.started = r.Int(3);
        c.answered = r.OptInt(4).value_or(0);
        c.bridged = r.OptInt(11).value_or(0);
        c.ended = r.OptInt(5).value_or(0);
        c.outcome = r.IsNull(6) ? "in_progress" : r.Text(6);
        c.cause = static_cast<int>(r.Int(7));
        c.agent = r.Text(8);
        if (!r.Text(9).empty()) {
            const json route = json::parse(r.Text(9), nullptr, false);
            if (route.is_object()) {
                c.route = route.value("route", "");
                c.reason = route.value("reason", "");
                c.missed = ParseMissedRings(route);
                c.desk = ParseDeskSteps(route);
            }
        }
        if (!r.IsNull(10)) {
            const json tags = json::parse(r.Text(10), nullptr, false);
            if (tags.is_array()) {
                for (const auto& t : tags)
                    if (t.is_string()) c.tags.push_back(t.get<std::string>());
            }
        }
        out.push_back(std::move(c));
    }
    return out;
}

Result<void> RecordUnqueued(store::Store& store, const UnqueuedCall& call) {
    auto done = store.Exec(
        "INSERT INTO inbound_unqueued (at, e164, did, route, reason, network) VALUES ($1, $2, $3, "
        "$4, $5, $6)",
        {call.at, store::PhoneKey(store, call.caller), call.did, call.route, call.reason,
         call.network});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<std::vector<UnqueuedCall>> LoadUnqueued(store::Store& store, Millis from, Millis to) {
    auto rows = store.Query(
        "SELECT at, e164, did, route, reason, network FROM inbound_unqueued WHERE at >= $1 AND "
        "at < $2 ORDER BY at, id",
        {from, to});
    if (!rows) return std::unexpected(rows.error());
    std::vector<UnqueuedCall> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) {
        out.push_back(UnqueuedCall{.at = r.Int(0),
                                   .caller = r.Text(1),
                                   .did = r.Text(2),
                                   .route = r.Text(3),
                                   .reason = r.Text(4),
                                   .network = r.Text(5)});
    }
    return out;
}

InboundReport MakeInboundReport(const std::vector<InboundCall>& calls, Millis from, Millis to,
                                const ReportOptions& options,
                                const std::vector<UnqueuedCall>& unqueued) {
    InboundReport report;
    report.from = from;
    report.to = to;
    for (const auto& u : unqueued) {
        if (u.at < from || u.at >= to) continue;
        ++(u.route.starts_with("reject:") ? report.refused
           : u.route.starts_with("ivr:")  ? report.left_in_menu
                                          : report.messages);
        ++report.unqueued[fmt::format("{} {}", u.route, u.reason)];
    }
    // Each number's calls in time order, over the whole loaded history.
    std::unordered_map<std::string, std::vector<const InboundCall*>> by_caller;
    for (const auto& c : calls)
        by_caller[c.caller].push_back(&c);
    for (auto& [caller, list] : by_caller) {
        std::sort(list.begin(), list.end(), [](const InboundCall* a, const InboundCall* b) {
            return std::pair(a->started, a->id) < std::pair(b->started, b->id);
        });
    }
    auto in_period = [&](const InboundCall& c) { return c.started >= from && c.started < to; };

    std::map<std::string, RouteFigures> routes;
    std::map<std::string, AgentFigures> agents;
    for (const auto& c : calls) {
        if (!in_period(c)) continue;
        ++report.calls;
        const std::string name = RouteName(c.route);
        RouteFigures& f = routes[name];
        f.name = name;
        const QueueSpec defaults;
        auto spec = options.queues.find(name);
        const QueueSpec& q = spec == options.queues.end() ? defaults : spec->second;
        QueueStats& s = f.stats;
        ++s.offered;
        for (const MissedRing& m : c.missed) {
            ++s.offers_missed;
            AgentFigures& a = agents[m.agent];
            a.agent = m.agent;
            ++a.missed;
            a.rang_ms += m.rang;
        }
        if (c.outcome == "answered" && c.answered != 0) {
            const Millis wait = c.answered - c.started;
            ++s.answered;
            s.answered_wait_ms += wait;
            s.longest_wait_ms = std::max(s.longest_wait_ms, wait);
            if (wait <= q.sl_threshold) ++s.answered_within;
            const Millis talk = c.ended > c.answered ? c.ended - c.answered : 0;
            f.talk_ms += talk;
            // Operators who passed the call on took it too, for their part.
            Millis last_in = c.answered;
            for (const Transfer& t : c.desk.transfers) {
                AgentFigures& a = agents[t.from];
                a.agent = t.from;
                ++a.calls;
                ++a.transfers;
                a.talk_ms += t.talked_ms;
                last_in = std::max(last_in, t.at);
            }
            if (!c.desk.transfers.empty()) ++f.transferred;
            if (!c.agent.empty()) {
                AgentFigures& a = agents[c.agent];
                a.agent = c.agent;
                ++a.calls;
                a.talk_ms += c.ended > last_in ? c.ended - last_in : 0;
            }
            for (const HoldSpell& h : c.desk.holds) {
                f.hold_ms += h.ms;
                AgentFigures& a = agents[h.agent];
                a.agent = h.agent;
                a.hold_ms += h.ms;
            }
        } else if (c.outcome == "callback") {
            // Pressed 1 to be called back: neither answered nor abandoned.
            ++s.callbacks;
        } else if (c.outcome == "abandoned") {
            const Millis wait = (c.ended != 0 ? c.ended : c.started) - c.started;
            s.longest_wait_ms = std::max(s.longest_wait_ms, wait);
            if (c.cause == 480) {
                ++f.timed_out;
                ++s.exits["timeout"];
            } else {
                ++s.abandoned;
                if (wait < q.short_abandon) ++s.short_abandoned;
                if (wait <= q.sl_threshold) ++s.abandoned_within;
            }
        }
    }

    // Repeats, quick returns and first-contact resolution, number by number.
    for (const auto& [caller, list] : by_caller) {
        bool repeat = false;
        for (size_t i = 0; i < list.size(); ++i) {
            const InboundCall& c = *list[i];
            if (!in_period(c)) continue;
            // Calls from this number in the 7 days ending with this one.
            size_t first = i;
            while (first > 0 && list[first - 1]->started > c.started - kWeek)
                --first;
            if (i - first + 1 > kRepeatAbove) {
                ++report.repeat_calls;
                repeat = true;
            }
            if (i > 0) {
                const InboundCall& prev = *list[i - 1];
                const Millis prev_end = prev.ended != 0 ? prev.ended : prev.started;
                if (c.started - prev_end <= kQuickReturn) {
                    ++report.quick_returns;
                    if (prev.answered != 0) ++report.quick_returns_after_answered;
                }
            }
            if (c.outcome != "answered" || c.answered == 0) continue;
            const Millis end = c.ended != 0 ? c.ended : c.answered;
            const bool called_again = i + 1 < list.size() && list[i + 1]->started <= end + kWeek;
            const bool pending = !called_again && end + kWeek > options.now;
            auto count = [&](Resolution& r) {
                ++r.answered;
                if (pending) {
                    ++r.pending;
                } else if (!called_again) {
                    ++r.resolved;
                }
            };
            count(report.first_contact);
            if (!c.agent.empty()) count(agents[c.agent].first_contact);
            for (const auto& tag : c.tags)
                count(report.topics[tag]);
        }
        if (repeat) ++report.repeat_numbers;
    }
    for (auto& [name, f] : routes)
        report.routes.push_back(std::move(f));
    for (auto& [name, a] : agents)
        report.agents.push_back(std::move(a));
    return report;
}

namespace {

json ResolutionJson(const Resolution& r) {
    return {{"answered", r.answered},
            {"resolved", r.resolved},
            {"pending", r.pending},
            {"rate", r.Rate()}};
}

}  // namespace

json InboundReportJson(const InboundReport& r) {
    json routes = json::array();
    for (const auto& f : r.routes) {
        const auto& s = f.stats;
        routes.push_back({{"name", f.name},
                          {"offered", s.offered},
                          {"answered", s.answered},
                          {"abandoned", s.abandoned},
                          {"short_abandoned", s.short_abandoned},
                          {"timed_out", f.timed_out},
                          {"offers_missed", s.offers_missed},
                          {"callbacks", s.callbacks},
                          {"service_level", s.ServiceLevel()},
                          {"service_level_with_abandons", s.ServiceLevelWithAbandons()},
                          {"asa_seconds", s.AverageSpeedOfAnswerSeconds()},
                          {"longest_wait_seconds", static_cast<double>(s.longest_wait_ms) / 1000},
                          {"aht_seconds", f.AverageHandleSeconds()},
                          {"transferred", f.transferred},
                          {"hold_seconds", static_cast<double>(f.hold_ms) / 1000}});
    }
    json agents = json::array();
    for (const auto& a : r.agents) {
        agents.push_back({{"agent", a.agent},
                          {"calls", a.calls},
                          {"talk_seconds", static_cast<double>(a.talk_ms) / 1000},
                          {"aht_seconds", a.AverageHandleSeconds()},
                          {"missed", a.missed},
                          {"rang_seconds", static_cast<double>(a.rang_ms) / 1000},
                          {"transfers", a.transfers},
                          {"hold_seconds", static_cast<double>(a.hold_ms) / 1000},
                          {"first_contact", ResolutionJson(a.first_contact)}});
    }
    json topics = json::array();
    for (const auto& [topic, res] : r.topics) {
        json j = ResolutionJson(res);
        j["topic"] = topic;
        topics.push_back(std::move(j));
    }
    return {{"from_ms", r.from},
            {"to_ms", r.to},
            {"calls", r.calls},
            {"routes", routes},
            {"agents", agents},
            {"topics", topics},
            {"first_contact", ResolutionJson(r.first_contact)},
            {"repeat_numbers", r.repeat_numbers},
            {"repeat_calls", r.repeat_calls},
            {"quick_returns", r.quick_returns},
            {"quick_returns_after_answered", r.quick_returns_after_answered},
            {"not_queued",
             {{"refused", r.refused},
              {"messages", r.messages},
              {"left_in_menu", r.left_in_menu},
              {"by_route_reason", r.unqueued.empty() ? json::object() : json(r.unqueued)}}}};
}

std::vector<std::string> QueueLog(const std::vector<InboundCall>& calls, Millis from, Millis to,
                                  const std::function<std::string(const InboundCall&)>& caller) {
    struct Line {
        Millis at;
        int64_t call;
        int order;
        std::string text;
    };
    std::vector<Line> lines;
    for (const auto& c : calls) {
        if (c.started < from || c.started >= to || !c.route.starts_with("queue:")) continue;
        std::string queue = c.route.substr(6);
        // Asterisk's unique id looks like "1366720340.303267": the start, then a counter.
        const std::string id = fmt::format("{}.{}", c.started / 1000, c.id);
        const std::string agent = c.agent.empty() ? "NONE" : "Agent/" + c.agent;
        int order = 0;
        auto add = [&](Millis at, std::string_view who, std::string_view event,
                       const std::string& data) {
            lines.push_back(
                {at, c.id, order++,
                 fmt::format("{}|{}|{}|{}|{}|{}", at / 1000, id, queue, who, event, data)});
        };
        add(c.started, "NONE", "ENTERQUEUE", fmt::format("|{}|1", caller(c)));
        // As app_queue's rna(): the member whose phone rang without an
        // answer, and for how many milliseconds.
        for (const MissedRing& m : c.missed)
            add(m.at + m.rang, "Agent/" + m.agent, "RINGNOANSWER", std::to_string(m.rang));
        // Each blind transfer as app_queue logs one: the operator, where to
        // (the operator's or queue's name, and "agent" or "queue" for the
        // context), the caller's wait and the operator's talk. A caller sent
        // to a queue enters it (the same unique id, as in Asterisk); one
        // sent to an operator has left the queues.
        Millis entered = c.started, connect = c.answered;
        bool left = false;
        const auto& transfers = c.desk.transfers;
        for (size_t i = 0; i < transfers.size() && connect != 0; ++i) {
            const Transfer& t = transfers[i];
            const Millis hold = (connect - entered) / 1000;
            add(connect, "Agent/" + t.from, "CONNECT", fmt::format("{}|{}|0", hold, id));
            const bool to_queue = t.to.starts_with("queue:");
            const std::string name = t.to.substr(t.to.find(':') + 1);
            // Attended (to an operator only): Asterisk's BRIDGE form, the
            // colleague's name where it writes the bridge's id.
            if (t.mode == "attended") {
                add(t.at, "Agent/" + t.from, "ATTENDEDTRANSFER",
                    fmt::format("BRIDGE|{}|{}|{}|1", name, hold, (t.at - connect) / 1000));
            } else {
                add(t.at, "Agent/" + t.from, "BLINDTRANSFER",
                    fmt::format("{}|{}|{}|{}|1", name, to_queue ? "queue" : "agent", hold,
                                (t.at - connect) / 1000));
            }
            if (!to_queue) {
                left = true;
                break;
            }
            queue = name;
            entered = t.at;
            add(t.at, "NONE", "ENTERQUEUE", fmt::format("|{}|1", caller(c)));
            // The next operator's turn: the next transfer's talk counted back,
            // or (the last) when the voices met.
            connect = i + 1 < transfers.size() ? transfers[i + 1].at - transfers[i + 1].talked_ms
                                               : (c.outcome == "answered" ? c.bridged : 0);
        }
        if (left) continue;
        if (c.outcome == "answered" && connect != 0) {
            const Millis hold = (connect - entered) / 1000;
            add(connect, agent, "CONNECT", fmt::format("{}|{}|0", hold, id));
            if (c.ended != 0) {
                add(c.ended, agent, "COMPLETECALLER",
                    fmt::format("{}|{}|1", hold, (c.ended - connect) / 1000));
            }
        } else if (c.outcome == "callback") {
            // As app_queue logs a caller who left with a key: the key, their
            // position (not kept: 1), the position they joined at, the wait.
            const Millis wait = ((c.ended != 0 ? c.ended : entered) - entered) / 1000;
            add(c.ended != 0 ? c.ended : entered, "NONE", "EXITWITHKEY",
                fmt::format("1|1|1|{}", wait));
        } else if (c.outcome == "abandoned") {
            const Millis wait = ((c.ended != 0 ? c.ended : entered) - entered) / 1000;
            add(c.ended != 0 ? c.ended : entered, "NONE",
                c.cause == 480 ? "EXITWITHTIMEOUT" : "ABANDON", fmt::format("1|1|{}", wait));
        }
    }
    std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
        return std::tie(a.at, a.call, a.order) < std::tie(b.at, b.call, b.order);
    });
    std::vector<std::string> out;
    out.reserve(lines.size());
    for (auto& l : lines)
        out.push_back(std::move(l.text));
    return out;
}

std::vector<std::string> MergeQueueLog(std::vector<std::string> a, std::vector<std::string> b) {
    // A line starts with its Unix second.
    auto second = [](const std::string& line) { return std::strtoll(line.c_str(), nullptr, 10); };
    std::vector<std::string> out;
    out.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && second(a[i]) <= second(b[j]))) {
            out.push_back(std::move(a[i++]));
        } else {
            out.push_back(std::move(b[j++]));
        }
    }
    return out;
}

}  // namespace callbase::routing
