// Simulation scenarios: a campaign, its operators, its leads and the
// simulated callees, described in a TOML file (docs/simulation.md), run
// against telephony::SimNetwork on a simulated clock (`callbase simulate`).
//
// The leads are invented (valid-looking numbers, spread over Russia's time
// zones) with the shares of stop-listed, registry-listed, consenting and
// deleted numbers the scenario gives; every dial still goes through the real
// dial gate. A run reports what a supervisor would ask before a campaign:
// attempts, contacts reached, occupancy, the abandon rate against its limit,
// contacts per agent-hour, calls per caller ID, gate denials by reason, and
// rule violations found by re-checking every call record afterwards (must
// be 0).
//
// Runs on the calling thread; Run() is reentrant (each run owns its world).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "campaigns/caller_id_pool.h"
#include "campaigns/dialer.h"
#include "compliance/gate.h"
#include "core/error.h"
#include "ivr/script.h"
#include "telephony/sim/sim_network.h"

namespace callbase::campaigns {

struct LeadMix {
    int64_t count = 100'000;
    // UTC offsets of the callees (minutes) and their weights.
    std::vector<std::pair<int, double>> utc_offsets = {
        {180, 0.55}, {120, 0.02}, {240, 0.08}, {300, 0.12}, {360, 0.04},
        {420, 0.08}, {480, 0.04}, {540, 0.02}, {600, 0.03}, {720, 0.02}};
    double unknown_zone = 0.01;
    double stop_list = 0.02;  // do not disturb
    double not_now = 0.01;    // a stop until a date within the next 30 days
    double registry = 0.01;   // listed in a refusal registry
    double consent = 0.70;    // hold a consent for the campaign's purpose
    double revoked = 0.02;    // ... and revoked it
    double deletion = 0.002;  // a deletion request is pending
    double inactive = 0.005;
    double dialed_before = 0;  // had one attempt in the last days
};

struct Scenario {
    std::string name;
    uint64_t seed = 1;
    Millis start = 0;  // the first day's start of dialing
    int days = 1;
    Millis day_length = 8 * 3'600'000;
    int agents = 100;
    // [agents] changes: from a minute of the call center's day, this many
    // operators logged in (the rest called away, e.g. to inbound calls).
    std::vector<std::pair<int, int>> agent_changes;
    // [incoming]: calls to the center the same (blended) operators take while
    // the campaign dials — Poisson arrivals over the dialing hours; a caller
    // gives up after `incoming_patience` unless put through.
    double incoming_per_hour = 0;
    Millis incoming_patience = 60'000;
    DialerOptions dialer;
    compliance::CallingRules rules;
    telephony::Population population;
    std::shared_ptr<const ivr::Script> script;  // [campaign] script: a robot's script
    int caller_ids = 1000;
    PoolOptions pool;
    LeadMix leads;
};

// Reads a scenario file; errors name the file, the line and the key.
Result<Scenario> LoadScenario(const std::string& path);
Result<Scenario> ParseScenario(std::string_view text, const std::string& name);

struct CallerIdDay {
    int32_t day = 0;
    int numbers_used = 0;
    int max_calls = 0;
    double mean_calls = 0;
    int near_cap = 0;  // numbers at 90 % of their cap or more
};

// The abandon rate in every rolling window of the campaign's length that ends
// at an answered call and holds at least kMinCalls answered calls.
struct WindowCheck {
    static constexpr int64_t kMinCalls = 100;
    int64_t windows = 0;
    int64_t over_limit = 0;  // windows above the campaign's limit
    double worst = 0;
    Millis worst_end = 0;
    int64_t worst_answered = 0;
    int64_t worst_abandoned = 0;
};

struct RunResult {
    DialerStats stats;
    int agents = 0;
    double agent_hours = 0;
    int64_t contacts_reached = 0;   // answered by a person and connected (robots: answered)
    double max_window_abandon = 0;  // the highest rolling-window abandon rate seen
    WindowCheck window;
    std::vector<CallerIdDay> caller_id_days;
    std::map<std::string, int64_t> violations;  // rule -> calls that broke it
    int64_t Violations() const;
    int64_t timers = 0;
    double wall_seconds = 0;
    Millis simulated = 0;
};

struct RunOptions {
    std::function<void(const CallRecord&)> on_call;  // every record, as it is written
    bool check = true;                               // re-check the records
    // Replace the scenario's pacing (the sweep).
    std::optional<PacingOptions> pacing;
};

// The leads and their states, as Run() makes them (for tests that check the
// records against the truth).
struct World {
    std::vector<Lead> leads;
    std::vector<compliance::NumberState> states;  // by lead index
    std::vector<CallerId> caller_ids;
    std::string registries_checked;
};
World MakeWorld(const Scenario& scenario);

RunResult Run(const Scenario& scenario, const RunOptions& options = {});
// The same over a world made elsewhere (a forecast's leads from the base).
RunResult RunWorld(const Scenario& scenario, World world, const RunOptions& options = {});

struct SweepPoint {
    double ratio = 0;
    double occupancy = 0;
    double abandon = 0;
    double worst_window = 0;  // the worst rolling window's abandon rate
};
struct SweepResult {
    std::vector<SweepPoint> points;
    // The highest occupancy with abandon at or under the limit, over the run
    // and in every rolling window.
    std::optional<SweepPoint> best;
};
// Runs the scenario at constant dial ratios from `from` to `to`, then again
// in finer steps around the best one.
SweepResult Sweep(const Scenario& scenario, double from, double to, double step,
                  const std::function<void(const SweepPoint&)>& progress = {});

}  // namespace callbase::campaigns
