#include "security/audit_alerts.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include <cstdio>
#include "core/clock_text.h"

#include "core/json_text.h"
#include "security/audit.h"

namespace callbase::security {

using nlohmann::json;

namespace {

Error BadRules(std::string message) {
    return Error{ErrorCode::kInvalidInput, std::move(message),
                 "see `callbase audit alert-rules show --json` for the shape"};
}

// What a field of the rules takes, for the message when it gets something else.
const char* Expected(const std::string& key) {
    if (key == "working_hours_start" || key == "working_hours_end") return "a time \"HH:MM\"";
    if (key == "working_days") return "a list of days such as [\"mon\", \"tue\"]";
    if (key == "off_hours_actions") return "a list of actions such as [\"export\"]";
    return "a whole number";
}

// Floor division, so that times before 1970 fall on the right day too.
int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

}  // namespace

Result<AlertRules> ApplyAlertJson(AlertRules r, const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::unexpected(BadRules("the alert rules are not a JSON object"));
    }
    for (auto& [key, value] : j.items()) {
        try {
            if (key == "copies_per_hour") {
                r.copies_per_hour = value.get<int>();
            } else if (key == "failed_logins_per_hour") {
                r.failed_logins_per_hour = value.get<int>();
            } else if (key == "working_hours_start") {
                auto m = ParseClockTime(value.get<std::string>(), "working_hours_start");
                if (!m) return std::unexpected(m.error());
                r.work_start_minute = *m;
            } else if (key == "working_hours_end") {
                auto m = ParseClockTime(value.get<std::string>(), "working_hours_end");
                if (!m) return std::unexpected(m.error());
                r.work_end_minute = *m;
            } else if (key == "working_days") {
                r.work_days = 0;
                for (const auto& d : value.get<std::vector<std::string>>()) {
                    auto day = ParseWeekday(d);
                    if (!day) {
                        return Fail(ErrorCode::kInvalidInput,
                                    fmt::format("working_days: unknown day '{}'", d),
                                    "use mon, tue, wed, thu, fri, sat, sun");
                    }
                    r.work_days |= static_cast<uint8_t>(1 << *day);
                }
            } else if (key == "contacts_read_per_hour") {
                r.contacts_read_per_hour = value.get<int>();
            } else if (key == "contacts_read_per_day") {
                r.contacts_read_per_day = value.get<int>();
            } else if (key == "utc_offset_minutes") {
                r.utc_offset_minutes = value.get<int>();
            } else if (key == "off_hours_actions") {
                r.off_hours_actions = value.get<std::vector<std::string>>();
                for (const auto& a : r.off_hours_actions) {
                    if (auto ok = CheckAction(a); !ok) {
                        return Fail(ErrorCode::kInvalidInput,
                                    fmt::format("off_hours_actions: {}", ok.error().message),
                                    ok.error().hint);
                    }
                }
            } else {
                return std::unexpected(BadRules(fmt::format("unknown alert rule '{}'", key)));
            }
        } catch (const json::exception&) {
            return std::unexpected(BadRules(
                fmt::format("alert rule {}: {} is not {}", key, JsonText(value), Expected(key))));
        }
    }
    if (r.copies_per_hour < 0 || r.failed_logins_per_hour < 0) {
        return std::unexpected(
            BadRules("copies_per_hour and failed_logins_per_hour must be 0 (off) or more"));
    }
    if (r.contacts_read_per_hour < 0 || r.contacts_read_per_day < 0) {
        return std::unexpected(
            BadRules("contacts_read_per_hour and contacts_read_per_day must be 0 (off) or more"));
    }
    if (r.work_start_minute >= r.work_end_minute) {
        return Fail(ErrorCode::kInvalidInput, "the working hours end before they start",
                    "working_hours_end must be after working_hours_start");
    }
    if (r.work_days == 0) {
        return Fail(ErrorCode::kInvalidInput, "no working day is given",
                    "list at least one day in working_days, e.g. [\"mon\", \"tue\"]");
    }
    if (r.utc_offset_minutes < -12 * 60 || r.utc_offset_minutes > 14 * 60) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("utc_offset_minutes {} is not a UTC offset", r.utc_offset_minutes),
                    "give minutes east of UTC between -720 and 840, e.g. 180 for Moscow");
    }
    return r;
}

