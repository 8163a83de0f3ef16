// callbase: the command-line entry point. main() only wires the command groups;
// each group lives in its own *_cmd.cc and calls plain functions of its module.
#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.h"
#include "core/utf8.h"

int main(int argc, char** argv) {
    using namespace callbase;
    cli::App app;
    if (const char* user = std::getenv("USER"); user && *user) {
        app.actor = user;
    } else {
        app.actor = "cli";
    }
    CLI::App cli{"callbase — the phone-number base of a call center"};
    cli.name("callbase");  // not argv[0]: help shows no path of the machine
    cli.require_subcommand(1);
    cli.fallthrough();  // global options may follow the subcommand: `callbase init --json`
    cli.set_version_flag("--version", CALLBASE_VERSION);
    cli.add_option("--db", app.db_url,
                   "database: a path or sqlite:PATH for SQLite, postgresql://... for PostgreSQL "
                   "(default: $CALLBASE_DB, else ./callbase.db)");
    cli.add_flag("--json", app.json, "print JSON for scripts instead of tables for people");
    cli.add_option("--actor", app.actor, "who is acting, for the history (default: $USER)");
    // The default is set here, not through CLI11, so that --help shows no
    // path of the machine the binary was built on.
    app.data_dir = CALLBASE_DEFAULT_DATA_DIR;
    cli.add_option("--data-dir", app.data_dir,
                   "where the shipped reference data is (default: the installed data folder)");
    // A chosen moment for the clock, which runs on from it: the calling rules,
    // the forecast and the demo on any day (also $CALLBASE_NOW, read by CLI11
    // after --db, so that a moment without a zone is the call center's time of
    // the base named).
    auto set_now = [&app](const std::string& text) {
        auto at = cli::ParseTime(app, text, "--now");
        if (!at) {
            // Bad input: exit 2, as every argument error.
            // (The message names --now and the value; the hint the forms.)
            throw CLI::ParseError(fmt::format("{}; {}", at.error().message, at.error().hint), 2);
        }
        app.clock.StartAt(*at);
    };
    cli.add_option_function<std::string>(
           "--now", set_now,
           "act as if the clock showed this moment (it runs on from there): '05.12.2026 10:00', "
           "'2026-12-05 10:00+03:00'; without a zone, the call center's time "
           "(default: $CALLBASE_NOW, else the system clock)")
        ->envname("CALLBASE_NOW");

    cli::RegisterInitCommands(cli, app);
    cli::RegisterPhoneCommands(cli, app);
    cli::RegisterImportCommands(cli, app);
    cli::RegisterContactCommands(cli, app);
    cli::RegisterReportCommands(cli, app);
    cli::RegisterGenCommands(cli, app);
    cli::RegisterRegistryCommands(cli, app);
    cli::RegisterComplianceCommands(cli, app);
    cli::RegisterAuditCommands(cli, app);
    cli::RegisterKeysCommands(cli, app);
    cli::RegisterServeCommands(cli, app);
    cli::RegisterSimulateCommands(cli, app);
    cli::RegisterCampaignCommands(cli, app);
    cli::RegisterIvrCommands(cli, app);
    cli::RegisterRoutingCommands(cli, app);
    cli::RegisterPrivilegeCommands(cli, app);
    cli::RegisterAccessControl(cli, app);

    // Text that is not UTF-8 would reach the base and the audit log, where
    // every later answer that shows it would have to cope: refused here.
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--json") app.json = true;
    }
    for (int i = 1; i < argc; ++i) {
        if (IsUtf8(argv[i])) continue;
        app.Report(Error{ErrorCode::kInvalidInput,
                         fmt::format("argument {} '{}' is not UTF-8 text ({})", i,
                                     ToValidUtf8(argv[i]), DescribeInvalidUtf8(argv[i])),
                         "give text in UTF-8: switch the terminal to a UTF-8 locale or convert "
                         "it (iconv -f cp1251 -t utf-8)"});
        return app.exit_code;
    }
    try {
        cli.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return cli.exit(e);  // --help, --version: printed, exit 0
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // a command reported its error already
    } catch (const CLI::ParseError& e) {
        // The one place a wrong invocation becomes a message and exit 2.
        app.Report(cli::ArgumentError(cli, e, std::vector<std::string>(argv + 1, argv + argc)));
        return app.exit_code;
    }
    return app.exit_code;
}
