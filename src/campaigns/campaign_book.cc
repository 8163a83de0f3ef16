#include "campaigns/campaign_book.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "campaigns/order.h"
#include "compliance/attempts.h"
#include "compliance/registry_catalog.h"
#include "compliance/stop_list.h"
#include "contacts/contact_book.h"
#include "contacts/filter.h"
#include "contacts/history.h"
#include "contacts/status.h"
#include "contacts/text.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "core/text_limits.h"
#include "ivr/script.h"
#include "phone/clean.h"

namespace callbase::campaigns {
namespace {

using nlohmann::json;
constexpr std::string_view kNoteColumn = store::kHistoryColumn;

Error Invalid(std::string message, std::string hint = {}) {
    return Error{ErrorCode::kInvalidInput, std::move(message), std::move(hint)};
}

// A campaign's settings a user gave that are wrong, coded for the screens.
Error Invalid(Msg msg, MessageParams params = {}) {
    return Coded(ErrorCode::kInvalidInput, msg, std::move(params));
}

json EvidenceJson(const GateEvidence& e) {
    return {{"consent", e.consent},
            {"registries", e.registries},
            {"local_minute", e.local_minute},
            {"local_weekday", e.local_weekday},
            {"utc_offset", e.utc_offset_minutes},
            {"offset_assumed", e.offset_assumed},
            {"attempts_before", e.attempts_before},
            {"rules", e.rules}};
}

Result<StoredCall> ReadCall(const store::Store& store, const store::Row& r) {
    StoredCall c;
    c.id = r.Int(0);
    c.campaign_id = r.Int(1);
    c.campaign = r.Text(2);
    c.purpose = r.Text(3);
    c.contact_id = r.Int(4);
    auto number = store::PhoneOf(store, r.Text(5));
    if (!number) return std::unexpected(number.error());
    c.number = std::move(*number);
    c.caller_id = r.Text(6);
    c.attempt = static_cast<int>(r.Int(7));
    c.started = r.Int(8);
    c.answered = r.OptInt(9).value_or(0);
    c.bridged = r.OptInt(10).value_or(0);
    c.ended = r.OptInt(11).value_or(0);
    c.outcome = r.IsNull(12) ? "in_progress" : r.Text(12);
    c.cause = static_cast<int>(r.Int(13));
    c.agent = r.Text(14);
    c.short_call = r.Int(15) != 0;
    c.network = r.Text(16);
    c.evidence_json = r.Text(17);
    if (!r.IsNull(18)) c.disposition = r.Text(18);
    c.callback_at = r.OptInt(19);
    c.robot_keys = r.Text(20);
    c.robot_actions = r.Text(21);
    c.recording = r.Text(22);
    c.inbound = r.Text(23) == "in";
    c.disposed_at = r.OptInt(24).value_or(0);
    if (!r.Text(25).empty()) {
        const json route = json::parse(r.Text(25), nullptr, false);
        if (route.is_object()) {
            c.route = route.value("route", "");
            c.route_reason = route.value("reason", "");
            if (auto p = route.find("params"); p != route.end() && p->is_object()) {
                for (const auto& [k, v] : p->items())
                    if (v.is_string()) c.route_params[k] = v.get<std::string>();
            }
            if (auto m = route.find("menu"); m != route.end() && m->is_object()) {
                c.menu = m->value("name", "");
                if (auto a = m->find("answers"); a != m->end() && a->is_object()) {
                    for (const auto& [k, v] : a->items())
                        if (v.is_string()) c.menu_answers[k] = v.get<std::string>();
                }
            }
            c.missed = routing::ParseMissedRings(route);
            c.desk = routing::ParseDeskSteps(route);
        }
    }
    return c;
}

// An incoming call's route as JSON — {"route", "reason", "params"} — or null
// when it has none: the stored column and the CLI's and API's call shapes.
// The phones that missed the call, its holds and transfers go with it (an
// outbound call's too).
json RouteObject(const std::string& route, const std::string& reason,
                 const std::map<std::string, std::string>& params, const std::string& menu,
                 const std::map<std::string, std::string>& menu_answers,
                 const std::vector<MissedRing>& missed, const routing::DeskSteps& desk) {
    if (route.empty() && reason.empty() && missed.empty() && desk.empty()) return nullptr;
    json out = {{"route", route},
                {"reason", reason},
                {"params", params.empty() ? json::object() : json(params)}};
    // The menu it went through first and the answers kept there.
    if (!menu.empty()) {
        out["menu"] = {{"name", menu},
                       {"answers", menu_answers.empty() ? json::object() : json(menu_answers)}};
    }
    if (!missed.empty()) out["missed"] = routing::MissedRingsJson(missed);
    routing::AddDeskSteps(out, desk);
    return out;
}

// The route as stored (campaign_calls.route); "" for none.
std::string RouteJson(const CallRecord& r) {
    const json route = RouteObject(r.route, r.route_reason, r.route_params, r.menu, r.menu_answers,
                                   r.missed, r.desk);
    return route.is_null() ? std::string() : JsonText(route);
}

// A contact's number a campaign calls: the first valid one.
constexpr std::string_view kFirstNumber =
    "JOIN phones p ON p.id = (SELECT p2.id FROM phones p2 WHERE p2.contact_id = c.id AND "
    "p2.e164 <> '' AND p2.valid = 1 ORDER BY p2.position, p2.id LIMIT 1)";

constexpr std::string_view kCallColumns =
    "cc.id, cc.campaign_id, ca.name, ca.purpose, cc.contact_id, cc.e164, cc.caller_id, "
    "cc.attempt, cc.started_at, cc.answered_at, cc.bridged_at, cc.ended_at, cc.outcome, "
    "cc.cause, cc.agent, cc.short_call, cc.network, cc.evidence, cc.disposition, cc.callback_at, "
    "cc.robot_keys, cc.robot_actions, cc.recording, cc.direction, cc.disposed_at, cc.route";

}  // namespace

json CallRouteJson(const StoredCall& call) {
    return RouteObject(call.route, call.route_reason, call.route_params, call.menu,
                       call.menu_answers, call.missed, call.desk);
}

std::string SpecJson(const CampaignSpec& s) {
    json ids = json::array();
    for (const auto& c : s.caller_ids) {
        ids.push_back({{"number", c.number}, {"region", c.region}, {"daily_cap", c.daily_cap}});
    }
    json retries = json::object();
    for (const auto& r : s.retries)
        retries[r.outcome] = r.delay_seconds;
    return JsonText(json{{"id", s.id},
                         {"name", s.name},
                         {"state", s.state},
                         {"purpose", s.purpose},
                         {"pacing", PacingId(s.pacing)},
                         {"segment", s.segment},
                         {"order_by", s.order_by},
                         {"rules", s.rules},
                         {"caller_ids", ids},
                         {"daily_cap", s.daily_cap},
                         {"local_presence", s.local_presence},
                         {"retries", retries},
                         {"max_attempts", s.max_attempts},
                         {"schedule_start_minute", s.schedule_start_minute},
                         {"schedule_end_minute", s.schedule_end_minute},
                         {"abandon_limit", s.abandon_limit},
                         {"abandon_window_minutes", s.abandon_window_minutes},
                         {"robot_max_calls", s.robot_max_calls},
                         {"robot_calls_per_second", s.robot_calls_per_second},
                         {"wrap_up_seconds", s.wrap_up_seconds},
                         {"ring_timeout_seconds", s.ring_timeout_seconds},
                         {"trunk", s.trunk},
                         {"script", s.script},
                         {"robot_script", s.robot_script},
                         {"target_contacts", s.target_contacts},
                         {"sensitive", s.sensitive},
                         {"created_at", s.created_at},
                         {"created_by", s.created_by}});
}

Result<CampaignSpec> SpecFromJson(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::unexpected(
            Invalid(Msg{"campaign.settings_not_object", "campaign settings: not a JSON object"}));
    }
    CampaignSpec s;
    try {
        s.id = j.value("id", int64_t{0});
        s.name = j.value("name", std::string());
        s.state = j.value("state", std::string("draft"));
        s.purpose = j.value("purpose", std::string("service"));
        const std::string pacing_text = j.value("pacing", std::string("progressive"));
        auto pacing = ParsePacing(pacing_text);
        if (!pacing || *pacing == Pacing::kRatio) {
            return std::unexpected(
                Invalid(Msg{"campaign.pacing_unknown", "pacing '{pacing}' is not a pacing mode",
                            "use preview, progressive, predictive or robot"},
                        {{"pacing", pacing_text}}));
        }
        s.pacing = *pacing;
        s.segment = j.value("segment", std::vector<std::string>{});
        s.order_by = j.value("order_by", std::string("id"));
        s.rules = j.value("rules", std::vector<std::string>{});
        if (j.contains("caller_ids")) {
            s.caller_ids.clear();
            for (const auto& c : j["caller_ids"]) {
                s.caller_ids.push_back(CallerId{c.value("number", std::string()),
                                                c.value("region", std::string()),
                                                c.value("daily_cap", 0)});
            }
        }
        s.daily_cap = j.value("daily_cap", 75);
        s.local_presence = j.value("local_presence", true);
        if (j.contains("retries") && j["retries"].is_object()) {
            s.retries.clear();
            for (const auto& [outcome, delay] : j["retries"].items()) {
                s.retries.push_back(RetryRule{outcome, delay.get<int64_t>()});
            }
        }
        s.max_attempts = j.value("max_attempts", 3);
        s.schedule_start_minute = j.value("schedule_start_minute", 9 * 60);
        s.schedule_end_minute = j.value("schedule_end_minute", 20 * 60);
        s.abandon_limit = j.value("abandon_limit", 0.03);
        s.abandon_window_minutes = j.value("abandon_window_minutes", 60);
        s.robot_max_calls = j.value("robot_max_calls", 30);
        s.robot_calls_per_second = j.value("robot_calls_per_second", 5.0);
        s.wrap_up_seconds = j.value("wrap_up_seconds", 10);
        s.ring_timeout_seconds = j.value("ring_timeout_seconds", 25);
        s.trunk = j.value("trunk", std::string());
        s.script = j.value("script", std::string());
        s.robot_script = j.value("robot_script", std::string());
        s.target_contacts = j.value("target_contacts", 0);
        if (j.contains("sensitive") && !j["sensitive"].is_boolean()) {
            return std::unexpected(Invalid(Msg{
                "campaign.sensitive_not_bool", "campaign settings: sensitive must be true or false",
                "give \"sensitive\": true for a sensitive campaign"}));
        }
        s.sensitive = j.value("sensitive", false);
        s.created_at = j.value("created_at", int64_t{0});
        s.created_by = j.value("created_by", std::string());
    } catch (const json::exception& e) {
        // The JSON library's words (a value of the wrong type) go as they are.
        return std::unexpected(Invalid(Msg{"campaign.settings_bad", "campaign settings: {problem}"},
                                       {{"problem", e.what()}}));
    }
    return s;
}

