// Least privilege (issue 17): `callbase access break-glass request|approve|
// end|list`, the administrator's time-limited view of business data for a
// support case (security/break_glass.h); `callbase access review`, who holds
// which rights and when they last used them (security/access_review.h);
// `callbase contacts assign` and `callbase team add|list|member` (the
// contacts each user may see: api/scope.h). Thin handlers; tables for people,
// JSON with --json; errors through App::Report.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <string>

#include "api/json.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "contacts/contact_book.h"
#include "contacts/filter.h"
#include "core/json_text.h"
#include "security/access_review.h"
#include "security/break_glass.h"
#include "security/teams.h"

namespace callbase::cli {
namespace {

using nlohmann::json;
namespace sec = security;

template <typename Body>
void WithStore(App& app, Body&& body) {
    auto db = app.OpenStore(/*with_keys=*/false);
    if (!db) return app.Report(db.error());
    if (Result<void> ok = body(**db); !ok) app.Report(ok.error());
}

// The acting user's role; single-user mode (no users yet) has none to grant.
Result<sec::Role> ActingRole(const App& app) {
    if (!app.role) {
        return Fail(ErrorCode::kConflict,
                    "this base has no users yet: everyone sees everything, nothing to break into",
                    "add users first (`callbase user add`)");
    }
    return *app.role;
}

std::string When(std::optional<UnixSeconds> t) {
    return t ? LocalTime(*t) : "";
}

void PrintOne(const App& app, const sec::BreakGlass& b, const std::string& what) {
    if (app.json) {
        fmt::print("{}\n", JsonText(api::BreakGlassJson(b, app.clock.Now())));
        return;
    }
    fmt::print("break-glass #{} {}: {} ({}){}\n", b.id, what, b.user, b.State(app.clock.Now()),
               b.ends_at && !b.ended_at ? ", until " + LocalTime(*b.ends_at) : "");
}

std::string Source() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return fmt::format("cli:{}:uid{}", host, getuid());
}

void RegisterBreakGlass(CLI::App& access, App& app) {
    auto* bg = access.add_subcommand(
        "break-glass",
        "an admin's time-limited view of business data for a support case, approved by the dpo");
    bg->require_subcommand(1);

    struct RequestArgs {
        std::string reason;
        int64_t minutes = 60;
    };
    auto r = std::make_shared<RequestArgs>();
    auto* request = bg->add_subcommand("request", "ask for a supervisor's view (admin)");
    request->add_option("--reason", r->reason, "the support case, e.g. \"ticket 4711\"")
        ->required();
    request->add_option("--minutes", r->minutes, "how long, once approved (at most 240)")
        ->capture_default_str();
    request->callback([&app, r] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto role = ActingRole(app);
            if (!role) return std::unexpected(role.error());
            sec::BreakGlassAccess access(db, app.clock);
            auto id = access.Request(app.actor, *role, r->reason, r->minutes * 60);
            if (!id) return std::unexpected(id.error());
            auto b = access.Get(*id);
            if (!b) return std::unexpected(b.error());
            PrintOne(app, *b,
                     "requested; the dpo approves it with `callbase access "
                     "break-glass approve " +
                         std::to_string(*id) + "`");
            return {};
        });
    });

    auto approve_id = std::make_shared<int64_t>(0);
    auto* approve = bg->add_subcommand("approve", "approve a pending request (dpo)");
    approve->add_option("id", *approve_id, "the request")->required();
    approve->callback([&app, approve_id] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto role = ActingRole(app);
            if (!role) return std::unexpected(role.error());
            auto b = sec::BreakGlassAccess(db, app.clock)
                         .Approve(*approve_id, app.actor, *role, Source());
            if (!b) return std::unexpected(b.error());
            PrintOne(app, *b, "approved");
            return {};
        });
    });

    auto end_id = std::make_shared<int64_t>(0);
    auto* end = bg->add_subcommand("end", "end an access now (the admin who asked, or the dpo)");
    end->add_option("id", *end_id, "the request")->required();
    end->callback([&app, end_id] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto role = ActingRole(app);
            if (!role) return std::unexpected(role.error());
            auto b = sec::BreakGlassAccess(db, app.clock).End(*end_id, app.actor, *role);
            if (!b) return std::unexpected(b.error());
            PrintOne(app, *b, "ended");
            return {};
        });
    });

    bg->add_subcommand("list", "every request, newest first, with its state")->callback([&app] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto list = sec::BreakGlassAccess(db, app.clock).List();
            if (!list) return std::unexpected(list.error());
            const UnixSeconds now = app.clock.Now();
            json out = json::array();
            Table t(
                {"id", "user", "state", "minutes", "requested", "approved by", "ends", "reason"});
            for (const auto& b : *list) {
                out.push_back(api::BreakGlassJson(b, now));
                t.Add({std::to_string(b.id), b.user, b.State(now), std::to_string(b.seconds / 60),
                       LocalTime(b.requested_at), b.approved_by,
                       When(b.ended_at ? b.ended_at : b.ends_at), b.reason});
            }
            if (app.json)
                fmt::print("{}\n", JsonText(out));
            else
                t.Print();
            return {};
        });
    });
}

