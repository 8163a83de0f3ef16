#include "campaigns/scenario_file.h"

#include <fmt/format.h>

#include <toml++/toml.h>

#include "core/clock_text.h"
#include "core/file.h"
#include "core/toml_reader.h"
#include "telephony/sim/duration_toml.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>

namespace callbase::campaigns {
namespace {

using telephony::Distribution;

constexpr std::string_view kHint = "see docs/simulation.md for every key and its meaning";

// The scenario's own kinds of value on top of the generic reader.
class Reader : public TomlReader {
public:
    explicit Reader(std::string file) : TomlReader(std::move(file), std::string(kHint)) {}

    // A duration of the simulated network (telephony/sim/duration_toml.h).
    void Duration(const toml::table* table, std::string_view section, std::string_view key,
                  Distribution& out) {
        telephony::ReadDuration(*this, table, section, key, out);
    }

    // "HH:MM" -> minutes after midnight.
    std::optional<int> Clock(const toml::node* node, std::string_view where) {
        auto v = node ? node->value<std::string>() : std::nullopt;
        auto minutes = v ? ParseClockTime(*v, where) : Result<int>(std::unexpected(Error{}));
        if (!minutes) {
            Problem(node, where, "write a time of day as HH:MM, 00:00 to 24:00");
            return std::nullopt;
        }
        return *minutes;
    }