DialerOptions OptionsOf(const CampaignSpec& s, int center_utc_offset_minutes) {
    DialerOptions o;
    o.campaign_id = s.id;
    o.purpose = s.purpose;
    o.pacing.mode = s.pacing;
    o.pacing.abandon_limit = s.abandon_limit;
    o.pacing.abandon_window = Millis{s.abandon_window_minutes} * 60'000;
    o.pacing.robot_max_calls = s.robot_max_calls;
    o.pacing.robot_calls_per_second = s.robot_calls_per_second;
    o.ring_timeout = Millis{s.ring_timeout_seconds} * 1000;
    o.trunk = s.trunk;
    o.wrap_up = Millis{s.wrap_up_seconds} * 1000;
    o.max_attempts = s.max_attempts;
    o.retries = s.retries;
    o.center_utc_offset_minutes = center_utc_offset_minutes;
    o.schedule_start_minute = s.schedule_start_minute;
    o.schedule_end_minute = s.schedule_end_minute;
    o.sensitive = s.sensitive;
    return o;
}

// A robot campaign's script must load, pass `ivr check`, and tag only with
// tags of the dictionary; the spec keeps its absolute path.
Result<void> CampaignBook::CheckRobotScript(CampaignSpec& s) {
    if (s.robot_script.empty()) return {};
    if (s.pacing != Pacing::kRobot) {
        return std::unexpected(
            Invalid(Msg{"campaign.script_needs_robot", "a robot script goes with pacing robot",
                        "choose --pacing robot, or leave the script out"}));
    }
    auto script = ivr::LoadScript(s.robot_script);
    if (!script) return std::unexpected(script.error());
    for (const auto& problem : ivr::CheckRobotScript(*script)) {
        if (problem.error) {
            // The problem is in ivr/'s words.
            return std::unexpected(
                Invalid(Msg{"campaign.script_text_problem", "{where}: {problem}",
                            "`callbase ivr check FILE` lists every problem"},
                        {{"where", problem.where}, {"problem", problem.message}}));
        }
    }
    for (const auto& node : script->nodes) {
        for (const auto& action : node.actions) {
            auto bad = [&](const std::string& what, const std::string& hint) {
                return std::unexpected(Invalid(
                    fmt::format("{}:{}: node '{}': {}", script->file, action.line, node.id, what),
                    hint));
            };
            // Where the action is, for a coded message: file, line and node.
            auto at = [&](MessageParams more = {}) {
                MessageParams where{{"file", script->file},
                                    {"line", std::to_string(action.line)},
                                    {"node", node.id}};
                where.insert(where.end(), more.begin(), more.end());
                return where;
            };
            if (action.kind == ivr::ActionKind::kSetStatus) {
                auto status = contacts::ParseStatus(action.value);
                if (!status) return bad(status.error().message, status.error().hint);
                if (*status == contacts::Status::kCallback) {
                    return std::unexpected(Invalid(
                        Msg{"campaign.script_callback_status",
                            "{file}:{line}: node '{node}': set_status: callback needs a time",
                            "use schedule_callback: DELAY (2h, 1d) instead"},
                        at()));
                }
            }
            if (action.kind == ivr::ActionKind::kScheduleCallback && !action.value.empty()) {
                if (auto delay = ParseDuration(action.value); !delay)
                    return bad(delay.error().message, delay.error().hint);
            }
            if (action.kind != ivr::ActionKind::kTag) continue;
            auto found = store_.Query("SELECT 1 FROM tags WHERE name = $1 AND retired_at IS NULL",
                                      {action.value});
            if (!found) return std::unexpected(found.error());
            if (found->empty()) {
                return std::unexpected(Invalid(
                    Msg{"campaign.script_tag_unknown",
                        "{file}:{line}: node '{node}': tag '{tag}' is not in the dictionary",
                        "add it with `callbase tags add`, or change the script"},
                    at({{"tag", action.value}})));
            }
        }
    }
    s.robot_script = std::filesystem::absolute(s.robot_script).lexically_normal().string();
    return {};
}

