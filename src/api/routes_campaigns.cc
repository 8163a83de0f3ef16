// Campaigns over the API: the supervisors' routes (set up, start, pause,
// stop, the live figures over a WebSocket), the call records with the dial
// gate's evidence (why a number was called), and the operators' routes
// (join a campaign, ready, pause, next card, dial, hang up, disposition, and
// their own state over a WebSocket). The campaigns themselves run in the
// server's CampaignRunner (campaigns/runner.h).
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "api/handlers.h"
#include "api/scope.h"
#include "campaigns/campaign_book.h"
#include "campaigns/diagnosis.h"
#include "campaigns/runner.h"
#include "compliance/rules.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "core/sha256.h"
#include "ivr/script.h"
#include "routing/routing_book.h"

namespace callbase::api::handlers {
namespace {

using campaigns::CampaignBook;
using nlohmann::json;

// A script sent as content: checked as a file would be, then kept in the
// scripts folder as uploaded/<sha256 of the text>.yaml (the runner reads it
// from there at every start), so equal texts share one file.
Result<std::string> KeepUploadedScript(const std::string& folder, const std::string& text) {
    auto script = ivr::ParseScript(text, "robot_script_text");
    if (!script) return std::unexpected(script.error());
    for (const auto& problem : ivr::CheckRobotScript(*script)) {
        if (problem.error) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"campaign.script_text_problem", "{where}: {problem}",
                            "`callbase ivr check FILE` lists every problem"},
                        {{"where", problem.where}, {"problem", problem.message}});
        }
    }
    if (folder.empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.no_scripts_dir", "this server has no scripts folder",
                        "start callbase serve with --scripts-dir DIR"});
    }
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(folder) / "uploaded";
    const fs::path file = dir / (Sha256::Hex(Sha256::Of(text)).substr(0, 32) + ".yaml");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::exists(file, ec)) {
        const fs::path temp = fs::path(file).concat(".new");
        std::ofstream out(temp, std::ios::binary);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.close();
        if (!out) ec = std::make_error_code(std::errc::io_error);
        if (!ec) fs::rename(temp, file, ec);
        if (ec) {
            fs::remove(temp, ec);
            return Fail(ErrorCode::kIo, fmt::format("cannot keep the script in {}", dir.string()),
                        "check the scripts folder (serve --scripts-dir) is writable");
        }
    }
    return fs::weakly_canonical(file, ec).string();
}

json SpecOut(const campaigns::CampaignSpec& spec) {
    return json::parse(campaigns::SpecJson(spec));
}

// What a supervisor should read before starting the campaign
// (campaigns/diagnosis.h): an empty segment, a schedule the rules never allow.
Result<json> StartWarnings(Call& c, CampaignBook& book, const campaigns::CampaignSpec& spec) {
    auto rules = compliance::LoadRules(*c.db);
    if (!rules) return std::unexpected(rules.error());
    auto leads = book.Leads(spec, *c.api.options().cleaner);
    if (!leads) return std::unexpected(leads.error());
    return campaigns::FindingsJson(campaigns::CheckBeforeStart(
        spec, *rules, static_cast<int64_t>(leads->size()), rules->default_utc_offset_minutes,
        campaigns::CalleeOffsets(*leads, rules->default_utc_offset_minutes)));
}

// Why a running campaign dials nothing: the runner's diagnosis when it runs
// the campaign, else what the rules, the clock and the segment tell.
Result<json> StallOf(Call& c, const campaigns::CampaignSpec& spec, int64_t segment,
                     const std::optional<json>& live) {
    if (live && live->contains("stall")) return (*live)["stall"];
    if (spec.state != "running") return json::array();
    auto rules = compliance::LoadRules(*c.db);
    if (!rules) return std::unexpected(rules.error());
    campaigns::StallFigures figures;
    figures.segment = segment;
    return campaigns::FindingsJson(campaigns::DiagnoseStall(
        spec, *rules, ClockOf(c).Now(), rules->default_utc_offset_minutes, figures));
}

