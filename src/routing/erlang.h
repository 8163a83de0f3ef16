// The staffing forecast (Erlang C): how many agents a queue needs so that a
// share of its calls is answered within a threshold, from the calls expected
// in an interval and their average handle time (AHT) — and what one agent
// fewer or more would give. docs/routing.md, "Staffing forecast (Erlang C)",
// has the formulas and what they assume: Poisson arrivals, exponential
// handle times, one queue, and callers who never hang up, so the forecast
// overstates waiting where callers abandon.
//
// Pure functions over plain values: no I/O, no clock, no state; safe from any
// thread. The CLI (`callbase staffing`), the API (`GET /api/v1/staffing`) and,
// later, the queue reports call the same Plan().
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase::routing {

// The most agents Plan() looks at: a forecast past this is refused, naming the
// calls, rather than searched for without end.
inline constexpr int kMaxAgents = 100'000;
// Plan() lists the counts from kRowsAround below the answer to kRowsAround above it.
inline constexpr int kRowsAround = 3;

// Offered traffic in erlangs: calls in an interval × AHT / the interval's length.
double TrafficErlangs(double calls, double interval_minutes, double aht_seconds);

// Erlang B: the share of calls lost when `servers` lines carry `traffic_erlangs`
// and nobody waits (M/M/n/n), by the recurrence B(0) = 1,
// B(n) = A·B(n−1) / (n + A·B(n−1)), which never overflows (fine for 100,000
// servers, where the textbook formula's A^n/n! does not fit a double).
double ErlangB(double traffic_erlangs, int servers);

// Erlang C: the probability that a caller waits for one of `agents` agents
// (M/M/n, callers never hang up), from B: C = n·B / (n − A·(1 − B)). 1 when
// agents ≤ traffic (the queue grows without end); 0 when there is no traffic.
double ErlangC(double traffic_erlangs, int agents);

// The share of calls answered within `threshold_seconds`:
// 1 − C·exp(−(n − A)·T / AHT); 0 when agents ≤ traffic.
double ServiceLevel(double traffic_erlangs, int agents, double aht_seconds,
                    double threshold_seconds);

// The average speed of answer (the mean wait over all calls, those answered at
// once included): C·AHT / (n − A); +infinity when agents ≤ traffic.
double AverageSpeedOfAnswer(double traffic_erlangs, int agents, double aht_seconds);

// The share of the agents' time spent on calls: A / n, at most 1 (with
// agents ≤ traffic every agent is always busy); 0 without traffic.
double Occupancy(double traffic_erlangs, int agents);

// The staff to schedule so that `agents` are on the phones when a share
// `shrinkage` of paid time goes elsewhere (breaks, training, absence):
// agents / (1 − shrinkage), rounded up; 7 agents at 30 % is 10 people, not 11.
int ScheduledStaff(int agents, double shrinkage);

// What a forecast asks. Plan() refuses a value outside its range with an error
// coded "staffing.<field>" that names the field (the API's parameter) and the
// value, and says what to give.
struct StaffingInput {
    double calls = 0;                       // calls arriving in one interval, 0 or more
    double interval_minutes = 60;           // the interval's length, (0, 1440]; 60: calls per hour
    double aht_seconds = 0;                 // average handle time (talk, hold, wrap-up), > 0
    double target = 0.8;                    // the share answered within the threshold, (0, 1)
    double threshold_seconds = 20;          // 0 or more
    std::optional<double> max_occupancy;    // (0, 1]: no agent busier than this on average
    std::optional<double> max_asa_seconds;  // > 0: the average wait no longer than this
    double shrinkage = 0;                   // [0, 1): paid time not on the phones
};

// What one count of agents gives.
struct StaffingRow {
    int agents = 0;
    int scheduled = 0;            // ScheduledStaff(agents, shrinkage)
    double wait_probability = 0;  // Erlang C
    double service_level = 0;
    double asa_seconds = 0;  // +infinity when the queue is not stable
    double occupancy = 0;
    bool stable = true;  // agents > traffic (or no traffic): the queue does not grow without end
    // The targets this count misses; all false: it meets every one.
    bool misses_target = false;     // service level below the target
    bool misses_occupancy = false;  // busier than max_occupancy
    bool misses_asa = false;        // average wait longer than max_asa_seconds

    bool meets() const { return !misses_target && !misses_occupancy && !misses_asa; }
};

// The answer: the least number of agents that meets every target, and the
// rows around it for the table.
struct Staffing {
    StaffingInput input;
    double traffic_erlangs = 0;
    double calls_per_hour = 0;
    StaffingRow answer;
    // agents from answer − kRowsAround (but not below 0) to answer + kRowsAround,
    // ascending; `answer` is one of them.
    std::vector<StaffingRow> rows;
};

// Checks the input (see StaffingInput) without computing anything.
Result<void> CheckStaffingInput(const StaffingInput& input);

// What `agents` agents give for the input's traffic and targets (the input is
// taken as checked).
StaffingRow RowFor(const StaffingInput& input, int agents);

// The forecast; fails on bad input (CheckStaffingInput) and when more than
// kMaxAgents agents would be needed.
Result<Staffing> Plan(const StaffingInput& input);

// The error of a field ("calls", "interval", "aht", "target", "threshold",
// "max_occupancy", "max_asa", "shrinkage") whose value `value` (as given, or
// as printed) is not one it takes: the same coded error Plan() returns, for
// callers that read the value from text and find it is no number.
Error StaffingFieldError(std::string_view field, std::string_view value);

}  // namespace callbase::routing
