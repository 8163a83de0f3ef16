#include "routing/routing_book.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/json_text.h"

namespace callbase::routing {
namespace {

using nlohmann::json;

constexpr std::string_view kSettingsHint = "see docs/routing.md for every setting and its meaning";

// Reads settings from JSON the way core/toml_reader.h reads a file: the first
// problem is kept (what, where, which key) and the reading after it goes on
// harmlessly, so a reader of many keys needs no check after each.
class Settings {
public:
    explicit Settings(const json& j) : j_(j) {}

    // Only these keys, in an object.
    void Keys(const json& j, const std::string& where,
              std::initializer_list<std::string_view> keys) {
        if (!j.is_object()) {
            return Problem(ErrorCode::kInvalidInput,
                           Msg{"routing.setting_object",
                               "{where}: the settings must be a JSON object", kSettingsHint},
                           {{"where", where}});
        }
        if (auto ok = OnlyKeys(j, where, keys); !ok) Problem(ok.error());
    }

    template <typename T>
    void Get(const json& j, const std::string& where, const char* key, T& out) {
        if (error || !j.contains(key)) return;
        try {
            out = j.at(key).get<T>();
        } catch (const json::exception&) {
            Problem(ErrorCode::kInvalidInput,
                    Msg{"routing.setting_type", "{where}: {key} has the wrong type", kSettingsHint},
                    {{"where", where}, {"key", key}});
        }
    }
    template <typename T>
    void Get(const std::string& where, const char* key, T& out) {
        Get(j_, where, key, out);
    }

    // A whole number from `min` to `max`.
    void Range(const json& j, const std::string& where, const char* key, int& out, int min,
               int max) {
        Get(j, where, key, out);
        if (!error && (out < min || out > max)) {
            Problem(ErrorCode::kInvalidInput,
                    Msg{"routing.setting_range", "{where}: {key} must be {min} to {max}",
                        kSettingsHint},
                    {{"where", where},
                     {"key", key},
                     {"min", std::to_string(min)},
                     {"max", std::to_string(max)}});
        }
    }
    void Range(const std::string& where, const char* key, int& out, int min, int max) {
        Range(j_, where, key, out, min, max);
    }

    // Seconds in JSON, milliseconds inside.
    void Seconds(const json& j, const std::string& where, const char* key, Millis& out,
                 double min = 0, double max = 86'400) {
        if (error || !j.contains(key)) return;
        const json& v = j.at(key);
        if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) {
            auto shown = [](double x) { return fmt::format("{:g}", x); };
            return Problem(
                ErrorCode::kInvalidInput,
                Msg{"routing.setting_seconds",
                    "{where}: {key} must be a number of seconds from {min} to {max}",
                    kSettingsHint},
                {{"where", where}, {"key", key}, {"min", shown(min)}, {"max", shown(max)}});
        }
        out = static_cast<Millis>(v.get<double>() * 1000);
    }
    void Seconds(const std::string& where, const char* key, Millis& out, double min = 0,
                 double max = 86'400) {
        Seconds(j_, where, key, out, min, max);
    }

    void Problem(ErrorCode code, Msg msg, MessageParams params) {
        if (!error) error = Coded(code, msg, std::move(params));
    }
    void Problem(Error e) {
        if (!error) error = std::move(e);
    }

    std::optional<Error> error;

private:
    const json& j_;
};

}  // namespace

Result<void> OnlyKeys(const json& j, const std::string& where,
                      std::initializer_list<std::string_view> keys) {
    for (const auto& [key, value] : j.items()) {
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        std::string known;
        for (auto k : keys)
            known += (known.empty() ? "" : ", ") + std::string(k);
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"routing.unknown_key", "{where}: unknown key '{key}'", "known keys: {known}"},
            {{"where", where}, {"key", key}, {"known", known}});
    }
    return {};
}

json NumberJson(const Number& n) {
    return {{"number", n.number},
            {"extension", n.extension},
            {"route", RouteText(n.route)},
            {"label", n.label}};
}

