#include "compliance/rules.h"

#include "compliance/deletion.h"

#include "compliance/registry_catalog.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include <chrono>
#include "core/clock_text.h"
#include "core/date_text.h"
#include "core/json_text.h"

namespace callbase::compliance {

using nlohmann::json;

Result<int32_t> ParseDay(const std::string& date) {
    return ParseDate(date, "date");  // core/date_text.h: DD.MM.YYYY or YYYY-MM-DD
}

std::string FormatDay(int32_t day) {
    return FormatIsoDate(day);
}

std::string RulesJson(const CallingRules& r) {
    json days = json::array();
    for (int d = 0; d < 7; ++d)
        if (r.weekdays >> d & 1) days.push_back(std::string(kWeekdayIds[d]));
    json holidays = json::array();
    for (int32_t h : r.holidays)
        holidays.push_back(FormatDay(h));
    return JsonText(json{{"window_start", FormatClockTime(r.window_start_minute)},
                         {"window_end", FormatClockTime(r.window_end_minute)},
                         {"weekdays", days},
                         {"max_attempts", r.max_attempts},
                         {"attempt_period_days", r.attempt_period / 86400},
                         {"min_gap_minutes", r.min_gap / 60},
                         {"purposes_without_consent", r.purposes_without_consent},
                         {"default_utc_offset_minutes", r.default_utc_offset_minutes},
                         {"holidays", holidays}});
}

namespace {

Result<CallingRules> ApplyJson(CallingRules r, const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"rules.not_object", "the calling rules are not a JSON object",
                        "see `callbase rules show --json` for the shape"});
    }
    try {
        for (auto& [key, value] : j.items()) {
            if (key == "window_start") {
                auto m = ParseClockTime(value.get<std::string>(), "window_start");
                if (!m) return std::unexpected(m.error());
                r.window_start_minute = *m;
            } else if (key == "window_end") {
                auto m = ParseClockTime(value.get<std::string>(), "window_end");
                if (!m) return std::unexpected(m.error());
                r.window_end_minute = *m;
            } else if (key == "weekdays") {
                r.weekdays = 0;
                for (const auto& d : value) {
                    auto name = d.get<std::string>();
                    auto day = ParseWeekday(name);
                    if (!day) {
                        return Fail(ErrorCode::kInvalidInput,
                                    Msg{"rules.unknown_day", "weekdays: unknown day '{day}'",
                                        "use mon, tue, wed, thu, fri, sat, sun"},
                                    {{"day", name}});
                    }
                    r.weekdays |= static_cast<uint8_t>(1 << *day);
                }
            } else if (key == "max_attempts") {
                r.max_attempts = value.get<int>();
            } else if (key == "attempt_period_days") {
                r.attempt_period = value.get<int64_t>() * 86400;
            } else if (key == "min_gap_minutes") {
                r.min_gap = value.get<int64_t>() * 60;
            } else if (key == "purposes_without_consent") {
                r.purposes_without_consent = value.get<std::vector<std::string>>();
            } else if (key == "default_utc_offset_minutes") {
                r.default_utc_offset_minutes = value.get<int>();
            } else if (key == "holidays") {
                // Holidays live in their own table (rules holiday add|remove).
            } else {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"rules.unknown_rule", "unknown rule '{rule}'",
                                "see `callbase rules show --json` for the known ones"},
                            {{"rule", key}});
            }
        }
    } catch (const json::exception& e) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"rules.bad_value", "calling rules: {why}",
                        "see `callbase rules show --json` for the shape"},
                    {{"why", e.what()}});
    }
    if (r.window_start_minute >= r.window_end_minute) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"rules.window_backwards", "the calling window ends before it starts",
                        "window_end must be after window_start"});
    }
    if (r.weekdays == 0) {
        return Fail(ErrorCode::kInvalidInput, Msg{"rules.no_weekday", "no weekday is allowed",
                                                  "list at least one day in weekdays"});
    }
    if (r.max_attempts < 0 || r.attempt_period <= 0 || r.min_gap < 0) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"rules.bad_limits", "attempt limits must be positive",
                        "max_attempts >= 0 (0: no cap), attempt_period_days >= 1, "
                        "min_gap_minutes >= 0"});
    }
    return r;
}

}  // namespace

Result<CallingRules> LoadRules(store::Store& store) {
    CallingRules rules;
    auto saved = store.Query("SELECT value FROM settings WHERE name = 'calling_rules'");
    if (!saved) return std::unexpected(saved.error());
    if (!saved->empty()) {
        auto applied = ApplyJson(rules, saved->front().Text(0));
        if (!applied) return std::unexpected(applied.error());
        rules = std::move(*applied);
    }
    auto days = store.Query("SELECT day FROM holidays ORDER BY day");
    if (!days) return std::unexpected(days.error());
    for (const auto& d : *days) {
        auto day = ParseDay(d.Text(0));
        if (!day) return std::unexpected(day.error());
        rules.holidays.push_back(*day);
    }
    return rules;
}

