// callbase campaign create|list|show|start|pause|stop|stats, callbase why
// PHONE (the legal trail of every campaign call to a number), and the
// forecast of `callbase simulate --campaign ID` (campaigns/forecast.h).
// Campaigns run inside `callbase serve`; these commands set them up and
// change their state.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "api/scope.h"
#include "campaigns/campaign_book.h"
#include "campaigns/diagnosis.h"
#include "campaigns/forecast.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "routing/router.h"

namespace callbase::cli {
namespace {

using campaigns::CampaignBook;
using campaigns::CampaignSpec;
using nlohmann::json;

Error Bad(std::string message, std::string hint) {
    return Error{ErrorCode::kInvalidInput, std::move(message), std::move(hint)};
}

// "09:00-20:00" -> minutes after midnight.
Result<std::pair<int, int>> ParseSchedule(std::string_view text) {
    const std::string t(text);
    const size_t dash = t.find('-');
    auto from = ParseClockTime(t.substr(0, dash), "--schedule");
    auto to = ParseClockTime(dash == std::string::npos ? "" : t.substr(dash + 1), "--schedule");
    if (!from || !to) {
        return std::unexpected(Bad(fmt::format("schedule '{}' is not HH:MM-HH:MM", text),
                                   "e.g. --schedule 09:00-20:00"));
    }
    return std::pair{*from, *to};
}

// --pacing as written -> the mode.
Result<campaigns::Pacing> ParsePacingArg(const std::string& text) {
    auto pacing = campaigns::ParsePacing(text);
    if (!pacing) {
        return std::unexpected(Bad(fmt::format("--pacing {}: not a pacing mode", text),
                                   "write preview, progressive, predictive or robot"));
    }
    return *pacing;
}

// --retry OUTCOME=DELAY, repeated -> the retry rules.
Result<std::vector<campaigns::RetryRule>> ParseRetries(const std::vector<std::string>& given) {
    std::vector<campaigns::RetryRule> out;
    for (const auto& r : given) {
        auto eq = r.find('=');
        if (eq == std::string::npos) {
            return std::unexpected(Bad(fmt::format("--retry {}: write OUTCOME=DELAY", r),
                                       "e.g. --retry busy=30m --retry no_answer=4h"));
        }
        auto delay = ParseDuration(r.substr(eq + 1));
        if (!delay) return std::unexpected(delay.error());
        out.push_back({r.substr(0, eq), *delay});
    }
    return out;
}

std::string Clock(int minute) {
    return fmt::format("{:02d}:{:02d}", minute / 60, minute % 60);
}

std::string Percent(double share) {
    return fmt::format("{:.2f} %", share * 100);
}

void PrintSpec(const CampaignSpec& s) {
    Table t({"", ""});
    t.Add({"campaign", fmt::format("#{} {}", s.id, s.name)});
    t.Add({"state", s.state});
    t.Add({"purpose", s.purpose});
    t.Add({"pacing", std::string(campaigns::PacingId(s.pacing))});
    t.Add({"segment",
           s.segment.empty() ? "every contact" : fmt::format("{}", fmt::join(s.segment, " "))});
    t.Add({"order", s.rules.empty()
                        ? fmt::format("sequential by {}", s.order_by)
                        : fmt::format("rules {} then {}", fmt::join(s.rules, ", "), s.order_by)});
    std::string ids;
    for (const auto& c : s.caller_ids) {
        ids += fmt::format("{}{}{}", ids.empty() ? "" : ", ", c.number,
                           c.region.empty() ? "" : " (" + c.region + ")");
    }
    t.Add({"caller IDs", fmt::format("{} — cap {} a day each, local presence {}", ids, s.daily_cap,
                                     s.local_presence ? "on" : "off")});
    std::string retries;
    for (const auto& r : s.retries) {
        retries += fmt::format("{}{} +{} min", retries.empty() ? "" : ", ", r.outcome,
                               r.delay_seconds / 60);
    }
    t.Add({"retries", fmt::format("{}; at most {} attempts a number", retries, s.max_attempts)});
    t.Add({"schedule", fmt::format("{}-{} (call center's clock)", Clock(s.schedule_start_minute),
                                   Clock(s.schedule_end_minute))});
    if (s.pacing == campaigns::Pacing::kPredictive) {
        t.Add({"abandon limit",
               fmt::format("{} over {} min", Percent(s.abandon_limit), s.abandon_window_minutes)});
    }
    if (s.pacing == campaigns::Pacing::kRobot) {
        t.Add({"robot limits", fmt::format("{} calls at once, {} a second", s.robot_max_calls,
                                           s.robot_calls_per_second)});
    } else {
        t.Add({"wrap-up", fmt::format("{} s", s.wrap_up_seconds)});
    }
    t.Add({"trunk", s.trunk.empty() ? std::string("the default") : s.trunk});
    if (!s.script.empty()) t.Add({"script", s.script});
    if (!s.robot_script.empty()) t.Add({"robot script", s.robot_script});
    if (s.target_contacts > 0)
        t.Add({"target", fmt::format("{} contacts a day", s.target_contacts)});
    if (s.sensitive) {
        t.Add({"sensitive", "yes: within a day a number talks with one operator only"});
    }
    t.Print(false);
}

// The legal trail of one call, for people.
std::string WhyText(const campaigns::StoredCall& c) {
    json e = json::parse(c.evidence_json, nullptr, false);
    static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int minute = e.value("local_minute", 0);
    int offset = e.value("utc_offset", 180);
    std::string out = fmt::format(
        "    allowed because: the callee's local time was {} {} (UTC{:+03d}:{:02d}{}); no "
        "stop-list entry in force; not listed in the registries checked ({}); consent: {}; no "
        "deletion pending; not inactive; {} earlier attempt(s) in the period\n    rules in "
        "force: {}\n",
        kDays[e.value("local_weekday", 0) % 7], Clock(minute), offset / 60, std::abs(offset % 60),
        e.value("offset_assumed", false) ? ", zone unknown: Moscow assumed" : "",
        e.value("registries", std::string("none loaded")), e.value("consent", std::string("?")),
        e.value("attempts_before", 0), e.value("rules", std::string("?")));
    return out;
}

// The warnings to read before starting a campaign (campaigns/diagnosis.h).
Result<std::vector<campaigns::Finding>> StartWarnings(store::Store& db, CampaignBook& book,
                                                      const CampaignSpec& spec,
                                                      const phone::Cleaner& cleaner) {
    auto rules = compliance::LoadRules(db);
    if (!rules) return std::unexpected(rules.error());
    auto leads = book.Leads(spec, cleaner);
    if (!leads) return std::unexpected(leads.error());
    return campaigns::CheckBeforeStart(
        spec, *rules, static_cast<int64_t>(leads->size()), rules->default_utc_offset_minutes,
        campaigns::CalleeOffsets(*leads, rules->default_utc_offset_minutes));
}

void PrintFindings(const std::vector<campaigns::Finding>& findings, std::string_view label) {
    for (const auto& f : findings)
        fmt::print("{}: {}\n", label, campaigns::FindingText(f));
}

}  // namespace

void RegisterCampaignCommands(CLI::App& cli, App& app) {
    auto* campaign = cli.add_subcommand("campaign", "outbound campaigns (they run in serve)");
    campaign->require_subcommand(1);

    struct CreateArgs {
        CampaignSpec spec;
        std::string pacing = "progressive", schedule = "09:00-20:00";
        std::vector<std::string> retries;
        bool no_local = false;
    };
    auto c = std::make_shared<CreateArgs>();
    auto* create = campaign->add_subcommand("create", "set up a campaign (it starts as a draft)");
    create->add_option("name", c->spec.name, "the campaign's name")->required();
    create->add_option("--segment", c->spec.segment,
                       "which contacts: filter expressions, all must hold (status=new tag=VIP "
                       "region=Москва idle>=30 field:Сумма>1000)");
    create->add_option("--order", c->spec.order_by,
                       "sequential order: id, added, idle, status, source, region or "
                       "field:NAME; '-' in front for descending (default id)");
    create->add_option("--rule", c->spec.rules,
                       "a priority rule EXPR:WEIGHT (status=new:100); the score is the sum of "
                       "matching weights, higher first");
    create->add_option("--pacing", c->pacing, "preview, progressive, predictive or robot");
    create->add_option("--purpose", c->spec.purpose, "service (default), marketing, ...");
    auto ids = std::make_shared<std::vector<std::string>>();
    create->add_option("--caller-id", *ids, "a number the campaign calls from (repeat)")
        ->required();
    create->add_option("--daily-cap", c->spec.daily_cap, "calls a day per caller ID (default 75)");
    create->add_flag("--no-local-presence", c->no_local,
                     "do not prefer a caller ID from the callee's region");
    create->add_option("--retry", c->retries,
                       "OUTCOME=DELAY, e.g. busy=30m no_answer=4h (replaces the defaults)");
    create->add_option("--max-attempts", c->spec.max_attempts, "attempts a number (default 3)");
    create->add_option("--schedule", c->schedule,
                       "dialing hours, HH:MM-HH:MM (default 09:00-20:00)");
    create->add_option("--abandon-limit", c->spec.abandon_limit,
                       "predictive: the share of answered calls that may be abandoned (0.03)");
    create->add_option("--wrap-up", c->spec.wrap_up_seconds, "seconds after each call (10)");
    create->add_option("--robot-max-calls", c->spec.robot_max_calls, "robot: calls at once (30)");
    create->add_option("--robot-cps", c->spec.robot_calls_per_second,
                       "robot: new calls a second (5)");
    create->add_option("--trunk", c->spec.trunk,
                       "the SIP trunk it dials through (a name of the SIP settings; default: the "
                       "default trunk)");
    create->add_option("--script", c->spec.script, "hints shown to operators beside the card");
    create->add_option("--robot-script", c->spec.robot_script,
                       "robots: the script they follow (YAML, docs/ivr.md; checked as by `ivr "
                       "check`)");
    create->add_option("--target", c->spec.target_contacts, "contacts to reach a day");
    create->add_flag("--sensitive", c->spec.sensitive,
                     "a sensitive campaign: within a day a number talks with one operator only");
    create->callback([&app, c, ids] {
        CampaignSpec spec = c->spec;
        auto pacing = ParsePacingArg(c->pacing);
        if (!pacing) return app.Report(pacing.error());
        spec.pacing = *pacing;
        auto schedule = ParseSchedule(c->schedule);
        if (!schedule) return app.Report(schedule.error());
        spec.schedule_start_minute = schedule->first;
        spec.schedule_end_minute = schedule->second;
        spec.local_presence = !c->no_local;
        for (const auto& number : *ids)
            spec.caller_ids.push_back({number, "", 0});
        if (!c->retries.empty()) {
            auto retries = ParseRetries(c->retries);
            if (!retries) return app.Report(retries.error());
            spec.retries = std::move(*retries);
        }
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto created = book.Create(spec, *tools->cleaner, app.actor);
        if (!created) return app.Report(created.error());
        auto leads = book.SegmentSize(*created, *tools->cleaner);
        if (!leads) return app.Report(leads.error());
        auto warnings = StartWarnings(**db, book, *created, *tools->cleaner);
        if (!warnings) return app.Report(warnings.error());
        if (app.json) {
            json j = json::parse(campaigns::SpecJson(*created));
            j["leads"] = *leads;
            j["warnings"] = campaigns::FindingsJson(*warnings);
            fmt::print("{}\n", JsonText(j));
            return;
        }
        fmt::print("created campaign #{} «{}» as a draft: {} contacts in its segment\n",
                   created->id, created->name, *leads);
        PrintFindings(*warnings, "warning");
        fmt::print("start it with: callbase campaign start {}{}\n", created->id,
                   warnings->empty() ? "" : " (the warnings do not prevent it)");
    });

    // campaign edit: the options given replace those settings of a draft; the
    // others stay as they are.
    struct EditArgs {
        int64_t id = 0;
        CampaignSpec spec;
        std::string pacing, schedule, local_presence;
        std::vector<std::string> caller_ids, retries;
        bool every_contact = false, sensitive = false, not_sensitive = false;
    };
    auto e = std::make_shared<EditArgs>();
    auto* edit = campaign->add_subcommand(
        "edit", "change a draft's settings: the options given replace those, the rest stay");
    edit->add_option("id", e->id, "the campaign")->required();
    edit->add_option("--name", e->spec.name, "a new name");
    edit->add_option("--segment", e->spec.segment,
                     "which contacts: filter expressions, all must hold (replaces the segment)");
    edit->add_flag("--every-contact", e->every_contact, "no segment: every contact")
        ->excludes("--segment");
    edit->add_option("--order", e->spec.order_by, "sequential order, as for create");
    edit->add_option("--rule", e->spec.rules, "priority rules EXPR:WEIGHT (replace the rules)");
    edit->add_option("--pacing", e->pacing, "preview, progressive, predictive or robot");
    edit->add_option("--purpose", e->spec.purpose, "service, marketing, ...");
    edit->add_option("--caller-id", e->caller_ids,
                     "the numbers the campaign calls from (repeat; replace the list)");
    edit->add_option("--daily-cap", e->spec.daily_cap, "calls a day per caller ID");
    edit->add_option("--local-presence", e->local_presence,
                     "on: prefer a caller ID from the callee's region; off: do not");
    edit->add_option("--retry", e->retries, "OUTCOME=DELAY, e.g. busy=30m (replace the rules)");
    edit->add_option("--max-attempts", e->spec.max_attempts, "attempts a number");
    edit->add_option("--schedule", e->schedule, "dialing hours, HH:MM-HH:MM");
    edit->add_option("--abandon-limit", e->spec.abandon_limit,
                     "predictive: the share of answered calls that may be abandoned");
    edit->add_option("--wrap-up", e->spec.wrap_up_seconds, "seconds after each call");
    edit->add_option("--robot-max-calls", e->spec.robot_max_calls, "robot: calls at once");
    edit->add_option("--robot-cps", e->spec.robot_calls_per_second, "robot: new calls a second");
    edit->add_option("--trunk", e->spec.trunk,
                     "the SIP trunk it dials through (\"\": the default)");
    edit->add_option("--script", e->spec.script, "hints shown to operators beside the card");
    edit->add_option("--robot-script", e->spec.robot_script, "robots: the script they follow");
    edit->add_option("--target", e->spec.target_contacts, "contacts to reach a day");
    edit->add_flag("--sensitive", e->sensitive, "make it a sensitive campaign");
    edit->add_flag("--not-sensitive", e->not_sensitive, "make it an ordinary campaign")
        ->excludes("--sensitive");
    edit->callback([&app, e, edit] {
        auto given = [&](const char* name) { return edit->get_option(name)->count() > 0; };
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto spec = book.Get(e->id);
        if (!spec) return app.Report(spec.error());
        CampaignSpec s = *spec;
        const CampaignSpec& in = e->spec;
        bool changed = false;
        auto take = [&](const char* name, auto& to, const auto& from) {
            if (!given(name)) return;
            to = from;
            changed = true;
        };
        take("--name", s.name, in.name);
        take("--segment", s.segment, in.segment);
        if (e->every_contact) {
            s.segment.clear();
            changed = true;
        }
        take("--order", s.order_by, in.order_by);
        take("--rule", s.rules, in.rules);
        take("--purpose", s.purpose, in.purpose);
        take("--daily-cap", s.daily_cap, in.daily_cap);
        take("--max-attempts", s.max_attempts, in.max_attempts);
        take("--abandon-limit", s.abandon_limit, in.abandon_limit);
        take("--wrap-up", s.wrap_up_seconds, in.wrap_up_seconds);
        take("--robot-max-calls", s.robot_max_calls, in.robot_max_calls);
        take("--robot-cps", s.robot_calls_per_second, in.robot_calls_per_second);
        take("--trunk", s.trunk, in.trunk);
        take("--script", s.script, in.script);
        take("--robot-script", s.robot_script, in.robot_script);
        take("--target", s.target_contacts, in.target_contacts);
        if (e->sensitive || e->not_sensitive) {
            s.sensitive = e->sensitive;
            changed = true;
        }
        if (given("--pacing")) {
            auto pacing = ParsePacingArg(e->pacing);
            if (!pacing) return app.Report(pacing.error());
            s.pacing = *pacing;
            changed = true;
        }
        if (given("--schedule")) {
            auto schedule = ParseSchedule(e->schedule);
            if (!schedule) return app.Report(schedule.error());
            s.schedule_start_minute = schedule->first;
            s.schedule_end_minute = schedule->second;
            changed = true;
        }
        if (given("--local-presence")) {
            if (e->local_presence != "on" && e->local_presence != "off") {
                return app.Report(
                    Bad(fmt::format("--local-presence '{}': write on or off", e->local_presence),
                        "e.g. --local-presence off"));
            }
            s.local_presence = e->local_presence == "on";
            changed = true;
        }
        if (given("--caller-id")) {
            s.caller_ids.clear();
            for (const auto& number : e->caller_ids)
                s.caller_ids.push_back({number, "", 0});
            changed = true;
        }
        if (given("--retry")) {
            auto retries = ParseRetries(e->retries);
            if (!retries) return app.Report(retries.error());
            s.retries = std::move(*retries);
            changed = true;
        }
        if (!changed) {
            return app.Report(Bad(fmt::format("campaign edit {}: nothing to change", e->id),
                                  "give the settings to change, e.g. --schedule 10:00-19:00; run "
                                  "`callbase campaign edit --help`"));
        }
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto saved = book.Edit(e->id, s, *tools->cleaner, app.actor);
        if (!saved) return app.Report(saved.error());
        auto leads = book.SegmentSize(*saved, *tools->cleaner);
        if (!leads) return app.Report(leads.error());
        if (app.json) {
            json j = json::parse(campaigns::SpecJson(*saved));
            j["leads"] = *leads;
            fmt::print("{}\n", JsonText(j));
            return;
        }
        fmt::print("campaign #{} «{}» saved: {} contacts in its segment\n", saved->id, saved->name,
                   *leads);
    });

    auto* list = campaign->add_subcommand("list", "the campaigns");
    list->callback([&app] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto all = book.List();
        if (!all) return app.Report(all.error());
        if (app.json) {
            json out = json::array();
            for (const auto& s : *all)
                out.push_back(json::parse(campaigns::SpecJson(s)));
            fmt::print("{}\n", JsonText(out));
            return;
        }
        if (all->empty()) {
            fmt::print("no campaigns yet: callbase campaign create NAME --caller-id NUMBER ...\n");
            return;
        }
        Table t({"id", "name", "state", "pacing", "purpose", "schedule"});
        for (const auto& s : *all) {
            t.Add({fmt::format("{}", s.id), s.name, s.state,
                   std::string(campaigns::PacingId(s.pacing)), s.purpose,
                   fmt::format("{}-{}", Clock(s.schedule_start_minute),
                               Clock(s.schedule_end_minute))});
        }
        t.Print();
    });

