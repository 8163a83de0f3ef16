// callbase simulate SCENARIO.toml: a campaign run against the simulated
// network (campaigns/scenario.h), with the figures a supervisor asks for
// before dialing; --sweep looks for the best constant dial ratio in hindsight.
// A file with [inbound] is a day of callers through the ACD instead
// (simulate_inbound.cc).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "campaigns/scenario.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "compliance/rules.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "routing/inbound_scenario.h"

namespace callbase::cli {
namespace {

using campaigns::RunResult;
using campaigns::Scenario;

std::string Percent(double share) {
    return fmt::format("{:.2f} %", share * 100);
}

std::string Joined(const std::map<std::string, int64_t>& counts) {
    std::string out;
    for (const auto& [key, n] : counts)
        out += fmt::format("{}{} {}", out.empty() ? "" : " · ", key, n);
    return out.empty() ? "none" : out;
}

std::string Day(int32_t day) {
    return compliance::FormatDay(day);
}

// A moment on the call center's clock: 2026-12-02 10:05.
std::string CenterTime(const Scenario& s, campaigns::Millis at) {
    const int64_t local = at / 1000 + int64_t{s.dialer.center_utc_offset_minutes} * 60;
    const auto day = static_cast<int32_t>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
    const auto minute = static_cast<int>((local - int64_t{day} * 86400) / 60);
    return fmt::format("{} {}", Day(day), FormatClockTime(minute));
}

// The worst rolling window: "4.10 % (5 of 122 answered, 2026-12-02 09:04–10:04)".
std::string WorstWindow(const Scenario& s, const RunResult& r) {
    const auto& w = r.window;
    if (w.windows == 0) return "no window held 100 answered calls";
    const auto span = s.dialer.pacing.abandon_window;
    return fmt::format("{} ({} of {} answered, {}–{})", Percent(w.worst), w.worst_abandoned,
                       w.worst_answered, CenterTime(s, w.worst_end - span),
                       CenterTime(s, w.worst_end).substr(11));
}

nlohmann::json ResultJson(const Scenario& s, const RunResult& r) {
    const auto& st = r.stats;
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& d : r.caller_id_days) {
        ids.push_back({{"day", Day(d.day)},
                       {"numbers_used", d.numbers_used},
                       {"max_calls", d.max_calls},
                       {"mean_calls", d.mean_calls},
                       {"near_cap", d.near_cap}});
    }
    return {
        {"scenario", s.name},
        {"pacing", campaigns::PacingId(s.dialer.pacing.mode)},
        {"agents", r.agents},
        {"attempts", st.attempts},
        {"answered", st.answered},
        {"contacts_reached", r.contacts_reached},
        {"abandoned", st.abandoned},
        {"abandon_rate", st.AbandonRate()},
        {"abandon_limit", s.dialer.pacing.abandon_limit},
        {"max_window_abandon_rate", r.max_window_abandon},
        {"abandon_windows",
         {{"window_minutes", s.dialer.pacing.abandon_window / 60'000},
          {"min_answered", campaigns::WindowCheck::kMinCalls},
          {"checked", r.window.windows},
          {"over_limit", r.window.over_limit},
          {"worst_rate", r.window.worst},
          {"worst_answered", r.window.worst_answered},
          {"worst_abandoned", r.window.worst_abandoned},
          {"worst_end", r.window.worst_end / 1000}}},
        {"occupancy", st.Occupancy()},
        {"agent_hours", r.agent_hours},
        {"contacts_per_agent_hour", r.agent_hours > 0 ? r.contacts_reached / r.agent_hours : 0.0},
        {"incoming",
         {{"calls", st.inbound},
          {"put_through", st.inbound_answered},
          {"gave_up", st.inbound_abandoned}}},
        {"short_calls", st.short_calls},
        {"outcomes", st.outcomes},
        {"gate_denials", st.denials},
        {"leads_closed_by_gate", st.leads_closed_by_gate},
        {"held_for_caller_id", st.no_caller_id},
        {"caller_ids", ids},
        {"robot_keys", st.robot_keys},
        {"robot_hangup_steps", st.robot_hangup_steps},
        {"robot_actions", st.robot_actions},
        {"max_simultaneous_calls", st.max_live_calls},
        {"violations", r.violations},
        {"violation_count", r.Violations()},
        {"simulated_seconds", r.simulated / 1000},
        {"wall_seconds", r.wall_seconds}};
}

void PrintResult(const Scenario& s, const RunResult& r) {
    const auto& st = r.stats;
    bool robot = s.dialer.pacing.mode == campaigns::Pacing::kRobot;
    fmt::print(
        "{} — {} day(s) × {:.1f} h, {}\n", s.name, s.days, s.day_length / 3.6e6,
        robot ? fmt::format("robot, at most {} calls at once and {} a second",
                            s.dialer.pacing.robot_max_calls, s.dialer.pacing.robot_calls_per_second)
              : fmt::format("{} agents, {}", s.agents, campaigns::PacingId(s.dialer.pacing.mode)));
    fmt::print("simulated {:.1f} h in {:.2f} s of real time\n\n", r.simulated / 3.6e6,
               r.wall_seconds);
    Table t({"", ""});
    t.Add({"attempts", fmt::format("{}", st.attempts)});
    t.Add({"answered", fmt::format("{} ({} of attempts)", st.answered,
                                   Percent(st.attempts ? double(st.answered) / st.attempts : 0))});
    t.Add({"contacts reached", fmt::format("{}", r.contacts_reached)});
    if (!robot) {
        t.Add({"abandoned",
               fmt::format("{} ({} of answered; limit {})", st.abandoned, Percent(st.AbandonRate()),
                           Percent(s.dialer.pacing.abandon_limit))});
        t.Add({fmt::format("worst {}-minute window", s.dialer.pacing.abandon_window / 60'000),
               WorstWindow(s, r)});
        t.Add({"windows over the limit",
               r.window.over_limit == 0
                   ? fmt::format("0 of {}", r.window.windows)
                   : fmt::format("{} of {} (the limit must hold in every window)",
                                 r.window.over_limit, r.window.windows)});
        t.Add({"agent occupancy", Percent(st.Occupancy())});
        t.Add({"contacts per agent-hour",
               fmt::format("{:.1f}", r.agent_hours > 0 ? r.contacts_reached / r.agent_hours : 0)});
        if (st.inbound > 0) {
            // [incoming]: the center's callers the same operators took.
            t.Add({"incoming calls",
                   fmt::format("{}, put through {} ({}), gave up or timed out {}", st.inbound,
                               st.inbound_answered,
                               Percent(double(st.inbound_answered) / double(st.inbound)),
                               st.inbound_abandoned)});
        }
    } else {
        t.Add({"keys pressed", Joined(st.robot_keys)});
        t.Add({"hung up at step", Joined(st.robot_hangup_steps)});
        if (!st.robot_actions.empty()) t.Add({"script actions", Joined(st.robot_actions)});
        t.Add({"most calls at once", fmt::format("{}", st.max_live_calls)});
    }
    t.Add({"short calls (< 3 s)", fmt::format("{}", st.short_calls)});
    t.Add({"outcomes", Joined(st.outcomes)});
    t.Add({"gate denials", Joined(st.denials)});
    t.Add({"leads the gate closed", fmt::format("{}", st.leads_closed_by_gate)});
    for (const auto& d : r.caller_id_days) {
        t.Add({fmt::format("caller IDs {}", Day(d.day)),
               fmt::format("{} numbers used, at most {} calls each (mean {:.1f}), {} near the cap",
                           d.numbers_used, d.max_calls, d.mean_calls, d.near_cap)});
    }
    if (st.no_caller_id > 0) {
        t.Add({"held: no caller ID left",
               fmt::format("{} dials (every number at its cap)", st.no_caller_id)});
    }
    t.Add({"rule violations", r.Violations() == 0
                                  ? std::string("0")
                                  : fmt::format("{} ({})", r.Violations(), Joined(r.violations))});
    t.Print(false);
}

}  // namespace

void RegisterSimulateCommands(CLI::App& cli, App& app) {
    struct Options {
        std::string file, pacing;
        double ratio = 0;
        bool sweep = false;
        double from = 1.0, to = 6.0, step = 0.25;
        int64_t campaign = 0;
        int agents = 10;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = cli.add_subcommand(
        "simulate",
        "run a campaign, or an inbound day through the queues, against the simulated telephone "
        "network (nothing is dialed)");
    cmd->add_option("scenario", o->file, "the scenario file (TOML; see docs/simulation.md)");
    cmd->add_option("--campaign", o->campaign,
                    "forecast today for a campaign of the base instead (nothing is dialed)");
    cmd->add_option("--agents", o->agents, "--campaign: operators to simulate (default 10)");
    cmd->add_option(
        "--pacing", o->pacing,
        "override the scenario's pacing: preview, progressive, predictive, ratio, robot");
    cmd->add_option("--ratio", o->ratio, "lines per ready agent (sets --pacing ratio)");
    cmd->add_flag("--sweep", o->sweep,
                  "run constant dial ratios to find the best one in hindsight (abandon within "
                  "the limit)");
    cmd->add_option("--from", o->from, "sweep: the first ratio (default 1.0)");
    cmd->add_option("--to", o->to, "sweep: the last ratio (default 6.0)");
    cmd->add_option("--step", o->step, "sweep: the step (default 0.25; refined around the best)");
    cmd->callback([&app, o] {
        if (o->campaign > 0) {
            if (auto r = RunForecast(app, o->campaign, o->agents); !r) app.Report(r.error());
            return;
        }
        if (o->file.empty()) {
            return app.Report(
                Error{ErrorCode::kInvalidInput, "simulate needs a scenario file or --campaign ID",
                      "e.g. callbase simulate examples/scenarios/predictive-100.toml"});
        }
        auto inbound = routing::LoadInboundScenario(o->file);
        if (!inbound) return app.Report(inbound.error());
        if (*inbound) {
            if (!o->pacing.empty() || o->ratio > 0 || o->sweep) {
                return app.Report(
                    Error{ErrorCode::kInvalidInput,
                          fmt::format("{}: --pacing, --ratio and --sweep are for "
                                      "outbound scenarios; this one is an inbound day",
                                      o->file),
                          "run it without them"});
            }
            return RunInboundDay(app, **inbound);
        }
        auto loaded = campaigns::LoadScenario(o->file);
        if (!loaded) return app.Report(loaded.error());
        Scenario s = std::move(*loaded);
        if (!o->pacing.empty()) {
            auto p = campaigns::ParsePacing(o->pacing);
            if (!p) {
                return app.Report(Error{ErrorCode::kInvalidInput,
                                        fmt::format("--pacing {}: not a pacing mode", o->pacing),
                                        "write preview, progressive, predictive, ratio or robot"});
            }
            s.dialer.pacing.mode = *p;
        }
        if (o->ratio > 0) {
            s.dialer.pacing.mode = campaigns::Pacing::kRatio;
            s.dialer.pacing.ratio = o->ratio;
        }
        if (o->sweep) {
            if (o->step <= 0 || o->from <= 0 || o->to < o->from) {
                return app.Report(Error{ErrorCode::kInvalidInput,
                                        "--from, --to and --step must make a rising range",
                                        "e.g. --from 1 --to 6 --step 0.25"});
            }
            if (!app.json) {
                fmt::print("{}: constant ratios {:.2f}..{:.2f}, abandon limit {}\n", s.name,
                           o->from, o->to, Percent(s.dialer.pacing.abandon_limit));
            }
            auto sweep =
                campaigns::Sweep(s, o->from, o->to, o->step, [&](const campaigns::SweepPoint& p) {
                    if (!app.json) {
                        fmt::print(stderr,
                                   "  ratio {:.2f}: occupancy {}, "
                                   "abandon {}, worst window {}\n",
                                   p.ratio, Percent(p.occupancy), Percent(p.abandon),
                                   Percent(p.worst_window));
                    }
                });
            if (app.json) {
                nlohmann::json points = nlohmann::json::array();
                for (const auto& p : sweep.points) {
                    points.push_back({{"ratio", p.ratio},
                                      {"occupancy", p.occupancy},
                                      {"abandon_rate", p.abandon},
                                      {"worst_window_rate", p.worst_window}});
                }
                nlohmann::json j{{"scenario", s.name}, {"points", points}};
                if (sweep.best) {
                    j["best"] = {{"ratio", sweep.best->ratio},
                                 {"occupancy", sweep.best->occupancy},
                                 {"abandon_rate", sweep.best->abandon},
                                 {"worst_window_rate", sweep.best->worst_window}};
                }
                fmt::print("{}\n", JsonText(j));
                return;
            }
            Table t({"ratio", "occupancy", "abandon", "worst window"});
            for (const auto& p : sweep.points) {
                t.Add({fmt::format("{:.2f}", p.ratio), Percent(p.occupancy), Percent(p.abandon),
                       Percent(p.worst_window)});
            }
            t.Print();
            if (sweep.best) {
                fmt::print(
                    "\nbest constant ratio within the limit in every window: {:.2f} — "
                    "occupancy {}, abandon {}, worst window {}\n",
                    sweep.best->ratio, Percent(sweep.best->occupancy), Percent(sweep.best->abandon),
                    Percent(sweep.best->worst_window));
            } else {
                fmt::print("\nno ratio in the range kept abandon within the limit\n");
            }
            return;
        }
        auto result = campaigns::Run(s);
        if (app.json) {
            fmt::print("{}\n", JsonText(ResultJson(s, result)));
        } else {
            PrintResult(s, result);
        }
        // A rule broken, or the abandon limit exceeded in any rolling window
        // (not only over the whole run): the run failed.
        if (result.Violations() > 0 || result.window.over_limit > 0) app.exit_code = 1;
    });
}

}  // namespace callbase::cli