Result<Response> Transition(Call& c, std::string_view action) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    CampaignBook book(*c.db, ClockOf(c));
    // Read before the start, which they never forbid.
    std::optional<json> warnings;
    if (action == "start") {
        auto before = book.Get(*id);
        if (!before) return std::unexpected(before.error());
        if (auto* runner = c.api.options().campaigns) {
            if (auto trunk = runner->CheckTrunk(*before); !trunk)
                return std::unexpected(trunk.error());
        }
        auto found = StartWarnings(c, book, *before);
        if (!found) return std::unexpected(found.error());
        warnings = std::move(*found);
    }
    auto spec = book.Transition(*id, action, c.actor());
    if (!spec) return std::unexpected(spec.error());
    if (c.api.options().campaigns) c.api.options().campaigns->Refresh();
    c.records = fmt::format("campaign:{}", *id);
    c.detail = fmt::format("campaign {}: {}", action, spec->state);
    json out = SpecOut(*spec);
    if (warnings) out["warnings"] = std::move(*warnings);
    return JsonResponse(200, out);
}

// An operator's state as the viewer may see it: the caller of an incoming
// call is masked for roles that do not see full numbers, as the card's
// numbers are (only roles that may call reach these routes).
std::string AgentShown(bool sees_numbers, std::string state) {
    if (sees_numbers || state.find("\"inbound\":{") == std::string::npos) return state;
    json j = json::parse(state);
    j["inbound"]["from"] = security::MaskPhone(j["inbound"]["from"].get<std::string>());
    return JsonText(j);
}

// Runs an agent's action and answers with their state.
Result<Response> AgentAction(
    Call& c, const std::function<Result<void>(campaigns::CampaignRunner&, const std::string&)>& act,
    std::string_view what) {
    auto runner = RunnerOf(c);
    if (!runner) return std::unexpected(runner.error());
    if (auto r = act(**runner, c.actor()); !r) return std::unexpected(r.error());
    c.records = "agent:" + c.actor();
    c.detail = std::string(what);
    return JsonResponse(200, json::parse(AgentShown(SeesNumbers(c.viewer()),
                                                    (*runner)->AgentJson(c.actor()).second)));
}

// A campaign's live figures as the viewer sees them (api/scope.h): the
// whole, or the team's view over the team's calls.
Result<std::optional<json>> LiveShown(Call& c, const std::optional<security::Team>& team,
                                      int64_t campaign) {
    campaigns::CampaignRunner* runner = c.api.options().campaigns;
    if (runner == nullptr) return std::nullopt;
    auto live = runner->LiveJson(campaign);
    if (!live) return std::nullopt;
    if (!team) return std::optional<json>(json::parse(live->second));
    auto stats = CampaignBook(*c.db, ClockOf(c)).Stats(campaign, team->members);
    if (!stats) return std::unexpected(stats.error());
    return std::optional<json>(json::parse(TeamLive(live->second, *team, *stats)));
}

// A campaign's settings from a request's body (POST /campaigns, PUT
// /campaigns/{id}), the robot script found in or kept to the scripts folder;
// `named` is how the client named the script, for the messages.
struct BodySpec {
    campaigns::CampaignSpec spec;
    std::string named;
};