json PauseReasonJson(const PauseReason& r) {
    return {{"code", r.code}, {"label", r.label}, {"paid", r.paid}, {"max_minutes", r.max_minutes}};
}

json PauseReasonLabels(const std::vector<PauseReason>& reasons) {
    json labels = json::object();
    for (const auto& r : reasons) {
        if (!r.label.empty()) labels[r.code] = r.label;
    }
    return labels;
}

json QueueJson(const QueueSpec& q) {
    json widen = json::array();
    for (const auto& [after, level] : q.widen)
        widen.push_back({{"after", after / 1000.0}, {"level", level}});
    return {{"name", q.name},
            {"strategy", StrategyId(q.strategy)},
            {"skill", q.skill},
            {"members", q.members},
            {"first_level", q.first_level},
            {"widen", widen},
            {"max_wait", q.max_wait / 1000.0},
            {"offer_timeout", q.offer_timeout / 1000.0},
            {"priority_step", q.priority_step / 1000.0},
            {"sl_threshold", q.sl_threshold / 1000.0},
            {"short_abandon", q.short_abandon / 1000.0},
            {"join_when_empty", q.join_when_empty},
            {"leave_when_empty", q.leave_when_empty},
            {"exit_route", q.exit_route},
            {"announce_every", q.announce_every / 1000.0},
            {"callback", q.callback},
            {"language", q.language}};
}

Result<QueueSpec> QueueFromJson(const json& j) {
    QueueSpec q;
    Settings in(j);
    in.Keys(j, "queue",
            {"name", "strategy", "skill", "members", "first_level", "widen", "max_wait",
             "offer_timeout", "priority_step", "sl_threshold", "short_abandon", "join_when_empty",
             "leave_when_empty", "exit_route", "announce_every", "callback", "language"});
    in.Get("queue", "name", q.name);
    if (in.error) return std::unexpected(*in.error);
    const std::string where = q.name.empty() ? "queue" : "queue " + q.name;
    if (q.name.empty() || q.name.find_first_of(" :/") != std::string::npos) {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.setting_name",
                       "{where}: a queue's name is one word (letters, digits, - or _)",
                       "e.g. sales, support, vip"},
                   {{"where", where}});
    }
    std::string strategy = "longest_idle";
    in.Get(where, "strategy", strategy);
    if (auto parsed = ParseStrategy(strategy)) {
        q.strategy = *parsed;
    } else {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.setting_strategy", "{where}: strategy '{value}' does not exist",
                       "write longest_idle, round_robin, fixed_order, fewest_calls, least_talk, "
                       "random or ring_all"},
                   {{"where", where}, {"value", strategy}});
    }
    in.Get(where, "skill", q.skill);
    in.Get(where, "members", q.members);
    in.Range(where, "first_level", q.first_level, 1, 9);
    const std::string widen_where = where + " widen";
    if (j.contains("widen") && !j.at("widen").is_array()) {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.setting_type", "{where}: {key} has the wrong type", kSettingsHint},
                   {{"where", where}, {"key", "widen"}});
    } else if (j.contains("widen")) {
        for (const json& step : j.at("widen")) {
            in.Keys(step, widen_where, {"after", "level"});
            Millis after = 0;
            int level = 1;
            in.Seconds(step, widen_where, "after", after);
            in.Range(step, widen_where, "level", level, 1, 9);
            q.widen.emplace_back(after, level);
        }
    }
    in.Seconds(where, "max_wait", q.max_wait);
    in.Seconds(where, "offer_timeout", q.offer_timeout, 1, 600);
    in.Seconds(where, "priority_step", q.priority_step);
    in.Seconds(where, "sl_threshold", q.sl_threshold, 0, 3600);
    in.Seconds(where, "short_abandon", q.short_abandon, 0, 600);
    in.Get(where, "join_when_empty", q.join_when_empty);
    in.Get(where, "leave_when_empty", q.leave_when_empty);
    in.Get(where, "exit_route", q.exit_route);
    in.Seconds(where, "announce_every", q.announce_every, 0, 3600);
    if (!in.error && q.announce_every > 0 && q.announce_every < 10'000) {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.announce_often",
                       "{where}: announce_every must be 0 (never) or at least 10 seconds",
                       "a caller who hears their place more often than that hears nothing else"},
                   {{"where", where}});
    }
    in.Get(where, "callback", q.callback);
    if (!in.error && q.callback && q.announce_every == 0) {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.callback_silent",
                       "{where}: a callback is offered in the queue's announcements, and it makes "
                       "none",
                       "set announce_every (e.g. 30) as well, or callback to false"},
                   {{"where", where}});
    }
    in.Get(where, "language", q.language);
    if (!in.error && q.language != "ru" && q.language != "en") {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.queue_language",
                       "{where}: the announcements' language '{value}' is not offered",
                       "write ru (Russian) or en (English)"},
                   {{"where", where}, {"value", q.language}});
    }
    if (!in.error && !q.exit_route.empty()) {
        if (auto r = ParseRoute(q.exit_route); !r) in.Problem(r.error());
    }
    if (in.error) return std::unexpected(*in.error);
    return q;
}