Result<void> CampaignBook::Check(CampaignSpec& s, const phone::Cleaner& cleaner) {
    if (s.name.empty() || s.name.size() > 200) {
        return std::unexpected(
            Invalid(Msg{"campaign.name_size", "a campaign needs a name of 1 to 200 bytes"}));
    }
    auto purpose = store_.Query("SELECT name FROM consent_purposes ORDER BY name");
    if (!purpose) return std::unexpected(purpose.error());
    std::string purposes;
    bool known = false;
    for (const auto& r : *purpose) {
        known = known || r.Text(0) == s.purpose;
        purposes += fmt::format("{}{}", purposes.empty() ? "" : ", ", r.Text(0));
    }
    if (!known) {
        return std::unexpected(
            Invalid(Msg{"campaign.purpose_unknown", "purpose '{purpose}' is not defined",
                        "use one of {purposes}, or add it with `callbase consent purpose add`"},
                    {{"purpose", s.purpose}, {"purposes", purposes}}));
    }
    if (s.pacing == Pacing::kRatio) {
        return std::unexpected(Invalid(Msg{"campaign.pacing_ratio",
                                           "pacing 'ratio' is a baseline for `callbase simulate`",
                                           "use preview, progressive, predictive or robot"}));
    }
    if (auto ok = CheckRobotScript(s); !ok) return std::unexpected(ok.error());
    auto filter = contacts::ParseFilter(s.segment, cleaner);
    if (!filter) return std::unexpected(filter.error());
    auto order = ParseOrder(s.order_by, s.rules, cleaner);
    if (!order) return std::unexpected(order.error());
    if (s.caller_ids.empty()) {
        return std::unexpected(
            Invalid(Msg{"campaign.no_caller_id", "a campaign needs at least one caller ID",
                        "give --caller-id NUMBER for each number it calls from"}));
    }
    std::set<std::string> seen;
    for (auto& id : s.caller_ids) {
        auto cleaned = cleaner.Clean(id.number);
        if (!cleaned.valid()) {
            return std::unexpected(Invalid(Msg{"campaign.caller_id_invalid",
                                               "caller ID '{number}' is not a phone number: {why}"},
                                           {{"number", id.number}, {"why", cleaned.reason}}));
        }
        id.number = cleaned.e164;
        if (id.region.empty()) id.region = cleaned.region;
        if (!seen.insert(id.number).second) {
            return std::unexpected(
                Invalid(Msg{"campaign.caller_id_twice", "caller ID {number} is given twice"},
                        {{"number", id.number}}));
        }
    }
    if (s.daily_cap < 1 || s.max_attempts < 1 || s.max_attempts > 20) {
        return std::unexpected(
            Invalid(Msg{"campaign.cap_range",
                        "the daily cap must be at least 1 and attempts 1 to 20 per number"}));
    }
    if (s.schedule_start_minute < 0 || s.schedule_end_minute > 24 * 60 ||
        s.schedule_start_minute >= s.schedule_end_minute) {
        return std::unexpected(Invalid(
            Msg{"campaign.schedule_order", "the schedule must be HH:MM-HH:MM, start before end"}));
    }
    if (s.abandon_limit <= 0 || s.abandon_limit > 0.2) {
        return std::unexpected(
            Invalid(Msg{"campaign.abandon_limit", "abandon limit {limit} is out of range",
                        "give a share above 0 and at most 0.2 (the law's limit is 0.03)"},
                    {{"limit", fmt::format("{}", s.abandon_limit)}}));
    }
    for (const auto& r : s.retries) {
        static const std::set<std::string, std::less<>> kOutcomes = {
            "busy", "no_answer", "rejected", "failed", "abandoned", "interrupted"};
        if (!kOutcomes.contains(r.outcome) || r.delay_seconds < 0) {
            return std::unexpected(
                Invalid(Msg{"campaign.retry_rule",
                            "retry rule '{outcome}={delay}': unknown outcome or negative delay",
                            "outcomes that can be retried: busy, no_answer, rejected, failed, "
                            "abandoned, interrupted"},
                        {{"outcome", r.outcome}, {"delay", std::to_string(r.delay_seconds)}}));
        }
    }
    return {};
}

Result<void> CampaignBook::CheckNameFree(const std::string& name, int64_t except) {
    auto exists =
        store_.Query("SELECT id FROM campaigns WHERE name = $1 AND id <> $2", {name, except});
    if (!exists) return std::unexpected(exists.error());
    if (!exists->empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.name_taken", "a campaign named '{name}' exists (#{id})",
                        "choose another name"},
                    {{"name", name}, {"id", std::to_string(exists->front().Int(0))}});
    }
    return {};
}

Result<CampaignSpec> CampaignBook::Create(CampaignSpec s, const phone::Cleaner& cleaner,
                                          const std::string& actor) {
    if (auto ok = Check(s, cleaner); !ok) return std::unexpected(ok.error());
    const UnixSeconds now = clock_.Now();
    s.state = "draft";
    s.created_at = now;
    s.created_by = actor;
    auto exists = store_.Query("SELECT id FROM campaigns WHERE name = $1", {s.name});
    if (!exists) return std::unexpected(exists.error());
    if (!exists->empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.name_taken", "a campaign named '{name}' exists (#{id})",
                        "choose another name"},
                    {{"name", s.name}, {"id", std::to_string(exists->front().Int(0))}});
    }
    auto id = store_.InsertRow(
        "INSERT INTO campaigns (name, state, purpose, pacing, settings, created_at, created_by, "
        "updated_at, updated_by) VALUES ($1, 'draft', $2, $3, $4, $5, $6, $5, $6)",
        {s.name, s.purpose, std::string(PacingId(s.pacing)), SpecJson(s), now, actor});
    if (!id) return std::unexpected(id.error());
    s.id = *id;
    auto saved =
        store_.Exec("UPDATE campaigns SET settings = $1 WHERE id = $2", {SpecJson(s), s.id});
    if (!saved) return std::unexpected(saved.error());
    return s;
}

