// Access control for every command, and `callbase user …`.
//
// Until the base has a user, callbase runs in single-user mode: every command
// is allowed and acts as $USER (the first user added must be an admin). From
// the first user on, a command that touches the base needs `--user NAME` (or
// $CALLBASE_USER) and that user's password ($CALLBASE_PASSWORD, else asked on
// the terminal), plus a TOTP code for the roles that need one ($CALLBASE_TOTP,
// else asked); then the permission table (security/permissions.h) decides, once,
// before the command runs. Commands that do not touch the base (phone clean,
// gen, user permissions) need no user.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <termios.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/read_volume.h"
#include "api/sessions.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "core/json_text.h"
#include "security/access_review.h"
#include "security/audit.h"
#include "security/audit_alerts.h"
#include "security/break_glass.h"
#include "security/encryption.h"
#include "security/permissions.h"
#include "security/users.h"

namespace callbase::cli {
namespace {

using nlohmann::json;
using security::Permission;

// The permission each command needs, by its path ("dnc add"). A path that is
// missing needs kAdminister: new commands are closed until listed here.
const std::map<std::string, std::optional<Permission>, std::less<>>& CommandTable() {
    static const std::map<std::string, std::optional<Permission>, std::less<>> kTable = {
        {"phone clean", std::nullopt},
        {"gen contacts", std::nullopt},
        {"user permissions", std::nullopt},
        {"user totp", std::nullopt},  // the named user's own password opens it
        {"user totp-code", std::nullopt},
        {"init", Permission::kAdminister},
        {"numbering load", Permission::kAdminister},
        {"import contacts", Permission::kImport},
        {"export contacts", Permission::kApproveExport},
        {"export request", Permission::kRequestExport},
        {"export approve", Permission::kApproveExport},
        {"export reject", Permission::kApproveExport},
        {"export download", Permission::kRequestExport},
        {"export list", Permission::kRequestExport},
        {"export show", Permission::kRequestExport},
        {"contacts find", Permission::kReadContacts},
        {"contacts show", Permission::kReadContacts},
        {"contacts add", Permission::kEditContacts},
        {"contacts set-status", Permission::kEditContacts},
        {"contacts tag", Permission::kEditContacts},
        {"contacts untag", Permission::kEditContacts},
        {"contacts set-field", Permission::kEditContacts},
        {"contacts edit", Permission::kEditContacts},
        {"tags", Permission::kReadContacts},
        {"tags list", Permission::kReadContacts},
        {"tags init", Permission::kDictionaries},
        {"tags add-category", Permission::kDictionaries},
        {"tags add", Permission::kDictionaries},
        {"tags retire", Permission::kDictionaries},
        {"fields", Permission::kReadContacts},
        {"fields list", Permission::kReadContacts},
        {"fields add", Permission::kDictionaries},
        {"dedup", Permission::kMerge},
        {"merge", Permission::kMerge},
        {"report health", Permission::kReadContacts},
        {"dnc add", Permission::kStopList},
        {"dnc remove", Permission::kStopList},
        {"dnc check", Permission::kStopList},
        {"dnc list", Permission::kStopList},
        {"dnc import", Permission::kStopList},
        {"consent add", Permission::kConsents},
        {"consent revoke", Permission::kConsents},
        {"consent show", Permission::kConsents},
        {"consent request", Permission::kConsents},
        {"consent confirm", Permission::kConsents},
        {"consent purpose list", Permission::kConsents},
        {"consent purpose add", Permission::kRules},
        {"consent text add", Permission::kRules},
        {"can-call", Permission::kCanCall},
        {"attempts record", Permission::kCanCall},
        {"inactive list", Permission::kCanCall},
        {"inactive review", Permission::kRules},
        {"deletion request", Permission::kDeletionRequest},
        {"deletion process", Permission::kDeletionProcess},
        {"deletion status", Permission::kDeletionProcess},
        {"deletion report", Permission::kDeletionProcess},
        {"deletion archives-done", Permission::kDeletionProcess},
        {"deletion notice", Permission::kDeletionProcess},
        {"rules show", Permission::kCanCall},
        {"rules set", Permission::kRules},
        {"rules holiday add", Permission::kRules},
        {"rules holiday remove", Permission::kRules},
        {"registry load", Permission::kRegistries},
        {"registry check", Permission::kCanCall},
        {"registry diff", Permission::kRegistries},
        {"registry list", Permission::kCanCall},
        {"audit list", Permission::kReadAudit},
        {"audit verify", Permission::kReadAudit},
        {"audit head", Permission::kReadAudit},
        {"audit alerts", Permission::kReadAudit},
        {"audit alert-rules show", Permission::kReadAudit},
        {"audit alert-rules set", Permission::kManageUsers},
        {"user add", Permission::kManageUsers},
        {"user passwd", Permission::kManageUsers},
        {"user role", Permission::kManageUsers},
        {"user disable", Permission::kManageUsers},
        {"user enable", Permission::kManageUsers},
        {"user unlock", Permission::kManageUsers},
        {"user list", Permission::kManageUsers},
        {"campaign create", Permission::kCampaigns},
        {"campaign edit", Permission::kCampaigns},
        {"campaign clone", Permission::kCampaigns},
        {"campaign list", Permission::kCampaigns},
        {"campaign show", Permission::kCampaigns},
        {"campaign start", Permission::kCampaigns},
        {"campaign pause", Permission::kCampaigns},
        {"campaign stop", Permission::kCampaigns},
        {"campaign stats", Permission::kCampaigns},
        {"why", Permission::kCallRecords},
        // Inbound routing: the supervisor's, as campaigns are.
        {"routing queue set", Permission::kCampaigns},
        {"routing queue list", Permission::kCampaigns},
        {"routing queue remove", Permission::kCampaigns},
        {"routing number set", Permission::kCampaigns},
        {"routing number list", Permission::kCampaigns},
        {"routing number remove", Permission::kCampaigns},
        {"routing list add", Permission::kCampaigns},
        {"routing list remove", Permission::kCampaigns},
        {"routing list show", Permission::kCampaigns},
        {"routing rules show", Permission::kCampaigns},
        {"routing check-menu", Permission::kCampaigns},
        {"routing pause-reason list", Permission::kCampaigns},
        {"routing pause-reason set", Permission::kCampaigns},
        {"routing pause-reason remove", Permission::kCampaigns},
        {"routing agent list", Permission::kCampaigns},
        {"routing agent set", Permission::kCampaigns},
        {"routing agent remove", Permission::kCampaigns},
        {"routing rules set", Permission::kCampaigns},
        {"routing check", Permission::kCampaigns},
        {"routing report", Permission::kCallRecords},
        {"routing queue-log", Permission::kCallRecords},
        // A scenario file needs no base; a forecast reads the campaign's contacts.
        {"simulate", std::nullopt},
        // A script file on the disk: nothing of the base.
        {"ivr check", std::nullopt},
        {"ivr try", std::nullopt},
        {"ivr render", std::nullopt},
        // Numbers in, a forecast out: nothing of the base.
        {"staffing", std::nullopt},
        {"simulate --campaign", Permission::kCampaigns},
        {"access break-glass request", Permission::kBreakGlass},
        {"access break-glass approve", Permission::kApproveBreakGlass},
        {"access break-glass end", Permission::kReadAudit},
        {"access break-glass list", Permission::kReadAudit},
        {"access review", Permission::kReadAudit},
        {"contacts assign", Permission::kAssignContacts},
        {"team add", Permission::kManageUsers},
        {"team member", Permission::kManageUsers},
        {"team list", Permission::kManageUsers},
        {"keys status", Permission::kAdminister},
        {"keys encrypt", Permission::kAdminister},
        {"keys rotate", Permission::kAdminister},
        // The server logs its users in itself; running it takes the base and key
        // files, as reading them directly would.
        {"serve", std::nullopt},
    };
    return kTable;
}

// What the audit log records for a command (R-SEC-3): reads of personal data,
// changes, exports, merges, deletions. Commands missing here are not audited
// beyond the login (phone clean, gen, help, the audit log itself).
std::string_view AuditAction(std::string_view path) {
    static const std::map<std::string, std::string, std::less<>> kActions = {
        {"contacts find", "read"},
        {"contacts show", "read"},
        {"contacts add", "change"},
        {"contacts set-status", "change"},
        {"contacts tag", "change"},
        {"contacts untag", "change"},
        {"contacts set-field", "change"},
        {"contacts edit", "change"},
        {"import contacts", "mass_edit"},
        {"export contacts", "export"},
        {"export request", "export"},
        {"export approve", "export"},
        {"export reject", "export"},
        {"export download", "export"},
        {"export show", "read"},
        {"dedup", "merge"},
        {"merge", "merge"},
        {"dnc add", "change"},
        {"dnc remove", "change"},
        {"dnc check", "read"},
        {"dnc list", "read"},
        {"dnc import", "mass_edit"},
        {"consent add", "change"},
        {"consent revoke", "change"},
        {"consent show", "read"},
        {"consent request", "change"},
        {"consent confirm", "change"},
        {"can-call", "read"},
        {"attempts record", "change"},
        {"inactive list", "read"},
        {"inactive review", "change"},
        {"deletion request", "delete"},
        {"deletion process", "delete"},
        {"deletion status", "read"},
        {"deletion report", "read"},
        {"deletion archives-done", "delete"},
        {"deletion notice", "read"},
        {"registry load", "mass_edit"},
        {"registry check", "read"},
        {"registry diff", "read"},
        {"rules set", "admin"},
        {"rules holiday add", "admin"},
        {"rules holiday remove", "admin"},
        {"user add", "admin"},
        {"user passwd", "admin"},
        {"user role", "admin"},
        {"user disable", "admin"},
        {"user enable", "admin"},
        {"user unlock", "admin"},
        {"user totp", "admin"},
        {"numbering load", "admin"},
        {"audit alert-rules set", "admin"},
        {"access break-glass request", "admin"},
        {"access break-glass approve", "admin"},
        {"access break-glass end", "admin"},
        {"access review", "read"},
        {"contacts assign", "change"},
        {"team add", "admin"},
        {"team member", "admin"},
        {"campaign create", "change"},
        {"campaign edit", "change"},
        {"campaign clone", "change"},
        {"campaign start", "change"},
        {"campaign pause", "change"},
        {"campaign stop", "change"},
        {"why", "read"},
        {"simulate --campaign", "read"},
        {"routing queue set", "change"},
        {"routing queue remove", "change"},
        {"routing number set", "change"},
        {"routing number remove", "change"},
        {"routing list add", "change"},
        {"routing list remove", "change"},
        {"routing list show", "read"},
        {"routing rules set", "change"},
        {"routing check", "read"},
        {"keys encrypt", "mass_edit"},
        {"keys rotate", "mass_edit"},
    };
    auto it = kActions.find(path);
    return it == kActions.end() ? std::string_view() : std::string_view(it->second);
}

// How the audit log keeps the value of a command's option or argument: a
// number anywhere becomes its pseudonym; free text that may name a person (a
// contact's name, e-mail or comment, a note, a reason, proof of consent, a
// custom field's value) is kept as its pseudonym (security::PseudonymizeText);
// a filter keeps its key and operator and hides the value unless the key is
// a class many share (security::PseudonymizeFilter).
enum class ValueKind { kPlain, kText, kFilter, kFieldAssignment };

ValueKind KindOf(std::string_view path, std::string_view option) {
    for (std::string_view text : {"--note", "--reason", "--how", "--comment", "--email", "--ip",
                                  "--user-agent", "--form-id"}) {
        if (option == text) return ValueKind::kText;
    }
    if ((path == "contacts add" || path == "contacts edit") && option == "--name") {
        return ValueKind::kText;
    }
    if (path == "contacts add" && option == "--field") return ValueKind::kFieldAssignment;
    if (path == "contacts set-field" && option == "value") return ValueKind::kText;
    if (option == "--filter" || option == "--segment") return ValueKind::kFilter;
    if (path == "contacts find" && option == "expr") return ValueKind::kFilter;
    return ValueKind::kPlain;
}

std::string Pseudonymized(ValueKind kind, const std::string& value, const std::string& key) {
    switch (kind) {
        case ValueKind::kText:
            return security::PseudonymizeText(value, key);
        case ValueKind::kFilter:
            return security::PseudonymizeFilter(value, key);
        case ValueKind::kFieldAssignment: {
            const size_t eq = value.find('=');
            if (eq == std::string::npos) return security::PseudonymizeText(value, key);
            return value.substr(0, eq + 1) + security::PseudonymizeText(value.substr(eq + 1), key);
        }
        case ValueKind::kPlain:
            break;
    }
    return security::PseudonymizeNumbers(value, key);
}

// The leaf command's positional arguments and options as given, personal
// data as pseudonyms under `key`: which records.
std::string CommandRecords(const CLI::App& cli, std::string_view path, const std::string& key) {
    const CLI::App* at = &cli;
    while (!at->get_subcommands().empty())
        at = at->get_subcommands().front();
    std::string out;
    for (const CLI::Option* opt : at->get_options()) {
        if (opt->count() == 0 || opt->get_name() == "--help") continue;
        const ValueKind kind = KindOf(path, opt->get_name());
        std::vector<std::string> values;
        for (const std::string& v : opt->results())
            values.push_back(Pseudonymized(kind, v, key));
        const std::string value = fmt::format("{}", fmt::join(values, ","));
        out += fmt::format("{}{}{}", out.empty() ? "" : " ",
                           opt->get_positional() ? "" : opt->get_name() + "=", value);
    }
    return out;
}

std::string Source() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return fmt::format("cli:{}:uid{}", host, getuid());
}

// Appends to the audit log; an error here stops the command (no unaudited
// access to personal data).
Result<void> Audit(App& app, const std::string& action, const std::string& path,
                   const CLI::App& cli) {
    auto db = app.OpenStore(/*with_keys=*/false);  // the log holds pseudonyms, nothing sealed
    if (!db) return std::unexpected(db.error());
    // Numbers and free text are kept as their pseudonyms (CommandRecords),
    // under the key file's pseudonym key: made when missing, unless the base
    // is encrypted and the file holds its keys too.
    if (auto ok = security::RequireKeyFile(**db, KeyFilePath(app)); !ok) return ok;
    auto key = ReadKey(app);
    if (!key) return std::unexpected(key.error());
    security::AuditLog log(**db, app.clock);
    auto ok = log.Append({app.actor, action, path, CommandRecords(cli, path, *key), Source(), ""});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

// "dnc add": the chosen subcommands from the top.
std::string CommandPath(const CLI::App& cli) {
    std::string path;
    const CLI::App* at = &cli;
    for (;;) {
        auto chosen = at->get_subcommands();
        if (chosen.empty()) break;
        at = chosen.front();
        path += (path.empty() ? "" : " ") + at->get_name();
    }
    return path;
}

// A secret from the environment, else asked on the terminal without echo.
std::optional<std::string> Secret(const char* env, const char* prompt) {
    if (const char* v = std::getenv(env); v && *v) return std::string(v);
    if (!isatty(STDIN_FILENO)) return std::nullopt;
    fmt::print(stderr, "{}: ", prompt);
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fmt::print(stderr, "\n");
    return line;
}

// Checks who is acting and whether the role may do this; false when there is
// no base yet (init, numbering load before init): nobody to ask, nothing to log.
Result<bool> Authorize(App& app, Permission needed) {
    // Users are not sealed: logging in needs no key file (so `keys rotate`
    // can finish a stopped rotation, which the key file cannot yet open).
    auto db = app.OpenStore(/*with_keys=*/false);
    if (!db) {
        if (needed == Permission::kAdminister) return false;
        return std::unexpected(db.error());
    }
    security::Users users(**db, app.clock);
    auto active = users.CountActive();
    if (!active) return std::unexpected(active.error());
    if (*active == 0) return true;  // single-user mode
    std::string name = app.user;
    if (const char* env = std::getenv("CALLBASE_USER"); name.empty() && env) name = env;
    if (name.empty()) {
        return Fail(ErrorCode::kInvalidInput, "this base has users: say who you are",
                    "give --user NAME (or set CALLBASE_USER); the password comes from "
                    "CALLBASE_PASSWORD or is asked");
    }
    auto password = Secret("CALLBASE_PASSWORD", fmt::format("password for {}", name).c_str());
    if (!password) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("no password for {}", name),
                    "set CALLBASE_PASSWORD, or run on a terminal to be asked");
    }
    auto found = users.Find(name);
    std::string code;
    if (found && (found->totp_enabled || security::RoleNeedsTotp(found->role))) {
        code = Secret("CALLBASE_TOTP", "TOTP code").value_or("");
    }
    auto user = users.Authenticate(name, *password, code);
    security::AuditLog log(**db, app.clock);
    if (!user) {
        // A failed login is recorded under the name that was tried.
        auto logged = log.Append({name, "login_failed", "", "", Source(), user.error().message});
        if (!logged) return std::unexpected(logged.error());
        return std::unexpected(user.error());
    }
    auto logged = log.Append({user->name, "login", "", "", Source(),
                              fmt::format("role {}", security::RoleId(user->role))});
    if (!logged) return std::unexpected(logged.error());
    if (!security::Allowed(user->role, needed)) {
        return Fail(ErrorCode::kConflict,
                    fmt::format("{} ({}) may not do this: it needs the {} permission", name,
                                security::RoleId(user->role), security::PermissionId(needed)),
                    "see `callbase user permissions`; ask an administrator for another role");
    }
    app.actor = user->name;
    app.role = user->role;
    app.user_id = user->id;
    // The access review's "last use of each right" (security/access_review.h).
    if (auto used = security::RecordPermissionUse(**db, user->name, security::PermissionId(needed),
                                                  app.clock.Now());
        !used) {
        return std::unexpected(used.error());
    }
    auto sees_as = security::ViewingRole(**db, app.clock, user->name, user->role);
    if (!sees_as) return std::unexpected(sees_as.error());
    app.sees_as = *sees_as;
    return true;
}