namespace {

bool SkillName(std::string_view name) {
    return !name.empty() && name.size() <= 32 &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

Result<void> CheckSkills(const std::vector<agents::Skill>& skills, const std::string& where) {
    std::set<std::string> seen;
    for (const auto& s : skills) {
        if (!SkillName(s.name)) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"routing.skill_name", "{where}: '{skill}' is not a skill's name",
                            "use up to 32 small Latin letters, digits, - and _: senior, sales"},
                        {{"where", where}, {"skill", s.name}});
        }
        if (s.level < 1 || s.level > 9) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"routing.skill_level",
                            "{where}: skill {skill} has level {level}; levels are 1 to 9",
                            "1 is the best: a queue takes level 1 first and widens to 2, 3… as "
                            "callers wait"},
                        {{"where", where}, {"skill", s.name}, {"level", std::to_string(s.level)}});
        }
        if (!seen.insert(s.name).second) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"routing.skill_twice", "{where}: skill {skill} is given twice",
                            "give each skill once, with its level"},
                        {{"where", where}, {"skill", s.name}});
        }
    }
    return {};
}

}  // namespace

json AgentProfileJson(const agents::AgentSpec& a) {
    json skills = json::array();
    for (const auto& s : a.skills)
        skills.push_back({{"name", s.name}, {"level", s.level}});
    return {{"agent", a.id}, {"blend", agents::BlendId(a.blend)}, {"skills", skills}};
}

Result<agents::AgentSpec> AgentProfileFromJson(const json& j) {
    agents::AgentSpec a;
    Settings in(j);
    in.Keys(j, "operator", {"agent", "blend", "skills"});
    in.Get("operator", "agent", a.id);
    const std::string where = a.id.empty() ? "operator" : "operator " + a.id;
    std::string blend = "blended";
    in.Get(where, "blend", blend);
    if (auto parsed = agents::ParseBlend(blend)) {
        a.blend = *parsed;
    } else {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.setting_blend", "{where}: blend '{value}' does not exist",
                       "write blended (incoming and outgoing calls), inbound or outbound"},
                   {{"where", where}, {"value", blend}});
    }
    if (j.contains("skills") && !j.at("skills").is_array()) {
        in.Problem(ErrorCode::kInvalidInput,
                   Msg{"routing.setting_type", "{where}: {key} has the wrong type", kSettingsHint},
                   {{"where", where}, {"key", "skills"}});
    } else if (j.contains("skills")) {
        for (const json& s : j.at("skills")) {
            in.Keys(s, where + " skills", {"name", "level"});
            agents::Skill skill;
            in.Get(s, where, "name", skill.name);
            in.Get(s, where, "level", skill.level);
            a.skills.push_back(std::move(skill));
        }
    }
    if (in.error) return std::unexpected(*in.error);
    if (auto ok = CheckSkills(a.skills, where); !ok) return std::unexpected(ok.error());
    return a;
}

