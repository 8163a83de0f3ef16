#include "routing/routing_book.h"

#include <algorithm>
#include <set>

#include "core/json_text.h"

namespace callbase::routing {
namespace {

using nlohmann::json;

Error BadKey(std::string_view where, std::string_view key, std::string_view what) {
    return Coded(
        ErrorCode::kInvalidInput,
        Msg{"routing.bad_setting", "{where}: {key} {what}",
            "see docs/routing.md for every setting and its meaning"},
        {{"where", std::string(where)}, {"key", std::string(key)}, {"what", std::string(what)}});
}

Result<void> OnlyKeys(const json& j, std::string_view where,
                      std::initializer_list<std::string_view> keys) {
    if (!j.is_object()) return std::unexpected(BadKey(where, "settings", "must be an object"));
    for (const auto& [key, value] : j.items()) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            std::string known;
            for (auto k : keys)
                known += (known.empty() ? "" : ", ") + std::string(k);
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"routing.unknown_key", "{where}: unknown key '{key}'", "known keys: {known}"},
                {{"where", std::string(where)}, {"key", key}, {"known", known}});
        }
    }
    return {};
}

// Seconds in JSON, milliseconds inside.
Result<void> Seconds(const json& j, std::string_view where, const char* key, Millis& out,
                     double max = 86'400) {
    if (!j.contains(key)) return {};
    const json& v = j.at(key);
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > max) {
        return std::unexpected(BadKey(where, key, "must be a number of seconds, 0 or more"));
    }
    out = static_cast<Millis>(v.get<double>() * 1000);
    return {};
}

template <typename T>
Result<void> Get(const json& j, std::string_view where, const char* key, T& out) {
    if (!j.contains(key)) return {};
    try {
        out = j.at(key).get<T>();
    } catch (const json::exception&) {
        return std::unexpected(BadKey(where, key, "has the wrong type"));
    }
    return {};
}

#define TRY(expr)                                           \
    if (auto result_ = (expr); !result_) {                  \
        return std::unexpected(std::move(result_).error()); \
    }

}  // namespace

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
            {"exit_route", q.exit_route}};
}

