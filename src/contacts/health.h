// Base health (R-BASE-7): the audit table of seed 002, computed on demand with
// SQL aggregates (a few index-backed scans; fast on a million contacts).
//
//   non-working numbers   invalid or inactive phones / all phones      < 15 %
//   contact rate          answered calls / calls                       > 22 %  (n/a until calls
//   exist) duplicate numbers     phones whose E.164 is on >1 live contact / all < 5 % no
//   interaction 90 d   live contacts idle > 90 days / live contacts  < 30 %
// Each metric carries its target, whether it passes, and the action to take, in
// Russian and English. Only live contacts (not merged into another) count.
//
// Borrows Store& and Clock&; read-only; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

enum class HealthVerdict { kPass, kFail, kNotApplicable };
std::string_view VerdictName(HealthVerdict verdict);  // "pass", "fail", "n/a"

struct HealthMetric {
    std::string id;  // non_working, contact_rate, duplicates, idle_90d
    std::string name_en, name_ru;
    double percent = 0;  // value, 0..100
    int64_t count = 0;
    int64_t total = 0;
    std::string target;  // "< 15 %"
    double target_percent = 0;
    bool lower_is_better = true;
    HealthVerdict verdict = HealthVerdict::kNotApplicable;
    std::string note;       // why n/a, when it is (English)
    std::string note_code;  // the same as a message code the web shows in its language
    std::string action_en, action_ru;
};

struct HealthReport {
    int64_t at = 0;
    int64_t contacts = 0;         // live contacts
    int64_t merged_contacts = 0;  // hidden by a merge
    int64_t phones = 0;           // phones of live contacts
    std::vector<HealthMetric> metrics;
};

class BaseHealth {
public:
    BaseHealth(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
    Result<HealthReport> Compute();

private:
    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::contacts
