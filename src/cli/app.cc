#include "cli/app.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace callbase::cli {

Result<std::unique_ptr<store::Store>> App::OpenStore() {
    std::string url = db_url.empty() ? store::DefaultUrl() : db_url;
    auto db = store::Open(url);
    if (!db) return std::unexpected(db.error());
    if (auto ok = store::CheckSchema(**db); !ok) return std::unexpected(ok.error());
    return db;
}

void App::Report(const Error& error) {
    if (json) {
        nlohmann::json j{{"error", error.message}, {"hint", error.hint}};
        fmt::print(stderr, "{}\n", j.dump());
    } else {
        fmt::print(stderr, "{}\n", Describe(error));
    }
    exit_code = ExitCode(error);
}

}  // namespace callbase::cli
