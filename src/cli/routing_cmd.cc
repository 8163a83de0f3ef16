// callbase routing ...: the inbound routing kept in the base (docs/routing.md)
// — queues, the center's numbers and extensions with their routes, the VIP
// and black lists, the rules by caller — `routing check FROM TO`, which says
// where a call would go and why, and what the incoming calls did: `routing
// report` (per queue, per operator, repeats, first-contact resolution) and
// `routing queue-log` (Asterisk's queue_log of the queued calls).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "api/scope.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "core/file.h"
#include "core/json_text.h"
#include "ivr/script.h"
#include "routing/agent_time.h"
#include "routing/inbound_report.h"
#include "routing/menu.h"
#include "routing/routing_book.h"

namespace callbase::cli {
namespace {

using nlohmann::json;
using routing::Millis;
using routing::RoutingBook;

// Opens the base and runs `body` with a book acting as the user.
template <typename Body>
void WithBook(App& app, Body&& body) {
    auto db = app.OpenStore();
    if (!db) return app.Report(db.error());
    RoutingBook book(**db, app.clock, app.actor);
    if (auto done = body(**db, book); !done) app.Report(done.error());
}

// A number of the center as E.164, or an extension (digits only, up to 6).
Result<std::string> CenterNumber(App& app, const std::string& text, bool* extension) {
    *extension = routing::IsExtension(text);
    if (*extension) return text;
    auto tools = LoadPhoneTools(app);
    if (!tools) return std::unexpected(tools.error());
    return CleanPhoneArg(*tools->cleaner, text);
}

std::string Percent(double share) {
    return fmt::format("{:.1f} %", share * 100);
}

// The period of a report: --from and --to, by default the last 24 hours.
Result<std::pair<Millis, Millis>> Period(App& app, const std::string& from_text,
                                         const std::string& to_text) {
    auto from = ParseOptionalTime(app, from_text, "--from");
    if (!from) return std::unexpected(from.error());
    auto to = ParseOptionalTime(app, to_text, "--to");
    if (!to) return std::unexpected(to.error());
    const int64_t now = app.clock.Now();
    const int64_t end = to->value_or(now + 1);
    return std::pair(from->value_or(end - 86'400) * 1000, end * 1000);
}

// The incoming calls of the period the user may see: a team's supervisor,
// the calls the team's members took, and none of those that never reached a
// queue (`unqueued`, when asked for), which no member took.
Result<std::vector<routing::InboundCall>> CallsSeen(
    App& app, store::Store& db, Millis from, Millis to,
    std::vector<routing::UnqueuedCall>* unqueued = nullptr) {
    auto calls = routing::LoadInboundCalls(db, from, to);
    if (!calls) return std::unexpected(calls.error());
    auto team = api::FiguresTeam(ViewerOf(app), db, app.clock);
    if (!team) return std::unexpected(team.error());
    if (*team) {
        api::KeepTeamCalls(**team, *calls);
    } else if (unqueued != nullptr) {
        auto rows = routing::LoadUnqueued(db, from, to);
        if (!rows) return std::unexpected(rows.error());
        *unqueued = std::move(*rows);
    }
    return calls;
}

// The operators' time of the period the user may see: a team's supervisor,
// the team's members only.
Result<std::vector<routing::AgentTime>> TimeSeen(App& app, store::Store& db, Millis from,
                                                 Millis to) {
    auto time = routing::LoadAgentTime(db, from, to, app.clock.Now() * 1000);
    if (!time) return std::unexpected(time.error());
    auto team = api::FiguresTeam(ViewerOf(app), db, app.clock);
    if (!team) return std::unexpected(team.error());
    if (*team) std::erase_if(*time, [&](const auto& t) { return !api::InTeam(**team, t.agent); });
    return time;
}

std::string Seconds(int64_t ms) {
    return ms == 0 ? "-" : fmt::format("{} s", ms / 1000);
}

}  // namespace

void RegisterRoutingCommands(CLI::App& cli, App& app) {
    auto* routing = cli.add_subcommand("routing", "inbound routing: queues, numbers, lists, rules");
    routing->require_subcommand(1);

    // --- queues -------------------------------------------------------------
    auto* queue = routing->add_subcommand("queue", "the queues callers wait in");
    queue->require_subcommand(1);
    struct QueueArgs {
        std::string name, file, json_text;
    };
    auto qa = std::make_shared<QueueArgs>();
    auto* qset = queue->add_subcommand(
        "set", "create or change a queue from JSON settings (docs/routing.md, \"Queues\")");
    qset->add_option("name", qa->name, "the queue's name (a word)")->required();
    qset->add_option("settings", qa->json_text,
                     R"(e.g. '{"strategy": "fixed_order", "members": ["anna", "boris"], )"
                     R"("max_wait": 300, "exit_route": "queue:general"}')");
    qset->add_option("--file", qa->file, "the settings in a JSON file");
    qset->callback([&app, qa] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            std::string text = qa->json_text.empty() ? "{}" : qa->json_text;
            if (!qa->file.empty()) {
                auto read = ReadWholeFile(qa->file);
                if (!read) {
                    return Fail(ErrorCode::kNotFound,
                                fmt::format("cannot read the queue settings file {}", qa->file),
                                "check the path");
                }
                // Windows Notepad writes a BOM first.
                if (read->starts_with("\xEF\xBB\xBF")) read->erase(0, 3);
                text = *read;
            }
            json j = json::parse(text, nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
                return Fail(ErrorCode::kInvalidInput,
                            fmt::format("the settings of queue {} are not a JSON object", qa->name),
                            R"(e.g. '{"strategy": "longest_idle", "max_wait": 300}')");
            }
            j["name"] = qa->name;
            auto spec = routing::QueueFromJson(j);
            if (!spec) return std::unexpected(spec.error());
            if (auto put = book.PutQueue(*spec); !put) return put;
            if (app.json) {
                fmt::print("{}\n", JsonText(routing::QueueJson(*spec)));
            } else {
                fmt::print("queue {} saved: {}, {}\n", spec->name,
                           routing::StrategyId(spec->strategy),
                           spec->skill.empty() ? "every inbound operator" : "skill " + spec->skill);
            }
            return {};
        });
    });
    auto* qlist = queue->add_subcommand("list", "the queues and their settings");
    qlist->callback([&app] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto queues = book.Queues();
            if (!queues) return std::unexpected(queues.error());
            if (app.json) {
                json out = json::array();
                for (const auto& q : *queues)
                    out.push_back(routing::QueueJson(q));
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            Table t(
                {"queue", "strategy", "agents", "max wait", "then", "SL within", "announcements"});
            for (const auto& q : *queues) {
                std::string who = q.skill.empty() ? "all inbound" : "skill " + q.skill;
                if (!q.members.empty()) who = fmt::format("{} members", q.members.size());
                // "every 30 s, callback, en"
                std::string said = "-";
                if (q.announce_every > 0) {
                    said = fmt::format("every {}{}, {}", Seconds(q.announce_every),
                                       q.callback ? ", callback" : "", q.language);
                }
                t.Add({q.name, std::string(routing::StrategyId(q.strategy)), who,
                       Seconds(q.max_wait), q.exit_route.empty() ? "-" : q.exit_route,
                       Seconds(q.sl_threshold), said});
            }
            t.Print();
            return {};
        });
    });
    auto rname = std::make_shared<std::string>();
    auto* qremove = queue->add_subcommand("remove", "remove a queue nothing routes to");
    qremove->add_option("name", *rname, "the queue")->required();
    qremove->callback([&app, rname] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            if (auto done = book.RemoveQueue(*rname); !done) return done;
            if (!app.json) fmt::print("queue {} removed\n", *rname);
            return {};
        });
    });

    // --- numbers ------------------------------------------------------------
    auto* number = routing->add_subcommand("number", "the center's numbers and extensions");
    number->require_subcommand(1);
    struct NumberArgs {
        std::string number, route, label, scripts_dir;
    };
    auto na = std::make_shared<NumberArgs>();
    auto* nset = number->add_subcommand("set", "route a number (DID) or an extension");
    nset->add_option("number", na->number, "+7 495 111-22-33, or an extension: 101")->required();
    nset->add_option("route", na->route,
                     "queue:NAME, ivr:FILE, extension:101, agent:LOGIN, message:TEXT, reject:603")
        ->required();
    nset->add_option("--label", na->label, "what the number is for: Яндекс Директ, Отдел продаж");
    nset->add_option("--scripts-dir", na->scripts_dir,
                     "where ivr:FILE is, as for serve (default: beside the base, BASE.scripts)");
    nset->callback([&app, na] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            bool extension = false;
            auto n = CenterNumber(app, na->number, &extension);
            if (!n) return std::unexpected(n.error());
            auto route = routing::ParseRoute(na->route);
            if (!route) return std::unexpected(route.error());
            if (route->target == routing::Target::kIvr) {
                // As the API does: the menu is in the server's scripts folder
                // and fits the center's queues and extensions now.
                auto targets = routing::MenuTargetsOf(book);
                if (!targets) return std::unexpected(targets.error());
                auto menu = routing::LoadMenu(ScriptsDir(app, na->scripts_dir), route->name,
                                              targets->router, targets->queues);
                if (!menu) return std::unexpected(menu.error());
            }
            const routing::Number number{*n, extension, *route, na->label};
            if (auto put = book.PutNumber(number); !put) return put;
            if (app.json) {
                fmt::print("{}\n", JsonText(routing::NumberJson(number)));
            } else {
                fmt::print("{} {} -> {}\n", extension ? "extension" : "number", *n,
                           routing::RouteText(*route));
            }
            return {};
        });
    });
    auto* nlist = number->add_subcommand("list", "every number and extension with its route");
    nlist->callback([&app] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto numbers = book.Numbers();
            if (!numbers) return std::unexpected(numbers.error());
            if (app.json) {
                json out = json::array();
                for (const auto& n : *numbers)
                    out.push_back(routing::NumberJson(n));
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            Table t({"number", "route", "label"});
            for (const auto& n : *numbers)
                t.Add({n.number, routing::RouteText(n.route), n.label});
            t.Print();
            return {};
        });
    });
    auto nremove_arg = std::make_shared<std::string>();
    auto* nremove = number->add_subcommand("remove", "stop routing a number or an extension");
    nremove->add_option("number", *nremove_arg, "the number or extension")->required();
    nremove->callback([&app, nremove_arg] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            bool extension = false;
            auto n = CenterNumber(app, *nremove_arg, &extension);
            if (!n) return std::unexpected(n.error());
            if (auto done = book.RemoveNumber(*n); !done) return done;
            if (!app.json) fmt::print("{} removed\n", *n);
            return {};
        });
    });

    // --- lists --------------------------------------------------------------
    auto* list = routing->add_subcommand("list", "the VIP and black lists of callers");
    list->require_subcommand(1);
    struct ListArgs {
        std::string list, phone, manager, note;
    };
    auto la = std::make_shared<ListArgs>();
    auto* ladd = list->add_subcommand("add", "put a caller on a list");
    ladd->add_option("list", la->list, "vip or black")->required();
    ladd->add_option("phone", la->phone, "the caller's number, any spelling")->required();
    ladd->add_option("--manager", la->manager, "vip: the personal manager's login");
    ladd->add_option("--note", la->note, "why, in a few words");
    ladd->callback([&app, la] {
        WithBook(app, [&](store::Store& db, RoutingBook& book) -> Result<void> {
            auto tools = LoadPhoneTools(app);
            if (!tools) return std::unexpected(tools.error());
            auto e164 = CleanPhoneArg(*tools->cleaner, la->phone);
            if (!e164) return std::unexpected(e164.error());
            if (auto put = book.AddToList(la->list, *e164, la->manager, la->note); !put) return put;
            auto shown = ShownNumber(app, db, *e164);
            if (!shown) return std::unexpected(shown.error());
            if (app.json) {
                fmt::print(
                    "{}\n",
                    JsonText({{"list", la->list}, {"number", *shown}, {"manager", la->manager}}));
            } else {
                fmt::print("{} is on the {} list{}\n", *shown, la->list,
                           la->manager.empty() ? "" : ", manager " + la->manager);
            }
            return {};
        });
    });
    auto lr = std::make_shared<ListArgs>();
    auto* lremove = list->add_subcommand("remove", "take a caller off a list");
    lremove->add_option("list", lr->list, "vip or black")->required();
    lremove->add_option("phone", lr->phone, "the caller's number")->required();
    lremove->callback([&app, lr] {
        WithBook(app, [&](store::Store& db, RoutingBook& book) -> Result<void> {
            auto tools = LoadPhoneTools(app);
            if (!tools) return std::unexpected(tools.error());
            auto e164 = CleanPhoneArg(*tools->cleaner, lr->phone);
            if (!e164) return std::unexpected(e164.error());
            auto removed = book.RemoveFromList(lr->list, *e164);
            if (!removed) return std::unexpected(removed.error());
            auto shown = ShownNumber(app, db, *e164);
            if (!shown) return std::unexpected(shown.error());
            if (!*removed) {
                return Fail(ErrorCode::kNotFound,
                            fmt::format("{} is not on the {} list", *shown, lr->list),
                            "see callbase routing list show " + lr->list);
            }
            if (!app.json) fmt::print("{} is off the {} list\n", *shown, lr->list);
            return {};
        });
    });
    auto ls = std::make_shared<std::string>();
    auto* lshow = list->add_subcommand("show", "the newest 100 callers of a list");
    lshow->add_option("list", *ls, "vip or black")->required();
    lshow->callback([&app, ls] {
        WithBook(app, [&](store::Store& db, RoutingBook& book) -> Result<void> {
            auto size = book.ListSize(*ls);
            if (!size) return std::unexpected(size.error());
            auto entries = book.ListEntries(*ls);
            if (!entries) return std::unexpected(entries.error());
            json out = json::array();
            Table t({"number", "manager", "note", "added"});
            for (auto& e : *entries) {
                auto shown = ShownNumber(app, db, e.e164);
                if (!shown) return std::unexpected(shown.error());
                out.push_back({{"number", *shown},
                               {"manager", e.manager},
                               {"note", e.note},
                               {"added_at", e.added_at},
                               {"added_by", e.added_by}});
                t.Add({*shown, e.manager, e.note, LocalTime(e.added_at)});
            }
            if (app.json) {
                fmt::print("{}\n", JsonText({{"list", *ls}, {"size", *size}, {"entries", out}}));
            } else {
                fmt::print("{} list: {} callers{}\n", *ls, *size,
                           *size > 100 ? " (the newest 100 below)" : "");
                t.Print();
            }
            return {};
        });
    });

    // --- rules ----------------------------------------------------------------
    auto* rules =
        routing->add_subcommand("rules", "the rules by caller (black list, VIP, complaints)");
    rules->require_subcommand(1);
    auto* rshow = rules->add_subcommand("show", "the rules in force");
    rshow->callback([&app] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto r = book.Rules();
            if (!r) return std::unexpected(r.error());
            fmt::print("{}\n", JsonText(routing::RulesJson(*r), app.json ? -1 : 2));
            return {};
        });
    });
    auto rs = std::make_shared<std::string>();
    auto* rset = rules->add_subcommand("set", "change the rules (the keys given; the rest stay)");
    rset->add_option("settings", *rs,
                     R"(e.g. '{"complaints_enabled": true, "complaints_queue": "seniors"}')")
        ->required();
    rset->callback([&app, rs] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto now = book.Rules();
            if (!now) return std::unexpected(now.error());
            json j = routing::RulesJson(*now);
            json change = json::parse(*rs, nullptr, false);
            if (change.is_discarded() || !change.is_object()) {
                return Fail(ErrorCode::kInvalidInput, "the rules are not a JSON object",
                            R"(e.g. '{"vip_queue": "vip", "vip_priority": 5}')");
            }
            j.update(change);
            auto r = routing::RulesFromJson(j);
            if (!r) return std::unexpected(r.error());
            if (auto set = book.SetRules(*r); !set) return set;
            fmt::print("{}\n", JsonText(routing::RulesJson(*r), app.json ? -1 : 2));
            return {};
        });
    });

    // --- pause reasons -------------------------------------------------------
    auto* pause = routing->add_subcommand(
        "pause-reason", "the reasons operators choose when they pause (lunch, training, …)");
    pause->require_subcommand(1);
    auto* plist = pause->add_subcommand("list", "the reasons, in the desk's order");
    plist->callback([&app] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto reasons = book.PauseReasons();
            if (!reasons) return std::unexpected(reasons.error());
            if (app.json) {
                json out = json::array();
                for (const auto& r : *reasons)
                    out.push_back(routing::PauseReasonJson(r));
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            Table t({"code", "label", "paid", "limit"});
            for (const auto& r : *reasons) {
                t.Add({r.code, r.label.empty() ? "(built in)" : r.label, r.paid ? "yes" : "no",
                       r.max_minutes ? fmt::format("{} min", r.max_minutes) : "-"});
            }
            t.Print();
            return {};
        });
    });
    struct PauseArgs {
        std::string code, label;
        bool unpaid = false;
        int max_minutes = 0;
    };
    auto pa = std::make_shared<PauseArgs>();
    auto* pset = pause->add_subcommand("set", "add a reason, or change one");
    pset->add_option("code", pa->code, "a-z, 0-9 and _: coaching")->required();
    pset->add_option("--label", pa->label, "what operators see: «Разбор звонков»");
    pset->add_flag("--unpaid", pa->unpaid, "the pause is not paid time (like lunch)");
    pset->add_option("--max-minutes", pa->max_minutes, "how long it may last; 0: no limit");
    pset->callback([&app, pa] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            routing::PauseReason r{pa->code, pa->label, !pa->unpaid, pa->max_minutes, 0};
            if (auto put = book.PutPauseReason(r); !put) return put;
            if (app.json) {
                fmt::print("{}\n", JsonText(routing::PauseReasonJson(r)));
            } else {
                fmt::print("pause reason {} set\n", r.code);
            }
            return {};
        });
    });
    auto premove_arg = std::make_shared<std::string>();
    auto* premove = pause->add_subcommand("remove", "remove a reason");
    premove->add_option("code", *premove_arg, "the reason's code")->required();
    premove->callback([&app, premove_arg] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto done = book.RemovePauseReason(*premove_arg);
            if (!done) return std::unexpected(done.error());
            if (!*done) {
                return Fail(ErrorCode::kNotFound,
                            fmt::format("there is no pause reason '{}'", *premove_arg),
                            "`callbase routing pause-reason list` shows them");
            }
            if (!app.json) fmt::print("pause reason {} removed\n", *premove_arg);
            return {};
        });
    });

    // --- operators' profiles -------------------------------------------------
    auto* agent = routing->add_subcommand(
        "agent", "operators' skills and the calls they take (blended, inbound, outbound)");
    agent->require_subcommand(1);
    auto* alist = agent->add_subcommand("list", "the operators with a profile");
    alist->callback([&app] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto profiles = book.AgentProfiles();
            if (!profiles) return std::unexpected(profiles.error());
            if (app.json) {
                json out = json::array();
                for (const auto& p : *profiles)
                    out.push_back(routing::AgentProfileJson(p));
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            if (profiles->empty()) {
                fmt::print(
                    "no operator has a profile: every one is blended, with no skill "
                    "(`callbase routing agent set NAME --skills senior:1` gives one)\n");
                return {};
            }
            Table t({"operator", "takes", "skills"});
            for (const auto& p : *profiles) {
                const auto skills = routing::SkillsText(p.skills);
                t.Add({p.id, std::string(agents::BlendId(p.blend)), skills.empty() ? "-" : skills});
            }
            t.Print();
            return {};
        });
    });
    struct AgentArgs {
        std::string name, blend, skills;
        bool skills_given = false;
    };
    auto aa = std::make_shared<AgentArgs>();
    auto* aset = agent->add_subcommand("set", "set an operator's skills or the calls they take");
    aset->add_option("name", aa->name, "the operator's login")->required();
    aset->add_option("--blend", aa->blend,
                     "blended (incoming and outgoing calls), inbound or outbound");
    aset->add_option("--skills", aa->skills,
                     "skills with levels, 1 the best: senior:1,sales:2 (\"\" for none)");
    aset->callback([&app, aa, aset] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto profiles = book.AgentProfiles();
            if (!profiles) return std::unexpected(profiles.error());
            agents::AgentSpec p{.id = aa->name};
            for (const auto& have : *profiles) {
                if (have.id == aa->name) p = have;
            }
            if (aset->count("--blend") > 0) {
                auto blend = agents::ParseBlend(aa->blend);
                if (!blend) {
                    return Fail(ErrorCode::kInvalidInput,
                                fmt::format("--blend {} does not exist", aa->blend),
                                "write blended (incoming and outgoing calls), inbound or outbound");
                }
                p.blend = *blend;
            }
            if (aset->count("--skills") > 0) {
                auto skills = routing::ParseSkills(aa->skills);
                if (!skills) return std::unexpected(skills.error());
                p.skills = std::move(*skills);
            }
            if (auto put = book.PutAgentProfile(p); !put) return put;
            if (app.json) {
                fmt::print("{}\n", JsonText(routing::AgentProfileJson(p)));
            } else {
                const auto skills = routing::SkillsText(p.skills);
                fmt::print("operator {}: takes {} calls; skills {}\n", p.id,
                           agents::BlendId(p.blend), skills.empty() ? "none" : skills);
            }
            return {};
        });
    });
    auto aremove_arg = std::make_shared<std::string>();
    auto* aremove = agent->add_subcommand(
        "remove", "remove an operator's profile (they are blended again, with no skill)");
    aremove->add_option("name", *aremove_arg, "the operator's login")->required();
    aremove->callback([&app, aremove_arg] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto done = book.RemoveAgentProfile(*aremove_arg);
            if (!done) return std::unexpected(done.error());
            if (!*done) {
                return Fail(ErrorCode::kNotFound,
                            fmt::format("operator '{}' has no profile", *aremove_arg),
                            "`callbase routing agent list` shows the profiles");
            }
            if (!app.json) fmt::print("operator {}: profile removed\n", *aremove_arg);
            return {};
        });
    });

    // --- check --------------------------------------------------------------
    struct CheckArgs {
        std::string from, to;
    };
    auto ca = std::make_shared<CheckArgs>();
    auto* check =
        routing->add_subcommand("check", "where a call from FROM to TO would go, and why");
    check->add_option("from", ca->from, "the caller's number")->required();
    check->add_option("to", ca->to, "the number dialed, or an extension")->required();
    check->callback([&app, ca] {
        WithBook(app, [&](store::Store& db, RoutingBook& book) -> Result<void> {
            auto tools = LoadPhoneTools(app);
            if (!tools) return std::unexpected(tools.error());
            auto from = CleanPhoneArg(*tools->cleaner, ca->from);
            if (!from) return std::unexpected(from.error());
            bool extension = false;
            auto to = CenterNumber(app, ca->to, &extension);
            if (!to) return std::unexpected(to.error());
            auto router = book.LoadRouter();
            if (!router) return std::unexpected(router.error());
            routing::StoreCallerFacts facts(db);
            routing::Decision d = router->Decide(*from, *to, facts, app.clock.Now());
            if (facts.error()) return std::unexpected(*facts.error());
            json params = d.reason_params;
            if (app.json) {
                fmt::print("{}\n",
                           JsonText({{"route", routing::RouteText(d.route)},
                                     {"fallback", d.fallback.name.empty()
                                                      ? json(nullptr)
                                                      : json(routing::RouteText(d.fallback))},
                                     {"priority", d.priority},
                                     {"reason", d.reason},
                                     {"reason_params", params},
                                     {"known", d.known},
                                     {"create_card", d.create_card}}));
                return {};
            }
            fmt::print(
                "{} -> {}{}; reason: {}{}\n", *to, routing::RouteText(d.route),
                d.fallback.name.empty() ? "" : " (else " + routing::RouteText(d.fallback) + ")",
                d.reason, d.priority ? fmt::format(", priority {}", d.priority) : "");
            return {};
        });
    });

    // --- menus ------------------------------------------------------------------
    auto menu_file = std::make_shared<std::string>();
    auto* check_menu = routing->add_subcommand(
        "check-menu", "check a menu for incoming calls against the queues and extensions");
    check_menu->add_option("file", *menu_file, "the menu (YAML, direction: inbound; docs/ivr.md)")
        ->required();
    check_menu->callback([&app, menu_file] {
        WithBook(app, [&](store::Store&, RoutingBook& book) -> Result<void> {
            auto script = ivr::LoadScript(*menu_file);
            if (!script) return std::unexpected(script.error());
            auto targets = routing::MenuTargetsOf(book);
            if (!targets) return std::unexpected(targets.error());
            const auto problems = routing::CheckMenu(*script, targets->router, targets->queues);
            int errors = 0;
            json list = json::array();
            for (const auto& p : problems) {
                errors += p.error ? 1 : 0;
                list.push_back({{"where", p.where}, {"message", p.message}, {"error", p.error}});
                if (!app.json) {
                    fmt::print(stderr, "{}: {}: {}\n", p.where, p.error ? "error" : "warning",
                               p.message);
                }
            }
            if (app.json) {
                fmt::print("{}\n", JsonText(json{{"file", *menu_file},
                                                 {"name", script->name},
                                                 {"errors", errors},
                                                 {"problems", list}}));
            } else if (errors == 0) {
                fmt::print("{}: menu «{}», {} nodes: ok for this center's queues and extensions\n",
                           *menu_file, script->name, script->nodes.size());
            }
            if (errors > 0) app.exit_code = 2;
            return {};
        });
    });

    // --- what the incoming calls did -----------------------------------------
    auto period = std::make_shared<std::pair<std::string, std::string>>();
    auto* report = routing->add_subcommand(
        "report", "incoming calls per queue and operator: service level, ASA, AHT, repeats, FCR");
    report->add_option("--from", period->first,
                       "start, 2026-12-01 or 01.12.2026 09:00 (default: 24 h ago)");
    report->add_option("--to", period->second, "end, as --from (default: now)");
    report->callback([&app, period] {
        WithBook(app, [&](store::Store& db, RoutingBook& book) -> Result<void> {
            auto range = Period(app, period->first, period->second);
            if (!range) return std::unexpected(range.error());
            std::vector<routing::UnqueuedCall> unqueued;
            auto calls = CallsSeen(app, db, range->first, range->second, &unqueued);
            if (!calls) return std::unexpected(calls.error());
            auto queues = book.Queues();
            if (!queues) return std::unexpected(queues.error());
            const auto r = routing::MakeInboundReport(
                *calls, range->first, range->second,
                routing::ReportOptionsFor(*queues, app.clock.Now() * 1000), unqueued);
            auto time = TimeSeen(app, db, range->first, range->second);
            if (!time) return std::unexpected(time.error());
            auto visits = routing::LoadMenuVisits(db, range->first, range->second);
            if (!visits) return std::unexpected(visits.error());
            const auto menus = routing::MakeMenuReport(*visits, range->first, range->second);
            if (app.json) {
                json out = routing::InboundReportJson(r);
                out["agent_time"] = routing::AgentTimeJson(*time);
                out["menus"] = routing::MenuReportJson(menus);
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            fmt::print("incoming calls {} – {}: {}\n", LocalTime(r.from / 1000),
                       LocalTime(r.to / 1000), r.calls);
            if (!time->empty()) {
                Table t({"operator", "ready min", "rang unanswered min", "on calls min",
                         "wrap-up min", "occupancy", "paused min", "pauses by reason"});
                for (const auto& a : *time) {
                    std::string by;
                    for (const auto& [reason, ms] : a.paused_ms) {
                        by += fmt::format("{}{} {:.1f}", by.empty() ? "" : ", ",
                                          reason.empty() ? "(none)" : reason, ms / 60'000.0);
                    }
                    t.Add({a.agent, fmt::format("{:.1f}", a.ready_ms / 60'000.0),
                           fmt::format("{:.1f}", a.rang_ms / 60'000.0),
                           fmt::format("{:.1f}", a.on_call_ms / 60'000.0),
                           fmt::format("{:.1f}", a.wrap_up_ms / 60'000.0), Percent(a.Occupancy()),
                           fmt::format("{:.1f}", a.PausedMs() / 60'000.0), by});
                }
                fmt::print("\noperators' time\n");
                t.Print(false);
                fmt::print("\n");
            }
            // Where callers struggle in each menu (docs/routing.md, "Menus").
            for (const auto& m : menus) {
                std::string ends;
                for (const auto& [outcome, n] : m.outcomes)
                    ends += fmt::format("{}{} {}", ends.empty() ? "" : ", ", outcome, n);
                fmt::print("menu {}: {} callers, {:.0f} s in the menu on average; {}\n", m.menu,
                           m.visits, m.mean_seconds, ends);
                Table t({"question", "callers", "asked", "timed out", "wrong key", "asked again",
                         "pressed 0", "hung up here"});
                for (const auto& [node, n] : m.nodes) {
                    t.Add({node, std::to_string(n.callers), std::to_string(n.asked),
                           std::to_string(n.timeouts), std::to_string(n.invalid),
                           std::to_string(n.repeated), std::to_string(n.zero),
                           std::to_string(n.hung_up)});
                }
                t.Print(false);
                for (const auto& [question, values] : m.answers) {
                    std::string said;
                    for (const auto& [value, n] : values)
                        said += fmt::format("{}{} {}", said.empty() ? "" : ", ", value, n);
                    fmt::print("answers to '{}': {}\n", question, said);
                }
                fmt::print("\n");
            }
            if (r.calls == 0 && r.unqueued.empty()) return {};
            Table routes({"queue", "offered", "answered", "abandoned (short)", "timed out",
                          "phones missed", "callbacks", "SL", "SL with abandons", "ASA s",
                          "longest wait s", "AHT s", "transferred", "hold min"});
            for (const auto& f : r.routes) {
                const auto& s = f.stats;
                routes.Add({f.name.empty() ? "(not routed)" : f.name, std::to_string(s.offered),
                            std::to_string(s.answered),
                            fmt::format("{} ({})", s.abandoned, s.short_abandoned),
                            std::to_string(f.timed_out), std::to_string(s.offers_missed),
                            std::to_string(s.callbacks), Percent(s.ServiceLevel()),
                            Percent(s.ServiceLevelWithAbandons()),
                            fmt::format("{:.1f}", s.AverageSpeedOfAnswerSeconds()),
                            fmt::format("{:.0f}", s.longest_wait_ms / 1000.0),
                            fmt::format("{:.1f}", f.AverageHandleSeconds()),
                            std::to_string(f.transferred),
                            fmt::format("{:.1f}", f.hold_ms / 60'000.0)});
            }
            routes.Print(false);
            if (!r.agents.empty()) {
                fmt::print("\n");
                Table agents({"operator", "calls", "missed (rang s)", "talk min", "AHT s",
                              "transfers", "hold min", "first-contact resolution"});
                for (const auto& a : r.agents) {
                    agents.Add({a.agent, std::to_string(a.calls),
                                fmt::format("{} ({:.0f})", a.missed, a.rang_ms / 1000.0),
                                fmt::format("{:.1f}", a.talk_ms / 60'000.0),
                                fmt::format("{:.1f}", a.AverageHandleSeconds()),
                                std::to_string(a.transfers),
                                fmt::format("{:.1f}", a.hold_ms / 60'000.0),
                                fmt::format("{} ({} of {})", Percent(a.first_contact.Rate()),
                                            a.first_contact.resolved,
                                            a.first_contact.answered - a.first_contact.pending)});
                }
                agents.Print(false);
            }
            if (!r.topics.empty()) {
                fmt::print("\n");
                Table topics({"topic", "answered", "first-contact resolution"});
                for (const auto& [topic, res] : r.topics) {
                    topics.Add({topic, std::to_string(res.answered),
                                fmt::format("{} ({} of {})", Percent(res.Rate()), res.resolved,
                                            res.answered - res.pending)});
                }
                topics.Print(false);
            }
            fmt::print(
                "\nfirst-contact resolution: {} ({} of {}; {} pending: their 7 days have "
                "not passed)\n",
                Percent(r.first_contact.Rate()), r.first_contact.resolved,
                r.first_contact.answered - r.first_contact.pending, r.first_contact.pending);
            fmt::print(
                "repeat contacts: {} number(s) called more than 3 times in 7 days ({} "
                "call(s))\n",
                r.repeat_numbers, r.repeat_calls);
            fmt::print(
                "quick returns: {} call(s) within 10 min of the number's previous call "
                "({} after an answered call)\n",
                r.quick_returns, r.quick_returns_after_answered);
            if (!r.unqueued.empty()) {
                std::string by;
                for (const auto& [what, n] : r.unqueued)
                    by += fmt::format("{}{} × {}", by.empty() ? "" : ", ", n, what);
                fmt::print("never reached a queue: {} refused, {} given a message{} ({})\n",
                           r.refused, r.messages,
                           r.left_in_menu > 0 ? fmt::format(", {} left in a menu", r.left_in_menu)
                                              : std::string(),
                           by);
            }
            return {};
        });
    });

    auto log_period = std::make_shared<std::pair<std::string, std::string>>();
    auto* queue_log = routing->add_subcommand(
        "queue-log", "the queued calls as Asterisk's queue_log, for tools made for app_queue");
    queue_log->add_option("--from", log_period->first, "start (default: 24 h ago)");
    queue_log->add_option("--to", log_period->second, "end (default: now)");
    queue_log->callback([&app, log_period] {
        WithBook(app, [&](store::Store& db, RoutingBook&) -> Result<void> {
            auto range = Period(app, log_period->first, log_period->second);
            if (!range) return std::unexpected(range.error());
            auto calls = CallsSeen(app, db, range->first, range->second);
            if (!calls) return std::unexpected(calls.error());
            // The caller as the user may see them (masked for some roles).
            std::map<std::string, std::string> shown;
            for (const auto& c : *calls) {
                if (shown.contains(c.caller)) continue;
                auto number = store::PhoneOf(db, c.caller);
                if (!number) return std::unexpected(number.error());
                auto seen = ShownNumber(app, db, *number);
                if (!seen) return std::unexpected(seen.error());
                shown[c.caller] = *seen;
            }
            // The operators' pauses beside the calls (a team's supervisor: the team's).
            auto spells = routing::LoadAgentSpells(db, range->first, range->second);
            if (!spells) return std::unexpected(spells.error());
            auto team = api::FiguresTeam(ViewerOf(app), db, app.clock);
            if (!team) return std::unexpected(team.error());
            if (*team) {
                std::erase_if(*spells,
                              [&](const auto& s) { return !api::InTeam(**team, s.agent); });
            }
            const auto lines = routing::MergeQueueLog(
                routing::QueueLog(
                    *calls, range->first, range->second,
                    [&](const routing::InboundCall& c) { return shown.at(c.caller); }),
                routing::PauseQueueLog(*spells, range->first, range->second));
            if (app.json) {
                fmt::print("{}\n", JsonText(json(lines)));
                return {};
            }
            for (const auto& line : lines)
                fmt::print("{}\n", line);
            return {};
        });
    });
}

}  // namespace callbase::cli