Result<BodySpec> SpecFromBody(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    static constexpr std::string_view kKeys[] = {"name",
                                                 "purpose",
                                                 "pacing",
                                                 "segment",
                                                 "order_by",
                                                 "rules",
                                                 "caller_ids",
                                                 "daily_cap",
                                                 "local_presence",
                                                 "retries",
                                                 "max_attempts",
                                                 "schedule",
                                                 "schedule_start_minute",
                                                 "schedule_end_minute",
                                                 "abandon_limit",
                                                 "abandon_window_minutes",
                                                 "robot_max_calls",
                                                 "robot_calls_per_second",
                                                 "wrap_up_seconds",
                                                 "ring_timeout_seconds",
                                                 "trunk",
                                                 "script",
                                                 "robot_script",
                                                 "robot_script_text",
                                                 "target_contacts",
                                                 "sensitive"};
    for (const auto& [key, value] : body->items()) {
        if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"campaign.unknown_key", "unknown key '{key}'", "the keys are {keys}"},
                        {{"key", key}, {"keys", fmt::format("{}", fmt::join(kKeys, ", "))}});
        }
    }
    json spec = *body;
    // Caller IDs may come as plain numbers.
    if (spec.contains("caller_ids") && spec["caller_ids"].is_array()) {
        json ids = json::array();
        for (const auto& id : spec["caller_ids"]) {
            ids.push_back(id.is_string() ? json{{"number", id}} : id);
        }
        spec["caller_ids"] = ids;
    }
    if (spec.contains("schedule") && spec["schedule"].is_string()) {
        std::string text = spec["schedule"];
        size_t dash = text.find('-');
        auto from = ParseClockTime(text.substr(0, dash), "schedule");
        auto to =
            dash == std::string::npos ? from : ParseClockTime(text.substr(dash + 1), "schedule");
        if (dash == std::string::npos || !from || !to) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"campaign.schedule_form", "schedule '{schedule}' is not HH:MM-HH:MM",
                            "e.g. \"09:00-20:00\""},
                        {{"schedule", text}});
        }
        spec["schedule_start_minute"] = *from;
        spec["schedule_end_minute"] = *to;
        spec.erase("schedule");
    }
    std::optional<std::string> script_text;
    if (spec.contains("robot_script_text")) {
        if (!spec["robot_script_text"].is_string() || spec.contains("robot_script")) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"campaign.script_text_or_file",
                            "robot_script_text is the script itself (YAML text), given instead "
                            "of robot_script",
                            "send one of robot_script (a file of the scripts folder) and "
                            "robot_script_text"});
        }
        script_text = spec["robot_script_text"].get<std::string>();
        spec.erase("robot_script_text");
    }
    auto parsed = campaigns::SpecFromJson(JsonText(spec));
    if (!parsed) return std::unexpected(parsed.error());
    // The server reads scripts from its scripts folder only, or takes them as
    // content: a path once read any file the server could (issue 17, item 12).
    const std::string named = script_text ? std::string("robot_script_text") : parsed->robot_script;
    if (script_text) {
        auto stored = KeepUploadedScript(c.api.options().scripts_dir, *script_text);
        if (!stored) return std::unexpected(stored.error());
        parsed->robot_script = *stored;
    } else if (!parsed->robot_script.empty()) {
        auto path = ivr::ScriptInFolder(c.api.options().scripts_dir, parsed->robot_script);
        if (!path) return std::unexpected(path.error());
        parsed->robot_script = *path;
    }
    return BodySpec{std::move(*parsed), named};
}

// The script's problems name it as the client did, not by its place on the
// server's disk.
Error AsNamed(Error error, const BodySpec& b) {
    if (!b.spec.robot_script.empty() && error.message.starts_with(b.spec.robot_script))
        error.message = b.named + error.message.substr(b.spec.robot_script.size());
    return error;
}

}  // namespace

Result<campaigns::CampaignRunner*> RunnerOf(const Call& c) {
    campaigns::CampaignRunner* runner = c.api.options().campaigns;
    if (runner == nullptr) {
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.no_telephony", "campaigns do not run in this server",
                        "start callbase serve with its telephony (see docs/campaigns.md)"});
    }
    return runner;
}

Result<Response> ListCampaigns(Call& c) {
    CampaignBook book(*c.db, ClockOf(c));
    auto all = book.List();
    if (!all) return std::unexpected(all.error());
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    json out = json::array();
    for (const auto& s : *all) {
        json j = SpecOut(s);
        auto live = LiveShown(c, *team, s.id);
        if (!live) return std::unexpected(live.error());
        if (*live) j["live"] = std::move(**live);
        out.push_back(std::move(j));
    }
    c.records = "campaigns";
    return JsonResponse(200, json{{"campaigns", out}, {"team", TeamJson(*team)}});
}