std::string AlertRulesJson(const AlertRules& r) {
    json days = json::array();
    for (int d = 0; d < 7; ++d)
        if (r.work_days >> d & 1) days.push_back(std::string(kWeekdayIds[d]));
    return JsonText(json{{"copies_per_hour", r.copies_per_hour},
                         {"failed_logins_per_hour", r.failed_logins_per_hour},
                         {"working_hours_start", FormatClockTime(r.work_start_minute)},
                         {"working_hours_end", FormatClockTime(r.work_end_minute)},
                         {"working_days", days},
                         {"utc_offset_minutes", r.utc_offset_minutes},
                         {"off_hours_actions", r.off_hours_actions},
                         {"contacts_read_per_hour", r.contacts_read_per_hour},
                         {"contacts_read_per_day", r.contacts_read_per_day}});
}

Result<AlertRules> LoadAlertSettings(store::Store& store) {
    auto saved = store.Query("SELECT value FROM settings WHERE name = $1",
                             {std::string(kAlertSettingsName)});
    if (!saved) return std::unexpected(saved.error());
    if (saved->empty()) return AlertRules{};
    auto rules = ApplyAlertJson(AlertRules{}, saved->front().Text(0));
    if (!rules) {
        return Fail(
            ErrorCode::kConflict,
            fmt::format("the saved audit alert rules do not read: {}", rules.error().message),
            "set them again with `callbase audit alert-rules set JSON`");
    }
    return rules;
}

Result<void> SaveAlertSettings(store::Store& store, const std::string& text,
                               const std::string& actor, const Clock& clock) {
    auto current = LoadAlertSettings(store);
    // Saved rules that no longer read are replaced by the defaults with the new JSON.
    AlertRules base = current ? *current : AlertRules{};
    if (!current && current.error().code != ErrorCode::kConflict) {
        return std::unexpected(current.error());
    }
    auto rules = ApplyAlertJson(base, text);
    if (!rules) return std::unexpected(rules.error());
    auto ok = store.Exec(
        "INSERT INTO settings (name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4",
        {std::string(kAlertSettingsName), AlertRulesJson(*rules), clock.Now(), actor});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

bool OutsideWorkingHours(const AlertRules& rules, UnixSeconds at) {
    const int64_t local = at + int64_t{rules.utc_offset_minutes} * 60;
    const int64_t day = FloorDiv(local, 86400);
    const int minute = static_cast<int>((local - day * 86400) / 60);
    const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
    if (!(rules.work_days >> weekday & 1)) return true;
    return minute < rules.work_start_minute || minute >= rules.work_end_minute;
}

void BurstCounter::Add(int64_t id, const std::string& actor, UnixSeconds at) {
    if (threshold_ <= 0) return;
    if (actor != actor_) {
        CloseBurst();
        window_.clear();
        actor_ = actor;
    }
    window_.push_back({id, at});
    while (at - window_.front().at >= kBurstWindow)
        window_.pop_front();
    if (static_cast<int>(window_.size()) < threshold_) {
        CloseBurst();
        return;
    }
    if (in_burst_) {
        burst_.record_ids.push_back(id);
        burst_last_ = at;
        return;
    }
    in_burst_ = true;
    burst_ = Alert{rule_, actor_, at, "", {}};
    burst_first_ = window_.front().at;
    burst_last_ = at;
    for (const auto& e : window_)
        burst_.record_ids.push_back(e.id);
}

void BurstCounter::CloseBurst() {
    if (!in_burst_) return;
    in_burst_ = false;
    if (burst_.at < report_from_) return;
    const int64_t span_minutes = std::max<int64_t>(1, (burst_last_ - burst_first_ + 59) / 60);
    burst_.detail = fmt::format("{} {} in {} min (threshold: {} within 60 min)",
                                burst_.record_ids.size(), noun_, span_minutes, threshold_);
    alerts_.push_back(std::move(burst_));
}

std::vector<Alert> BurstCounter::Take() {
    CloseBurst();
    window_.clear();
    actor_.clear();
    std::vector<Alert> out;
    out.swap(alerts_);
    return out;
}

}  // namespace callbase::security
