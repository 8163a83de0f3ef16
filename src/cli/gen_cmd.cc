// callbase gen contacts: realistic, pseudonymized demo and test data.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/app.h"
#include "core/progress.h"
#include "ingest/generator.h"
#include "phone/numbering_plan.h"

namespace callbase::cli {
namespace {

struct GenArgs {
    ingest::GeneratorOptions options;
    std::string encoding = "utf-8", delimiter = ";", out;
};

void GenCommand(App& app, GenArgs& args) {
    auto enc = ingest::ParseEncoding(args.encoding);
    if (!enc) return app.Report(enc.error());
    args.options.encoding = *enc;
    if (args.delimiter == "tab") args.delimiter = "\t";
    if (args.delimiter.size() != 1) {
        return app.Report(
            Error{ErrorCode::kInvalidInput,
                  fmt::format("--delimiter '{}': one character or tab", args.delimiter),
                  "use ';', ',' or tab"});
    }
    args.options.delimiter = args.delimiter[0];
    args.options.today = app.clock.Now() / 86400 * 86400;
    if (auto ok = ingest::ValidateGeneratorOptions(args.options); !ok)
        return app.Report(ok.error());
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) return app.Report(plan.error());
    std::ofstream file;
    if (!args.out.empty()) {
        file.open(args.out, std::ios::binary);
        if (!file) {
            return app.Report(Error{ErrorCode::kIo, fmt::format("cannot write {}", args.out),
                                    "check the folder exists and is writable"});
        }
    }
    std::ostream& out = args.out.empty() ? std::cout : file;
    Progress progress("generating", static_cast<uint64_t>(args.options.rows));
    auto ok = ingest::GenerateContacts(*plan, args.options, out,
                                       [&](int64_t done) { progress.Update(done); });
    progress.Finish();
    if (!ok) return app.Report(ok.error());
    out.flush();
}

}  // namespace

void RegisterGenCommands(CLI::App& cli, App& app) {
    auto* gen = cli.add_subcommand("gen", "generate demo and test data");
    gen->require_subcommand(1);
    auto* contacts = gen->add_subcommand("contacts", "realistic Russian contacts as CSV");
    auto args = std::make_shared<GenArgs>();
    contacts->add_option("--rows", args->options.rows, "how many rows")->default_val(1000);
    contacts->add_option("--seed", args->options.seed, "the same seed gives the same file")
        ->default_val(1);
    contacts->add_option("--dup-rate", args->options.dup_rate, "share of duplicate rows (0..1)")
        ->default_val(0.05);
    contacts->add_option("--junk-rate", args->options.junk_rate, "share of junk phones (0..1)")
        ->default_val(0.03);
    contacts->add_option("--encoding", args->encoding, "utf-8 (default) or cp1251");
    contacts->add_option("--delimiter", args->delimiter, "';' (default), ',' or tab");
    contacts->add_option("--out", args->out, "write here instead of standard output");
    contacts->add_flag("--real-ranges", args->options.real_ranges,
                       "invent numbers inside the real range of each person's city (cards show "
                       "region, operator, time zone), for a demo base only: callbase init --demo");
    contacts->callback([&app, args] { GenCommand(app, *args); });
}

}  // namespace callbase::cli