Result<Response> CreateCampaign(Call& c) {
    auto parsed = SpecFromBody(c);
    if (!parsed) return std::unexpected(parsed.error());
    CampaignBook book(*c.db, ClockOf(c));
    auto created = book.Create(parsed->spec, *c.api.options().cleaner, c.actor());
    if (!created) return std::unexpected(AsNamed(created.error(), *parsed));
    auto leads = book.SegmentSize(*created, *c.api.options().cleaner);
    if (!leads) return std::unexpected(leads.error());
    auto warnings = StartWarnings(c, book, *created);
    if (!warnings) return std::unexpected(warnings.error());
    c.records = fmt::format("campaign:{}", created->id);
    c.detail = fmt::format("campaign created: {}", created->name);
    json out = SpecOut(*created);
    out["leads"] = *leads;
    out["warnings"] = std::move(*warnings);
    return JsonResponse(201, out);
}

Result<Response> EditCampaign(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto parsed = SpecFromBody(c);
    if (!parsed) return std::unexpected(parsed.error());
    CampaignBook book(*c.db, ClockOf(c));
    auto edited = book.Edit(*id, parsed->spec, *c.api.options().cleaner, c.actor());
    if (!edited) return std::unexpected(AsNamed(edited.error(), *parsed));
    auto leads = book.SegmentSize(*edited, *c.api.options().cleaner);
    if (!leads) return std::unexpected(leads.error());
    c.records = fmt::format("campaign:{}", *id);
    c.detail = fmt::format("campaign edited: {}", edited->name);
    json out = SpecOut(*edited);
    out["leads"] = *leads;
    return JsonResponse(200, out);
}

Result<Response> CloneCampaign(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    CampaignBook book(*c.db, ClockOf(c));
    auto copy = book.Clone(*id, *c.api.options().cleaner, c.actor());
    if (!copy) return std::unexpected(copy.error());
    auto leads = book.SegmentSize(*copy, *c.api.options().cleaner);
    if (!leads) return std::unexpected(leads.error());
    c.records = fmt::format("campaign:{}", copy->id);
    c.detail = fmt::format("campaign #{} cloned: {}", *id, copy->name);
    json out = SpecOut(*copy);
    out["leads"] = *leads;
    return JsonResponse(201, out);
}

Result<Response> ShowCampaign(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    CampaignBook book(*c.db, ClockOf(c));
    auto spec = book.Get(*id);
    if (!spec) return std::unexpected(spec.error());
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    auto stats = *team ? book.Stats(*id, (*team)->members) : book.Stats(*id);
    if (!stats) return std::unexpected(stats.error());
    auto leads = book.SegmentSize(*spec, *c.api.options().cleaner);
    if (!leads) return std::unexpected(leads.error());
    json out = SpecOut(*spec);
    out["leads"] = *leads;
    json ids = json::array();
    for (const auto& [number, n] : stats->calls_per_caller_id) {
        ids.push_back({{"caller_id", number}, {"calls", n}});
    }
    out["stats"] = {{"attempts", stats->attempts},
                    {"answered", stats->answered},
                    {"abandoned", stats->abandoned},
                    {"abandon_rate", stats->AbandonRate()},
                    {"short_calls", stats->short_calls},
                    {"outcomes", stats->outcomes},
                    {"dispositions", stats->dispositions_by_status},
                    {"callbacks_pending", stats->callbacks_pending},
                    {"inbound", stats->inbound},
                    {"inbound_answered", stats->inbound_answered},
                    {"calls_per_caller_id_24h", ids}};
    out["team"] = TeamJson(*team);
    auto live = LiveShown(c, *team, *id);
    if (!live) return std::unexpected(live.error());
    auto stall = StallOf(c, *spec, *leads, *live);
    if (!stall) return std::unexpected(stall.error());
    out["stall"] = std::move(*stall);
    if (spec->state == "draft" || spec->state == "paused") {
        auto warnings = StartWarnings(c, book, *spec);
        if (!warnings) return std::unexpected(warnings.error());
        out["warnings"] = std::move(*warnings);
    }
    if (*live) out["live"] = std::move(**live);
    c.records = fmt::format("campaign:{}", *id);
    return JsonResponse(200, out);
}