    auto id_arg = std::make_shared<int64_t>(0);
    auto* show = campaign->add_subcommand("show", "a campaign's settings and segment size");
    show->add_option("id", *id_arg, "the campaign")->required();
    show->callback([&app, id_arg] {
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto spec = book.Get(*id_arg);
        if (!spec) return app.Report(spec.error());
        auto leads = book.SegmentSize(*spec, *tools->cleaner);
        if (!leads) return app.Report(leads.error());
        if (app.json) {
            json j = json::parse(campaigns::SpecJson(*spec));
            j["leads"] = *leads;
            fmt::print("{}\n", JsonText(j));
            return;
        }
        PrintSpec(*spec);
        fmt::print("\n{} contacts in the segment now\n", *leads);
    });

    // campaign clone: the way out the refusal of `campaign edit` names for a
    // campaign that has started (CampaignBook::Clone, as the web's Clone).
    auto clone_id = std::make_shared<int64_t>(0);
    auto* clone = campaign->add_subcommand(
        "clone", "a new draft with a campaign's settings, named \"NAME (копия)\", to edit");
    clone->add_option("id", *clone_id, "the campaign to copy (in any state)")->required();
    clone->callback([&app, clone_id] {
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto copy = book.Clone(*clone_id, *tools->cleaner, app.actor);
        if (!copy) return app.Report(copy.error());
        if (app.json) {
            fmt::print("{}\n", JsonText(json::parse(campaigns::SpecJson(*copy))));
            return;
        }
        fmt::print(
            "campaign #{} cloned as draft #{} «{}»; change it with: callbase campaign edit "
            "{}\n",
            *clone_id, copy->id, copy->name, copy->id);
    });