Result<std::string> NewPassword(const std::string& name) {
    auto first = Secret("CALLBASE_NEW_PASSWORD", fmt::format("new password for {}", name).c_str());
    if (!first) {
        return Fail(ErrorCode::kInvalidInput, "no new password given",
                    "set CALLBASE_NEW_PASSWORD, or run on a terminal to be asked");
    }
    if (!std::getenv("CALLBASE_NEW_PASSWORD")) {
        auto again = Secret("CALLBASE_NEW_PASSWORD", "again");
        if (!again || *again != *first) {
            return Fail(ErrorCode::kInvalidInput, "the two passwords differ", "type it again");
        }
    }
    return *first;
}

Result<security::Role> RoleArg(const std::string& text) {
    auto role = security::ParseRole(text);
    if (!role) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("unknown role {}", text),
                    "use operator, supervisor, analyst, admin, dpo or service");
    }
    return *role;
}

template <typename Body>
void WithUsers(App& app, Body&& body) {
    auto db = app.OpenStore();
    if (!db) return app.Report(db.error());
    security::Users users(**db, app.clock);
    if (Result<void> ok = body(users); !ok) app.Report(ok.error());
}

void RegisterUsers(CLI::App& cli, App& app) {
    auto* user = cli.add_subcommand("user", "users, roles and second factors");
    user->require_subcommand(1);

    auto add_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* add = user->add_subcommand("add",
                                     "add a user (password from CALLBASE_NEW_PASSWORD "
                                     "or asked)");
    add->add_option("name", add_args->first, "the login name")->required();
    add->add_option("--role", add_args->second,
                    "operator, supervisor, analyst, admin, dpo or service")
        ->required();
    add->callback([&app, add_args] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            auto role = RoleArg(add_args->second);
            if (!role) return std::unexpected(role.error());
            auto active = users.CountActive();
            if (!active) return std::unexpected(active.error());
            if (*active == 0 && *role != security::Role::kAdmin) {
                return Fail(ErrorCode::kInvalidInput, "the first user must be an admin",
                            "add an admin first: it can then add everyone else");
            }
            auto password = NewPassword(add_args->first);
            if (!password) return std::unexpected(password.error());
            auto id = users.Add(add_args->first, *role, *password);
            if (!id) return std::unexpected(id.error());
            if (app.json) {
                fmt::print("{}\n", JsonText(json{{"id", *id},
                                                 {"name", add_args->first},
                                                 {"role", add_args->second}}));
            } else {
                fmt::print("user {} added as {}{}\n", add_args->first, add_args->second,
                           security::RoleNeedsTotp(*role)
                               ? fmt::format("; enrol a second factor with `callbase user totp "
                                             "{}`",
                                             add_args->first)
                               : "");
            }
            return {};
        });
    });

    auto passwd_name = std::make_shared<std::string>();
    auto* passwd = user->add_subcommand("passwd", "set a user's password (unlocks it)");
    passwd->add_option("name", *passwd_name, "the user")->required();
    passwd->callback([&app, passwd_name] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            auto password = NewPassword(*passwd_name);
            if (!password) return std::unexpected(password.error());
            if (auto ok = users.SetPassword(*passwd_name, *password); !ok) return ok;
            fmt::print("{}\n", app.json ? JsonText(json{{"name", *passwd_name}})
                                        : "password set for " + *passwd_name);
            return {};
        });
    });

    auto role_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* role = user->add_subcommand("role", "change a user's role");
    role->add_option("name", role_args->first, "the user")->required();
    role->add_option("role", role_args->second, "the new role")->required();
    role->callback([&app, role_args] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            auto r = RoleArg(role_args->second);
            if (!r) return std::unexpected(r.error());
            if (auto ok = users.SetRole(role_args->first, *r); !ok) return ok;
            fmt::print("{}\n",
                       app.json
                           ? JsonText(json{{"name", role_args->first}, {"role", role_args->second}})
                           : fmt::format("{} is now {}", role_args->first, role_args->second));
            return {};
        });
    });

    auto disable_name = std::make_shared<std::string>();
    auto* disable = user->add_subcommand("disable", "disable a user (kept for the audit log)");
    disable->add_option("name", *disable_name, "the user")->required();
    disable->callback([&app, disable_name] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            if (auto ok = users.Disable(*disable_name); !ok) return ok;
            fmt::print("{}\n", app.json ? JsonText(json{{"disabled", *disable_name}})
                                        : "disabled " + *disable_name);
            return {};
        });
    });

    auto enable_name = std::make_shared<std::string>();
    auto* enable = user->add_subcommand(
        "enable", "let a disabled user log in again, with the password they had");
    enable->add_option("name", *enable_name, "the user")->required();
    enable->callback([&app, enable_name] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            if (auto ok = users.Enable(*enable_name); !ok) return ok;
            fmt::print("{}\n", app.json
                                   ? JsonText(json{{"name", *enable_name}, {"disabled", false}})
                                   : "enabled " + *enable_name);
            return {};
        });
    });

    auto unlock_name = std::make_shared<std::string>();
    auto* unlock = user->add_subcommand(
        "unlock", "end the lock after failed logins and clear the failure count");
    unlock->add_option("name", *unlock_name, "the user")->required();
    unlock->callback([&app, unlock_name] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            if (auto ok = users.Unlock(*unlock_name); !ok) return ok;
            fmt::print("{}\n", app.json ? JsonText(json{{"name", *unlock_name}, {"locked", false}})
                                        : "unlocked " + *unlock_name);
            return {};
        });
    });

    user->add_subcommand("list", "every user with role and state")->callback([&app] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            auto all = users.List();
            if (!all) return std::unexpected(all.error());
            json out = json::array();
            Table t({"name", "role", "TOTP", "state"});
            const UnixSeconds now = app.clock.Now();
            for (const auto& u : *all) {
                std::string state = u.disabled_at                               ? "disabled"
                                    : (u.locked_until && *u.locked_until > now) ? "locked"
                                                                                : "active";
                out.push_back({{"name", u.name},
                               {"role", security::RoleId(u.role)},
                               {"totp", u.totp_enabled},
                               {"state", state}});
                t.Add({u.name, std::string(security::RoleId(u.role)),
                       u.totp_enabled                    ? "on"
                       : security::RoleNeedsTotp(u.role) ? "needed, not enrolled"
                                                         : "off",
                       state});
            }
            if (app.json)
                fmt::print("{}\n", JsonText(out));
            else
                t.Print();
            return {};
        });
    });

    // What an authenticator app shows for a secret: for the demo's logins and
    // for scripts that hold a service account's secret.
    auto code_secret = std::make_shared<std::string>();
    auto* code = user->add_subcommand(
        "totp-code", "the current TOTP code for a secret, as an authenticator app shows it");
    code->add_option("secret", *code_secret, "the base32 secret `user totp` printed")->required();
    code->callback([&app, code_secret] {
        auto secret = security::Base32Decode(*code_secret);
        if (!secret || secret->empty()) {
            return app.Report({ErrorCode::kInvalidInput, "the secret is not base32",
                               "give the secret as `callbase user totp` printed it"});
        }
        const std::string now = security::TotpCode(*secret, app.clock.Now());
        fmt::print("{}\n", app.json ? JsonText(json{{"code", now}}) : now);
    });

    auto totp_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* totp = user->add_subcommand(
        "totp", "enrol a second factor: prints the secret; then --confirm CODE");
    totp->add_option("name", totp_args->first, "the user (its password opens this)")->required();
    totp->add_option("--confirm", totp_args->second, "the code the authenticator app shows");
    totp->callback([&app, totp_args] {
        WithUsers(app, [&](security::Users& users) -> Result<void> {
            const std::string& name = totp_args->first;
            auto password =
                Secret("CALLBASE_PASSWORD", fmt::format("password for {}", name).c_str());
            if (!password) {
                return Fail(ErrorCode::kInvalidInput, fmt::format("no password for {}", name),
                            "set CALLBASE_PASSWORD, or run on a terminal to be asked");
            }
            auto who = users.Authenticate(name, *password, "", /*enrolling=*/true);
            if (!who) return std::unexpected(who.error());
            if (!totp_args->second.empty()) {
                if (auto ok = users.ConfirmTotp(name, totp_args->second); !ok) return ok;
                fmt::print("{}\n", app.json ? JsonText(json{{"name", name}, {"totp", true}})
                                            : "second factor on for " + name);
                return {};
            }
            auto secret = users.BeginTotp(name);
            if (!secret) return std::unexpected(secret.error());
            if (app.json) {
                fmt::print("{}\n", JsonText(json{{"name", name},
                                                 {"secret", *secret},
                                                 {"uri", security::TotpUri(name, *secret)}}));
            } else {
                fmt::print(
                    "add this to the authenticator app (or scan the URI as a QR code):\n"
                    "  secret: {}\n  uri:    {}\nthen: callbase user totp {} --confirm "
                    "CODE\n",
                    *secret, security::TotpUri(name, *secret), name);
            }
            return {};
        });
    });

    user->add_subcommand("permissions", "the permission table")->callback([&app] {
        if (!app.json) {
            fmt::print("{}", security::PermissionTableMarkdown());
            return;
        }
        json out = json::object();
        for (auto p : security::AllPermissions()) {
            json roles = json::array();
            for (auto r : security::AllRoles())
                if (security::Allowed(r, p)) roles.push_back(security::RoleId(r));
            out[std::string(security::PermissionId(p))] = roles;
        }
        fmt::print("{}\n", JsonText(out));
    });
}

}  // namespace