    // A day's changes: [ { at = "HH:MM", KEY = ... } ] in `section`.`key`;
    // `item` reads each change's value from its table and returns whether it
    // was given. Each is named by its line when wrong.
    void Changes(const toml::table* section_table, std::string_view section, std::string_view key,
                 std::string_view value_key, std::string_view example,
                 const std::function<bool(const toml::table&, int at)>& item) {
        const toml::node* node = section_table ? section_table->get(key) : nullptr;
        if (node == nullptr) return;
        const std::string where = fmt::format("[{}] {}", section, key);
        const std::string dotted = fmt::format("{}.{}", section, key);
        const toml::array* changes = node->as_array();
        if (changes == nullptr) {
            Problem(node, where, fmt::format("write [ {} ]", example));
            return;
        }
        for (const toml::node& entry : *changes) {
            const toml::table* t = entry.as_table();
            if (t == nullptr) {
                Problem(&entry, where, fmt::format("each change is {}", example));
                continue;
            }
            Known(t, dotted, {"at", value_key});
            auto at = Clock(t->get("at"), where + " at");
            const bool given = item(*t, at.value_or(-1));
            if (!given) Problem(&entry, where, fmt::format("{} is missing", value_key));
        }
    }
};

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return int64_t{era} * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<Scenario> Read(const toml::table& root, const std::string& file) {
    Scenario s;
    s.name = file;
    Reader r(file);
    r.Known(&root, "",
            {"name", "seed", "start", "days", "hours", "agents", "campaign", "caller_ids", "leads",
             "network", "rules", "incoming"});
    r.Text(&root, "", "name", s.name);
    r.Number(&root, "", "seed", s.seed, 0.0, 9e15);
    r.Number(&root, "", "days", s.days, 1.0, 366.0);
    double hours = 8;
    r.Number(&root, "", "hours", hours, 0.01, 24.0);
    s.day_length = static_cast<Millis>(hours * 3'600'000);
    // 2026-12-01T09:00:00+03:00 by default: a Tuesday morning in Moscow.
    s.start = (DaysFromCivil(2026, 12, 1) * 86400 + 6 * 3600) * 1000;
    if (const toml::node* node = root.get("start")) {
        auto dt = node->value<toml::date_time>();
        if (!dt || !dt->offset) {
            r.Problem(node, "start",
                      "write a date and time with its offset, e.g. "
                      "2026-12-01T09:00:00+03:00");
        } else {
            int64_t days = DaysFromCivil(dt->date.year, dt->date.month, dt->date.day);
            int64_t secs = days * 86400 + dt->time.hour * 3600 + dt->time.minute * 60 +
                           dt->time.second - int64_t{dt->offset->minutes} * 60;
            s.start = secs * 1000;
            s.dialer.center_utc_offset_minutes = dt->offset->minutes;
            s.population.clock_utc_offset_minutes = dt->offset->minutes;
        }
    }

    const toml::table* agents = root["agents"].as_table();
    r.Known(agents, "agents", {"count", "wrap_up", "preview_read", "changes"});
    r.Number(agents, "agents", "count", s.agents, 1.0, 100'000.0);
    r.Changes(agents, "agents", "changes", "count", R"({ at = "11:00", count = 60 })",
              [&](const toml::table& t, int at) {
                  int count = -1;
                  r.Number(&t, "agents.changes", "count", count, 0.0, 100'000.0);
                  if (at >= 0 && count >= 0) s.agent_changes.emplace_back(at, count);
                  return count >= 0;
              });
    std::sort(s.agent_changes.begin(), s.agent_changes.end());
    double wrap = 10, read = 10;
    r.Number(agents, "agents", "wrap_up", wrap, 0.0, 3600.0);
    r.Number(agents, "agents", "preview_read", read, 0.0, 3600.0);
    s.dialer.wrap_up = static_cast<Millis>(wrap * 1000);
    s.dialer.preview_read = static_cast<Millis>(read * 1000);

    // Calls to the center that the campaign's operators take too (blended).
    const toml::table* incoming = root["incoming"].as_table();
    r.Known(incoming, "incoming", {"calls_per_hour", "patience"});
    r.Number(incoming, "incoming", "calls_per_hour", s.incoming_per_hour, 0.0, 1e6);
    double patience = 60;
    r.Number(incoming, "incoming", "patience", patience, 1.0, 3600.0);
    s.incoming_patience = static_cast<Millis>(patience * 1000);

    const toml::table* campaign = root["campaign"].as_table();
    constexpr std::string_view kC = "campaign";
    r.Known(campaign, kC,
            {"pacing", "ratio", "purpose", "abandon_limit", "abandon_window_minutes",
             "abandon_wait", "ring_timeout", "max_attempts", "max_lines", "retry",
             "robot_max_calls", "robot_calls_per_second", "script"});
    std::string pacing = "predictive";
    r.Text(campaign, kC, "pacing", pacing);
    if (auto p = ParsePacing(pacing)) {
        s.dialer.pacing.mode = *p;
    } else {
        r.Problem(campaign ? campaign->get("pacing") : nullptr, "[campaign] pacing",
                  fmt::format("'{}' is not a pacing mode; write preview, progressive, "
                              "predictive, ratio or robot",
                              pacing));
    }
    auto& pace = s.dialer.pacing;
    r.Number(campaign, kC, "ratio", pace.ratio, 0.1, 50.0);
    r.Text(campaign, kC, "purpose", s.dialer.purpose);
    r.Number(campaign, kC, "abandon_limit", pace.abandon_limit, 0.0, 1.0);
    double window_min = 60, abandon_wait = 2, ring = 25;
    r.Number(campaign, kC, "abandon_window_minutes", window_min, 1.0, 60.0 * 24 * 31);
    r.Number(campaign, kC, "abandon_wait", abandon_wait, 0.0, 60.0);
    r.Number(campaign, kC, "ring_timeout", ring, 1.0, 300.0);
    pace.abandon_window = static_cast<Millis>(window_min * 60'000);
    s.dialer.abandon_wait = static_cast<Millis>(abandon_wait * 1000);
    s.dialer.ring_timeout = static_cast<Millis>(ring * 1000);
    r.Number(campaign, kC, "max_attempts", s.dialer.max_attempts, 1.0, 100.0);
    r.Number(campaign, kC, "max_lines", s.dialer.max_lines, 0.0, 1e6);
    r.Number(campaign, kC, "robot_max_calls", pace.robot_max_calls, 1.0, 1e6);
    r.Number(campaign, kC, "robot_calls_per_second", pace.robot_calls_per_second, 0.01, 1e5);
    if (const toml::node* node = campaign ? campaign->get("script") : nullptr) {
        // A robot's script, relative to the scenario file.
        auto path = node->value<std::string>();
        if (!path) {
            r.Problem(node, "[campaign] script", "the path of a robot script (YAML)");
        } else {
            std::filesystem::path p(*path);
            if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
            auto script = ivr::LoadScript(p.string());
            if (!script) {
                r.Problem(node, "[campaign] script", script.error().message);
            } else {
                for (const auto& problem : ivr::CheckRobotScript(*script)) {
                    if (problem.error) {
                        r.Problem(node, "[campaign] script",
                                  fmt::format("{}: {}", problem.where, problem.message));
                    }
                }
                s.script = std::make_shared<const ivr::Script>(std::move(*script));
            }
        }
    }
    if (const toml::node* node = campaign ? campaign->get("retry") : nullptr) {
        const toml::table* retry = node->as_table();
        if (retry == nullptr) {
            r.Problem(node, "[campaign] retry",
                      "write { busy = 1800, no_answer = 14400 } (seconds per outcome)");
        } else {
            r.Known(retry, "campaign.retry",
                    {"busy", "no_answer", "rejected", "failed", "abandoned"});
            s.dialer.retries.clear();
            for (auto&& [key, value] : *retry) {
                int64_t seconds = 0;
                r.Number(retry, "campaign.retry", key.str(), seconds, 0.0, 86400.0 * 365);
                s.dialer.retries.push_back({std::string(key.str()), seconds});
            }
        }
    }

    const toml::table* ids = root["caller_ids"].as_table();
    r.Known(ids, "caller_ids", {"count", "daily_cap", "warn_share", "local_presence"});
    r.Number(ids, "caller_ids", "count", s.caller_ids, 1.0, 1e6);
    r.Number(ids, "caller_ids", "daily_cap", s.pool.daily_cap, 1.0, 1e6);
    r.Share(ids, "caller_ids", "warn_share", s.pool.warn_share);
    r.Flag(ids, "caller_ids", "local_presence", s.pool.local_presence);

    const toml::table* leads = root["leads"].as_table();
    constexpr std::string_view kL = "leads";
    r.Known(leads, kL,
            {"count", "unknown_zone", "stop_list", "not_now", "registry", "consent", "revoked",
             "deletion", "inactive", "dialed_before"});
    auto& mix = s.leads;
    r.Number(leads, kL, "count", mix.count, 1.0, 1e8);
    r.Share(leads, kL, "unknown_zone", mix.unknown_zone);
    r.Share(leads, kL, "stop_list", mix.stop_list);
    r.Share(leads, kL, "not_now", mix.not_now);
    r.Share(leads, kL, "registry", mix.registry);
    r.Share(leads, kL, "consent", mix.consent);
    r.Share(leads, kL, "revoked", mix.revoked);
    r.Share(leads, kL, "deletion", mix.deletion);
    r.Share(leads, kL, "inactive", mix.inactive);
    r.Share(leads, kL, "dialed_before", mix.dialed_before);

    const toml::table* net = root["network"].as_table();
    constexpr std::string_view kN = "network";
    r.Known(
        net, kN,
        {"answer_rate", "answer_rate_changes", "busy", "rejected", "failed", "invalid", "machine",
         "ring_time", "talk_time", "machine_talk", "patience", "keys", "hangup_in_prompt"});
    auto& pop = s.population;
    double rate = 0.30;
    r.Share(net, kN, "answer_rate", rate);
    pop.answer_rate = {{0, rate}};
    r.Changes(net, kN, "answer_rate_changes", "rate", R"({ at = "13:00", rate = 0.15 })",
              [&](const toml::table& t, int at) {
                  double v = -1;
                  r.Share(&t, "network.answer_rate_changes", "rate", v);
                  if (at >= 0 && v >= 0) pop.answer_rate.emplace_back(at, v);
                  return v >= 0;
              });
    std::sort(pop.answer_rate.begin() + 1, pop.answer_rate.end());
    r.Share(net, kN, "busy", pop.busy);
    r.Share(net, kN, "rejected", pop.rejected);
    r.Share(net, kN, "failed", pop.failed);
    r.Share(net, kN, "invalid", pop.invalid);
    r.Share(net, kN, "machine", pop.machine);
    if (pop.busy + pop.rejected + pop.failed > 1.0) {
        r.Problem(net, "[network] busy + rejected + failed", "the shares add up to more than 1");
    }
    r.Duration(net, kN, "ring_time", pop.ring_time);
    r.Duration(net, kN, "talk_time", pop.talk_time);
    r.Duration(net, kN, "machine_talk", pop.machine_talk);
    r.Duration(net, kN, "patience", pop.patience);
    r.Share(net, kN, "hangup_in_prompt", pop.hangup_in_prompt);
    if (const toml::node* node = net ? net->get("keys") : nullptr) {
        const toml::table* keys = node->as_table();
        if (keys == nullptr) {
            r.Problem(node, "[network] keys", "write { \"1\" = 0.45, \"2\" = 0.35, none = 0.2 }");
        } else {
            pop.keys.clear();
            for (auto&& [key, value] : *keys) {
                double w = 0;
                r.Number(keys, "network.keys", key.str(), w, 0.0, 1e6);
                pop.keys.emplace_back(key.str() == "none" ? "" : std::string(key.str()), w);
            }
        }
    }

    const toml::table* rules = root["rules"].as_table();
    constexpr std::string_view kR = "rules";
    r.Known(rules, kR,
            {"window", "weekdays", "max_attempts", "attempt_period_days", "min_gap_minutes",
             "purposes_without_consent", "default_utc_offset"});
    auto& cr = s.rules;
    if (const toml::node* node = rules ? rules->get("window") : nullptr) {
        auto v = node->value<std::string>();
        auto dash = v ? v->find('-') : std::string::npos;
        if (dash == std::string::npos) {
            r.Problem(node, "[rules] window", "write HH:MM-HH:MM, e.g. 09:00-20:00");
        } else {
            toml::value<std::string> a(v->substr(0, dash)), b(v->substr(dash + 1));
            auto from = r.Clock(&a, "[rules] window");
            auto to = r.Clock(&b, "[rules] window");
            if (!from || !to)
                r.Problem(node, "[rules] window", "write HH:MM-HH:MM, e.g. 09:00-20:00");
            if (from && to && *from >= *to) {
                r.Problem(node, "[rules] window", "the window must start before it ends");
            } else if (from && to) {
                cr.window_start_minute = *from;
                cr.window_end_minute = *to;
            }
        }
    }
    if (const toml::node* node = rules ? rules->get("weekdays") : nullptr) {
        const toml::array* days = node->as_array();
        cr.weekdays = 0;
        if (days == nullptr) r.Problem(node, "[rules] weekdays", "write [\"mon\", \"tue\", ...]");
        for (const toml::node& d : days ? *days : toml::array{}) {
            auto v = d.value<std::string>();
            std::optional<int> bit = v ? ParseWeekday(*v) : std::nullopt;
            if (!bit) {
                r.Problem(&d, "[rules] weekdays", "days are mon, tue, wed, thu, fri, sat, sun");
            } else {
                cr.weekdays = static_cast<uint8_t>(cr.weekdays | (1 << *bit));
            }
        }
        if (cr.weekdays == 0) r.Problem(node, "[rules] weekdays", "give at least one day");
    }
    r.Number(rules, kR, "max_attempts", cr.max_attempts, 0.0, 1000.0);
    double period_days = 7, gap_min = 30;
    r.Number(rules, kR, "attempt_period_days", period_days, 0.0, 366.0);
    r.Number(rules, kR, "min_gap_minutes", gap_min, 0.0, 60.0 * 24 * 30);
    cr.attempt_period = static_cast<int64_t>(period_days * 86400);
    cr.min_gap = static_cast<int64_t>(gap_min * 60);
    r.Number(rules, kR, "default_utc_offset", cr.default_utc_offset_minutes, -720.0, 840.0);
    if (const toml::node* node = rules ? rules->get("purposes_without_consent") : nullptr) {
        cr.purposes_without_consent.clear();
        const toml::array* list = node->as_array();
        if (list == nullptr) r.Problem(node, "[rules] purposes_without_consent", "write a list");
        for (const toml::node& p : list ? *list : toml::array{}) {
            if (auto v = p.value<std::string>()) cr.purposes_without_consent.push_back(*v);
        }
    }
    if (r.error()) return std::unexpected(*r.error());
    return s;
}

Result<Scenario> Parse(std::string_view text, const std::string& name) {
    try {
        toml::table root = toml::parse(text, name);
        return Read(root, name);
    } catch (const toml::parse_error& e) {
        return std::unexpected(TomlParseError(e, name, text, std::string(kHint)));
    }
}

}  // namespace

Result<Scenario> ReadScenarioFile(const std::string& path) {
    auto text = ReadWholeFile(path);
    if (!text) {
        return Fail(ErrorCode::kNotFound, fmt::format("{}: cannot open the scenario file", path),
                    "give the path of a .toml file; examples are in examples/scenarios");
    }
    return Parse(*text, path);
}

Result<Scenario> ReadScenarioText(std::string_view text, const std::string& name) {
    return Parse(text, name);
}

}  // namespace callbase::campaigns
