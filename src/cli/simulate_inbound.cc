// callbase simulate INBOUND.toml: a day of callers through the real ACD on
// the simulated clock (routing/inbound_sim.h, docs/simulation.md "Inbound
// days"): per queue what a supervisor reads on the wallboard, per team the
// occupancy, the VIP callers against their target, and the invariants —
// exit 1 when any is broken.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

#include "cli/app.h"
#include "cli/text_table.h"
#include "core/date_text.h"
#include "core/json_text.h"
#include "routing/inbound_sim.h"

namespace callbase::cli {
namespace {

using routing::InboundDay;
using routing::InboundResult;
using routing::WaitFigures;

std::string Percent(double share) {
    return fmt::format("{:.2f} %", share * 100);
}

std::string Seconds(routing::Millis ms) {
    return fmt::format("{:.1f}", static_cast<double>(ms) / 1000.0);
}

std::string ExitsText(const routing::QueueStats& s) {
    std::string out;
    for (const auto& [reason, n] : s.exits)
        out += fmt::format("{}{} {}", out.empty() ? "" : " · ", reason, n);
    return out.empty() ? "0" : out;
}

// 2026-12-01 09:00 (+03:00)
std::string CenterTime(const InboundDay& day) {
    const int64_t local = day.start / 1000 + int64_t{day.center_utc_offset_minutes} * 60;
    const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    const int64_t minute = (local - days * 86400) / 60;
    const int offset = day.center_utc_offset_minutes;
    return fmt::format("{} {:02d}:{:02d} ({}{:02d}:{:02d})",
                       FormatIsoDate(static_cast<int32_t>(days)), minute / 60, minute % 60,
                       offset < 0 ? '-' : '+', std::abs(offset) / 60, std::abs(offset) % 60);
}

nlohmann::json WaitsJson(const WaitFigures& w, routing::Millis target) {
    return {{"callers", w.callers},
            {"answered", w.answered},
            {"waited", w.waited},
            {"wait_p50_seconds", static_cast<double>(w.p50) / 1000.0},
            {"wait_p90_seconds", static_cast<double>(w.p90) / 1000.0},
            {"wait_p99_seconds", static_cast<double>(w.p99) / 1000.0},
            {"mean_wait_seconds", w.mean_seconds},
            {"target_seconds", static_cast<double>(target) / 1000.0},
            {"answered_within_target", w.within_target},
            {"hung_up_before_target", w.hung_up_early},
            {"answered_within_target_share", w.WithinTargetShare()}};
}

nlohmann::json ResultJson(const InboundDay& day, const InboundResult& r) {
    nlohmann::json queues = nlohmann::json::array();
    for (size_t i = 0; i < r.queues.size(); ++i) {
        const auto& q = r.queues[i];
        const auto& s = q.stats;
        const auto& spec = day.queues[i].spec;
        queues.push_back({{"name", q.name},
                          {"strategy", routing::StrategyId(spec.strategy)},
                          {"offered", s.offered},
                          {"answered", s.answered},
                          {"abandoned", s.abandoned},
                          {"short_abandoned", s.short_abandoned},
                          {"short_abandon_seconds", static_cast<double>(spec.short_abandon) / 1000},
                          {"refused", s.refused},
                          {"sl_threshold_seconds", static_cast<double>(spec.sl_threshold) / 1000},
                          {"service_level", s.ServiceLevel()},
                          {"service_level_with_abandons", s.ServiceLevelWithAbandons()},
                          {"asa_seconds", s.AverageSpeedOfAnswerSeconds()},
                          {"longest_wait_seconds", static_cast<double>(s.longest_wait_ms) / 1000},
                          {"exits", s.exits},
                          {"offers_missed", s.offers_missed},
                          {"still_waiting", q.still_waiting},
                          {"waits", WaitsJson(q.waits, day.vip_target)},
                          {"vip", WaitsJson(q.vip, day.vip_target)}});
    }
    nlohmann::json teams = nlohmann::json::array();
    for (const auto& t : r.teams) {
        teams.push_back({{"name", t.name},
                         {"agents", t.agents},
                         {"calls", t.calls},
                         {"aht_seconds", t.aht_seconds},
                         {"occupancy", t.occupancy}});
    }
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& a : r.agents) {
        agents.push_back({{"id", a.id},
                          {"team", a.team},
                          {"calls", a.calls},
                          {"aht_seconds", a.aht_seconds},
                          {"occupancy", a.occupancy},
                          {"offers_missed", a.missed},
                          {"paused_seconds", static_cast<double>(a.paused_ms) / 1000}});
    }
    const auto& inv = r.invariants;
    return {{"scenario", day.name},
            {"kind", "inbound"},
            {"start", day.start / 1000},
            {"hours", static_cast<double>(day.length) / 3.6e6},
            {"calls", r.calls},
            {"joined", r.joined},
            {"refused", r.refused},
            {"answered", r.answered},
            {"abandoned", r.abandoned},
            {"exits", r.exits},
            {"still_waiting", r.still_waiting},
            {"offers", r.offers},
            {"offers_missed", r.offers_missed},
            {"queues", queues},
            {"teams", teams},
            {"agents", agents},
            {"vip", WaitsJson(r.vip, day.vip_target)},
            {"invariants",
             {{"double_offers", inv.double_offers},
              {"double_connects", inv.double_connects},
              {"lost_entries", inv.lost_entries},
              {"counts_disagree", inv.counts_disagree},
              {"agent_refusals", inv.agent_refusals}}},
            {"invariants_broken", inv.Total()},
            {"timers", r.timers},
            {"simulated_seconds", r.simulated / 1000},
            {"wall_seconds", r.wall_seconds}};
}

void PrintResult(const InboundDay& day, const InboundResult& r) {
    int agents = 0;
    for (const auto& t : r.teams)
        agents += t.agents;
    fmt::print("{} — inbound, {:.1f} h from {}, {} agents in {} team(s), {} queue(s)\n", day.name,
               static_cast<double>(day.length) / 3.6e6, CenterTime(day), agents, r.teams.size(),
               r.queues.size());
    fmt::print(
        "simulated {:.1f} h in {:.2f} s of real time: {} callers, {} offers ({} not "
        "answered)\n\n",
        static_cast<double>(r.simulated) / 3.6e6, r.wall_seconds, r.calls, r.offers,
        r.offers_missed);
    Table q({"queue", "offered", "answered", "abandoned (short)", "SL", "SL with abandons", "ASA s",
             "longest s", "wait p50/p90/p99 s", "exits", "refused", "waiting at end"});
    for (size_t i = 0; i < r.queues.size(); ++i) {
        const auto& qr = r.queues[i];
        const auto& s = qr.stats;
        const auto& spec = day.queues[i].spec;
        q.Add({qr.name, fmt::format("{}", s.offered), fmt::format("{}", s.answered),
               fmt::format("{} ({})", s.abandoned, s.short_abandoned),
               fmt::format("{} in {} s", Percent(s.ServiceLevel()), Seconds(spec.sl_threshold)),
               Percent(s.ServiceLevelWithAbandons()),
               fmt::format("{:.1f}", s.AverageSpeedOfAnswerSeconds()), Seconds(s.longest_wait_ms),
               fmt::format("{}/{}/{}", Seconds(qr.waits.p50), Seconds(qr.waits.p90),
                           Seconds(qr.waits.p99)),
               ExitsText(s), fmt::format("{}", s.refused), fmt::format("{}", qr.still_waiting)});
    }
    q.Print();
    fmt::print("\n");
    Table t({"team", "agents", "calls", "AHT s", "occupancy"});
    for (const auto& team : r.teams) {
        t.Add({team.name, fmt::format("{}", team.agents), fmt::format("{}", team.calls),
               fmt::format("{:.1f}", team.aht_seconds), Percent(team.occupancy)});
    }
    t.Print();
    fmt::print("\n");
    Table s({"", ""});
    if (r.vip.callers > 0) {
        s.Add(
            {"VIP callers",
             fmt::format("{}: {} answered within {} s (wait p50/p90/p99 {}/{}/{} s)", r.vip.callers,
                         Percent(r.vip.WithinTargetShare()), Seconds(day.vip_target),
                         Seconds(r.vip.p50), Seconds(r.vip.p90), Seconds(r.vip.p99))});
    }
    const auto& inv = r.invariants;
    s.Add({"double offers", fmt::format("{}", inv.double_offers)});
    s.Add({"callers answered twice", fmt::format("{}", inv.double_connects)});
    s.Add({"lost queue entries", fmt::format("{} (joined {} − answered {} − abandoned {} − exits "
                                             "{} − waiting {})",
                                             inv.lost_entries, r.joined, r.answered, r.abandoned,
                                             r.exits, r.still_waiting)});
    s.Add({"queue counts that disagree", fmt::format("{}", inv.counts_disagree)});
    s.Add({"agent moves refused", fmt::format("{}", inv.agent_refusals)});
    s.Print(false);
    if (inv.Total() > 0) fmt::print("\nINVARIANTS BROKEN: {} (each must be 0)\n", inv.Total());
}

}  // namespace

void RunInboundDay(App& app, const InboundDay& day) {
    auto result = routing::SimulateInbound(day);
    if (!result) return app.Report(result.error());
    if (app.json) {
        fmt::print("{}\n", JsonText(ResultJson(day, *result)));
    } else {
        PrintResult(day, *result);
    }
    // An agent offered two calls, a caller lost from a queue…: the run failed.
    if (result->invariants.Total() > 0) app.exit_code = 1;
}

}  // namespace callbase::cli
