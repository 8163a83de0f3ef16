// callbase keys status|encrypt|rotate: encryption at rest of numbers and names
// (R-SEC-4, security/encryption.h).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

#include "cli/app.h"
#include "core/json_text.h"
#include "core/progress.h"
#include "security/encryption.h"
#include "security/vault.h"

namespace callbase::cli {
namespace {

// One bar per column as the pass goes.
struct ColumnProgress {
    std::unique_ptr<Progress> bar;
    std::string label;
    void operator()(std::string_view column, int64_t done, int64_t total) {
        if (column != label) {
            if (bar) bar->Finish();
            label = column;
            bar = std::make_unique<Progress>(label, static_cast<uint64_t>(total));
        }
        bar->Update(static_cast<uint64_t>(done));
    }
    void Finish() {
        if (bar) bar->Finish();
    }
};

void PrintReport(const App& app, std::string_view done, const security::ResealReport& r,
                 const std::string& key_file, store::Store& db) {
    auto state = security::ReadEncryptionState(db);
    if (app.json) {
        nlohmann::json j{{"values", r.values},
                         {"words", r.words},
                         {"key_file", key_file},
                         {"data_key", state ? state->data_key : 0},
                         {"index_key", state ? state->index_key : 0}};
        fmt::print("{}\n", JsonText(j));
        return;
    }
    fmt::print("{}: {} values sealed, {} name words indexed; data key {}, index key {} in {}\n",
               done, r.values, r.words, state ? state->data_key : 0, state ? state->index_key : 0,
               key_file);
    fmt::print(
        "Keep a copy of {} apart from the database backups: without it the base cannot "
        "be read.\n",
        key_file);
}

using Pass = Result<security::ResealReport> (*)(store::Store&, const std::string&,
                                                const std::string&,
                                                const security::ResealProgress&);

// keys encrypt / keys rotate: the pass with a bar per column, then the report.
void RunPass(App& app, Pass pass, std::string_view done) {
    auto db = app.OpenStore(/*with_keys=*/false);  // the pass reads the key file itself
    if (!db) return app.Report(db.error());
    const std::string path = KeyFilePath(app);
    ColumnProgress progress;
    auto report = pass(**db, path, app.actor, std::ref(progress));
    progress.Finish();
    if (!report) return app.Report(report.error());
    PrintReport(app, done, *report, path, **db);
}

}  // namespace

void RegisterKeysCommands(CLI::App& cli, App& app) {
    auto* keys = cli.add_subcommand("keys", "encryption at rest of numbers and names");
    keys->require_subcommand(1);

    keys->add_subcommand("status", "is the base encrypted, and with which keys")->callback([&app] {
        auto db = app.OpenStore(/*with_keys=*/false);
        if (!db) return app.Report(db.error());
        auto state = security::ReadEncryptionState(**db);
        if (!state) return app.Report(state.error());
        const std::string path = KeyFilePath(app);
        auto vault = security::Vault::FromKeyFile(path);
        std::string file_state =
            !vault ? vault.error().message
            : vault->has_keys()
                ? fmt::format("data key {}, index key {}", vault->data_key(), vault->index_key())
                : std::string("no encryption keys (pseudonym key only)");
        // The key file opens the base when attaching succeeds.
        auto opens = security::AttachCipher(**db, path);
        if (app.json) {
            nlohmann::json j{{"encrypted", state->on},
                             {"key_file", path},
                             {"key_file_state", file_state},
                             {"opens", state->on && opens.has_value()}};
            if (state->on) {
                j["data_key"] = state->data_key;
                j["index_key"] = state->index_key;
            }
            if (!opens) j["problem"] = opens.error().message;
            fmt::print("{}\n", JsonText(j));
            return;
        }
        fmt::print("base:      {}\n", (*db)->Describe());
        fmt::print("encrypted: {}\n", state->on ? fmt::format("yes (data key {}, index key {})",
                                                              state->data_key, state->index_key)
                                                : "no (run `callbase keys encrypt`)");
        fmt::print("key file:  {}: {}\n", path, file_state);
        if (state->on) {
            fmt::print("opens:     {}\n", opens ? "yes" : opens.error().message);
        }
    });

    auto* encrypt = keys->add_subcommand(
        "encrypt", "seal every number and name of a plain base (makes the keys if needed)");
    encrypt->callback([&app] { RunPass(app, &security::Encrypt, "encrypted"); });

    auto* rotate = keys->add_subcommand(
        "rotate", "new keys: re-seal every value with them, then drop the old ones");
    rotate->callback([&app] { RunPass(app, &security::Rotate, "rotated"); });
}

}  // namespace callbase::cli
