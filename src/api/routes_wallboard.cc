// The wallboard (issue 19, item 9): the floor now — operators and their
// states from `callbase serve`'s runner (renewed every second), callers
// waiting per queue, and today's figures per queue from the call records
// (read at most every 5 s on the feed's own connection). GET /wallboard is a
// snapshot; /wallboard/live a WebSocket that sends it about every second. A
// team's supervisor sees the team's operators and the calls they took.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

#include "api/handlers.h"
#include "api/scope.h"
#include "campaigns/runner.h"
#include "compliance/rules.h"
#include "core/json_text.h"
#include "routing/inbound_report.h"
#include "routing/routing_book.h"

namespace callbase::api::handlers {
namespace {

using nlohmann::json;

struct TodayFigures {
    int64_t from_ms = 0;
    std::vector<std::string> queues;  // the routing book's, in its order
    std::map<std::string, routing::RouteFigures> routes;
    json labels = json::object();  // the pause reasons the supervisor added
    json limits = json::object();  // minutes a pause of a reason may last, where limited
};

// Today's incoming calls (the center's day) per route, as the inbound report
// counts them.
Result<TodayFigures> ReadToday(store::Store& db, const Clock& clock,
                               const std::optional<security::Team>& team) {
    auto rules = compliance::LoadRules(db);
    if (!rules) return std::unexpected(rules.error());
    const UnixSeconds now = clock.Now();
    const UnixSeconds today = LocalMidnight(now, rules->default_utc_offset_minutes);
    TodayFigures out;
    out.from_ms = today * 1000;
    auto calls = routing::LoadInboundCalls(db, today * 1000, (today + 86'400) * 1000);
    if (!calls) return std::unexpected(calls.error());
    if (team) KeepTeamCalls(*team, *calls);
    routing::RoutingBook book(db, clock, "wallboard");
    auto queues = book.Queues();
    if (!queues) return std::unexpected(queues.error());
    for (const auto& q : *queues)
        out.queues.push_back(q.name);
    const auto report = routing::MakeInboundReport(*calls, today * 1000, (today + 86'400) * 1000,
                                                   routing::ReportOptionsFor(*queues, now * 1000));
    for (const auto& r : report.routes)
        out.routes[r.name] = r;
    auto reasons = book.PauseReasons();
    if (!reasons) return std::unexpected(reasons.error());
    out.labels = routing::PauseReasonLabels(*reasons);
    for (const auto& r : *reasons) {
        if (r.max_minutes > 0) out.limits[r.code] = r.max_minutes;
    }
    return out;
}

// The runner's board and today's figures as the page reads them
// (web/src/pages/wallboard.tsx).
json Compose(const std::string& board_text, const TodayFigures& today,
             const std::optional<security::Team>& team) {
    const json board = json::parse(board_text.empty() ? "{}" : board_text, nullptr, false);
    json agents = json::array();
    struct Waiting {
        int64_t count = 0;
        int64_t callbacks = 0;  // ... of whom chose a callback and are off the line
        std::optional<int64_t> oldest;
    };
    std::map<std::string, Waiting> waiting;
    if (board.is_object()) {
        for (const json& a : board.value("agents", json::array())) {
            if (team && !InTeam(*team, a.value("agent", ""))) continue;
            agents.push_back(a);
        }
        for (const json& w : board.value("waiting", json::array())) {
            Waiting& q = waiting[routing::RouteName(w.value("route", ""))];
            ++q.count;
            if (w.value("callback", false)) ++q.callbacks;
            const int64_t arrived = w.value("arrived", int64_t{0});
            if (!q.oldest || arrived < *q.oldest) q.oldest = arrived;
        }
    }
    // Every queue of the book, then any other route that had calls or has
    // callers waiting.
    std::vector<std::string> names = today.queues;
    std::set<std::string> seen(names.begin(), names.end());
    for (const auto& [name, f] : today.routes) {
        if (seen.insert(name).second) names.push_back(name);
    }
    for (const auto& [name, w] : waiting) {
        if (seen.insert(name).second) names.push_back(name);
    }
    json queues = json::array();
    for (const std::string& name : names) {
        const auto f = today.routes.find(name);
        const auto w = waiting.find(name);
        const routing::QueueStats s =
            f == today.routes.end() ? routing::QueueStats{} : f->second.stats;
        queues.push_back(
            {{"name", name},
             {"waiting", w == waiting.end() ? 0 : w->second.count},
             {"callbacks_waiting", w == waiting.end() ? 0 : w->second.callbacks},
             {"oldest_arrived",
              w == waiting.end() || !w->second.oldest ? json(nullptr) : json(*w->second.oldest)},
             {"offered", s.offered},
             {"answered", s.answered},
             {"abandoned", s.abandoned},
             {"service_level", s.ServiceLevel()},
             {"asa_seconds", s.AverageSpeedOfAnswerSeconds()}});
    }
    return {{"now", board.is_object() ? board.value("now", int64_t{0}) : int64_t{0}},
            {"agents", std::move(agents)},
            {"queues", std::move(queues)},
            {"pause_reason_labels", today.labels},
            {"pause_reason_limits", today.limits},
            {"day_from_ms", today.from_ms}};
}

}  // namespace

Result<Response> Wallboard(Call& c) {
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    auto today = ReadToday(*c.db, ClockOf(c), *team);
    if (!today) return std::unexpected(today.error());
    std::string board;
    if (campaigns::CampaignRunner* runner = c.api.options().campaigns) {
        board = runner->BoardJson().second;
    }
    if (board.empty()) {
        board = JsonText(json{{"now", ClockOf(c).Now() * 1000},
                              {"agents", json::array()},
                              {"waiting", json::array()}});
    }
    c.records = "wallboard";
    return JsonResponse(200, Compose(board, *today, *team));
}

// {"agent": "oleg", "mode": "listen"|"whisper"|"barge"|"off"}: the supervisor
// (the caller of the API: their phone is theirs in the SIP settings) on the
// operator's live call. Each use is in the audit log with the mode.
Result<Response> WallboardMonitor(Call& c) {
    auto runner = RunnerOf(c);
    if (!runner) return std::unexpected(runner.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    const json agent = body->value("agent", json());
    const json mode_text = body->value("mode", json());
    static const std::map<std::string, telephony::MonitorMode> kModes = {
        {"listen", telephony::MonitorMode::kListen},
        {"whisper", telephony::MonitorMode::kWhisper},
        {"barge", telephony::MonitorMode::kBarge},
        {"off", telephony::MonitorMode::kOff}};
    auto mode = mode_text.is_string() ? kModes.find(mode_text.get<std::string>()) : kModes.end();
    if (!agent.is_string() || agent.get<std::string>().empty() || mode == kModes.end()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"monitor.bad_request", "say whose call and how: an operator and a mode",
                        "{\"agent\": \"oleg\", \"mode\": \"listen\"} — listen, whisper, "
                        "barge or off"});
    }
    const std::string who = agent.get<std::string>();
    // A team's supervisor listens to the team's operators only.
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    if (*team && !InTeam(**team, who)) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"monitor.not_your_team", "operator '{agent}' is not in your team",
                        "listen to the operators of your team"},
                    {{"agent", who}});
    }
    // Named in the audit record whether it is done or refused.
    c.records = "agent:" + who;
    c.detail = fmt::format("{} on operator {}'s call", mode->first, who);
    if (auto r = (*runner)->Monitor(c.actor(), who, mode->second); !r) {
        return std::unexpected(r.error());
    }
    return JsonResponse(200, json{{"agent", who}, {"mode", mode->first}});
}