Result<CampaignSpec> CampaignBook::Edit(int64_t id, CampaignSpec s, const phone::Cleaner& cleaner,
                                        const std::string& actor) {
    auto was = Get(id);
    if (!was) return was;
    auto not_draft = [id](const std::string& state) {
        return Fail(
            ErrorCode::kConflict,
            Msg{"campaign.not_draft", "campaign #{id} is {state}: only a draft can be edited",
                "clone it (a new draft with the same settings) and edit the copy"},
            {{"id", std::to_string(id)}, {"state", state}});
    };
    if (was->state != "draft") return not_draft(was->state);
    if (auto ok = Check(s, cleaner); !ok) return std::unexpected(ok.error());
    if (auto free = CheckNameFree(s.name, id); !free) return std::unexpected(free.error());
    s.id = id;
    s.state = "draft";
    s.created_at = was->created_at;
    s.created_by = was->created_by;
    auto done = store_.Exec(
        "UPDATE campaigns SET name = $1, purpose = $2, pacing = $3, settings = $4, updated_at = "
        "$5, updated_by = $6 WHERE id = $7 AND state = 'draft'",
        {s.name, s.purpose, std::string(PacingId(s.pacing)), SpecJson(s), clock_.Now(), actor, id});
    if (!done) return std::unexpected(done.error());
    if (*done == 0) {
        // Started between the check and the write: nothing was saved.
        auto now = Get(id);
        if (!now) return now;
        return not_draft(now->state);
    }
    return s;
}

Result<CampaignSpec> CampaignBook::Clone(int64_t id, const phone::Cleaner& cleaner,
                                         const std::string& actor) {
    auto from = Get(id);
    if (!from) return from;
    CampaignSpec copy = *from;
    copy.id = 0;
    // "Name (копия)", then "Name (копия 2)", ...: the first name not taken.
    for (int n = 1;; ++n) {
        copy.name = n == 1 ? fmt::format("{} (копия)", from->name)
                           : fmt::format("{} (копия {})", from->name, n);
        auto free = CheckNameFree(copy.name, 0);
        if (free) break;
        if (free.error().code != ErrorCode::kConflict) return std::unexpected(free.error());
        if (n >= 1000) return std::unexpected(free.error());
    }
    return Create(std::move(copy), cleaner, actor);
}

Result<std::vector<CampaignSpec>> CampaignBook::List() {
    auto rows = store_.Query("SELECT id, state, settings FROM campaigns ORDER BY id");
    if (!rows) return std::unexpected(rows.error());
    std::vector<CampaignSpec> out;
    for (const auto& r : *rows) {
        auto s = SpecFromJson(r.Text(2));
        if (!s) return std::unexpected(s.error());
        s->id = r.Int(0);
        s->state = r.Text(1);
        out.push_back(std::move(*s));
    }
    return out;
}

Result<CampaignSpec> CampaignBook::Get(int64_t id) {
    auto rows = store_.Query("SELECT id, state, settings FROM campaigns WHERE id = $1", {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"campaign.not_found", "campaign #{id} does not exist",
                        "`callbase campaign list` shows the campaigns"},
                    {{"id", std::to_string(id)}});
    }
    auto s = SpecFromJson(rows->front().Text(2));
    if (!s) return std::unexpected(s.error());
    s->id = id;
    s->state = rows->front().Text(1);
    return s;
}

Result<CampaignSpec> CampaignBook::Transition(int64_t id, std::string_view action,
                                              const std::string& actor) {
    auto s = Get(id);
    if (!s) return s;
    std::string to;
    if (action == "start" && (s->state == "draft" || s->state == "paused")) to = "running";
    if (action == "pause" && s->state == "running") to = "paused";
    if (action == "stop" && s->state != "stopped") to = "stopped";
    if (to.empty()) {
        // One code per action, so that a translation names the action in words.
        const MessageParams params{{"id", std::to_string(id)}, {"state", s->state}};
        if (action == "start") {
            return Fail(ErrorCode::kConflict,
                        Msg{"campaign.cannot_start", "campaign #{id} is {state}: it cannot start",
                            "start works on a draft or paused campaign, pause on a running one, "
                            "stop on any but a stopped one"},
                        params);
        }
        if (action == "pause") {
            return Fail(ErrorCode::kConflict,
                        Msg{"campaign.cannot_pause", "campaign #{id} is {state}: it cannot pause",
                            "start works on a draft or paused campaign, pause on a running one, "
                            "stop on any but a stopped one"},
                        params);
        }
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.cannot_stop", "campaign #{id} is {state}: it cannot stop",
                        "start works on a draft or paused campaign, pause on a running one, stop "
                        "on any but a stopped one"},
                    params);
    }
    s->state = to;
    auto done = store_.Exec(
        "UPDATE campaigns SET state = $1, settings = $2, updated_at = $3, updated_by = $4 WHERE "
        "id = $5",
        {to, SpecJson(*s), clock_.Now(), actor, id});
    if (!done) return std::unexpected(done.error());
    return s;
}