Result<std::vector<agents::Skill>> ParseSkills(std::string_view text) {
    std::vector<agents::Skill> out;
    size_t at = 0;
    while (at <= text.size()) {
        size_t comma = text.find(',', at);
        if (comma == std::string_view::npos) comma = text.size();
        std::string_view item = text.substr(at, comma - at);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        at = comma + 1;
        if (item.empty()) continue;
        agents::Skill skill{std::string(item), 1};
        if (size_t colon = item.find(':'); colon != std::string_view::npos) {
            skill.name = std::string(item.substr(0, colon));
            const std::string_view level = item.substr(colon + 1);
            if (level.size() != 1 || level[0] < '0' || level[0] > '9') {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"routing.skill_text", "'{item}' is not a skill with a level",
                                "write skills as senior:1,sales:2 (a level from 1 to 9)"},
                            {{"item", std::string(item)}});
            }
            skill.level = level[0] - '0';
        }
        out.push_back(std::move(skill));
    }
    if (auto ok = CheckSkills(out, "skills"); !ok) return std::unexpected(ok.error());
    return out;
}

std::string SkillsText(const std::vector<agents::Skill>& skills) {
    std::string out;
    for (const auto& s : skills)
        out += fmt::format("{}{}:{}", out.empty() ? "" : ",", s.name, s.level);
    return out;
}

json RulesJson(const RuleSettings& r) {
    return {{"black_enabled", r.black_enabled},
            {"black_action", RouteText(r.black_action)},
            {"vip_enabled", r.vip_enabled},
            {"vip_queue", r.vip_queue},
            {"vip_priority", r.vip_priority},
            {"complaints_enabled", r.complaints_enabled},
            {"complaints_threshold", r.complaints_threshold},
            {"complaints_days", r.complaints_days},
            {"complaint_category", r.complaint_category},
            {"complaints_queue", r.complaints_queue}};
}

Result<RuleSettings> RulesFromJson(const json& j) {
    RuleSettings r;
    const std::string where = "rules";
    Settings in(j);
    in.Keys(j, where,
            {"black_enabled", "black_action", "vip_enabled", "vip_queue", "vip_priority",
             "complaints_enabled", "complaints_threshold", "complaints_days", "complaint_category",
             "complaints_queue"});
    in.Get(where, "black_enabled", r.black_enabled);
    std::string action = RouteText(r.black_action);
    in.Get(where, "black_action", action);
    if (!in.error) {
        auto route = ParseRoute(action);
        if (!route) {
            in.Problem(route.error());
        } else if (route->target != Target::kReject && route->target != Target::kMessage) {
            in.Problem(ErrorCode::kInvalidInput,
                       Msg{"routing.setting_black_action",
                           "rules: black_action '{route}': a black-listed caller is never queued",
                           "write reject:603, reject:403 or message:TEXT"},
                       {{"route", action}});
        } else {
            r.black_action = *route;
        }
    }
    in.Get(where, "vip_enabled", r.vip_enabled);
    in.Get(where, "vip_queue", r.vip_queue);
    in.Range(where, "vip_priority", r.vip_priority, 0, 100);
    in.Get(where, "complaints_enabled", r.complaints_enabled);
    in.Range(where, "complaints_threshold", r.complaints_threshold, 0, 1000);
    in.Range(where, "complaints_days", r.complaints_days, 1, 366);
    in.Get(where, "complaint_category", r.complaint_category);
    in.Get(where, "complaints_queue", r.complaints_queue);
    if (in.error) return std::unexpected(*in.error);
    return r;
}

Result<std::vector<QueueSpec>> RoutingBook::Queues() {
    auto rows = store_.Query("SELECT spec FROM routing_queues ORDER BY name");
    if (!rows) return std::unexpected(rows.error());
    std::vector<QueueSpec> out;
    for (const auto& row : *rows) {
        auto q = QueueFromJson(json::parse(row.Text(0), nullptr, false));
        if (!q) return std::unexpected(q.error());
        out.push_back(std::move(*q));
    }
    return out;
}

