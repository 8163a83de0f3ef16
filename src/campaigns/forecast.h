// A forecast before dialing (`callbase simulate --campaign ID`): a real
// campaign's leads from the base, asked of the dial gate for every hour of
// today's schedule, then dialed against the simulated network with the
// numbers' real states (nothing is dialed, nothing is written). It says how
// many contacts the rules allow today and from which hour, why the others
// are held (and, when nobody may be called today, why in words: the day off,
// a holiday, the hours), what the campaign reaches with a given number of
// agents, and how many agents its daily target needs.
//
// Reads the store on the calling thread; writes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "campaigns/campaign_book.h"
#include "campaigns/diagnosis.h"
#include "campaigns/scenario.h"
#include "compliance/rules.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::campaigns {

struct ForecastOptions {
    int agents = 10;  // operators to simulate (robots: none)
    int center_utc_offset_minutes = 180;
    telephony::Population population;  // the callees' behaviour
    uint64_t seed = 1;
};

struct Forecast {
    int64_t leads = 0;
    int64_t allowed_today = 0;                 // callable at some hour of today's schedule
    std::map<int, int64_t> first_callable_at;  // hour of the center's clock -> leads
    std::map<std::string, int64_t> held;       // the reason a lead cannot be called today
    RunResult run;                             // today's simulated run
    int agents = 0;
    double hours = 0;
    double contacts_per_agent_hour = 0;
    int agents_for_target = 0;  // 0 when the campaign sets no target
    // When the rules allow nobody today: why, at the schedule's start and for
    // the schedule as a whole (diagnosis.h); empty otherwise.
    std::vector<Finding> why_none_today;
};

// `day_start`: the moment today's schedule starts.
Result<Forecast> ForecastToday(store::Store& store, const CampaignSpec& spec,
                               std::vector<Lead> leads, const compliance::CallingRules& rules,
                               const compliance::RegistryCheck& registries,
                               const std::string& registries_checked, UnixSeconds day_start,
                               const ForecastOptions& options);

}  // namespace callbase::campaigns