Result<std::vector<Lead>> CampaignBook::Leads(const CampaignSpec& spec,
                                              const phone::Cleaner& cleaner) {
    auto filter = contacts::ParseFilter(spec.segment, cleaner);
    if (!filter) return std::unexpected(filter.error());
    auto order = ParseOrder(spec.order_by, spec.rules, cleaner);
    if (!order) return std::unexpected(order.error());
    const UnixSeconds now = clock_.Now();
    auto where = contacts::ToSql(*filter, now, 1, store_.cipher());
    if (!where) return std::unexpected(where.error());
    std::vector<Lead> leads;
    std::unordered_map<int64_t, size_t> index;
    std::optional<Error> failed;
    auto loaded = store_.ForEach(
        fmt::format(
            "SELECT c.id, c.status, c.source, c.region, c.created_at, c.last_interaction_at, "
            "p.e164, k.region, k.utc_offset FROM contacts c {} LEFT JOIN phone_classes k ON "
            "k.id = p.class_id WHERE {} ORDER BY c.id",
            kFirstNumber, where->sql),
        where->params, [&](const store::Row& r) {
            Lead lead;
            lead.contact_id = r.Int(0);
            lead.status = r.Text(1);
            lead.source = r.Text(2);
            lead.region = r.Text(3);
            lead.added_at = r.Int(4);
            lead.last_contact_at = r.OptInt(5);
            auto number = store::PhoneOf(store_, r.Text(6));
            if (!number) {
                failed = number.error();
                return false;
            }
            lead.e164 = std::move(*number);
            lead.phone_region = r.IsNull(7) ? std::string() : r.Text(7);
            if (auto offset = r.OptInt(8)) lead.utc_offset_minutes = static_cast<int>(*offset);
            index.emplace(lead.contact_id, leads.size());
            leads.push_back(std::move(lead));
            return true;
        });
    if (!loaded) return std::unexpected(loaded.error());
    if (failed) return std::unexpected(*failed);
    // Tags and custom fields, when the order looks at them.
    bool tags = false, fields = false;
    for (const auto& rule : order->rules) {
        tags = tags || rule.term.key == "tag";
        fields = fields || rule.term.key.starts_with("field:");
    }
    fields = fields || order->by.starts_with("field:");
    if (tags) {
        auto r = store_.ForEach(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id", {},
            [&](const store::Row& row) {
                if (auto it = index.find(row.Int(0)); it != index.end()) {
                    leads[it->second].tags.push_back(row.Text(1));
                }
                return true;
            });
        if (!r) return std::unexpected(r.error());
    }
    if (fields) {
        auto r = store_.ForEach(
            "SELECT fv.contact_id, d.name, fv.value FROM field_values fv JOIN field_defs d ON "
            "d.id = fv.field_id",
            {}, [&](const store::Row& row) {
                if (auto it = index.find(row.Int(0)); it != index.end()) {
                    leads[it->second].fields.emplace(row.Text(1), row.Text(2));
                }
                return true;
            });
        if (!r) return std::unexpected(r.error());
    }
    SortLeads(leads, *order, now);
    return leads;
}

Result<int64_t> CampaignBook::SegmentSize(const CampaignSpec& spec, const phone::Cleaner& cleaner) {
    auto filter = contacts::ParseFilter(spec.segment, cleaner);
    if (!filter) return std::unexpected(filter.error());
    auto where = contacts::ToSql(*filter, clock_.Now(), 1, store_.cipher());
    if (!where) return std::unexpected(where.error());
    auto n = store_.QueryValue(
        fmt::format("SELECT COUNT(*) FROM contacts c {} WHERE {}", kFirstNumber, where->sql),
        where->params);
    if (!n) return std::unexpected(n.error());
    return std::get<int64_t>(*n);
}

Result<int64_t> CampaignBook::WriteCall(const CallRecord& r, std::string_view network) {
    auto opt = [](Millis v) { return v == 0 ? store::Value{} : store::Value{v}; };
    auto id = store_.InsertRow(
        "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
        "started_at, answered_at, bridged_at, ended_at, outcome, cause, agent, short_call, "
        "robot_step, robot_keys, evidence, network, robot_actions, recording, direction, route) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
        "$19, $20, $21)",
        {r.campaign_id,
         r.contact_id,
         store::PhoneKey(store_, r.number),
         r.caller_id,
         int64_t{r.attempt},
         r.started,
         opt(r.answered),
         opt(r.bridged),
         r.ended,
         r.outcome,
         int64_t{r.cause},
         r.agent,
         int64_t{r.short_call},
         r.robot_step,
         r.robot_keys,
         JsonText(EvidenceJson(r.evidence)),
         std::string(network),
         r.robot_actions,
         r.recording,
         std::string(r.inbound ? "in" : "out"),
         RouteJson(r)});
    if (!id) return std::unexpected(id.error());
    if (r.answered != 0 && r.contact_id != 0) {
        auto touched = store_.Exec(
            "UPDATE contacts SET last_interaction_at = $1 WHERE id = $2 AND "
            "(last_interaction_at IS NULL OR last_interaction_at < $1)",
            {r.answered / 1000, r.contact_id});
        if (!touched) return std::unexpected(touched.error());
    }
    return id;
}

Result<int64_t> CampaignBook::OpenCall(const CallRecord& r, std::string_view network) {
    return store_.InsertRow(
        "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
        "started_at, evidence, network, direction, route) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10)",
        {r.campaign_id, r.contact_id, store::PhoneKey(store_, r.number), r.caller_id,
         int64_t{r.attempt}, r.started, JsonText(EvidenceJson(r.evidence)), std::string(network),
         std::string(r.inbound ? "in" : "out"), RouteJson(r)});
}