Result<Response> StartCampaign(Call& c) {
    return Transition(c, "start");
}
Result<Response> PauseCampaign(Call& c) {
    return Transition(c, "pause");
}
Result<Response> StopCampaign(Call& c) {
    return Transition(c, "stop");
}

Result<server::Feed> CampaignLive(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto runner = RunnerOf(c);
    if (!runner) return std::unexpected(runner.error());
    CampaignBook book(*c.db, ClockOf(c));
    if (auto spec = book.Get(*id); !spec) return std::unexpected(spec.error());
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    c.records = fmt::format("campaign:{}", *id);
    auto seen = std::make_shared<uint64_t>(0);
    if (!*team) {
        return server::Feed(
            [runner = *runner, campaign = *id, seen]() -> std::optional<std::string> {
                runner->WaitLive(campaign, *seen, std::chrono::milliseconds(1000));
                auto live = runner->LiveJson(campaign);
                if (!live || live->first == *seen) return std::string();
                *seen = live->first;
                return live->second;
            });
    }
    // The team's view: its figures come from the call records, read on the
    // feed's thread through a connection of its own, at most once a second.
    auto open = c.api.options().open_store();
    if (!open) return std::unexpected(open.error());
    struct TeamFeed {
        std::unique_ptr<store::Store> db;
        security::Team team;
        campaigns::CampaignStats stats;
        std::chrono::steady_clock::time_point read_at;
        bool read = false;
    };
    auto feed = std::make_shared<TeamFeed>();
    feed->db = std::move(*open);
    feed->team = std::move(**team);
    const Clock* clock = &ClockOf(c);
    return server::Feed(
        [runner = *runner, campaign = *id, seen, feed, clock]() -> std::optional<std::string> {
            runner->WaitLive(campaign, *seen, std::chrono::milliseconds(1000));
            auto live = runner->LiveJson(campaign);
            if (!live || live->first == *seen) return std::string();
            const auto now = std::chrono::steady_clock::now();
            if (!feed->read || now - feed->read_at >= std::chrono::seconds(1)) {
                auto stats = CampaignBook(*feed->db, *clock).Stats(campaign, feed->team.members);
                if (!stats) return std::nullopt;  // the feed ends; the page reconnects
                feed->stats = std::move(*stats);
                feed->read_at = now;
                feed->read = true;
            }
            *seen = live->first;
            return TeamLive(live->second, feed->team, feed->stats);
        });
}

Result<Response> CallsToNumber(Call& c) {
    auto phone = c.request.Query("phone");
    if (!phone) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"calls.no_phone", "give the number: /api/v1/calls?phone=..."});
    }
    auto e164 = c.Phone(*phone);
    if (!e164) return std::unexpected(e164.error());
    CampaignBook book(*c.db, ClockOf(c));
    auto calls = book.CallsTo(*e164);
    if (!calls) return std::unexpected(calls.error());
    // A team's supervisor reads the calls the team's members took.
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    if (*team) {
        std::erase_if(*calls, [&](const auto& call) { return !InTeam(**team, call.agent); });
    }
    json out = json::array();
    for (const auto& call : *calls) {
        auto shown = c.Shown(call.number);
        if (!shown) return std::unexpected(shown.error());
        out.push_back({{"call", call.id},
                       {"campaign_id", call.campaign_id},
                       {"campaign", call.campaign},
                       {"purpose", call.purpose},
                       {"contact_id", call.contact_id},
                       {"phone", *shown},
                       {"caller_id", call.caller_id},
                       {"direction", call.inbound ? "in" : "out"},
                       {"route", CallRouteJson(call)},
                       {"attempt", call.attempt},
                       {"started_ms", call.started},
                       {"answered_ms", call.answered ? json(call.answered) : json(nullptr)},
                       {"ended_ms", call.ended},
                       {"outcome", call.outcome},
                       {"cause", call.cause},
                       {"agent", call.agent},
                       {"network", call.network},
                       {"robot_keys", call.robot_keys},
                       {"robot_actions", call.robot_actions},
                       {"recording", call.recording},
                       {"disposition", call.disposition ? json(*call.disposition) : json(nullptr)},
                       {"evidence", json::parse(call.evidence_json, nullptr, false)}});
    }
    auto shown = c.Shown(*e164);
    if (!shown) return std::unexpected(shown.error());
    c.records = "calls-to:" + c.api.Pseudonymized(*e164);
    return JsonResponse(200, json{{"phone", *shown}, {"calls", out}, {"team", TeamJson(*team)}});
}