Result<RoutingBook::Config> RoutingBook::Load() {
    Config c;
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    auto rules = Rules();
    if (!rules) return std::unexpected(rules.error());
    return Config{std::move(*numbers), std::move(*queues), std::move(*rules)};
}

Result<Router> RoutingBook::Make(const Config& c) {
    std::vector<std::string> names;
    for (const auto& q : c.queues)
        names.push_back(q.name);
    // A queue's exit to another queue must name one that exists.
    for (const auto& q : c.queues) {
        if (q.exit_route.empty()) continue;
        auto route = ParseRoute(q.exit_route);
        if (route && route->target == Target::kQueue &&
            std::find(names.begin(), names.end(), route->name) == names.end()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"routing.missing_queue", "{where}: there is no queue '{queue}'",
                            "create the queue first, or name one that exists"},
                        {{"where", "queue " + q.name + " exit_route"}, {"queue", route->name}});
        }
    }
    return Router::Make(c.numbers, c.rules, names);
}

Result<void> RoutingBook::PutQueue(const QueueSpec& queue) {
    auto checked = QueueFromJson(QueueJson(queue));  // the same checks as a file or the API
    if (!checked) return std::unexpected(checked.error());
    auto c = Load();
    if (!c) return std::unexpected(c.error());
    std::erase_if(c->queues, [&](const QueueSpec& q) { return q.name == queue.name; });
    c->queues.push_back(queue);
    if (auto ok = Make(*c); !ok) return std::unexpected(ok.error());
    auto done = store_.Exec(
        "INSERT INTO routing_queues (name, spec, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        {queue.name, JsonText(QueueJson(queue)), clock_.Now(), actor_});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<void> RoutingBook::RemoveQueue(const std::string& name) {
    auto c = Load();
    if (!c) return std::unexpected(c.error());
    if (std::erase_if(c->queues, [&](const QueueSpec& q) { return q.name == name; }) == 0) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_queue", "no queue '{queue}'", "define the queue first"},
                    {{"queue", name}});
    }
    // Still in use: Make names the number, rule or queue that routes to it.
    if (auto ok = Make(*c); !ok) return std::unexpected(ok.error());
    auto done = store_.Exec("DELETE FROM routing_queues WHERE name = $1", {name});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<std::vector<Number>> RoutingBook::Numbers() {
    auto rows = store_.Query(
        "SELECT number, extension, route, label FROM routing_numbers ORDER BY extension, number");
    if (!rows) return std::unexpected(rows.error());
    std::vector<Number> out;
    for (const auto& row : *rows) {
        auto route = ParseRoute(row.Text(2));
        if (!route) return std::unexpected(route.error());
        out.push_back({row.Text(0), row.Int(1) != 0, *route, row.Text(3)});
    }
    return out;
}

Result<void> RoutingBook::PutNumber(const Number& number) {
    if (number.number.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.no_number", "a number or an extension is needed",
                        "give a number (+7 495 …) or an extension (101)"});
    }
    auto c = Load();
    if (!c) return std::unexpected(c.error());
    std::erase_if(c->numbers, [&](const Number& n) { return n.number == number.number; });
    c->numbers.push_back(number);
    if (auto ok = Make(*c); !ok) return std::unexpected(ok.error());
    auto done = store_.Exec(
        "INSERT INTO routing_numbers (number, extension, route, label, updated_at, updated_by) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number) DO UPDATE SET extension = "
        "excluded.extension, route = excluded.route, label = excluded.label, updated_at = "
        "excluded.updated_at, updated_by = excluded.updated_by",
        {number.number, int64_t{number.extension ? 1 : 0}, RouteText(number.route), number.label,
         clock_.Now(), actor_});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<void> RoutingBook::RemoveNumber(const std::string& number) {
    auto c = Load();
    if (!c) return std::unexpected(c.error());
    if (std::erase_if(c->numbers, [&](const Number& n) { return n.number == number; }) == 0) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_number_found", "{number} has no route", "see routing numbers"},
                    {{"number", number}});
    }
    if (auto ok = Make(*c); !ok) return std::unexpected(ok.error());  // an extension still used
    auto done = store_.Exec("DELETE FROM routing_numbers WHERE number = $1", {number});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<RuleSettings> RoutingBook::Rules() {
    auto rows = store_.Query("SELECT rules FROM routing_settings WHERE id = 1");
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return RuleSettings{};
    return RulesFromJson(json::parse(rows->front().Text(0), nullptr, false));
}