Result<server::Feed> WallboardLive(Call& c) {
    auto runner = RunnerOf(c);
    if (!runner) return std::unexpected(runner.error());
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    auto open = c.api.options().open_store();
    if (!open) return std::unexpected(open.error());
    struct State {
        std::unique_ptr<store::Store> db;
        std::optional<security::Team> team;
        TodayFigures today;
        std::chrono::steady_clock::time_point read_at;
        bool read = false;
        uint64_t seen = 0;
    };
    auto state = std::make_shared<State>();
    state->db = std::move(*open);
    state->team = std::move(*team);
    const Clock* clock = &ClockOf(c);
    c.records = "wallboard";
    return server::Feed([runner = *runner, state, clock]() -> std::optional<std::string> {
        runner->WaitBoard(state->seen, std::chrono::milliseconds(1500));
        auto [version, board] = runner->BoardJson();
        if (version == state->seen) return std::string();
        const auto now = std::chrono::steady_clock::now();
        if (!state->read || now - state->read_at >= std::chrono::seconds(5)) {
            auto today = ReadToday(*state->db, *clock, state->team);
            if (!today) return std::nullopt;  // the feed ends; the page polls, then reconnects
            state->today = std::move(*today);
            state->read_at = now;
            state->read = true;
        }
        state->seen = version;
        return JsonText(Compose(board, state->today, state->team));
    });
}

}  // namespace callbase::api::handlers