Result<Response> AgentCampaigns(Call& c) {
    CampaignBook book(*c.db, ClockOf(c));
    auto all = book.List();
    if (!all) return std::unexpected(all.error());
    json out = json::array();
    for (const auto& s : *all) {
        if (s.state != "running" || s.pacing == campaigns::Pacing::kRobot) continue;
        out.push_back({{"id", s.id},
                       {"name", s.name},
                       {"pacing", campaigns::PacingId(s.pacing)},
                       {"script", s.script}});
    }
    c.records = "campaigns";
    return JsonResponse(200, json{{"campaigns", out}});
}

Result<Response> AgentState(Call& c) {
    auto runner = RunnerOf(c);
    json state = runner ? json::parse(AgentShown(SeesNumbers(c.viewer()),
                                                 (*runner)->AgentJson(c.actor()).second))
                        : json{{"agent", c.actor()}, {"campaign", nullptr}, {"state", "offline"}};
    CampaignBook book(*c.db, ClockOf(c));
    auto due = book.Callbacks(c.actor(), ClockOf(c).Now() + 7 * 86400);
    if (!due) return std::unexpected(due.error());
    json callbacks = json::array();
    std::string records = "agent:" + c.actor();
    for (const auto& t : *due) {
        // The person's name, as the card shows it to the caller (a read of
        // personal data: the contact is in the audit record).
        auto contact = contacts::LoadContact(*c.db, t.contact_id);
        if (!contact) return std::unexpected(contact.error());
        auto name = RedactName(c.viewer(), contact->name);
        if (!name) return std::unexpected(name.error());
        records += fmt::format(",contact:{}", t.contact_id);
        callbacks.push_back({{"id", t.id},
                             {"campaign_id", t.campaign_id},
                             {"contact_id", t.contact_id},
                             {"name", *name},
                             {"due_at", t.due_at},
                             {"due", t.due_at <= ClockOf(c).Now()}});
    }
    state["callbacks"] = callbacks;
    state["campaigns_running"] = runner.has_value();
    c.records = std::move(records);
    return JsonResponse(200, state);
}

Result<Response> AgentJoin(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    if (!body->contains("campaign") || !(*body)["campaign"].is_number_integer()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"agent.no_campaign_id", "give the campaign's id: {\"campaign\": 1}"});
    }
    const int64_t campaign = (*body)["campaign"];
    return AgentAction(
        c, [campaign](auto& r, const std::string& a) { return r.Join(a, campaign); },
        fmt::format("joined campaign {}", campaign));
}