    for (std::string action : {"start", "pause", "stop"}) {
        auto* cmd = campaign->add_subcommand(
            action, action == "start"   ? "start (or resume) a campaign: serve dials it"
                    : action == "pause" ? "pause a campaign: no new dials, calls in progress end"
                                        : "stop a campaign for good");
        auto id = std::make_shared<int64_t>(0);
        cmd->add_option("id", *id, "the campaign")->required();
        cmd->callback([&app, id, action] {
            auto db = app.OpenStore();
            if (!db) return app.Report(db.error());
            CampaignBook book(**db, app.clock);
            // Read before the start, which they never forbid.
            std::vector<campaigns::Finding> warnings;
            if (action == "start") {
                auto tools = LoadPhoneTools(app);
                if (!tools) return app.Report(tools.error());
                auto before = book.Get(*id);
                if (!before) return app.Report(before.error());
                auto found = StartWarnings(**db, book, *before, *tools->cleaner);
                if (!found) return app.Report(found.error());
                warnings = std::move(*found);
            }
            auto spec = book.Transition(*id, action, app.actor);
            if (!spec) return app.Report(spec.error());
            if (app.json) {
                json j{{"id", spec->id}, {"state", spec->state}};
                if (action == "start") j["warnings"] = campaigns::FindingsJson(warnings);
                fmt::print("{}\n", JsonText(j));
                return;
            }
            fmt::print("campaign #{} «{}» is {}\n", spec->id, spec->name, spec->state);
            PrintFindings(warnings, "warning");
        });
    }