Result<void> CheckReadLimit(App& app, store::Store& db, const std::string& command) {
    if (!app.role) return {};
    auto rules = security::LoadAlertSettings(db);
    if (!rules) return std::unexpected(rules.error());
    const api::ReadVolume::Limits limits{rules->contacts_read_per_hour,
                                         rules->contacts_read_per_day};
    api::ReadVolume reads(api::RandomToken());
    const UnixSeconds now = app.clock.Now();
    auto over = reads.Check(db, app.actor, now, limits);
    if (!over) return std::unexpected(over.error());
    if (!*over) return {};
    if ((*over)->first) {
        security::AuditLog log(db, app.clock);
        auto logged = log.Append(
            {app.actor, "bulk_read", command, "", Source(), api::BulkReadDetail(**over)});
        if (!logged) return std::unexpected(logged.error());
    }
    return std::unexpected(api::ReadRefusal(app.actor, **over, "`callbase export request`"));
}

Result<void> CountRead(App& app, store::Store& db, int64_t contacts) {
    if (!app.role) return {};
    auto rules = security::LoadAlertSettings(db);
    if (!rules) return std::unexpected(rules.error());
    if (rules->contacts_read_per_hour <= 0 && rules->contacts_read_per_day <= 0) return {};
    api::ReadVolume reads(api::RandomToken());
    const UnixSeconds now = app.clock.Now();
    reads.Add(app.actor, now, contacts);
    return reads.Flush(db, now);
}

void RegisterAccessControl(CLI::App& cli, App& app) {
    RegisterUsers(cli, app);
    cli.add_option("--user", app.user, "who you are, once the base has users ($CALLBASE_USER)");
    cli.parse_complete_callback([&cli, &app] {
        std::string path = CommandPath(cli);
        if (path.empty()) return;
        if (path == "simulate" &&
            cli.get_subcommand("simulate")->get_option("--campaign")->count()) {
            path = "simulate --campaign";
        }
        const auto& table = CommandTable();
        auto it = table.find(path);
        std::optional<Permission> needed =
            it == table.end() ? std::optional<Permission>(Permission::kAdminister) : it->second;
        if (!needed) return;
        auto base = Authorize(app, *needed);
        if (!base) {
            app.Report(base.error());
            throw CLI::RuntimeError(app.exit_code);
        }
        std::string_view action = AuditAction(path);
        if (!*base || action.empty()) return;
        if (auto ok = Audit(app, std::string(action), path, cli); !ok) {
            app.Report(ok.error());
            throw CLI::RuntimeError(app.exit_code);
        }
    });
}

}  // namespace callbase::cli