Result<Response> AgentLeave(Call& c) {
    return AgentAction(
        c, [](auto& r, const std::string& a) { return r.Leave(a); }, "left");
}
Result<Response> AgentReady(Call& c) {
    return AgentAction(
        c, [](auto& r, const std::string& a) { return r.Ready(a); }, "ready");
}
// {"reason": "lunch"}: a code of the pause reasons (GET /pause-reasons);
// none given, the pause has no reason.
Result<Response> AgentPause(Call& c) {
    std::string reason;
    if (!c.request.body.empty()) {
        auto body = c.Body();
        if (!body) return std::unexpected(body.error());
        if (body->contains("reason") && !(*body)["reason"].is_null()) {
            if (!(*body)["reason"].is_string()) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"agent.pause_reason_text",
                                "the pause reason is not text: give its code, e.g. "
                                "{\"reason\": \"lunch\"}"});
            }
            reason = (*body)["reason"].get<std::string>();
        }
    }
    if (!reason.empty()) {
        routing::RoutingBook book(*c.db, ClockOf(c), c.actor());
        if (auto known = book.CheckPauseReason(reason); !known) {
            return std::unexpected(known.error());
        }
    }
    return AgentAction(
        c, [reason](auto& r, const std::string& a) { return r.Pause(a, reason); },
        reason.empty() ? std::string("paused") : "paused: " + reason);
}

// The reasons an operator may pause for, in the desk's order.
Result<Response> PauseReasons(Call& c) {
    auto reasons = routing::RoutingBook(*c.db, ClockOf(c), c.actor()).PauseReasons();
    if (!reasons) return std::unexpected(reasons.error());
    json out = json::array();
    for (const auto& r : *reasons)
        out.push_back(routing::PauseReasonJson(r));
    return JsonResponse(200, out);
}
Result<Response> AgentHangup(Call& c) {
    return AgentAction(
        c, [](auto& r, const std::string& a) { return r.Hangup(a); }, "hung up");
}
// {"on": true} holds the caller (music for them, silence for the operator),
// {"on": false} takes them back; no body holds.
Result<Response> AgentHold(Call& c) {
    // Without campaigns running that is the answer, whatever the body says.
    if (auto runner = RunnerOf(c); !runner) return std::unexpected(runner.error());
    bool on = true;
    if (!c.request.body.empty()) {
        auto body = c.Body();
        if (!body) return std::unexpected(body.error());
        if (body->contains("on")) {
            if (!(*body)["on"].is_boolean()) {
                return Fail(
                    ErrorCode::kInvalidInput,
                    Msg{"agent.hold_on_flag", "\"on\" must be true or false",
                        "{\"on\": true} holds the caller, {\"on\": false} takes them back"});
            }
            on = (*body)["on"].get<bool>();
        }
    }
    return AgentAction(
        c, [on](auto& r, const std::string& a) { return r.Hold(a, on); },
        on ? "put the caller on hold" : "took the caller back from hold");
}

// {"agent": "olga"} or {"queue": "sales"}: a blind transfer of the agent's call.
Result<Response> AgentTransfer(Call& c) {
    if (auto runner = RunnerOf(c); !runner) return std::unexpected(runner.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto text = [&](const char* key) -> std::optional<std::string> {
        auto v = body->find(key);
        if (v == body->end() || v->is_null()) return std::string();
        if (!v->is_string()) return std::nullopt;
        return v->get<std::string>();
    };
    auto to_agent = text("agent");
    auto to_queue = text("queue");
    if (!to_agent || !to_queue || to_agent->empty() == to_queue->empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"transfer.no_target", "say where the call goes: an operator or a queue",
                        "{\"agent\": \"olga\"} or {\"queue\": \"sales\"}, one of the two"});
    }
    return AgentAction(
        c, [&](auto& r, const std::string& a) { return r.Transfer(a, *to_agent, *to_queue); },
        to_queue->empty() ? "transferred the call to operator " + *to_agent
                          : "transferred the call to queue " + *to_queue);
}