Result<void> CampaignBook::UpdateCall(int64_t call_id, const CallRecord& r) {
    auto opt = [](Millis v) { return v == 0 ? store::Value{} : store::Value{v}; };
    auto done = store_.Exec(
        "UPDATE campaign_calls SET answered_at = $1, bridged_at = $2, agent = $3, recording = $4, "
        "route = $5 WHERE id = $6 AND ended_at IS NULL",
        {opt(r.answered), opt(r.bridged), r.agent, r.recording, RouteJson(r), call_id});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<void> CampaignBook::CloseCall(int64_t call_id, const CallRecord& r) {
    auto opt = [](Millis v) { return v == 0 ? store::Value{} : store::Value{v}; };
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto done = store_.Exec(
        "UPDATE campaign_calls SET answered_at = $1, bridged_at = $2, ended_at = $3, outcome = "
        "$4, cause = $5, agent = $6, short_call = $7, robot_step = $8, robot_keys = $9, "
        "robot_actions = $10, recording = $11, route = $12 WHERE id = $13",
        {opt(r.answered), opt(r.bridged), r.ended, r.outcome, int64_t{r.cause}, r.agent,
         int64_t{r.short_call}, r.robot_step, r.robot_keys, r.robot_actions, r.recording,
         RouteJson(r), call_id});
    if (!done) return std::unexpected(done.error());
    if (*done == 0) {
        return Fail(ErrorCode::kNotFound, Msg{"call.not_found", "call #{id} does not exist"},
                    {{"id", std::to_string(call_id)}});
    }
    if (r.answered != 0 && r.contact_id != 0) {
        auto touched = store_.Exec(
            "UPDATE contacts SET last_interaction_at = $1 WHERE id = $2 AND "
            "(last_interaction_at IS NULL OR last_interaction_at < $1)",
            {r.answered / 1000, r.contact_id});
        if (!touched) return std::unexpected(touched.error());
    }
    return tx->Commit();
}

Result<int64_t> CampaignBook::CloseInterrupted(Millis now) {
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto closed = store_.Exec(
        "UPDATE campaign_calls SET outcome = 'interrupted', ended_at = $1 WHERE ended_at IS NULL",
        {now});
    if (!closed) return std::unexpected(closed.error());
    compliance::Attempts attempts(store_, clock_);
    if (auto ok = attempts.CloseInterrupted(); !ok) return std::unexpected(ok.error());
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return *closed;
}

Result<std::map<int64_t, PastCalls>> CampaignBook::PastCallsOf(int64_t campaign_id) {
    std::map<int64_t, PastCalls> out;
    auto done = store_.ForEach(
        "SELECT contact_id, outcome, answered_at, ended_at, started_at FROM campaign_calls WHERE "
        "campaign_id = $1 AND direction = 'out' ORDER BY contact_id, started_at, id",
        {campaign_id}, [&](const store::Row& r) {
            PastCalls& p = out[r.Int(0)];
            const std::string outcome = r.IsNull(1) ? "interrupted" : r.Text(1);
            const bool answered = !r.IsNull(2);
            ++p.attempts;
            p.reached =
                p.reached || outcome == "answered" || (outcome == "interrupted" && answered);
            p.last_outcome = outcome;
            p.last_ended = r.OptInt(3).value_or(r.Int(4));
            if (outcome == "abandoned") p.abandoned_ended = p.last_ended;
            return true;
        });
    if (!done) return std::unexpected(done.error());
    return out;
}

Result<std::vector<StoredCall>> CampaignBook::PendingCallbacks(int64_t campaign_id, Millis since) {
    auto rows = store_.Query(
        fmt::format("SELECT {} FROM campaign_calls cc JOIN campaigns ca ON ca.id = cc.campaign_id "
                    "WHERE cc.campaign_id = $1 AND cc.direction = 'in' AND cc.outcome = 'callback' "
                    "AND cc.started_at >= $2 ORDER BY cc.started_at, cc.id",
                    kCallColumns),
        {campaign_id, since});
    if (!rows) return std::unexpected(rows.error());
    std::vector<StoredCall> out;
    for (const auto& r : *rows) {
        auto chosen = ReadCall(store_, r);
        if (!chosen) return std::unexpected(chosen.error());
        // Called back since, from any campaign: the promise is kept.
        auto calls = CallsTo(chosen->number);
        if (!calls) return std::unexpected(calls.error());
        const bool called_back =
            std::any_of(calls->begin(), calls->end(), [&](const StoredCall& c) {
                return !c.inbound && c.route_reason == "callback" && c.started >= chosen->started;
            });
        if (!called_back) out.push_back(std::move(*chosen));
    }
    return out;
}

Result<void> CampaignBook::CheckDisposition(const Disposition& d) {
    if (!d.status.empty()) {
        auto parsed = contacts::ParseStatus(d.status);
        if (!parsed) return std::unexpected(parsed.error());
        if (d.callback_at && *parsed != contacts::Status::kCallback) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"disposition.callback_status",
                            "a callback time goes with the status callback, not {status}",
                            "leave the status empty or choose callback"},
                        {{"status", d.status}});
        }
    }
    if (d.callback_at && *d.callback_at < clock_.Now() - 60) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"disposition.callback_past", "the callback time is in the past",
                        "choose a time from now on"});
    }
    if (d.callback_at) {
        if (auto ok = contacts::CheckCallbackHorizon(*d.callback_at, clock_.Now()); !ok) return ok;
    }
    for (const auto& tag : d.tags) {
        auto found = store_.Query("SELECT t.retired_at FROM tags t WHERE t.name = $1", {tag});
        if (!found) return std::unexpected(found.error());
        if (found->empty()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"disposition.tag_unknown", "tag '{tag}' is not in the dictionary",
                            "choose a tag from the list (GET /api/v1/tags, callbase tags list)"},
                        {{"tag", tag}});
        }
        bool live = false;
        for (const auto& r : *found)
            live = live || r.IsNull(0);
        if (!live) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"disposition.tag_retired", "tag '{tag}' is retired", "choose a tag in use"},
                {{"tag", tag}});
        }
    }
    return CheckLength("note", d.note, kMaxCommentChars);
}

Result<void> CampaignBook::WriteDisposition(int64_t call_id, const Disposition& d) {
    if (auto ok = CheckDisposition(d); !ok) return ok;
    std::string status = d.status;
    if (status.empty() && d.callback_at) status = "callback";
    if (!status.empty()) {
        auto parsed = contacts::ParseStatus(status);
        if (!parsed) return std::unexpected(parsed.error());
        status = std::string(contacts::StatusId(*parsed));
    }
    auto call =
        store_.Query("SELECT campaign_id, contact_id FROM campaign_calls WHERE id = $1", {call_id});
    if (!call) return std::unexpected(call.error());
    if (call->empty()) {
        return Fail(ErrorCode::kNotFound, Msg{"call.not_found", "call #{id} does not exist"},
                    {{"id", std::to_string(call_id)}});
    }
    const int64_t campaign = call->front().Int(0), contact = call->front().Int(1);
    if (contact == 0 && d.callback_at) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"disposition.callback_no_card",
                        "the caller is not in the base, so a callback has no card to go on",
                        "record the disposition without a callback time, add the caller as a "
                        "contact and schedule the callback on their card"});
    }
    const UnixSeconds now = clock_.Now();
    if (auto r = store_.Begin(); !r) return r;
    auto fail = [&](Error e) -> Result<void> {
        (void)store_.Rollback();
        return std::unexpected(std::move(e));
    };
    auto updated = store_.Exec(
        "UPDATE campaign_calls SET disposition = $1, disposition_tags = $2, disposition_note = $3, "
        "callback_at = $4, disposed_at = $5 WHERE id = $6",
        {status, JsonText(json(d.tags)), store::SealText(store_, d.note, kNoteColumn),
         d.callback_at ? store::Value{*d.callback_at} : store::Value{}, now, call_id});
    if (!updated) return fail(updated.error());
    if (d.callback_at) {
        auto cb = store_.Exec(
            "INSERT INTO callbacks (campaign_id, call_id, contact_id, agent, due_at) VALUES ($1, "
            "$2, $3, $4, $5)",
            {campaign, call_id, contact, d.agent, *d.callback_at});
        if (!cb) return fail(cb.error());
    }
    if (auto r = store_.Commit(); !r) return fail(r.error());
    // The contact's card changes as the operator said, with history, as them;
    // an unknown caller's call keeps the disposition on the call alone.
    if (contact == 0) return {};
    contacts::ContactBook book(store_, clock_, d.agent);
    if (!status.empty()) {
        auto set =
            book.SetStatus(contact, status, status == "callback" ? d.callback_at : std::nullopt);
        if (!set) return std::unexpected(set.error());
    }
    for (const auto& tag : d.tags) {
        auto tagged = book.Tag(contact, tag);
        if (!tagged) return std::unexpected(tagged.error());
    }
    // The operator's words stay on the card, not only on the call.
    if (!contacts::Trim(d.note).empty()) {
        if (auto noted = book.AddNote(contact, d.note); !noted) return noted;
    }
    return {};
}