Result<void> RoutingBook::SetRules(const RuleSettings& rules) {
    auto checked = RulesFromJson(RulesJson(rules));
    if (!checked) return std::unexpected(checked.error());
    auto c = Load();
    if (!c) return std::unexpected(c.error());
    c->rules = rules;
    if (auto ok = Make(*c); !ok) return std::unexpected(ok.error());
    auto done = store_.Exec(
        "INSERT INTO routing_settings (id, rules, updated_at, updated_by) VALUES (1, $1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        {JsonText(RulesJson(rules)), clock_.Now(), actor_});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<std::vector<PauseReason>> RoutingBook::PauseReasons() {
    auto rows = store_.Query(
        "SELECT code, label, paid, max_minutes, position FROM pause_reasons ORDER BY position, "
        "code",
        {});
    if (!rows) return std::unexpected(rows.error());
    std::vector<PauseReason> out;
    for (const auto& row : *rows) {
        out.push_back({row.Text(0), row.Text(1), row.Int(2) != 0, static_cast<int>(row.Int(3)),
                       static_cast<int>(row.Int(4))});
    }
    return out;
}

Result<void> RoutingBook::PutPauseReason(const PauseReason& reason) {
    const std::string& code = reason.code;
    if (code.empty() || code.size() > 32 ||
        code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.pause_code", "'{code}' is not a pause reason's code",
                        "use up to 32 small Latin letters, digits and _: lunch, coaching"},
                    {{"code", code}});
    }
    if (code == "desk_gone" || code == "no_answer") {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.pause_server_own",
                        "{code} is the server's own reason (desk_gone: the operator's desk went "
                        "away; no_answer: their phone did not take a call)",
                        "choose another code"},
                    {{"code", code}});
    }
    if (reason.max_minutes < 0) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.pause_limit", "a pause's limit cannot be negative",
                        "give the minutes a pause may last, or 0 for no limit"});
    }
    auto have = store_.Query("SELECT position FROM pause_reasons WHERE code = $1", {code});
    if (!have) return std::unexpected(have.error());
    if (have->empty()) {
        if (reason.label.empty()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"routing.pause_label", "the new pause reason '{code}' needs a label",
                            "give the words operators see: --label \"Обучение новичков\""},
                        {{"code", code}});
        }
        auto last = store_.QueryValue("SELECT COALESCE(MAX(position), 0) FROM pause_reasons", {});
        if (!last) return std::unexpected(last.error());
        auto added = store_.Exec(
            "INSERT INTO pause_reasons (code, label, paid, max_minutes, position) VALUES ($1, $2, "
            "$3, $4, $5)",
            {code, reason.label, int64_t{reason.paid}, int64_t{reason.max_minutes},
             store::Row({*last}).Int(0) + 1});
        if (!added) return std::unexpected(added.error());
        return {};
    }
    auto changed = store_.Exec(
        "UPDATE pause_reasons SET label = $2, paid = $3, max_minutes = $4 WHERE code = $1",
        {code, reason.label, int64_t{reason.paid}, int64_t{reason.max_minutes}});
    if (!changed) return std::unexpected(changed.error());
    return {};
}

Result<bool> RoutingBook::RemovePauseReason(const std::string& code) {
    auto done = store_.Exec("DELETE FROM pause_reasons WHERE code = $1", {code});
    if (!done) return std::unexpected(done.error());
    return *done > 0;
}