    auto stats_id = std::make_shared<int64_t>(0);
    auto* stats = campaign->add_subcommand("stats", "a campaign's calls so far");
    stats->add_option("id", *stats_id, "the campaign")->required();
    stats->callback([&app, stats_id] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto spec = book.Get(*stats_id);
        if (!spec) return app.Report(spec.error());
        // A team's supervisor sees the figures of the team's calls (api/scope.h).
        auto team = api::FiguresTeam(ViewerOf(app), **db, app.clock);
        if (!team) return app.Report(team.error());
        auto st = *team ? book.Stats(*stats_id, (*team)->members) : book.Stats(*stats_id);
        if (!st) return app.Report(st.error());
        // Today's calls per caller ID on the call center's clock, against the caps.
        auto rules = compliance::LoadRules(**db);
        if (!rules) return app.Report(rules.error());
        const int offset = rules->default_utc_offset_minutes;
        const auto day = static_cast<int32_t>((app.clock.Now() + int64_t{offset} * 60) / 86400);
        auto today = book.CallerIdCalls(spec->id, day, offset);
        if (!today) return app.Report(today.error());
        std::vector<std::pair<std::string, int>> near;
        for (const auto& [number, calls] : *today) {
            for (const auto& id : spec->caller_ids) {
                int cap = id.daily_cap > 0 ? id.daily_cap : spec->daily_cap;
                if (id.number == number && calls * 10 >= cap * 9) near.emplace_back(number, calls);
            }
        }
        // Why a running campaign dials nothing, as far as the base tells: the
        // rules and the clock, the segment, the caller IDs' caps (the server's
        // live figures add the operators and the dial gate: the web UI, the API).
        std::vector<campaigns::Finding> stall;
        if (spec->state == "running") {
            auto tools = LoadPhoneTools(app);
            if (!tools) return app.Report(tools.error());
            auto leads = book.Leads(*spec, *tools->cleaner);
            if (!leads) return app.Report(leads.error());
            campaigns::StallFigures figures;
            figures.segment = static_cast<int64_t>(leads->size());
            figures.callee_offsets = campaigns::CalleeOffsets(*leads, offset);
            int64_t left = 0;
            for (const auto& id : spec->caller_ids) {
                const int cap = id.daily_cap > 0 ? id.daily_cap : spec->daily_cap;
                int calls = 0;
                for (const auto& [number, n] : *today) {
                    if (number == id.number) calls = n;
                }
                left += std::max(0, cap - calls);
            }
            figures.caller_id_calls_left = left;
            stall = campaigns::DiagnoseStall(*spec, *rules, app.clock.Now(), offset, figures);
        }
        if (app.json) {
            json ids = json::array();
            for (const auto& [number, n] : st->calls_per_caller_id) {
                ids.push_back({{"caller_id", number}, {"calls", n}});
            }
            fmt::print("{}\n", JsonText(json{{"id", spec->id},
                                             {"state", spec->state},
                                             {"attempts", st->attempts},
                                             {"answered", st->answered},
                                             {"abandoned", st->abandoned},
                                             {"abandon_rate", st->AbandonRate()},
                                             {"abandon_limit", spec->abandon_limit},
                                             {"short_calls", st->short_calls},
                                             {"outcomes", st->outcomes},
                                             {"dispositions", st->dispositions_by_status},
                                             {"callbacks_pending", st->callbacks_pending},
                                             {"inbound", st->inbound},
                                             {"inbound_answered", st->inbound_answered},
                                             {"calls_per_caller_id_24h", ids},
                                             {"caller_ids_near_cap", near},
                                             {"stall", campaigns::FindingsJson(stall)},
                                             {"team", api::TeamJson(*team)}}));
            return;
        }
        fmt::print("campaign #{} «{}» ({})\n", spec->id, spec->name, spec->state);
        if (!stall.empty()) {
            fmt::print("\nIt dials nothing now:\n");
            for (const auto& f : stall)
                fmt::print("  - {}\n", campaigns::FindingText(f));
        }
        if (*team) {
            fmt::print("team {}: the calls of its {} member(s) only\n", (*team)->name,
                       (*team)->members.size());
        }
        fmt::print("\n");
        Table t({"", ""});
        t.Add({"attempts", fmt::format("{}", st->attempts)});
        t.Add({"answered", fmt::format("{}", st->answered)});
        t.Add({"abandoned", fmt::format("{} ({} of answered; limit {})", st->abandoned,
                                        Percent(st->AbandonRate()), Percent(spec->abandon_limit))});
        t.Add({"short calls (< 3 s)", fmt::format("{}", st->short_calls)});
        std::string outcomes, dispositions, ids;
        for (const auto& [k, n] : st->outcomes) {
            outcomes += fmt::format("{}{} {}", outcomes.empty() ? "" : " · ", k, n);
        }
        for (const auto& [k, n] : st->dispositions_by_status) {
            dispositions += fmt::format("{}{} {}", dispositions.empty() ? "" : " · ", k, n);
        }
        for (const auto& [k, n] : st->calls_per_caller_id) {
            ids += fmt::format("{}{} {}", ids.empty() ? "" : " · ", k, n);
        }
        t.Add({"outcomes", outcomes.empty() ? "none yet" : outcomes});
        t.Add({"dispositions", dispositions.empty() ? "none yet" : dispositions});
        t.Add({"callbacks pending", fmt::format("{}", st->callbacks_pending)});
        if (st->inbound > 0) {
            t.Add({"incoming calls", fmt::format("{} ({} put through to an operator)", st->inbound,
                                                 st->inbound_answered)});
        }
        t.Add({"calls per caller ID (24 h)", ids.empty() ? "none" : ids});
        if (!near.empty()) {
            std::string list;
            for (const auto& [number, calls] : near) {
                list += fmt::format("{}{} ({} today)", list.empty() ? "" : ", ", number, calls);
            }
            t.Add({"WARNING near the daily cap", list});
        }
        t.Print(false);
    });

    auto phone = std::make_shared<std::string>();
    auto* why = cli.add_subcommand(
        "why", "every campaign call to a number and why the dial gate allowed it");
    why->add_option("phone", *phone, "the number, any spelling")->required();
    why->callback([&app, phone] {
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto e164 = CleanPhoneArg(*tools->cleaner, *phone);
        if (!e164) return app.Report(e164.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        CampaignBook book(**db, app.clock);
        auto calls = book.CallsTo(*e164);
        if (!calls) return app.Report(calls.error());
        // A team's supervisor reads the calls the team's members took.
        auto team = api::FiguresTeam(ViewerOf(app), **db, app.clock);
        if (!team) return app.Report(team.error());
        if (*team) {
            std::erase_if(*calls,
                          [&](const auto& call) { return !api::InTeam(**team, call.agent); });
        }
        // The number as the acting user may see it (the API's view).
        auto shown = ShownNumber(app, **db, *e164);
        if (!shown) return app.Report(shown.error());
        for (auto& c : *calls) {
            if (c.number == *e164) c.number = *shown;
        }
        if (app.json) {
            json out = json::array();
            for (const auto& c : *calls) {
                out.push_back(
                    {{"call", c.id},
                     {"campaign_id", c.campaign_id},
                     {"campaign", c.campaign},
                     {"purpose", c.purpose},
                     {"number", c.number},
                     {"caller_id", c.caller_id},
                     {"direction", c.inbound ? "in" : "out"},
                     {"route", CallRouteJson(c)},
                     {"attempt", c.attempt},
                     {"started_ms", c.started},
                     {"answered_ms", c.answered ? json(c.answered) : json(nullptr)},
                     {"ended_ms", c.ended},
                     {"outcome", c.outcome},
                     {"cause", c.cause},
                     {"agent", c.agent},
                     {"network", c.network},
                     {"robot_keys", c.robot_keys},
                     {"robot_actions", c.robot_actions},
                     {"recording", c.recording},
                     {"disposition", c.disposition ? json(*c.disposition) : json(nullptr)},
                     {"evidence", json::parse(c.evidence_json, nullptr, false)}});
            }
            fmt::print(
                "{}\n",
                JsonText(json{{"e164", *shown}, {"calls", out}, {"team", api::TeamJson(*team)}}));
            return;
        }
        if (calls->empty()) {
            if (*team) {
                fmt::print("{}: no call of team {} to or from this number\n", *shown,
                           (*team)->name);
                return;
            }
            fmt::print("{}: no campaign has called this number, nor has it called us\n", *shown);
            return;
        }
        fmt::print("{}: {} campaign call(s)\n", *shown, calls->size());
        for (const auto& c : *calls) {
            if (c.inbound) {
                // The caller called: no dial, so no gate and no trail to show.
                fmt::print("\n{}  incoming call to {}, taken by campaign #{} «{}»{}\n",
                           LocalTime(c.started / 1000, true), c.caller_id, c.campaign_id,
                           c.campaign, c.network == "sim" ? "  [simulated network]" : "");
                fmt::print("    outcome: {}{}{}{}\n", c.outcome,
                           c.cause == 480 ? " (no operator was free in time: refused)" : "",
                           c.agent.empty() ? "" : ", operator " + c.agent,
                           c.disposition ? ", disposition " + *c.disposition : "");
                if (!c.route.empty()) {
                    fmt::print("    route: {} ({})\n", c.route,
                               routing::ReasonText(c.route_reason, c.route_params));
                }
                if (!c.menu.empty()) {
                    std::string answers;
                    for (const auto& [question, answer] : c.menu_answers)
                        answers +=
                            fmt::format("{}{}: {}", answers.empty() ? "" : ", ", question, answer);
                    fmt::print("    menu: {}{}\n", c.menu,
                               answers.empty() ? "" : " (" + answers + ")");
                }
                if (!c.recording.empty()) fmt::print("    recording: {}\n", c.recording);
                continue;
            }
            fmt::print("\n{}  campaign #{} «{}» ({}), attempt {}, from {}{}\n",
                       LocalTime(c.started / 1000, true), c.campaign_id, c.campaign, c.purpose,
                       c.attempt, c.caller_id, c.network == "sim" ? "  [simulated network]" : "");
            fmt::print("    outcome: {}{}{}{}\n", c.outcome,
                       c.cause ? fmt::format(" (cause {})", c.cause) : "",
                       c.agent.empty() ? "" : ", operator " + c.agent,
                       c.disposition ? ", disposition " + *c.disposition : "");
            if (!c.robot_keys.empty() || !c.robot_actions.empty()) {
                fmt::print("    robot: keys {}, did {}\n",
                           c.robot_keys.empty() ? "none" : c.robot_keys,
                           c.robot_actions.empty() ? "nothing" : c.robot_actions);
            }
            if (!c.recording.empty()) fmt::print("    recording: {}\n", c.recording);
            auto why_text = ShownText(app, **db, WhyText(c));
            if (!why_text) return app.Report(why_text.error());
            fmt::print("{}", *why_text);
        }
    });
}