// {"agent": "pavel"} consults a colleague, the caller on hold (attended
// transfer, conference); {"step": "complete" | "conference" | "cancel"} ends
// the consultation that way.
Result<Response> AgentConsult(Call& c) {
    if (auto runner = RunnerOf(c); !runner) return std::unexpected(runner.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto agent = body->find("agent");
    auto step = body->find("step");
    const bool has_agent =
        agent != body->end() && agent->is_string() && !agent->get<std::string>().empty();
    const bool has_step = step != body->end() && step->is_string();
    if (has_agent == has_step) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consult.no_target", "say whom to consult, or how the consultation ends",
                        "{\"agent\": \"pavel\"}, or {\"step\": \"complete\"}, "
                        "\"conference\" or \"cancel\""});
    }
    if (has_agent) {
        const std::string to = agent->get<std::string>();
        return AgentAction(
            c, [&](auto& r, const std::string& a) { return r.Consult(a, to); },
            "consulted operator " + to);
    }
    const std::string text = step->get<std::string>();
    std::optional<telephony::ConsultStep> how;
    for (auto s : {telephony::ConsultStep::kComplete, telephony::ConsultStep::kConference,
                   telephony::ConsultStep::kCancel})
        if (telephony::ConsultStepId(s) == text) how = s;
    if (!how) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consult.step_unknown", "\"{step}\" is not a way to end a consultation",
                        "\"complete\" puts the caller through, \"conference\" joins all three, "
                        "\"cancel\" goes back to the caller"},
                    {{"step", text}});
    }
    return AgentAction(
        c, [&](auto& r, const std::string& a) { return r.EndConsult(a, *how); },
        fmt::format("ended the consultation: {}", text));
}

Result<Response> AgentTransferTargets(Call& c) {
    auto runner = RunnerOf(c);
    if (!runner) return std::unexpected(runner.error());
    auto targets = (*runner)->TransferTargets(c.actor());
    if (!targets) return std::unexpected(targets.error());
    return JsonResponse(200, json::parse(*targets));
}

Result<Response> AgentDial(Call& c) {
    return AgentAction(
        c, [](auto& r, const std::string& a) { return r.DialCard(a); }, "dialed");
}
Result<Response> AgentNextCard(Call& c) {
    return AgentAction(
        c,
        [](auto& r, const std::string& a) -> Result<void> {
            auto contact = r.NextCard(a);
            if (!contact) return std::unexpected(contact.error());
            return {};
        },
        "took the next card");
}

Result<Response> AgentDisposition(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    campaigns::Disposition d;
    auto status = Text(*body, "status");
    if (!status) return std::unexpected(status.error());
    auto note = Text(*body, "note");
    if (!note) return std::unexpected(note.error());
    auto callback = OptionalSeconds(*body, "callback_at");
    if (!callback) return std::unexpected(callback.error());
    d.status = *status;
    d.note = *note;
    d.callback_at = *callback;
    if (body->contains("tags")) {
        if (!(*body)["tags"].is_array()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"disposition.tags_not_list", "tags must be a list of tag names"});
        }
        for (const auto& t : (*body)["tags"]) {
            if (!t.is_string()) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"disposition.tag_not_text", "tags must be strings"});
            }
            d.tags.push_back(t);
        }
    }
    return AgentAction(
        c, [d](auto& r, const std::string& a) { return r.Dispose(a, d); },
        fmt::format("disposition {}", d.status.empty() ? "(none)" : d.status));
}

Result<server::Feed> AgentEvents(Call& c) {
    auto runner = RunnerOf(c);
    if (!runner) return std::unexpected(runner.error());
    c.records = "agent:" + c.actor();
    auto seen = std::make_shared<uint64_t>(UINT64_MAX);
    // The desk's presence: open while this feed is; when the last feed of the
    // agent goes (the socket closed, or its pings unanswered), the runner
    // pauses a ready agent after its grace.
    (*runner)->DeskOpened(c.actor());
    auto desk = std::shared_ptr<void>(
        nullptr, [runner = *runner, agent = c.actor()](void*) { runner->DeskClosed(agent); });
    return server::Feed([runner = *runner, agent = c.actor(), seen, desk,
                         sees = SeesNumbers(c.viewer())]() -> std::optional<std::string> {
        if (*seen != UINT64_MAX) {
            runner->WaitAgent(agent, *seen, std::chrono::milliseconds(1000));
        }
        auto [version, state] = runner->AgentJson(agent);
        if (version == *seen) return std::string();
        *seen = version;
        return AgentShown(sees, std::move(state));
    });
}

}  // namespace callbase::api::handlers
