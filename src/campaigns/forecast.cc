#include "campaigns/forecast.h"

#include <cmath>

#include "core/progress.h"

namespace callbase::campaigns {

Result<Forecast> ForecastToday(store::Store& store, const CampaignSpec& spec,
                               std::vector<Lead> leads, const compliance::CallingRules& rules,
                               const compliance::RegistryCheck& registries,
                               const std::string& registries_checked, UnixSeconds day_start,
                               const ForecastOptions& options) {
    Forecast f;
    f.leads = static_cast<int64_t>(leads.size());
    const auto offsets = CalleeOffsets(leads, rules.default_utc_offset_minutes);
    const int hours = std::max(1, (spec.schedule_end_minute - spec.schedule_start_minute) / 60);
    f.hours = (spec.schedule_end_minute - spec.schedule_start_minute) / 60.0;
    World world;
    world.registries_checked = registries_checked;
    world.caller_ids = spec.caller_ids;
    Progress progress("forecast: asking the dial gate", leads.size());
    for (size_t i = 0; i < leads.size(); ++i) {
        const Lead& lead = leads[i];
        auto state = compliance::LoadNumberState(store, lead.e164, lead.utc_offset_minutes,
                                                 day_start, registries);
        if (!state) return std::unexpected(state.error());
        std::optional<int> first;
        std::string held;
        for (int h = 0; h < hours && !first; ++h) {
            UnixSeconds at = day_start + int64_t{h} * 3600;
            auto d = compliance::DialGate::Check(*state, spec.purpose, at, rules);
            if (d.allowed) {
                first = (spec.schedule_start_minute / 60 + h) % 24;
            } else if (held.empty() && !d.reasons.empty()) {
                held = compliance::DenyReasonId(d.reasons.front().reason);
            }
        }
        if (first) {
            ++f.allowed_today;
            ++f.first_callable_at[*first];
        } else {
            ++f.held[held.empty() ? "unknown" : held];
        }
        world.states.push_back(std::move(*state));
        if (i % 256 == 0) progress.Update(i);
    }
    progress.Finish();
    world.leads = std::move(leads);
    if (f.allowed_today == 0) {
        CampaignSpec running = spec;
        running.state = "running";
        StallFigures figures;
        figures.segment = f.leads;
        figures.callee_offsets = offsets;
        f.why_none_today =
            DiagnoseStall(running, rules, day_start, options.center_utc_offset_minutes, figures);
        for (auto& w :
             CheckBeforeStart(spec, rules, f.leads, options.center_utc_offset_minutes, offsets)) {
            // Said already as the stall's segment_empty and rules_no_days.
            if (w.code != "campaign.warning.segment_empty" &&
                w.code != "campaign.warning.rules_no_days") {
                f.why_none_today.push_back(std::move(w));
            }
        }
    }

    Scenario s;
    s.name = spec.name;
    s.seed = options.seed;
    s.start = day_start * 1000;
    s.days = 1;
    s.day_length = Millis{spec.schedule_end_minute - spec.schedule_start_minute} * 60'000;
    s.agents = spec.pacing == Pacing::kRobot ? 0 : std::max(1, options.agents);
    s.dialer = OptionsOf(spec, options.center_utc_offset_minutes);
    s.rules = rules;
    s.population = options.population;
    s.population.clock_utc_offset_minutes = options.center_utc_offset_minutes;
    s.caller_ids = static_cast<int>(spec.caller_ids.size());
    s.pool.daily_cap = spec.daily_cap;
    s.pool.local_presence = spec.local_presence;
    f.run = RunWorld(s, std::move(world));
    f.agents = s.agents;
    if (f.run.agent_hours > 0) {
        f.contacts_per_agent_hour = static_cast<double>(f.run.contacts_reached) / f.run.agent_hours;
    }
    if (spec.target_contacts > 0 && f.contacts_per_agent_hour > 0) {
        f.agents_for_target = static_cast<int>(
            std::ceil(spec.target_contacts / (f.contacts_per_agent_hour * f.hours)));
    }
    return f;
}

}  // namespace callbase::campaigns