void RegisterReview(CLI::App& access, App& app) {
    auto csv = std::make_shared<std::string>();
    auto* review = access.add_subcommand(
        "review", "who holds which rights, last login, last use of each right (quarterly review)");
    review->add_option("--csv", *csv, "also write the review as CSV to this file");
    review->callback([&app, csv] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto users = sec::AccessReview(db, app.clock);
            if (!users) return std::unexpected(users.error());
            if (!csv->empty()) {
                std::ofstream out(*csv, std::ios::binary | std::ios::trunc);
                out << sec::AccessReviewCsv(*users);
                if (!out.flush()) {
                    return Fail(ErrorCode::kIo, fmt::format("cannot write {}", *csv),
                                "check the folder exists and is writable");
                }
            }
            if (app.json) {
                json out = json::array();
                for (const auto& u : *users) {
                    json rights = json::array();
                    for (const auto& r : u.rights) {
                        rights.push_back(
                            {{"permission", r.permission},
                             {"last_used", r.last_used ? json(*r.last_used) : json(nullptr)},
                             {"unused", r.unused}});
                    }
                    out.push_back(
                        {{"user", u.name},
                         {"role", u.role},
                         {"state", u.state},
                         {"team", u.team.empty() ? json(nullptr) : json(u.team)},
                         {"totp", u.totp},
                         {"last_login", u.last_login ? json(*u.last_login) : json(nullptr)},
                         {"break_glass_until",
                          u.break_glass_until ? json(*u.break_glass_until) : json(nullptr)},
                         {"rights", rights}});
                }
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            Table t({"user", "role", "state", "team", "last login", "rights used (last use)",
                     "unused 90 days"});
            for (const auto& u : *users) {
                std::string used, unused;
                for (const auto& r : u.rights) {
                    if (r.last_used && !r.unused) {
                        used += fmt::format("{}{} ({})", used.empty() ? "" : ", ", r.permission,
                                            LocalTime(*r.last_used).substr(0, 10));
                    } else {
                        unused += (unused.empty() ? "" : ", ") + r.permission;
                    }
                }
                std::string state = u.state;
                if (u.break_glass_until) {
                    state += ", break-glass until " + LocalTime(*u.break_glass_until);
                }
                t.Add({u.name, u.role, state, u.team, When(u.last_login), used.empty() ? "—" : used,
                       unused.empty() ? "—" : unused});
            }
            t.Print();
            fmt::print("{} users; a right unused for {} days is one to take away{}\n",
                       users->size(), sec::kUnusedAfter / 86400,
                       csv->empty() ? "" : "; CSV in " + *csv);
            return {};
        });
    });
}

