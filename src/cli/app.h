// What every CLI command shares: the database URL, output mode, clock and the
// one path from an Error to an exit status.
//
// main() builds one App, each command group registers its subcommands on it
// (Register*Commands below), and CLI11 runs the chosen one. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::cli {

struct App {
    std::string db_url;    // --db, else $CALLBASE_DB, else ./callbase.db
    bool json = false;     // --json: output for scripts
    std::string actor;     // who is acting, for history records: $USER by default
    std::string data_dir;  // where the shipped reference data is (numbering plan)
    SystemClock clock;
    int exit_code = 0;

    // Opens the database and checks its schema is the one this binary knows.
    Result<std::unique_ptr<store::Store>> OpenStore();
    // Prints the error on stderr (or as JSON with --json) and records its exit code.
    void Report(const Error& error);
};

void RegisterInitCommands(CLI::App& cli, App& app);     // init
void RegisterPhoneCommands(CLI::App& cli, App& app);    // phone clean, numbering load
void RegisterImportCommands(CLI::App& cli, App& app);   // import contacts, export contacts
void RegisterContactCommands(CLI::App& cli, App& app);  // contacts, tags, fields, dedup, merge
void RegisterReportCommands(CLI::App& cli, App& app);   // report health
void RegisterGenCommands(CLI::App& cli, App& app);      // gen contacts

}  // namespace callbase::cli
