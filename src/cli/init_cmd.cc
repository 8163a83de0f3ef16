// callbase init: create or migrate the database.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "campaigns/demo_base.h"
#include "cli/app.h"
#include "core/json_text.h"

namespace callbase::cli {

void RegisterInitCommands(CLI::App& cli, App& app) {
    auto* cmd = cli.add_subcommand("init", "create the database or migrate it to this version");
    auto demo = std::make_shared<bool>(false);
    cmd->add_flag("--demo", *demo,
                  "mark the base a demo base, for good: its numbers may be invented in real "
                  "ranges, so campaigns never dial it over a real network (scripts/demo)");
    cmd->callback([&app, demo] {
        std::string url = app.db_url.empty() ? store::DefaultUrl() : app.db_url;
        auto db = store::Open(url);
        if (!db) return app.Report(db.error());
        auto report = store::Migrate(**db);
        if (!report) return app.Report(report.error());
        if (*demo) {
            if (auto ok = campaigns::MarkDemoBase(**db, app.clock, app.actor); !ok)
                return app.Report(ok.error());
        }
        if (app.json) {
            nlohmann::json j{{"database", (*db)->Describe()},
                             {"from_version", report->from_version},
                             {"to_version", report->to_version},
                             {"applied", report->applied},
                             {"demo_base", *demo}};
            fmt::print("{}\n", JsonText(j));
        } else if (report->applied.empty()) {
            fmt::print("{}: schema is up to date (version {})\n", (*db)->Describe(),
                       report->to_version);
        } else {
            fmt::print("{}: migrated from version {} to {} ({})\n", (*db)->Describe(),
                       report->from_version, report->to_version, fmt::join(report->applied, ", "));
        }
        if (*demo && !app.json) {
            fmt::print("marked a demo base: campaigns never dial it over a real network\n");
        }
    });
}

}  // namespace callbase::cli
