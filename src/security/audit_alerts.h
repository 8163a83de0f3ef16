// Alert rules over the audit log (R-SEC-3): bursts of copies of numbers or of
// failed logins by one actor, exports or mass edits outside working hours,
// and bulk reads (a user past the limits of contacts read, api/read_volume.h).
//
// The rules live in the settings table as JSON under "audit_alerts", each field
// optional over the defaults of AlertRules; `callbase audit alert-rules show`
// prints the full shape. AuditLog::Alerts (audit.h) reads the log and applies
// them; the pieces here are pure (no store) apart from Load/SaveAlertSettings,
// so that the thresholds are tested without a database.
//
// Plain values and free functions; BurstCounter is one caller's, not shared.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::security {

// The settings row that holds the rules.
inline constexpr std::string_view kAlertSettingsName = "audit_alerts";

// One finding: which rule, whose actions, when it fired (the time of the event
// that reached the threshold, or of the off-hours event) and the records.
struct Alert {
    std::string rule;  // copies_per_hour, failed_logins_per_hour, off_hours_<action>, bulk_reads
    std::string actor;
    UnixSeconds at = 0;
    std::string detail;
    std::vector<int64_t> record_ids;
};

struct AlertRules {
    // N or more `copy` events by one actor within 60 minutes; 0 turns it off.
    int copies_per_hour = 5;
    // N or more `login_failed` events for one actor within 60 minutes; 0: off.
    int failed_logins_per_hour = 5;
    // Working hours [start, end) in minutes of the local day, on the days of
    // work_days (bit 0 Monday .. bit 6 Sunday), local = UTC + utc_offset_minutes.
    int work_start_minute = 9 * 60;
    int work_end_minute = 20 * 60;
    uint8_t work_days = 0b0011111;
    int utc_offset_minutes = 180;
    // The actions that raise an alert when done outside working hours.
    std::vector<std::string> off_hours_actions = {"export", "mass_edit"};
    // Contacts one user may read through the API (search results, cards,
    // screen pops) and the CLI (contacts find, show), in one count kept in
    // the base, within 60 minutes and within 24 hours; past either the API
    // answers 429, the CLI refuses, and the first refusal writes a bulk_read
    // record, which is an alert (rule bulk_reads, «массовая выгрузка»). 0
    // turns a limit off. Reading the base in bulk is what an approved export
    // is for.
    int contacts_read_per_hour = 2000;
    int contacts_read_per_day = 10000;
};

// The rules in force: the defaults with the saved JSON over them. A saved value
// that no longer reads (edited by hand) is an error that says how to fix it.
Result<AlertRules> LoadAlertSettings(store::Store& store);
// Validates `json` over the rules in force and saves the result; on any error
// nothing is saved. `actor` and the clock's time go into the settings row.
Result<void> SaveAlertSettings(store::Store& store, const std::string& json,
                               const std::string& actor, const Clock& clock);
// The rules as the JSON that SaveAlertSettings takes (every field).
std::string AlertRulesJson(const AlertRules& rules);
// The rules with `json` applied over them, or what is wrong with it.
Result<AlertRules> ApplyAlertJson(AlertRules rules, const std::string& json);

// Whether `at` falls outside the working hours of the rules.
bool OutsideWorkingHours(const AlertRules& rules, UnixSeconds at);

// The length of the window of the burst rules: 60 minutes. Events count
// together when the last is less than kBurstWindow seconds after the first.
inline constexpr int64_t kBurstWindow = 3600;

// Finds bursts of one kind of event: `threshold` or more events of one actor
// with the last less than kBurstWindow after the first. Events are added in
// order of (actor, at, id). One alert per burst: while later events keep the
// count of the window at the threshold or above they join the same alert.
// Alerts that reach the threshold before `report_from` are dropped (their
// events were read only to count the window that straddles report_from).
class BurstCounter {
public:
    BurstCounter(std::string rule, std::string noun, int threshold, UnixSeconds report_from)
        : rule_(std::move(rule)),
          noun_(std::move(noun)),
          threshold_(threshold),
          report_from_(report_from) {}

    void Add(int64_t id, const std::string& actor, UnixSeconds at);
    // The alerts found so far; the counter is left empty.
    std::vector<Alert> Take();

private:
    struct Event {
        int64_t id;
        UnixSeconds at;
    };
    void CloseBurst();

    std::string rule_, noun_;
    int threshold_;
    UnixSeconds report_from_;
    std::string actor_;
    std::deque<Event> window_;
    bool in_burst_ = false;
    Alert burst_;
    UnixSeconds burst_first_ = 0, burst_last_ = 0;
    std::vector<Alert> alerts_;
};

}  // namespace callbase::security