Result<void> RoutingBook::CheckPauseReason(const std::string& code) {
    auto reasons = PauseReasons();
    if (!reasons) return std::unexpected(reasons.error());
    std::string codes;
    for (const auto& r : *reasons) {
        if (r.code == code) return {};
        codes += (codes.empty() ? "" : ", ") + r.code;
    }
    return Fail(ErrorCode::kInvalidInput,
                Msg{"routing.no_pause_reason", "there is no pause reason '{code}'",
                    "choose one of: {codes}"},
                {{"code", code}, {"codes", codes}});
}

Result<std::vector<agents::AgentSpec>> RoutingBook::AgentProfiles() {
    auto rows = store_.Query("SELECT agent, blend, skills FROM agent_profiles ORDER BY agent", {});
    if (!rows) return std::unexpected(rows.error());
    std::vector<agents::AgentSpec> out;
    for (const auto& row : *rows) {
        json j{{"agent", row.Text(0)}, {"blend", row.Text(1)}};
        try {
            j["skills"] = json::parse(row.Text(2));
        } catch (const json::exception&) {
            j["skills"] = json::array();
        }
        auto a = AgentProfileFromJson(j);
        if (!a) return std::unexpected(a.error());
        out.push_back(std::move(*a));
    }
    return out;
}

Result<void> RoutingBook::PutAgentProfile(const agents::AgentSpec& profile) {
    if (auto ok = CheckSkills(profile.skills, "operator " + profile.id); !ok) return ok;
    auto user = store_.Query("SELECT role FROM users WHERE name = $1", {profile.id});
    if (!user) return std::unexpected(user.error());
    if (user->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_operator", "there is no user '{agent}'",
                        "give an operator's login: `callbase user list` shows them"},
                    {{"agent", profile.id}});
    }
    json skills = AgentProfileJson(profile)["skills"];
    auto done = store_.Exec(
        "INSERT INTO agent_profiles (agent, team, blend, skills, updated_at, updated_by) VALUES "
        "($1, '', $2, $3, $4, $5) ON CONFLICT (agent) DO UPDATE SET blend = excluded.blend, "
        "skills = excluded.skills, updated_at = excluded.updated_at, updated_by = "
        "excluded.updated_by",
        {profile.id, std::string(agents::BlendId(profile.blend)), JsonText(skills), clock_.Now(),
         actor_});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<bool> RoutingBook::RemoveAgentProfile(const std::string& agent) {
    auto done = store_.Exec("DELETE FROM agent_profiles WHERE agent = $1", {agent});
    if (!done) return std::unexpected(done.error());
    return *done > 0;
}

Result<void> RoutingBook::KnownList(const std::string& list) {
    if (list == "vip" || list == "black") return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"routing.no_list", "there is no list '{list}'", "the lists are vip and black"},
                {{"list", list}});
}

Result<void> RoutingBook::AddToList(const std::string& list, const std::string& e164,
                                    const std::string& manager, const std::string& note) {
    if (auto ok = KnownList(list); !ok) return ok;
    if (!manager.empty() && list != "vip") {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.manager_not_vip", "only a VIP has a personal manager",
                        "add the number to the vip list, or leave the manager out"});
    }
    auto done = store_.Exec(
        "INSERT INTO caller_lists (list, e164, manager, note, added_at, added_by) VALUES ($1, $2, "
        "$3, $4, $5, $6) ON CONFLICT (list, e164) DO UPDATE SET manager = excluded.manager, note = "
        "excluded.note",
        {list, store::PhoneKey(store_, e164), manager,
         store::SealText(store_, note, store::kNoteColumn), clock_.Now(), actor_});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<bool> RoutingBook::RemoveFromList(const std::string& list, const std::string& e164) {
    if (auto ok = KnownList(list); !ok) return std::unexpected(ok.error());
    auto done = store_.Exec("DELETE FROM caller_lists WHERE list = $1 AND e164 = $2",
                            {list, store::PhoneKey(store_, e164)});
    if (!done) return std::unexpected(done.error());
    return *done > 0;
}

