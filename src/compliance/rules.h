// The calling rules in force (R-LAW-5) and the state of one number, loaded from
// the store for the dial gate.
//
// The rules live in the settings table as JSON ("calling_rules"), each field
// optional over the defaults of CallingRules; public holidays in the holidays
// table (local dates). LoadNumberState() gathers what the gate needs about one
// number: stop-list entries in force, consents, a pending deletion, the
// inactivity flag, earlier attempts; registries are asked through a callback
// (the registry catalog lives in registry.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compliance/gate.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::compliance {

Result<CallingRules> LoadRules(store::Store& store);
// Validates and saves; the JSON is the one `callbase rules show --json` prints.
Result<CallingRules> SaveRulesJson(store::Store& store, const std::string& json,
                                   const std::string& actor, const Clock& clock);
std::string RulesJson(const CallingRules& rules);

// date: DD.MM.YYYY or YYYY-MM-DD (core/date_text.h).
Result<void> AddHoliday(store::Store& store, const std::string& date, const std::string& name);
Result<void> RemoveHoliday(store::Store& store, const std::string& date);
struct Holiday {
    std::string date;  // YYYY-MM-DD
    std::string name;
};
// Every holiday with its name, by date.
Result<std::vector<Holiday>> ListHolidays(store::Store& store);
// DD.MM.YYYY or YYYY-MM-DD -> days since 1970-01-01 -> YYYY-MM-DD.
Result<int32_t> ParseDay(const std::string& date);
std::string FormatDay(int32_t day);

// The names of the registries that list the number.
using RegistryCheck = std::function<Result<std::vector<std::string>>(const std::string& e164)>;

class RegistryCatalog;
// The registries listing a number: the latest version of each, from the
// catalog in `dir`, opened on the first question into `catalog` (their files'
// structure checked; `registry load` verified the checksum when it wrote
// them). `store` and `catalog` must outlive the check.
RegistryCheck CatalogCheck(store::Store& store, const std::string& dir,
                           std::shared_ptr<RegistryCatalog>& catalog);

Result<NumberState> LoadNumberState(store::Store& store, const std::string& e164,
                                    std::optional<int> utc_offset_minutes, UnixSeconds at,
                                    const RegistryCheck& registries);

}  // namespace callbase::compliance