Result<void> RunForecast(App& app, int64_t id, int agents) {
    auto tools = LoadPhoneTools(app);
    if (!tools) return std::unexpected(tools.error());
    auto db = app.OpenStore();
    if (!db) return std::unexpected(db.error());
    CampaignBook book(**db, app.clock);
    auto spec = book.Get(id);
    if (!spec) return std::unexpected(spec.error());
    auto leads = book.Leads(*spec, *tools->cleaner);
    if (!leads) return std::unexpected(leads.error());
    auto rules = compliance::LoadRules(**db);
    if (!rules) return std::unexpected(rules.error());
    const std::string dir = RegistryDir(app);
    std::shared_ptr<compliance::RegistryCatalog> catalog;
    campaigns::ForecastOptions options;
    options.agents = agents;
    options.center_utc_offset_minutes = rules->default_utc_offset_minutes;
    // Today's schedule start on the call center's clock (or now, when later).
    const UnixSeconds now = app.clock.Now();
    const UnixSeconds midnight = LocalMidnight(now, options.center_utc_offset_minutes);
    const UnixSeconds day_start = midnight + int64_t{spec->schedule_start_minute} * 60;
    auto f = campaigns::ForecastToday(**db, *spec, std::move(*leads), *rules,
                                      compliance::CatalogCheck(**db, dir, catalog),
                                      campaigns::RegistriesChecked(**db, dir), day_start, options);
    if (!f) return std::unexpected(f.error());
    const auto& st = f->run.stats;
    const auto& why = f->why_none_today;
    if (app.json) {
        json hours = json::object();
        for (const auto& [h, n] : f->first_callable_at)
            hours[fmt::format("{:02d}:00", h)] = n;
        fmt::print("{}\n", JsonText(json{
                               {"campaign", spec->id},
                               {"leads", f->leads},
                               {"allowed_today", f->allowed_today},
                               {"first_callable_at", hours},
                               {"held", f->held},
                               {"agents", f->agents},
                               {"attempts", st.attempts},
                               {"contacts_reached", f->run.contacts_reached},
                               {"abandon_rate", st.AbandonRate()},
                               {"occupancy", st.Occupancy()},
                               {"contacts_per_agent_hour", f->contacts_per_agent_hour},
                               {"target", spec->target_contacts},
                               {"agents_for_target",
                                st.no_caller_id == 0 ? json(f->agents_for_target) : json(nullptr)},
                               {"caller_ids_ran_out", st.no_caller_id > 0},
                               {"why_none_today", campaigns::FindingsJson(why)},
                               {"violations", f->run.Violations()}}));
        return {};
    }
    fmt::print("forecast for campaign #{} «{}» today, {}-{} (simulated: nothing is dialed)\n\n",
               spec->id, spec->name, Clock(spec->schedule_start_minute),
               Clock(spec->schedule_end_minute));
    Table t({"", ""});
    t.Add({"contacts in the segment", fmt::format("{}", f->leads)});
    t.Add({"the rules allow today", fmt::format("{}", f->allowed_today)});
    std::string hours;
    for (const auto& [h, n] : f->first_callable_at) {
        hours += fmt::format("{}{:02d}:00 {}", hours.empty() ? "" : " · ", h, n);
    }
    t.Add({"callable from", hours.empty() ? "—" : hours});
    std::string held;
    for (const auto& [k, n] : f->held)
        held += fmt::format("{}{} {}", held.empty() ? "" : " · ", k, n);
    t.Add({"held today", held.empty() ? "none" : held});
    for (const auto& w : why)
        t.Add({"why none today", campaigns::FindingText(w)});
    t.Add({"simulated with", spec->pacing == campaigns::Pacing::kRobot
                                 ? std::string("the robot")
                                 : fmt::format("{} agents", f->agents)});
    t.Add({"attempts", fmt::format("{}", st.attempts)});
    t.Add({"contacts reached", fmt::format("{}", f->run.contacts_reached)});
    if (spec->pacing != campaigns::Pacing::kRobot) {
        t.Add({"occupancy", Percent(st.Occupancy())});
        t.Add({"abandoned", Percent(st.AbandonRate())});
        t.Add({"contacts per agent-hour", fmt::format("{:.1f}", f->contacts_per_agent_hour)});
        if (spec->target_contacts > 0 && st.no_caller_id == 0) {
            t.Add({"agents for the target",
                   fmt::format("{} for {} contacts a day", f->agents_for_target,
                               spec->target_contacts)});
        }
    }
    if (st.no_caller_id > 0) {
        t.Add({"caller IDs ran out",
               fmt::format("{} numbers × {} calls = {} dials a day; add numbers to the pool "
                           "before sizing the team",
                           spec->caller_ids.size(), spec->daily_cap,
                           spec->caller_ids.size() * static_cast<size_t>(spec->daily_cap))});
    }
    t.Print(false);
    return {};
}

}  // namespace callbase::cli