Result<int64_t> RoutingBook::ListSize(const std::string& list) {
    if (auto ok = KnownList(list); !ok) return std::unexpected(ok.error());
    auto n = store_.QueryValue("SELECT COUNT(*) FROM caller_lists WHERE list = $1", {list});
    if (!n) return std::unexpected(n.error());
    return store::Row({*n}).Int(0);
}

Result<std::vector<ListEntry>> RoutingBook::ListEntries(const std::string& list, int64_t limit) {
    if (auto ok = KnownList(list); !ok) return std::unexpected(ok.error());
    auto rows = store_.Query(
        "SELECT e164, manager, note, added_at, added_by FROM caller_lists WHERE list = $1 ORDER BY "
        "added_at DESC, e164 LIMIT $2",
        {list, limit});
    if (!rows) return std::unexpected(rows.error());
    std::vector<ListEntry> out;
    for (const auto& row : *rows) {
        auto e164 = store::PhoneOf(store_, row.Text(0));
        if (!e164) return std::unexpected(e164.error());
        auto note = store::OpenText(store_, row.Text(2), store::kNoteColumn);
        if (!note) return std::unexpected(note.error());
        out.push_back({*e164, row.Text(1), *note, row.Int(3), row.Text(4)});
    }
    return out;
}

Result<Router> RoutingBook::LoadRouter() {
    auto c = Load();
    if (!c) return std::unexpected(c.error());
    return Make(*c);
}

bool StoreCallerFacts::Black(const std::string& e164) const {
    auto n =
        store_.QueryValue("SELECT COUNT(*) FROM caller_lists WHERE list = 'black' AND e164 = $1",
                          {store::PhoneKey(store_, e164)});
    if (!n) {
        error_ = n.error();
        return false;
    }
    return store::Row({*n}).Int(0) > 0;
}

std::optional<std::string> StoreCallerFacts::Vip(const std::string& e164) const {
    auto rows = store_.Query("SELECT manager FROM caller_lists WHERE list = 'vip' AND e164 = $1",
                             {store::PhoneKey(store_, e164)});
    if (!rows) {
        error_ = rows.error();
        return std::nullopt;
    }
    if (rows->empty()) return std::nullopt;
    return rows->front().Text(0);
}

int StoreCallerFacts::Complaints(const std::string& e164, std::string_view category,
                                 int64_t since_unix) const {
    // The category's tags, then the caller's dispositions since then that
    // carry one of them.
    auto tags = store_.Query(
        "SELECT t.name FROM tags t JOIN tag_categories c ON c.id = t.category_id WHERE c.name = $1",
        {std::string(category)});
    if (!tags) {
        error_ = tags.error();
        return 0;
    }
    std::set<std::string> names;
    for (const auto& row : *tags)
        names.insert(row.Text(0));
    if (names.empty()) return 0;
    // Call records keep their times in Unix milliseconds.
    auto rows = store_.Query(
        "SELECT disposition_tags FROM campaign_calls WHERE e164 = $1 AND started_at >= $2 AND "
        "disposition_tags IS NOT NULL",
        {store::PhoneKey(store_, e164), since_unix * 1000});
    if (!rows) {
        error_ = rows.error();
        return 0;
    }
    int n = 0;
    for (const auto& row : *rows) {
        const json t = json::parse(row.Text(0), nullptr, false);
        if (!t.is_array()) continue;
        for (const json& tag : t) {
            if (tag.is_string() && names.contains(tag.get<std::string>())) {
                ++n;
                break;
            }
        }
    }
    return n;
}

bool StoreCallerFacts::Known(const std::string& e164) const {
    auto n = store_.QueryValue("SELECT COUNT(*) FROM phones WHERE e164 = $1",
                               {store::PhoneKey(store_, e164)});
    if (!n) {
        error_ = n.error();
        return false;
    }
    return store::Row({*n}).Int(0) > 0;
}

}  // namespace callbase::routing