Result<CampaignStats> CampaignBook::Stats(int64_t campaign_id,
                                          const std::optional<std::vector<std::string>>& agents) {
    CampaignStats s;
    // " AND agent IN ($n, ...)" after `params`, or nothing for the whole view.
    auto only_agents = [&agents](std::vector<store::Value>& params) {
        if (!agents) return std::string();
        if (agents->empty()) return std::string(" AND 1 = 0");
        std::string in;
        for (const auto& name : *agents) {
            params.emplace_back(name);
            in += fmt::format("{}${}", in.empty() ? "" : ", ", params.size());
        }
        return fmt::format(" AND agent IN ({})", in);
    };
    std::vector<store::Value> params = {campaign_id};
    std::string where = only_agents(params);
    auto rows = store_.Query(
        "SELECT COALESCE(outcome, 'in_progress'), COUNT(*), SUM(short_call), direction FROM "
        "campaign_calls WHERE campaign_id = $1" +
            where + " GROUP BY outcome, direction",
        params);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& r : *rows) {
        // Inbound calls are the operators' work, not the campaign's dials.
        if (r.Text(3) == "in") {
            s.inbound += r.Int(1);
            if (r.Text(0) == "answered") s.inbound_answered += r.Int(1);
            continue;
        }
        s.outcomes[r.Text(0)] = r.Int(1);
        s.attempts += r.Int(1);
        s.short_calls += r.Int(2);
        if (r.Text(0) == "answered" || r.Text(0) == "abandoned") s.answered += r.Int(1);
        if (r.Text(0) == "abandoned") s.abandoned += r.Int(1);
    }
    auto dispositions = store_.Query(
        "SELECT disposition, COUNT(*) FROM campaign_calls WHERE campaign_id = $1 AND "
        "disposed_at IS NOT NULL" +
            where + " GROUP BY disposition",
        params);
    if (!dispositions) return std::unexpected(dispositions.error());
    for (const auto& r : *dispositions) {
        s.dispositions_by_status[r.Text(0)] = r.Int(1);
        s.dispositions += r.Int(1);
    }
    auto pending = store_.QueryValue(
        "SELECT COUNT(*) FROM callbacks WHERE campaign_id = $1 AND done_at IS NULL" + where,
        params);
    if (!pending) return std::unexpected(pending.error());
    s.callbacks_pending = std::get<int64_t>(*pending);
    const Millis since = (clock_.Now() - 86400) * 1000;
    std::vector<store::Value> id_params = {campaign_id, since};
    auto ids = store_.Query(
        "SELECT caller_id, COUNT(*) FROM campaign_calls WHERE campaign_id = $1 AND started_at >= "
        "$2 AND direction = 'out'" +
            only_agents(id_params) + " GROUP BY caller_id ORDER BY COUNT(*) DESC, caller_id",
        id_params);
    if (!ids) return std::unexpected(ids.error());
    for (const auto& r : *ids)
        s.calls_per_caller_id.emplace_back(r.Text(0), r.Int(1));
    return s;
}

Result<std::vector<std::string>> CampaignBook::ApplyRobotActions(const CallRecord& r) {
    std::vector<std::string> skipped;
    if (r.robot_actions.empty()) return skipped;
    const std::string actor = fmt::format("robot:campaign {}", r.campaign_id);
    const UnixSeconds now = clock_.Now();
    contacts::ContactBook book(store_, clock_, actor);
    auto history = [&](std::string field, std::string after) -> Result<void> {
        contacts::HistoryEntry e;
        e.contact_id = r.contact_id;
        e.at = now;
        e.actor = actor;
        e.action = "robot";
        e.field = std::move(field);
        e.after = std::move(after);
        if (!r.robot_keys.empty())
            contacts::SetDetail(e, Msg{"history.robot_keys", "keys {keys}"},
                                {{"keys", r.robot_keys}});
        auto row = contacts::AppendHistory(store_, e);
        if (!row) return std::unexpected(row.error());
        return {};
    };
    for (size_t at = 0; at <= r.robot_actions.size();) {
        size_t comma = r.robot_actions.find(',', at);
        if (comma == std::string::npos) comma = r.robot_actions.size();
        const std::string item = r.robot_actions.substr(at, comma - at);
        at = comma + 1;
        const size_t colon = item.find(':');
        const std::string kind = item.substr(0, colon);
        const std::string value = colon == std::string::npos ? "" : item.substr(colon + 1);
        Result<void> done;
        if (kind == "opt_out") {
            compliance::StopList stop(store_, clock_);
            auto added = stop.Add(
                r.number, compliance::StopCategory::kDoNotDisturb, std::nullopt, "robot",
                fmt::format("opted out by key on a call of campaign #{}", r.campaign_id), actor);
            if (!added) done = std::unexpected(added.error());
        } else if (kind == "tag") {
            auto tagged = book.Tag(r.contact_id, value);
            if (!tagged) done = std::unexpected(tagged.error());
        } else if (kind == "set_status") {
            auto set = book.SetStatus(r.contact_id, value);
            if (!set) done = std::unexpected(set.error());
        } else if (kind == "schedule_callback") {
            auto delay = ParseDuration(value.empty() ? "1d" : value);
            if (!delay) {
                done = std::unexpected(delay.error());
            } else {
                auto set = book.SetStatus(r.contact_id, "callback", now + *delay);
                if (!set) done = std::unexpected(set.error());
            }
        } else if (kind == "confirm_visit" || kind == "cancel_visit") {
            done = history("visit", kind == "confirm_visit" ? "confirmed" : "cancelled");
        }
        if (!done) {
            // The store failing is the runner's error; a refused action is skipped.
            const ErrorCode code = done.error().code;
            if (code == ErrorCode::kDatabase || code == ErrorCode::kIo ||
                code == ErrorCode::kInternal) {
                return std::unexpected(done.error());
            }
            skipped.push_back(fmt::format("call to contact #{}: {} skipped: {}", r.contact_id, item,
                                          done.error().message));
        }
    }
    return skipped;
}

