#include "cli/app.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "compliance/registry_catalog.h"
#include "contacts/field_registry.h"
#include "contacts/text.h"
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

Result<int64_t> ParseTime(const std::string& text_in) {
    std::string text = contacts::Trim(text_in);
    if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit) && text.size() > 8) {
        return std::stoll(text);
    }
    auto bad = [&] {
        return Fail(ErrorCode::kInvalidInput, fmt::format("time '{}' cannot be read", text_in),
                    "write it as YYYY-MM-DD HH:MM (local time), optionally with Z or +03:00");
    };
    if (text.size() < 16) return bad();
    auto date = contacts::NormalizeDate(text.substr(0, 10));
    if (!date || (text[10] != ' ' && text[10] != 'T')) return bad();
    int hh = 0, mm = 0, ss = 0;
    size_t pos = 11;
    auto two = [&](int& out) {
        if (pos + 2 > text.size() || !isdigit(text[pos]) || !isdigit(text[pos + 1])) return false;
        out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
        pos += 2;
        return true;
    };
    if (!two(hh) || pos >= text.size() || text[pos++] != ':' || !two(mm)) return bad();
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!two(ss)) return bad();
    }
    if (hh > 23 || mm > 59 || ss > 59) return bad();
    std::tm tm{};
    tm.tm_year = std::stoi(date->substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(date->substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(date->substr(8, 2));
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    std::string zone = contacts::Trim(text.substr(pos));
    if (zone.empty()) {
        tm.tm_isdst = -1;
        return static_cast<int64_t>(std::mktime(&tm));
    }
    int64_t utc = static_cast<int64_t>(timegm(&tm));
    if (zone == "Z" || zone == "UTC") return utc;
    if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
        int sign = zone[0] == '-' ? -1 : 1;
        int oh = std::stoi(zone.substr(1, 2)), om = std::stoi(zone.substr(4, 2));
        return utc - sign * (oh * 3600 + om * 60);
    }
    return bad();
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

}  // namespace callbase::cli