Result<CallingRules> SaveRulesJson(store::Store& store, const std::string& text,
                                   const std::string& actor, const Clock& clock) {
    auto current = LoadRules(store);
    if (!current) return std::unexpected(current.error());
    auto rules = ApplyJson(*current, text);
    if (!rules) return std::unexpected(rules.error());
    json saved = json::parse(RulesJson(*rules));
    saved.erase("holidays");
    auto ok = store.Exec(
        "INSERT INTO settings (name, value, updated_at, updated_by) VALUES ('calling_rules', $1, "
        "$2, $3) ON CONFLICT (name) DO UPDATE SET value = $1, updated_at = $2, updated_by = $3",
        {JsonText(saved), clock.Now(), actor});
    if (!ok) return std::unexpected(ok.error());
    return rules;
}

Result<void> AddHoliday(store::Store& store, const std::string& date, const std::string& name) {
    auto day = ParseDay(date);
    if (!day) return std::unexpected(day.error());
    auto ok = store.Exec(
        "INSERT INTO holidays (day, name) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE SET name = "
        "$2",
        {FormatDay(*day), name});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Result<void> RemoveHoliday(store::Store& store, const std::string& date) {
    auto day = ParseDay(date);
    if (!day) return std::unexpected(day.error());
    auto n = store.Exec("DELETE FROM holidays WHERE day = $1", {FormatDay(*day)});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
        return Fail(ErrorCode::kNotFound, Msg{"holiday.not_found", "{date} is not a holiday"},
                    {{"date", date}});
    }
    return {};
}

Result<std::vector<Holiday>> ListHolidays(store::Store& store) {
    auto rows = store.Query("SELECT day, name FROM holidays ORDER BY day");
    if (!rows) return std::unexpected(rows.error());
    std::vector<Holiday> out;
    for (const auto& r : *rows)
        out.push_back({r.Text(0), r.Text(1)});
    return out;
}

Result<NumberState> LoadNumberState(store::Store& store, const std::string& e164,
                                    std::optional<int> utc_offset_minutes, UnixSeconds at,
                                    const RegistryCheck& registries) {
    NumberState s;
    s.utc_offset_minutes = utc_offset_minutes;
    const std::string key = store::PhoneKey(store, e164);
    // The flags, and the key of forgotten numbers' hashes (NumberHashKey): a
    // number whose deletion was processed is on the stop-list as its hash.
    auto flags = store.Query(
        "SELECT (SELECT COUNT(*) FROM deletion_requests WHERE e164 = $1 AND status = "
        "'pending'), (SELECT COUNT(*) FROM phones WHERE e164 = $1 AND inactive = 1) + "
        "(SELECT COUNT(*) FROM inactive_review WHERE e164 = $1 AND (reviewed_at IS NULL OR "
        "decision = 'keep')), (SELECT value FROM settings WHERE name = 'deletion.number_key')",
        {key});
    if (!flags) return std::unexpected(flags.error());
    s.deletion_pending = flags->front().Int(0) > 0;
    s.inactive = flags->front().Int(1) > 0;
    std::string forgotten = key;
    if (!flags->front().IsNull(2)) {
        auto hash_key = store::OpenText(store, flags->front().Text(2), store::kNumberHashKeyColumn);
        if (!hash_key) return std::unexpected(hash_key.error());
        forgotten = ForgottenHash(e164, *hash_key);
    }
    auto stops = store.Query(
        "SELECT category, until_at FROM stop_list WHERE e164 IN ($1, $2) AND removed_at IS NULL "
        "ORDER BY id",
        {key, forgotten});
    if (!stops) return std::unexpected(stops.error());
    for (const auto& r : *stops) {
        StopEntry e{ParseStopCategory(r.Text(0)).value_or(StopCategory::kDoNotDisturb),
                    std::nullopt};
        if (!r.IsNull(1)) e.until = r.Int(1);
        s.stops.push_back(e);
    }
    auto consents = store.Query(
        "SELECT purpose, obtained_at, revoked_at FROM consents WHERE e164 = $1 ORDER BY id", {key});
    if (!consents) return std::unexpected(consents.error());
    for (const auto& r : *consents) {
        ConsentRecord c{r.Text(0), r.Int(1), std::nullopt};
        if (!r.IsNull(2)) c.revoked_at = r.Int(2);
        s.consents.push_back(std::move(c));
    }
    auto attempts = store.Query(
        "SELECT at FROM call_attempts WHERE e164 = $1 AND at <= $2 ORDER BY at", {key, at});
    if (!attempts) return std::unexpected(attempts.error());
    for (const auto& r : *attempts)
        s.attempts.push_back(r.Int(0));
    if (registries) {
        auto hits = registries(e164);
        if (!hits) return std::unexpected(hits.error());
        s.registries = std::move(*hits);
    }
    return s;
}

RegistryCheck CatalogCheck(store::Store& store, const std::string& dir,
                           std::shared_ptr<RegistryCatalog>& catalog) {
    return [&store, dir, &catalog](const std::string& e164) -> Result<std::vector<std::string>> {
        if (!catalog) {
            auto opened = RegistryCatalog::Open(store, dir, Verify::kStructure);
            if (!opened) return std::unexpected(opened.error());
            catalog = std::make_shared<RegistryCatalog>(std::move(*opened));
        }
        auto names = catalog->Names();
        if (!names) return std::unexpected(names.error());
        std::vector<std::string> listing;
        const uint64_t key = E164Key(e164);
        for (const auto& name : *names) {
            auto set = catalog->Latest(name);
            if (!set) return std::unexpected(set.error());
            if ((*set)->Contains(key)) listing.push_back(name);
        }
        return listing;
    };
}

}  // namespace callbase::compliance