Result<std::vector<StoredCall>> CampaignBook::CallsTo(const std::string& e164) {
    auto rows =
        store_.Query(fmt::format("SELECT {} FROM campaign_calls cc JOIN campaigns ca ON ca.id = "
                                 "cc.campaign_id WHERE cc.e164 = $1 ORDER BY cc.started_at, cc.id",
                                 kCallColumns),
                     {store::PhoneKey(store_, e164)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<StoredCall> out;
    for (const auto& r : *rows) {
        auto c = ReadCall(store_, r);
        if (!c) return std::unexpected(c.error());
        out.push_back(std::move(*c));
    }
    return out;
}

Result<std::pair<int64_t, std::vector<StoredCall>>> CampaignBook::CallLog(const CallFilter& f,
                                                                          int64_t offset,
                                                                          int64_t limit) {
    std::vector<store::Value> params;
    std::string where = "1 = 1";
    auto add = [&params](store::Value v) {
        params.push_back(std::move(v));
        return fmt::format("${}", params.size());
    };
    if (f.from) where += " AND cc.started_at >= " + add(f.from);
    if (f.to) where += " AND cc.started_at < " + add(f.to);
    if (f.campaign_id) where += " AND cc.campaign_id = " + add(*f.campaign_id);
    if (f.agents) {
        if (f.agents->empty()) where += " AND 1 = 0";
        std::string in;
        for (const auto& name : *f.agents)
            in += (in.empty() ? "" : ", ") + add(name);
        if (!in.empty()) where += fmt::format(" AND cc.agent IN ({})", in);
    }
    if (!f.agent.empty()) where += " AND cc.agent = " + add(f.agent);
    if (f.outcome == "in_progress") {
        where += " AND cc.outcome IS NULL";
    } else if (!f.outcome.empty()) {
        where += " AND cc.outcome = " + add(f.outcome);
    }
    if (f.disposition == "none") {
        where += " AND cc.disposition IS NULL";
    } else if (!f.disposition.empty()) {
        where += " AND cc.disposition = " + add(f.disposition);
    }
    if (!f.direction.empty()) where += " AND cc.direction = " + add(f.direction);
    auto total = store_.QueryValue(
        fmt::format("SELECT COUNT(*) FROM campaign_calls cc WHERE {}", where), params);
    if (!total) return std::unexpected(total.error());
    std::string page;
    if (limit >= 0) page = fmt::format(" LIMIT {} OFFSET {}", limit, std::max<int64_t>(0, offset));
    auto rows = store_.Query(
        fmt::format("SELECT {} FROM campaign_calls cc JOIN campaigns ca ON ca.id = cc.campaign_id "
                    "WHERE {} ORDER BY cc.started_at DESC, cc.id DESC{}",
                    kCallColumns, where, page),
        params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<StoredCall> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) {
        auto c = ReadCall(store_, r);
        if (!c) return std::unexpected(c.error());
        out.push_back(std::move(*c));
    }
    return std::pair{std::get<int64_t>(*total), std::move(out)};
}

Result<StoredCall> CampaignBook::CallById(int64_t call_id) {
    auto rows = store_.Query(fmt::format("SELECT {} FROM campaign_calls cc JOIN campaigns ca ON "
                                         "ca.id = cc.campaign_id WHERE cc.id = $1",
                                         kCallColumns),
                             {call_id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"call.not_found_log", "call #{id} does not exist",
                        "the call log (GET /api/v1/call-log) lists the calls"},
                    {{"id", std::to_string(call_id)}});
    }
    return ReadCall(store_, rows->front());
}

Result<std::vector<CallbackTask>> CampaignBook::Callbacks(const std::string& agent,
                                                          UnixSeconds until) {
    auto rows = store_.Query(
        "SELECT id, campaign_id, contact_id, agent, due_at FROM callbacks WHERE agent = $1 AND "
        "due_at <= $2 AND done_at IS NULL ORDER BY due_at, id",
        {agent, until});
    if (!rows) return std::unexpected(rows.error());
    std::vector<CallbackTask> out;
    for (const auto& r : *rows) {
        out.push_back(CallbackTask{r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Int(4)});
    }
    return out;
}

Result<std::vector<std::pair<std::string, int>>> CampaignBook::CallerIdCalls(int64_t /*campaign*/,
                                                                             int32_t day,
                                                                             int offset_minutes) {
    // A caller ID's cap is per number and day, whichever campaign calls from it.
    const Millis from = (int64_t{day} * 86400 - int64_t{offset_minutes} * 60) * 1000;
    auto rows = store_.Query(
        "SELECT caller_id, COUNT(*) FROM campaign_calls WHERE started_at >= $1 AND started_at < "
        "$2 AND direction = 'out' GROUP BY caller_id",
        {from, from + 86'400'000});
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::pair<std::string, int>> out;
    for (const auto& r : *rows)
        out.emplace_back(r.Text(0), static_cast<int>(r.Int(1)));
    return out;
}

GateCheck StoreGate::Check(const Lead& lead, std::string_view purpose, UnixSeconds at) {
    GateCheck check;
    auto state =
        compliance::LoadNumberState(store_, lead.e164, lead.utc_offset_minutes, at, registries_);
    if (!state) {
        // The base could not answer: no dial on a guess; try again in a minute.
        if (!error_) error_ = state.error();
        check.decision.allowed = false;
        check.decision.earliest = at + 60;
        return check;
    }
    check.decision = compliance::DialGate::Check(*state, purpose, at, rules_);
    if (check.decision.allowed) {
        check.evidence = MakeEvidence(*state, purpose, at, rules_, registries_checked_);
    }
    return check;
}

void StoreGate::Dialed(const Lead& lead, UnixSeconds at) {
    if (!record_) return;
    compliance::Attempts attempts(store_, clock_);
    auto id = attempts.Begin(lead.e164, at, lead.utc_offset_minutes, actor_);
    if (!id) {
        if (!error_) error_ = id.error();
        return;
    }
    dialing_[lead.e164] = *id;
}

void StoreGate::Attempted(const Lead& lead, UnixSeconds at, std::string_view outcome) {
    if (!record_) return;
    // The callee answered an abandoned call: for the inactivity rule it is an answer.
    std::string kept = outcome == "abandoned" ? "answered" : std::string(outcome);
    compliance::Attempts attempts(store_, clock_);
    auto begun = dialing_.find(lead.e164);
    if (begun != dialing_.end()) {
        const int64_t id = begun->second;
        dialing_.erase(begun);
        auto r = attempts.Complete(id, kept);
        if (!r && !error_) error_ = r.error();
        return;
    }
    if (kept == "interrupted") return;  // never begun here: nothing to close
    auto r = attempts.Record(lead.e164, at, kept, lead.utc_offset_minutes, actor_);
    if (!r && !error_) error_ = r.error();
}

std::optional<OperatorContact> StoreGate::LastOperator(const Lead& lead, UnixSeconds since) {
    auto rows = store_.Query(
        "SELECT agent, started_at FROM campaign_calls WHERE e164 = $1 AND started_at >= $2 AND "
        "agent <> '' ORDER BY started_at DESC, id DESC LIMIT 1",
        {store::PhoneKey(store_, lead.e164), since * 1000});
    if (!rows) {
        if (!error_) error_ = rows.error();
        // The base could not answer: as if another operator had the number.
        return OperatorContact{"(unknown: the base did not answer)", since};
    }
    if (rows->empty()) return std::nullopt;
    return OperatorContact{rows->front().Text(0), rows->front().Int(1) / 1000};
}

std::string RegistriesChecked(store::Store& store, const std::string& registry_dir) {
    auto catalog =
        compliance::RegistryCatalog::Open(store, registry_dir, compliance::Verify::kStructure);
    if (!catalog) return "none loaded";
    auto versions = catalog->Versions();
    if (!versions) return "none loaded";
    std::map<std::string, int64_t> latest;
    for (const auto& v : *versions)
        latest[v.name] = std::max(latest[v.name], v.version);
    std::string out;
    for (const auto& [name, version] : latest) {
        out += fmt::format("{}{} v{}", out.empty() ? "" : ", ", name, version);
    }
    return out.empty() ? "none loaded" : out;
}

}  // namespace callbase::campaigns
