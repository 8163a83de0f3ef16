// What every CLI command shares: the database URL, output mode, clock and the
// one path from an Error to an exit status.
//
// main() builds one App, each command group registers its subcommands on it
// (Register*Commands below), and CLI11 runs the chosen one. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "contacts/contact.h"
#include "contacts/contact_book.h"
#include "core/clock.h"
#include "core/error.h"
#include "ingest/column_map.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "security/permissions.h"
#include "store/store.h"

namespace callbase::api {
struct Viewer;
}
namespace callbase::routing {
struct InboundDay;
}

namespace callbase::cli {

// The system's time moved by a fixed amount: --now ($CALLBASE_NOW) sets the
// moment the clock shows, and it runs on from there (a demo or a test of the
// calling rules on a chosen day). Set before any command runs.
class AppClock final : public Clock {
public:
    UnixSeconds Now() const override { return SystemClock().Now() + shift_; }
    void StartAt(UnixSeconds at) { shift_ = at - SystemClock().Now(); }

private:
    int64_t shift_ = 0;
};

struct App {
    std::string db_url;                  // --db, else $CALLBASE_DB, else ./callbase.db
    bool json = false;                   // --json: output for scripts
    std::string actor;                   // who is acting, for history records: $USER by default
    std::string data_dir;                // where the shipped reference data is (numbering plan)
    std::string user;                    // --user: who is acting, once the base has users
    std::optional<security::Role> role;  // the authenticated user's role (none: single-user mode)
    int64_t user_id = 0;                 // the authenticated user's id
    // The role whose view of personal data applies: a supervisor's for an
    // admin with an open break-glass access (security/break_glass.h).
    std::optional<security::Role> sees_as;
    AppClock clock;  // the system's time, or from --now on
    int exit_code = 0;

