#include "cli/app.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "contacts/field_registry.h"
#include "contacts/text.h"
#include "core/date_text.h"
#include "core/json_text.h"
#include "security/encryption.h"

namespace callbase::cli {

Result<std::unique_ptr<store::Store>> App::OpenStore(bool with_keys) {
    std::string url = db_url.empty() ? store::DefaultUrl() : db_url;
    auto db = store::Open(url);
    if (!db) return std::unexpected(db.error());
    if (auto ok = store::CheckSchema(**db); !ok) return std::unexpected(ok.error());
    if (!with_keys) return db;
    if (auto ok = security::AttachCipher(**db, KeyFilePath(*this)); !ok) {
        return std::unexpected(ok.error());
    }
    return db;
}

void App::Report(const Error& input) {
    // A message names the number a command was about ("no consent request
    // for +7…"): a role that sees numbers masked sees it masked here too (no
    // base at hand: without the exception for numbers called lately), the
    // analyst as a pseudonym.
    Error error = input;
    if (role && !security::Allowed(*role, security::Permission::kSeeFullNumbers)) {
        std::string key;
        const bool pseudonyms = !security::Allowed(*role, security::Permission::kSeeNames);
        if (pseudonyms) {
            auto read = ReadKey(*this);
            if (read) key = *read;
        }
        auto shown = [&](const std::string& e164) {
            if (!pseudonyms) return security::MaskPhone(e164);
            return key.empty() ? std::string("***") : security::Pseudonym(e164, key);
        };
        error.message = security::ReplaceNumbers(error.message, shown);
        error.hint = security::ReplaceNumbers(error.hint, shown);
    }
    if (json) {
        nlohmann::json j{{"error", error.message}, {"hint", error.hint}};
        fmt::print(stderr, "{}\n", JsonText(j));
    } else {
        fmt::print(stderr, "{}\n", Describe(error));
    }
    exit_code = ExitCode(error);
}

Result<PhoneTools> LoadPhoneTools(const App& app) {
    auto plan = phone::NumberingPlan::LoadDefault(app.data_dir);
    if (!plan) return std::unexpected(plan.error());
    PhoneTools tools;
    tools.plan = std::make_unique<phone::NumberingPlan>(std::move(*plan));
    tools.cleaner = std::make_unique<phone::Cleaner>(*tools.plan);
    return tools;
}

Result<int64_t> ParseId(const std::string& text, std::string_view what) {
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v <= 0) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("{} '{}' is not an id", what, text),
                    "ids are positive numbers, as `callbase contacts find` prints them");
    }
    return v;
}

Result<int> App::CenterOffset() {
    if (center_offset_) return *center_offset_;
    const std::string url = db_url.empty() ? store::DefaultUrl() : db_url;
    compliance::CallingRules rules;
    // No base yet (a path that does not exist): the rules' default.
    const bool no_base = !url.starts_with("postgres") &&
                         !std::filesystem::exists(url.starts_with("sqlite:") ? url.substr(7) : url);
    if (!no_base) {
        auto db = OpenStore(/*with_keys=*/false);
        if (!db) return std::unexpected(db.error());
        auto loaded = compliance::LoadRules(**db);
        if (!loaded) return std::unexpected(loaded.error());
        rules = *loaded;
    }
    center_offset_ = rules.default_utc_offset_minutes;
    return *center_offset_;
}

Result<int64_t> ParseTime(App& app, const std::string& text_in, std::string_view what) {
    std::string text = contacts::Trim(text_in);
    if (text.size() > 8 && std::all_of(text.begin(), text.end(), ::isdigit)) {
        return std::stoll(text);
    }
    auto at = ParseDateTime(text_in, what);
    if (!at) return std::unexpected(at.error());
    int offset = 0;
    if (!at->utc_offset_minutes) {
        auto center = app.CenterOffset();
        if (!center) return std::unexpected(center.error());
        offset = *center;
    }
    return ToUnixSeconds(*at, offset);
}

Result<std::optional<int64_t>> ParseOptionalTime(App& app, const std::string& text,
                                                 std::string_view what) {
    if (contacts::Trim(text).empty()) return std::nullopt;
    auto t = ParseTime(app, text, what);
    if (!t) return std::unexpected(t.error());
    return *t;
}

Result<std::string> CleanPhoneArg(const phone::Cleaner& cleaner, const std::string& text) {
    auto cleaned = cleaner.Clean(text);
    if (!cleaned.valid()) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("'{}' is not a phone number: {}", text, cleaned.reason),
                    "write it in any usual spelling, e.g. 8 916 123-45-67 or +7 916 1234567");
    }
    return cleaned.e164;
}

std::string LocalTime(UnixSeconds t, bool seconds) {
    std::time_t at = t;
    std::tm tm{};
    localtime_r(&at, &tm);
    char text[32];
    std::strftime(text, sizeof text, seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M", &tm);
    return text;
}

std::string RegistryDir(const App& app, const std::string& given) {
    if (!given.empty()) return given;
    if (const char* env = std::getenv("CALLBASE_REGISTRY_DIR"); env && *env) return env;
    return compliance::DefaultRegistryDir(app.db_url.empty() ? store::DefaultUrl() : app.db_url);
}

std::string ScriptsDir(const App& app, const std::string& given) {
    if (!given.empty()) return given;
    const std::string url = app.db_url.empty() ? store::DefaultUrl() : app.db_url;
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return "./scripts";
    std::string_view file = url;
    if (file.starts_with("sqlite:"))
        file.remove_prefix(7);
    else if (file.starts_with("file:"))
        file.remove_prefix(5);
    return std::string(file) + ".scripts";
}

}  // namespace callbase::cli
