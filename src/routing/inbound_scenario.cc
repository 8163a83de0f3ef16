#include "routing/inbound_scenario.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include <cmath>
#include <set>

#include "core/clock_text.h"
#include "core/date_text.h"
#include "core/file.h"
#include "core/toml_reader.h"
#include "telephony/sim/duration_toml.h"

namespace callbase::routing {
namespace {

constexpr std::string_view kHint = "see docs/simulation.md, \"Inbound days\", for every key";
constexpr Millis kMinuteMs = 60'000;

class Reader : public TomlReader {
public:
    explicit Reader(std::string file) : TomlReader(std::move(file), std::string(kHint)) {}

    // A duration (telephony/sim/duration_toml.h); with `none_ok`, "none"
    // gives nullopt (a caller who never hangs up).
    void Duration(const toml::table* table, std::string_view section, std::string_view key,
                  std::optional<Distribution>& out, bool none_ok = false) {
        telephony::ReadDuration(*this, table, section, key, out, none_ok);
    }
    void Duration(const toml::table* table, std::string_view section, std::string_view key,
                  Distribution& out) {
        telephony::ReadDuration(*this, table, section, key, out);
    }

    void Seconds(const toml::table* table, std::string_view section, std::string_view key,
                 Millis& out, double max) {
        double s = static_cast<double>(out) / 1000.0;
        Number(table, section, key, s, 0.0, max);
        out = static_cast<Millis>(std::llround(s * 1000.0));
    }

    std::vector<std::string> Names(const toml::table* table, std::string_view section,
                                   std::string_view key) {
        std::vector<std::string> out;
        const toml::node* node = table ? table->get(key) : nullptr;
        if (node == nullptr) return out;
        const toml::array* list = node->as_array();
        if (list == nullptr) {
            Problem(node, Where(section, key), "write a list of names, e.g. [\"anna\", \"boris\"]");
            return out;
        }
        for (const toml::node& item : *list) {
            auto v = item.value<std::string>();
            if (!v || v->empty()) {
                Problem(&item, Where(section, key), "each item is a name in quotes");
                continue;
            }
            out.push_back(*v);
        }
        return out;
    }