Result<QueueSpec> QueueFromJson(const json& j) {
    QueueSpec q;
    TRY(OnlyKeys(j, "queue",
                 {"name", "strategy", "skill", "members", "first_level", "widen", "max_wait",
                  "offer_timeout", "priority_step", "sl_threshold", "short_abandon",
                  "join_when_empty", "leave_when_empty", "exit_route"}));
    TRY(Get(j, "queue", "name", q.name));
    const std::string where = q.name.empty() ? "queue" : "queue " + q.name;
    if (q.name.empty() || q.name.find_first_of(" :/") != std::string::npos) {
        return std::unexpected(BadKey(where, "name", "must be a word (letters, digits, - or _)"));
    }
    std::string strategy = "longest_idle";
    TRY(Get(j, where, "strategy", strategy));
    auto s = ParseStrategy(strategy);
    if (!s) {
        return std::unexpected(BadKey(where, "strategy",
                                      "must be longest_idle, round_robin, fixed_order, "
                                      "fewest_calls, least_talk, random or ring_all"));
    }
    q.strategy = *s;
    TRY(Get(j, where, "skill", q.skill));
    TRY(Get(j, where, "members", q.members));
    TRY(Get(j, where, "first_level", q.first_level));
    if (q.first_level < 1 || q.first_level > 9) {
        return std::unexpected(BadKey(where, "first_level", "must be 1 to 9"));
    }
    if (j.contains("widen")) {
        if (!j.at("widen").is_array()) {
            return std::unexpected(BadKey(where, "widen", "must be a list of {after, level}"));
        }
        for (const json& step : j.at("widen")) {
            TRY(OnlyKeys(step, where + " widen", {"after", "level"}));
            Millis after = 0;
            int level = 0;
            TRY(Seconds(step, where + " widen", "after", after));
            TRY(Get(step, where + " widen", "level", level));
            if (level < 1 || level > 9)
                return std::unexpected(BadKey(where + " widen", "level", "must be 1 to 9"));
            q.widen.emplace_back(after, level);
        }
    }
    TRY(Seconds(j, where, "max_wait", q.max_wait));
    TRY(Seconds(j, where, "offer_timeout", q.offer_timeout, 600));
    TRY(Seconds(j, where, "priority_step", q.priority_step));
    TRY(Seconds(j, where, "sl_threshold", q.sl_threshold, 3600));
    TRY(Seconds(j, where, "short_abandon", q.short_abandon, 600));
    if (q.offer_timeout < 1000) {
        return std::unexpected(BadKey(where, "offer_timeout", "must be 1 second or more"));
    }
    TRY(Get(j, where, "join_when_empty", q.join_when_empty));
    TRY(Get(j, where, "leave_when_empty", q.leave_when_empty));
    TRY(Get(j, where, "exit_route", q.exit_route));
    if (!q.exit_route.empty()) {
        if (auto r = ParseRoute(q.exit_route); !r) return std::unexpected(r.error());
    }
    return q;
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
    constexpr std::string_view kWhere = "rules";
    TRY(OnlyKeys(j, kWhere,
                 {"black_enabled", "black_action", "vip_enabled", "vip_queue", "vip_priority",
                  "complaints_enabled", "complaints_threshold", "complaints_days",
                  "complaint_category", "complaints_queue"}));
    TRY(Get(j, kWhere, "black_enabled", r.black_enabled));
    std::string action = RouteText(r.black_action);
    TRY(Get(j, kWhere, "black_action", action));
    auto route = ParseRoute(action);
    if (!route) return std::unexpected(route.error());
    if (route->target != Target::kReject && route->target != Target::kMessage) {
        return std::unexpected(
            BadKey(kWhere, "black_action",
                   "must be reject:603, reject:403 or message:TEXT (a black-listed "
                   "caller is never queued)"));
    }
    r.black_action = *route;
    TRY(Get(j, kWhere, "vip_enabled", r.vip_enabled));
    TRY(Get(j, kWhere, "vip_queue", r.vip_queue));
    TRY(Get(j, kWhere, "vip_priority", r.vip_priority));
    if (r.vip_priority < 0 || r.vip_priority > 100)
        return std::unexpected(BadKey(kWhere, "vip_priority", "must be 0 to 100"));
    TRY(Get(j, kWhere, "complaints_enabled", r.complaints_enabled));
    TRY(Get(j, kWhere, "complaints_threshold", r.complaints_threshold));
    TRY(Get(j, kWhere, "complaints_days", r.complaints_days));
    if (r.complaints_threshold < 0)
        return std::unexpected(BadKey(kWhere, "complaints_threshold", "must be 0 or more"));
    if (r.complaints_days < 1 || r.complaints_days > 366)
        return std::unexpected(BadKey(kWhere, "complaints_days", "must be 1 to 366"));
    TRY(Get(j, kWhere, "complaint_category", r.complaint_category));
    TRY(Get(j, kWhere, "complaints_queue", r.complaints_queue));
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

Result<void> RoutingBook::Check(const std::vector<Number>& numbers, const RuleSettings& rules,
                                const std::vector<QueueSpec>& queues) {
    std::vector<std::string> names;
    for (const auto& q : queues)
        names.push_back(q.name);
    // A queue's exit to another queue must name one that exists.
    for (const auto& q : queues) {
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
    auto router = Router::Make(numbers, rules, names);
    if (!router) return std::unexpected(router.error());
    return {};
}

Result<void> RoutingBook::PutQueue(const QueueSpec& queue) {
    auto checked = QueueFromJson(QueueJson(queue));  // the same checks as a file or the API
    if (!checked) return std::unexpected(checked.error());
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    std::erase_if(*queues, [&](const QueueSpec& q) { return q.name == queue.name; });
    queues->push_back(queue);
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    auto rules = Rules();
    if (!rules) return std::unexpected(rules.error());
    if (auto ok = Check(*numbers, *rules, *queues); !ok) return ok;
    auto done = store_.Exec(
        "INSERT INTO routing_queues (name, spec, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        {queue.name, JsonText(QueueJson(queue)), clock_.Now(), actor_});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<void> RoutingBook::RemoveQueue(const std::string& name) {
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    if (std::none_of(queues->begin(), queues->end(),
                     [&](const QueueSpec& q) { return q.name == name; })) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_queue", "no queue '{queue}'", "define the queue first"},
                    {{"queue", name}});
    }
    std::erase_if(*queues, [&](const QueueSpec& q) { return q.name == name; });
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    auto rules = Rules();
    if (!rules) return std::unexpected(rules.error());
    // Still in use: Check names the number or rule that routes to it.
    if (auto ok = Check(*numbers, *rules, *queues); !ok) return ok;
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
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    std::erase_if(*numbers, [&](const Number& n) { return n.number == number.number; });
    numbers->push_back(number);
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    auto rules = Rules();
    if (!rules) return std::unexpected(rules.error());
    if (auto ok = Check(*numbers, *rules, *queues); !ok) return ok;
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
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    const auto before = numbers->size();
    std::erase_if(*numbers, [&](const Number& n) { return n.number == number; });
    if (numbers->size() == before) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_number_found", "{number} has no route", "see routing numbers"},
                    {{"number", number}});
    }
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    auto rules = Rules();
    if (!rules) return std::unexpected(rules.error());
    if (auto ok = Check(*numbers, *rules, *queues); !ok) return ok;  // an extension still used
    auto done = store_.Exec("DELETE FROM routing_numbers WHERE number = $1", {number});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<RuleSettings> RoutingBook::Rules() {
    auto rows = store_.Query("SELECT rules FROM routing_settings WHERE id = 1");
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        RuleSettings none;
        none.vip_enabled = true;
        return none;
    }
    return RulesFromJson(json::parse(rows->front().Text(0), nullptr, false));
}

Result<void> RoutingBook::SetRules(const RuleSettings& rules) {
    auto checked = RulesFromJson(RulesJson(rules));
    if (!checked) return std::unexpected(checked.error());
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    if (auto ok = Check(*numbers, rules, *queues); !ok) return ok;
    auto done = store_.Exec(
        "INSERT INTO routing_settings (id, rules, updated_at, updated_by) VALUES (1, $1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        {JsonText(RulesJson(rules)), clock_.Now(), actor_});
    if (!done) return std::unexpected(done.error());
    return {};
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
    auto numbers = Numbers();
    if (!numbers) return std::unexpected(numbers.error());
    auto queues = Queues();
    if (!queues) return std::unexpected(queues.error());
    auto rules = Rules();
    if (!rules) return std::unexpected(rules.error());
    std::vector<std::string> names;
    for (const auto& q : *queues)
        names.push_back(q.name);
    return Router::Make(std::move(*numbers), std::move(*rules), names);
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
    auto rows = store_.Query(
        "SELECT disposition_tags FROM campaign_calls WHERE e164 = $1 AND started_at >= $2 AND "
        "disposition_tags IS NOT NULL",
        {store::PhoneKey(store_, e164), since_unix});
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
