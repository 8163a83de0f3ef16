#include "routing/menu.h"

#include <fmt/format.h>

#include "core/json_text.h"

namespace callbase::routing {

using nlohmann::json;

std::vector<ivr::Problem> CheckMenu(const ivr::Script& script, const Router& router,
                                    const std::vector<std::string>& queues) {
    std::vector<ivr::Problem> out;
    if (!script.inbound) {
        out.push_back({script.file,
                       "this is a robot's script, not a menu for incoming calls: write "
                       "direction: inbound (docs/ivr.md, \"Menus for incoming calls\")"});
    }
    for (auto& p : ivr::CheckScript(script))
        out.push_back(std::move(p));
    for (auto& p : ivr::CheckMenuTargets(script, queues, [&](std::string_view digits) {
             return router.Extension(digits).has_value();
         })) {
        out.push_back(std::move(p));
    }
    return out;
}

Result<MenuTargets> MenuTargetsOf(RoutingBook& book) {
    auto router = book.LoadRouter();
    if (!router) return std::unexpected(router.error());
    auto queues = book.Queues();
    if (!queues) return std::unexpected(queues.error());
    MenuTargets out{.router = std::move(*router), .queues = {}};
    for (const auto& q : *queues)
        out.queues.push_back(q.name);
    return out;
}

Result<ivr::Script> LoadMenu(const std::string& folder, const std::string& name,
                             const Router& router, const std::vector<std::string>& queues) {
    auto path = ivr::ScriptInFolder(folder, name);
    if (!path) {
        return Fail(
            ErrorCode::kNotFound,
            Msg{"routing.no_menu", "menu '{name}' is not a file of the server's scripts folder",
                "put the menu in the scripts folder (serve --scripts-dir) and name it "
                "relative to it, e.g. ivr:main.yaml"},
            {{"name", name}});
    }
    auto script = ivr::LoadScript(*path);
    if (!script) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.menu_problem", "menu {name}: {problem}",
                        "`callbase routing check-menu FILE` lists every problem"},
                    {{"name", name}, {"problem", script.error().message}});
    }
    for (const auto& p : CheckMenu(*script, router, queues)) {
        if (!p.error) continue;
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.menu_problem", "menu {name}: {problem}",
                        "`callbase routing check-menu FILE` lists every problem"},
                    {{"name", name}, {"problem", p.where + ": " + p.message}});
    }
    return script;
}

namespace {

json StepsJson(const std::vector<MenuStep>& steps) {
    json out = json::array();
    for (const auto& s : steps) {
        out.push_back(
            {{"node", s.node}, {"keys", s.keys}, {"heard", s.heard}, {"repeated", s.repeated}});
    }
    return out;
}

}  // namespace

Result<void> RecordMenuVisit(store::Store& store, const MenuVisit& v) {
    auto done = store.Exec(
        "INSERT INTO ivr_visits (at, ended_at, menu, did, steps, answers, node, outcome) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8)",
        {v.at, v.ended, v.menu, v.did, JsonText(StepsJson(v.steps)),
         JsonText(v.answers.empty() ? json::object() : json(v.answers)), v.node, v.outcome});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<std::vector<MenuVisit>> LoadMenuVisits(store::Store& store, int64_t from, int64_t to) {
    auto rows = store.Query(
        "SELECT at, ended_at, menu, did, steps, answers, node, outcome FROM ivr_visits WHERE at "
        ">= $1 AND at < $2 ORDER BY at, id",
        {from, to});
    if (!rows) return std::unexpected(rows.error());
    std::vector<MenuVisit> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) {
        MenuVisit v{.at = r.Int(0),
                    .ended = r.Int(1),
                    .menu = r.Text(2),
                    .did = r.Text(3),
                    .node = r.Text(6),
                    .outcome = r.Text(7)};
        const json steps = json::parse(r.Text(4), nullptr, false);
        if (steps.is_array()) {
            for (const auto& s : steps) {
                if (!s.is_object()) continue;
                v.steps.push_back(MenuStep{.node = s.value("node", ""),
                                           .keys = s.value("keys", ""),
                                           .heard = s.value("heard", ""),
                                           .repeated = s.value("repeated", false)});
            }
        }
        const json answers = json::parse(r.Text(5), nullptr, false);
        if (answers.is_object()) {
            for (const auto& [k, a] : answers.items())
                if (a.is_string()) v.answers[k] = a.get<std::string>();
        }
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<MenuFigures> MakeMenuReport(const std::vector<MenuVisit>& visits, int64_t from,
                                        int64_t to) {
    std::map<std::string, MenuFigures> by_menu;
    std::map<std::string, double> seconds;
    for (const MenuVisit& v : visits) {
        if (v.at < from || v.at >= to) continue;
        MenuFigures& m = by_menu[v.menu];
        m.menu = v.menu;
        ++m.visits;
        seconds[v.menu] += static_cast<double>(std::max<int64_t>(0, v.ended - v.at)) / 1000.0;
        ++m.outcomes[v.outcome.empty() ? "unknown" : v.outcome];
        std::map<std::string, bool> reached;
        for (const MenuStep& s : v.steps) {
            MenuNodeFigures& n = m.nodes[s.node];
            if (!reached[s.node]) {
                reached[s.node] = true;
                ++n.callers;
            }
            ++n.asked;
            if (s.heard == "timeout") ++n.timeouts;
            if (s.heard == "invalid") ++n.invalid;
            if (s.repeated) ++n.repeated;
            if (s.keys == "0") ++n.zero;
            if (!s.keys.empty()) ++n.pressed[s.keys];
        }
        if (v.outcome == "caller_hung_up" && !v.node.empty()) {
            MenuNodeFigures& n = m.nodes[v.node];
            // Hung up while the question was first being asked: reached too.
            if (!reached[v.node]) ++n.callers;
            ++n.hung_up;
        }
        for (const auto& [question, value] : v.answers)
            ++m.answers[question][value];
    }
    std::vector<MenuFigures> out;
    for (auto& [menu, m] : by_menu) {
        m.mean_seconds = m.visits > 0 ? seconds[menu] / static_cast<double>(m.visits) : 0;
        out.push_back(std::move(m));
    }
    return out;
}

json MenuReportJson(const std::vector<MenuFigures>& report) {
    json out = json::array();
    for (const MenuFigures& m : report) {
        json nodes = json::object();
        for (const auto& [id, n] : m.nodes) {
            nodes[id] = {{"callers", n.callers}, {"asked", n.asked},       {"timeouts", n.timeouts},
                         {"invalid", n.invalid}, {"repeated", n.repeated}, {"zero", n.zero},
                         {"hung_up", n.hung_up}, {"pressed", n.pressed}};
        }
        out.push_back({{"menu", m.menu},
                       {"visits", m.visits},
                       {"mean_seconds", m.mean_seconds},
                       {"outcomes", m.outcomes},
                       {"nodes", nodes},
                       {"answers", m.answers}});
    }
    return out;
}

}  // namespace callbase::routing