    // Opens the database, checks its schema is the one this binary knows and,
    // when the base is encrypted, gives it the key file's cipher. Without
    // `with_keys` the key file is not read: for what needs no sealed value
    // (logging in, the audit log, the keys commands, which read it themselves).
    Result<std::unique_ptr<store::Store>> OpenStore(bool with_keys = true);
    // Prints the error on stderr (or as JSON with --json) and records its exit code.
    void Report(const Error& error);
    // The call center's UTC offset in minutes: the calling rules'
    // default_utc_offset_minutes (`callbase rules set --timezone`), which the
    // campaigns' schedules and the forecast use too; read from the base once.
    // Without a base yet, the rules' default (Moscow, +03:00).
    Result<int> CenterOffset();

private:
    std::optional<int> center_offset_;
};

// A wrong invocation that CLI11 caught (an unknown option or command, a value
// that is not a number, a missing argument, ...) as an Error of kind
// kInvalidInput (exit 2): what was wrong, naming the command, option and value,
// and that command's --help as the hint. `argv` is the words after the program.
Error ArgumentError(const CLI::App& cli, const CLI::ParseError& e,
                    const std::vector<std::string>& argv);

// The numbering plan and the cleaner that borrows it, kept together.
struct PhoneTools {
    std::unique_ptr<phone::NumberingPlan> plan;
    std::unique_ptr<phone::Cleaner> cleaner;
};
Result<PhoneTools> LoadPhoneTools(const App& app);
// A phone given as an argument, as E.164; an error that says what is wrong.
Result<std::string> CleanPhoneArg(const phone::Cleaner& cleaner, const std::string& text);
// A positive id given as an argument; `what` names it in the error.
Result<int64_t> ParseId(const std::string& text, std::string_view what);
// A date or a moment as people type it (core/date_text.h): "31.12.2026",
// "31.12.2026 10:00", "2026-12-31T10:00", with an optional zone ("Z",
// "+03:00"); a date alone is its midnight. Without a zone it is the call
// center's time (App::CenterOffset). Plain digits (9 or more) are Unix
// seconds. `what` names the option in the error ("--at").
Result<int64_t> ParseTime(App& app, const std::string& text, std::string_view what = "time");
// The same for an option that may be left out: none for "".
Result<std::optional<int64_t>> ParseOptionalTime(App& app, const std::string& text,
                                                 std::string_view what);

// A moment in the machine's local time zone (TZ): "2026-11-23 09:00", with
// ":05" seconds when asked.
std::string LocalTime(UnixSeconds t, bool seconds = false);

// The do-not-call registries' folder: `given`, else $CALLBASE_REGISTRY_DIR,
// else beside the SQLite file (./registries for PostgreSQL).
std::string RegistryDir(const App& app, const std::string& given = {});
// The server's scripts folder (robot scripts, voice menus): `given`, else
// beside an SQLite base (BASE.scripts), else ./scripts for PostgreSQL.
std::string ScriptsDir(const App& app, const std::string& given = {});

// The key file (outside the database, mode 0600): $CALLBASE_KEY_FILE, else
// beside an SQLite base (base.db.key), else ./callbase.key. ReadKey creates it
// on first use and refuses one that others can read.
std::string KeyFilePath(const App& app);
Result<std::string> ReadKey(const App& app);
// Who looks (api/redact.h): the acting user's role, id and the key file's
// pseudonym key; single-user mode sees everything.
api::Viewer ViewerOf(const App& app);
// A number, and the numbers in a text, as the acting user may see them: the
// CLI prints what the API would answer the same user (api/redact.h).
Result<std::string> ShownNumber(App& app, store::Store& db, const std::string& e164);
Result<std::string> ShownText(App& app, store::Store& db, std::string_view text);
// What the acting role may see of contacts about to be printed (redact.cc).
Result<void> RedactCard(App& app, store::Store& db, contacts::Card* card);
Result<void> RedactFound(App& app, store::Store& db, std::vector<contacts::FoundContact>* found);
// The contacts the acting user may see (api/scope.h), applied to a book; the
// scope itself; and whether the acting user may assign contacts to `name`
// (its id).
Result<void> RestrictBook(App& app, store::Store& db, contacts::ContactBook* book);
Result<std::optional<contacts::Scope>> ScopeOf(App& app, store::Store& db);
Result<int64_t> AssignableUser(App& app, store::Store& db, const std::string& name);

// The limits of contacts read (api/read_volume.h), counted for the acting
// user in the base with the API's reads: CheckReadLimit before a command shows
// contacts refuses (exit 4) once the user has read up to a limit, writing the
// bulk_read audit record at the first refusal of the window; CountRead after
// the read adds the contacts shown. Single-user mode counts nothing.
Result<void> CheckReadLimit(App& app, store::Store& db, const std::string& command);
Result<void> CountRead(App& app, store::Store& db, int64_t contacts);

// --max-columns, --max-new-fields, --max-cell-bytes of `import contacts` and
// `serve` (docs/security.md, "Malformed input").
void AddImportLimitOptions(CLI::App* command, ingest::ImportLimits* limits);

void RegisterInitCommands(CLI::App& cli, App& app);      // init
void RegisterPhoneCommands(CLI::App& cli, App& app);     // phone clean, numbering load
void RegisterImportCommands(CLI::App& cli, App& app);    // import contacts, export contacts
void RegisterContactCommands(CLI::App& cli, App& app);   // contacts, tags, fields, dedup, merge
void RegisterReportCommands(CLI::App& cli, App& app);    // report health
void RegisterGenCommands(CLI::App& cli, App& app);       // gen contacts
void RegisterRegistryCommands(CLI::App& cli, App& app);  // registry load, check, diff, list
// dnc, consent, can-call, attempts, inactive, deletion, rules
void RegisterComplianceCommands(CLI::App& cli, App& app);
void RegisterAuditCommands(CLI::App& cli, App& app);     // audit list, verify, head, alerts
void RegisterKeysCommands(CLI::App& cli, App& app);      // keys status, encrypt, rotate
void RegisterServeCommands(CLI::App& cli, App& app);     // serve
void RegisterSimulateCommands(CLI::App& cli, App& app);  // simulate
void RegisterCampaignCommands(CLI::App& cli, App& app);  // campaign, why
void RegisterIvrCommands(CLI::App& cli, App& app);       // ivr check, ivr try
void RegisterRoutingCommands(CLI::App& cli, App& app);   // routing queue/number/list/rules/check
void RegisterStaffingCommands(CLI::App& cli, App& app);  // staffing (Erlang C)
// simulate --campaign ID: today's forecast for a campaign of the base.
Result<void> RunForecast(App& app, int64_t campaign_id, int agents);
// simulate FILE of an inbound day: the run and its report (simulate_inbound.cc).
void RunInboundDay(App& app, const routing::InboundDay& day);
// user …, --user, and the permission check before every command
void RegisterAccessControl(CLI::App& cli, App& app);
// access break-glass …, access review, contacts assign, team … (privilege_cmd.cc)
void RegisterPrivilegeCommands(CLI::App& cli, App& app);

}  // namespace callbase::cli