void RegisterAssign(CLI::App& cli, App& app) {
    CLI::App* group = cli.get_subcommand("contacts");
    struct Args {
        std::string to;
        bool nobody = false;
        std::vector<int64_t> ids;
        std::vector<std::string> filters;
    };
    auto a = std::make_shared<Args>();
    auto* assign = group->add_subcommand(
        "assign", "assign contacts to a user (by id, or every match of --filter); history kept");
    assign->add_option("ids", a->ids, "contact ids");
    assign->add_option("--to", a->to, "the user who works them");
    assign->add_flag("--nobody", a->nobody, "take them back into the unassigned pool");
    assign->add_option("--filter", a->filters, "e.g. status=new region=Москва (bulk)");
    assign->callback([&app, a] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            if (a->to.empty() == !a->nobody) {
                return Fail(ErrorCode::kInvalidInput, "say who gets the contacts",
                            "give --to USER, or --nobody to unassign");
            }
            if (a->ids.empty() == a->filters.empty()) {
                return Fail(ErrorCode::kInvalidInput,
                            "give contact ids or --filter, not both or none",
                            "e.g. `callbase contacts assign 12 13 --to oleg`, or `callbase "
                            "contacts assign --filter region=Москва --to oleg`");
            }
            std::optional<std::pair<int64_t, std::string>> to;
            if (!a->to.empty()) {
                auto id = AssignableUser(app, db, a->to);
                if (!id) return std::unexpected(id.error());
                to = std::pair{*id, a->to};
            }
            auto tools = LoadPhoneTools(app);
            if (!tools) return std::unexpected(tools.error());
            auto filter = contacts::ParseFilter(a->filters, *tools->cleaner);
            if (!filter) return std::unexpected(filter.error());
            auto scope = ScopeOf(app, db);
            if (!scope) return std::unexpected(scope.error());
            auto changed =
                contacts::AssignContacts(db, app.clock, app.actor, a->ids, *filter, *scope, to);
            if (!changed) return std::unexpected(changed.error());
            if (app.json) {
                fmt::print("{}\n", JsonText(json{{"to", to ? json(a->to) : json(nullptr)},
                                                 {"changed", *changed}}));
            } else {
                fmt::print("{} contacts {}\n", *changed,
                           to ? "assigned to " + a->to : std::string("unassigned"));
            }
            return {};
        });
    });
}

void RegisterTeams(CLI::App& cli, App& app) {
    auto* team =
        cli.add_subcommand("team", "teams: a supervisor in a team sees the team's contacts");
    team->require_subcommand(1);
    auto add_name = std::make_shared<std::string>();
    auto* add = team->add_subcommand("add", "add a team");
    add->add_option("name", *add_name, "the team's name")->required();
    add->callback([&app, add_name] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto id = sec::Teams(db, app.clock).Add(*add_name, app.actor);
            if (!id) return std::unexpected(id.error());
            fmt::print("{}\n", app.json ? JsonText(json{{"id", *id}, {"name", *add_name}})
                                        : fmt::format("team {} added", *add_name));
            return {};
        });
    });
    auto member = std::make_shared<std::pair<std::string, std::string>>();
    auto* set = team->add_subcommand("member", "put a user in a team (--none: in no team)");
    set->add_option("user", member->first, "the user")->required();
    set->add_option("team", member->second, "the team");
    auto none = std::make_shared<bool>(false);
    set->add_flag("--none", *none, "take the user out of their team");
    set->callback([&app, member, none] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            if (member->second.empty() == !*none) {
                return Fail(ErrorCode::kInvalidInput, "name the team, or give --none",
                            "e.g. `callbase team member oleg sales-1`");
            }
            if (auto ok = sec::Teams(db, app.clock).SetMember(member->first, member->second); !ok) {
                return ok;
            }
            fmt::print(
                "{}\n",
                app.json
                    ? JsonText(json{
                          {"user", member->first},
                          {"team", member->second.empty() ? json(nullptr) : json(member->second)}})
                    : fmt::format("{} is {}", member->first,
                                  member->second.empty() ? "in no team" : "in " + member->second));
            return {};
        });
    });
    team->add_subcommand("list", "teams and their members")->callback([&app] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto teams = sec::Teams(db, app.clock).List();
            if (!teams) return std::unexpected(teams.error());
            json out = json::array();
            Table t({"team", "members"});
            for (const auto& x : *teams) {
                out.push_back({{"id", x.id}, {"name", x.name}, {"members", x.members}});
                t.Add({x.name, fmt::format("{}", fmt::join(x.members, ", "))});
            }
            if (app.json)
                fmt::print("{}\n", JsonText(out));
            else
                t.Print();
            return {};
        });
    });
}

}  // namespace

void RegisterPrivilegeCommands(CLI::App& cli, App& app) {
    auto* access = cli.add_subcommand("access", "break-glass access and the access review");
    access->require_subcommand(1);
    RegisterBreakGlass(*access, app);
    RegisterReview(*access, app);
    RegisterAssign(cli, app);
    RegisterTeams(cli, app);
}

}  // namespace callbase::cli