    // Each item of an array of tables, or a problem when it is something else.
    std::vector<const toml::table*> Tables(const toml::table* table, std::string_view section,
                                           std::string_view key, std::string_view example) {
        std::vector<const toml::table*> out;
        const toml::node* node = table ? table->get(key) : nullptr;
        if (node == nullptr) return out;
        const toml::array* list = node->as_array();
        if (list == nullptr) {
            Problem(node, Where(section, key), fmt::format("write {}", example));
            return out;
        }
        for (const toml::node& item : *list) {
            if (const toml::table* t = item.as_table()) {
                out.push_back(t);
            } else {
                Problem(&item, Where(section, key), fmt::format("each item is {}", example));
            }
        }
        return out;
    }
};

void ReadQueue(Reader& r, const toml::table* t, InboundQueue& q) {
    constexpr std::string_view kQ = "inbound.queues";
    r.Known(
        t, kQ,
        {"name",           "strategy",      "skill",           "members",          "teams",
         "first_level",    "widen",         "max_wait",        "offer_timeout",    "priority_step",
         "sl_threshold",   "short_abandon", "join_when_empty", "leave_when_empty", "exit_route",
         "calls_per_hour", "vip_share",     "vip_priority",    "vip_queue",        "patience",
         "talk_time",      "wrap_up"});
    QueueSpec& spec = q.spec;
    r.Text(t, kQ, "name", spec.name);
    if (spec.name.empty()) r.Problem(t, "[[inbound.queues]]", "each queue needs a name");
    std::string strategy(StrategyId(spec.strategy));
    r.Text(t, kQ, "strategy", strategy);
    if (auto s = ParseStrategy(strategy)) {
        spec.strategy = *s;
    } else {
        r.Problem(t->get("strategy"), TomlReader::Where(kQ, "strategy"),
                  fmt::format("'{}' is not a strategy; write longest_idle, round_robin, "
                              "fixed_order, fewest_calls, least_talk, random or ring_all",
                              strategy));
    }
    r.Text(t, kQ, "skill", spec.skill);
    spec.members = r.Names(t, kQ, "members");
    q.teams = r.Names(t, kQ, "teams");
    r.Number(t, kQ, "first_level", spec.first_level, 1.0, 9.0);
    for (const toml::table* w :
         r.Tables(t, kQ, "widen", "{ after = 20, level = 2 } (seconds waited, skill level)")) {
        r.Known(w, "inbound.queues.widen", {"after", "level"});
        Millis after = -1;
        int level = 0;
        if (w->get("after") == nullptr || w->get("level") == nullptr) {
            r.Problem(w, TomlReader::Where(kQ, "widen"), "give both after and level");
            continue;
        }
        r.Seconds(w, "inbound.queues.widen", "after", after, 86400.0);
        r.Number(w, "inbound.queues.widen", "level", level, 1.0, 9.0);
        spec.widen.emplace_back(after, level);
    }
    r.Seconds(t, kQ, "max_wait", spec.max_wait, 86400.0);
    r.Seconds(t, kQ, "offer_timeout", spec.offer_timeout, 3600.0);
    if (spec.offer_timeout <= 0) {
        r.Problem(t->get("offer_timeout"), TomlReader::Where(kQ, "offer_timeout"),
                  "an offer rings for more than 0 seconds");
    }
    r.Seconds(t, kQ, "priority_step", spec.priority_step, 86400.0);
    r.Seconds(t, kQ, "sl_threshold", spec.sl_threshold, 3600.0);
    r.Seconds(t, kQ, "short_abandon", spec.short_abandon, 3600.0);
    r.Flag(t, kQ, "join_when_empty", spec.join_when_empty);
    r.Flag(t, kQ, "leave_when_empty", spec.leave_when_empty);
    r.Text(t, kQ, "exit_route", spec.exit_route);

    if (const toml::node* node = t->get("calls_per_hour")) {
        const std::string where = TomlReader::Where(kQ, "calls_per_hour");
        auto rate = [&](const toml::node& n) {
            auto v = n.value<double>();
            if (!v || !std::isfinite(*v) || *v < 0 || *v > 1e7) {
                r.Problem(&n, where, "calls an hour: a number from 0 to 10000000");
                return;
            }
            q.calls_per_hour.push_back(*v);
        };
        if (const toml::array* list = node->as_array()) {
            for (const toml::node& item : *list)
                rate(item);
            if (list->empty()) r.Problem(node, where, "give at least one hour's rate");
        } else {
            rate(*node);
        }
    }
    r.Share(t, kQ, "vip_share", q.vip_share);
    r.Number(t, kQ, "vip_priority", q.vip_priority, 0.0, 1000.0);
    r.Text(t, kQ, "vip_queue", q.vip_queue);
    r.Duration(t, kQ, "patience", q.patience, true);
    r.Duration(t, kQ, "talk_time", q.talk);
    r.Duration(t, kQ, "wrap_up", q.wrap_up);
}

void ReadTeam(Reader& r, const toml::table* t, InboundTeam& team, int start_minute, Millis length) {
    constexpr std::string_view kT = "inbound.teams";
    r.Known(t, kT, {"name", "count", "blend", "skills", "pauses"});
    r.Text(t, kT, "name", team.name);
    if (team.name.empty()) r.Problem(t, "[[inbound.teams]]", "each team needs a name");
    r.Number(t, kT, "count", team.count, 0.0, 100'000.0);
    std::string blend(agents::BlendId(team.blend));
    r.Text(t, kT, "blend", blend);
    if (auto b = agents::ParseBlend(blend)) {
        team.blend = *b;
    } else {
        r.Problem(t->get("blend"), TomlReader::Where(kT, "blend"),
                  fmt::format("'{}' is not a blend; write inbound, outbound or blended", blend));
    }
    if (const toml::node* node = t->get("skills")) {
        const toml::table* skills = node->as_table();
        if (skills == nullptr) {
            r.Problem(node, TomlReader::Where(kT, "skills"),
                      "write { sales = 1, complaints = 2 } (1 is the best level, 9 the lowest)");
        } else {
            for (auto&& [name, value] : *skills) {
                int level = 0;
                r.Number(skills, "inbound.teams.skills", name.str(), level, 1.0, 9.0);
                team.skills.push_back({std::string(name.str()), level});
            }
        }
    }
    for (const toml::table* p : r.Tables(
             t, kT, "pauses", "{ at = \"13:00\", minutes = 30, count = 5, reason = \"lunch\" }")) {
        constexpr std::string_view kP = "inbound.teams.pauses";
        r.Known(p, kP, {"at", "minutes", "count", "reason"});
        InboundPause pause;
        auto at = p->get("at") ? p->get("at")->value<std::string>() : std::nullopt;
        auto minute = at ? ParseClockTime(*at, "at") : Result<int>(std::unexpected(Error{}));
        if (!minute) {
            r.Problem(p->get("at") ? p->get("at") : p, TomlReader::Where(kP, "at"),
                      "write the time of day the pause starts, HH:MM on the call center's clock");
            continue;
        }
        pause.after = static_cast<Millis>(*minute - start_minute) * kMinuteMs;
        if (pause.after < 0 || pause.after >= length) {
            r.Problem(
                p->get("at"), TomlReader::Where(kP, "at"),
                fmt::format("{} is outside the day ({} for {} h)", *at,
                            FormatClockTime(start_minute), static_cast<double>(length) / 3.6e6));
        }
        double minutes = 0;
        r.Number(p, kP, "minutes", minutes, 1.0, 24.0 * 60);
        pause.length = static_cast<Millis>(std::llround(minutes * kMinuteMs));
        r.Number(p, kP, "count", pause.count, 1.0, 100'000.0);
        if (p->get("minutes") == nullptr || p->get("count") == nullptr)
            r.Problem(p, TomlReader::Where(kP, "minutes"), "give minutes and count");
        r.Text(p, kP, "reason", pause.reason);
        if (pause.reason.empty()) r.Problem(p, TomlReader::Where(kP, "reason"), "give a reason");
        team.pauses.push_back(pause);
    }
}

Result<std::optional<InboundDay>> Read(const toml::table& root, const std::string& file) {
    const toml::node* inbound_node = root.get("inbound");
    if (inbound_node == nullptr) return std::optional<InboundDay>();
    Reader r(file);
    if (const toml::node* campaign = root.get("campaign")) {
        r.Problem(campaign, "[campaign]",
                  "a blended day (both [inbound] and [campaign]) is not simulated yet; run the "
                  "inbound day and the campaign as two files");
        return std::unexpected(*r.error());
    }
    InboundDay day;
    day.name = file;
    r.Known(&root, "", {"name", "seed", "start", "days", "hours", "inbound"});
    r.Text(&root, "", "name", day.name);
    r.Number(&root, "", "seed", day.seed, 0.0, 9e15);
    if (const toml::node* node = root.get("days"); node && node->value<double>() != 1.0) {
        r.Problem(node, "days",
                  "an inbound scenario is one day (several days are the next step); write 1 or "
                  "leave it out");
    }
    double hours = 8;
    r.Number(&root, "", "hours", hours, 0.01, 24.0);
    day.length = static_cast<Millis>(std::llround(hours * 3.6e6));
    // 2026-12-01T09:00:00+03:00 by default: a Tuesday morning in Moscow.
    int start_minute = 9 * 60;
    day.start = (int64_t{*ParseDate("2026-12-01", "start")} * 86400 + 6 * 3600) * 1000;
    if (const toml::node* node = root.get("start")) {
        auto dt = node->value<toml::date_time>();
        auto date = dt ? ParseDate(fmt::format("{:04}-{:02}-{:02}", dt->date.year, dt->date.month,
                                               dt->date.day),
                                   "start")
                       : Result<int32_t>(std::unexpected(Error{}));
        if (!dt || !dt->offset || !date) {
            r.Problem(node, "start",
                      "write a date and time with its offset, e.g. 2026-12-01T09:00:00+03:00");
        } else {
            start_minute = dt->time.hour * 60 + dt->time.minute;
            const int64_t secs = int64_t{*date} * 86400 + dt->time.hour * 3600 +
                                 dt->time.minute * 60 + dt->time.second -
                                 int64_t{dt->offset->minutes} * 60;
            day.start = secs * 1000;
            day.center_utc_offset_minutes = dt->offset->minutes;
        }
    }

    const toml::table* in = inbound_node->as_table();
    if (in == nullptr) {
        r.Problem(inbound_node, "inbound", "write an [inbound] table");
        return std::unexpected(*r.error());
    }
    constexpr std::string_view kI = "inbound";
    r.Known(in, kI, {"ring_delay", "no_answer", "drain_minutes", "vip_target", "queues", "teams"});
    r.Duration(in, kI, "ring_delay", day.ring_delay);
    r.Share(in, kI, "no_answer", day.no_answer);
    double drain = static_cast<double>(day.drain) / kMinuteMs;
    r.Number(in, kI, "drain_minutes", drain, 0.0, 24.0 * 60);
    day.drain = static_cast<Millis>(std::llround(drain * kMinuteMs));
    r.Seconds(in, kI, "vip_target", day.vip_target, 3600.0);

    std::set<std::string> names;
    std::vector<const toml::table*> queue_tables =
        r.Tables(in, kI, "queues", "a [[inbound.queues]] table");
    if (queue_tables.empty() && !r.error())
        r.Problem(in, "[inbound]", "define at least one queue under [[inbound.queues]]");
    for (const toml::table* t : queue_tables) {
        InboundQueue q;
        ReadQueue(r, t, q);
        if (!q.spec.name.empty() && !names.insert(q.spec.name).second) {
            r.Problem(t->get("name"), "[[inbound.queues]] name",
                      fmt::format("queue '{}' is defined twice", q.spec.name));
        }
        day.queues.push_back(std::move(q));
    }
    std::set<std::string> teams;
    std::vector<const toml::table*> team_tables =
        r.Tables(in, kI, "teams", "a [[inbound.teams]] table");
    for (const toml::table* t : team_tables) {
        InboundTeam team;
        ReadTeam(r, t, team, start_minute, day.length);
        if (!team.name.empty() && !teams.insert(team.name).second) {
            r.Problem(t->get("name"), "[[inbound.teams]] name",
                      fmt::format("team '{}' is defined twice", team.name));
        }
        day.teams.push_back(std::move(team));
    }
    if (team_tables.empty() && !r.error())
        r.Problem(in, "[inbound]", "define at least one team of agents under [[inbound.teams]]");
    // Names that point nowhere, at the line that names them.
    for (size_t i = 0; i < day.queues.size() && i < queue_tables.size(); ++i) {
        const InboundQueue& q = day.queues[i];
        if (!q.vip_queue.empty() && !names.contains(q.vip_queue)) {
            r.Problem(queue_tables[i]->get("vip_queue"), "[[inbound.queues]] vip_queue",
                      fmt::format("no queue '{}'; the queues are {}", q.vip_queue,
                                  fmt::join(names, ", ")));
        }
        for (const std::string& member : q.spec.members) {
            // Agents are TEAM-001, TEAM-002, ...: a member must be one of them.
            bool found = false;
            for (const InboundTeam& t : day.teams) {
                for (int n = 1; n <= t.count && !found; ++n)
                    found = member == fmt::format("{}-{:03d}", t.name, n);
            }
            if (!found) {
                r.Problem(queue_tables[i]->get("members"), "[[inbound.queues]] members",
                          fmt::format("no agent '{}'; a team's agents are named after it: "
                                      "TEAM-001, TEAM-002, ...",
                                      member));
            }
        }
        for (const std::string& team : q.teams) {
            if (!teams.contains(team)) {
                r.Problem(
                    queue_tables[i]->get("teams"), "[[inbound.queues]] teams",
                    fmt::format("no team '{}'; the teams are {}", team, fmt::join(teams, ", ")));
            }
        }
    }
    if (r.error()) return std::unexpected(*r.error());
    return std::optional<InboundDay>(std::move(day));
}

}  // namespace

Result<std::optional<InboundDay>> ParseInboundScenario(std::string_view text,
                                                       const std::string& name) {
    try {
        toml::table root = toml::parse(text, name);
        return Read(root, name);
    } catch (const toml::parse_error& e) {
        return std::unexpected(TomlParseError(e, name, text, std::string(kHint)));
    }
}

Result<std::optional<InboundDay>> LoadInboundScenario(const std::string& path) {
    auto text = ReadWholeFile(path);
    if (!text) {
        return Fail(ErrorCode::kNotFound, fmt::format("{}: cannot open the scenario file", path),
                    "give the path of a .toml file; examples are in examples/scenarios");
    }
    return ParseInboundScenario(*text, path);
}

}  // namespace callbase::routing
