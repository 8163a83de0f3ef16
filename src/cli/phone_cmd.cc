// callbase phone clean, callbase numbering load: phone cleaning from the
// command line, and installing a newer numbering plan. Neither touches the
// database.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "cli/app.h"
#include "core/json_text.h"
#include "core/utf8.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"

namespace callbase::cli {
namespace {

void CleanCommand(App& app, const std::vector<std::string>& inputs) {
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) return app.Report(plan.error());
    phone::Cleaner cleaner(*plan);
    auto print = [&](std::string_view text) {
        fmt::print("{}\n", phone::ToJson(cleaner.Clean(text)));
    };
    if (!inputs.empty()) {
        for (const auto& text : inputs)
            print(text);
        return;
    }
    int line_no = 0;
    for (std::string line; std::getline(std::cin, line);) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!IsUtf8(line)) {
            // The lines before were answered; stopping here keeps one answer
            // per line, in order, for whatever reads the output.
            return app.Report(Error{
                ErrorCode::kInvalidInput,
                fmt::format("line {} of stdin is not UTF-8 text ({}); the lines before it were "
                            "cleaned, the rest were not read",
                            line_no, DescribeInvalidUtf8(line)),
                "convert the input to UTF-8 (iconv -f cp1251 -t utf-8) and run again from that "
                "line"});
        }
        print(line);
    }
}

void LoadCommand(App& app, const std::string& file) {
    auto plan = phone::NumberingPlan::Load(file, app.data_dir);
    if (!plan) return app.Report(plan.error());
    namespace fs = std::filesystem;
    fs::path target = fs::path(app.data_dir) / "numbering" / "DEF-9xx.csv";
    fs::path temp = target;
    temp += ".new";
    std::error_code ec;
    fs::copy_file(file, temp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp);
        return app.Report(
            Error{ErrorCode::kIo,
                  fmt::format("cannot install {} as {}: {}", file, target.string(), ec.message()),
                  "check that the data folder is writable (--data-dir)"});
    }
    auto unresolved = plan->UnresolvedRegions();
    if (app.json) {
        nlohmann::json j{{"installed", target.string()},
                         {"ranges", plan->size()},
                         {"operators", plan->OperatorCount()},
                         {"regions", plan->RegionCount()},
                         {"regions_without_time_zone", unresolved}};
        fmt::print("{}\n", JsonText(j));
        return;
    }
    fmt::print("installed {}: {} ranges, {} operators, {} regions\n", target.string(), plan->size(),
               plan->OperatorCount(), plan->RegionCount());
    if (!unresolved.empty()) {
        fmt::print("regions with no time zone (add them to numbering/region-timezones.csv): {}\n",
                   fmt::join(unresolved, "; "));
    }
}

}  // namespace

void RegisterPhoneCommands(CLI::App& cli, App& app) {
    auto* phone = cli.add_subcommand("phone", "phone numbers");
    phone->require_subcommand(1);
    auto* clean = phone->add_subcommand(
        "clean", "clean phone numbers: one JSON object per input (arguments, or lines of stdin)");
    auto inputs = std::make_shared<std::vector<std::string>>();
    clean->add_option("text", *inputs, "the numbers as written; none: read stdin");
    clean->callback([&app, inputs] { CleanCommand(app, *inputs); });

    auto* numbering = cli.add_subcommand("numbering", "the Russian numbering plan");
    numbering->require_subcommand(1);
    auto* load = numbering->add_subcommand(
        "load", "check a newer DEF-9xx.csv from the ministry's open data and install it");
    auto file = std::make_shared<std::string>();
    load->add_option("file", *file, "the DEF register, same format as data/numbering/DEF-9xx.csv")
        ->required();
    load->callback([&app, file] { LoadCommand(app, *file); });
}

}  // namespace callbase::cli
