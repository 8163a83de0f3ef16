#include "routing/erlang.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace callbase::routing {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Whether `agents` carry `a` erlangs without the queue growing without end.
bool Stable(double a, int agents) {
    return a <= 0 || agents > a;
}

// Erlang C from Erlang B of the same a and n (n > a > 0).
double CFromB(double a, int n, double b) {
    return n * b / (n - a * (1 - b));
}

// B(n) from B(n − 1): the one step of the recurrence, shared by ErlangB and
// Plan's walk so that both give the same bits.
double NextB(double a, int n, double b) {
    const double ab = a * b;
    return ab / (n + ab);
}

// The service level and the average speed of answer from C (stable, a > 0).
double ServiceLevelFromC(double a, int n, double aht, double threshold, double c) {
    return 1 - c * std::exp(-(n - a) * threshold / aht);
}
double AsaFromC(double a, int n, double aht, double c) {
    return c * aht / (n - a);
}

// What n agents give when C is known (ErlangC(a, n), however it was computed).
StaffingRow RowFromC(const StaffingInput& in, double a, int n, double c) {
    StaffingRow row;
    row.agents = n;
    row.scheduled = ScheduledStaff(n, in.shrinkage);
    row.stable = Stable(a, n);
    if (a <= 0) {
        row.wait_probability = 0;
        row.service_level = 1;
        row.asa_seconds = 0;
        row.occupancy = 0;
    } else if (!row.stable) {
        row.wait_probability = 1;
        row.service_level = 0;
        row.asa_seconds = kInfinity;
        row.occupancy = 1;
    } else {
        row.wait_probability = c;
        row.service_level = ServiceLevelFromC(a, n, in.aht_seconds, in.threshold_seconds, c);
        row.asa_seconds = AsaFromC(a, n, in.aht_seconds, c);
        row.occupancy = a / n;
    }
    row.misses_target = !row.stable || row.service_level < in.target;
    row.misses_occupancy = in.max_occupancy && (!row.stable || row.occupancy > *in.max_occupancy);
    row.misses_asa = in.max_asa_seconds && row.asa_seconds > *in.max_asa_seconds;
    return row;
}

std::string Shown(double value) {
    return fmt::format("{}", value);
}

}  // namespace

double TrafficErlangs(double calls, double interval_minutes, double aht_seconds) {
    return calls * aht_seconds / (interval_minutes * 60);
}

double ErlangB(double traffic_erlangs, int servers) {
    double b = 1;
    for (int n = 1; n <= servers; ++n)
        b = NextB(traffic_erlangs, n, b);
    return b;
}

double ErlangC(double traffic_erlangs, int agents) {
    if (traffic_erlangs <= 0) return 0;
    if (!Stable(traffic_erlangs, agents)) return 1;
    return CFromB(traffic_erlangs, agents, ErlangB(traffic_erlangs, agents));
}

double ServiceLevel(double traffic_erlangs, int agents, double aht_seconds,
                    double threshold_seconds) {
    if (traffic_erlangs <= 0) return 1;
    if (!Stable(traffic_erlangs, agents)) return 0;
    return ServiceLevelFromC(traffic_erlangs, agents, aht_seconds, threshold_seconds,
                             ErlangC(traffic_erlangs, agents));
}

double AverageSpeedOfAnswer(double traffic_erlangs, int agents, double aht_seconds) {
    if (traffic_erlangs <= 0) return 0;
    if (!Stable(traffic_erlangs, agents)) return kInfinity;
    return AsaFromC(traffic_erlangs, agents, aht_seconds, ErlangC(traffic_erlangs, agents));
}

double Occupancy(double traffic_erlangs, int agents) {
    if (traffic_erlangs <= 0) return 0;
    if (!Stable(traffic_erlangs, agents)) return 1;
    return traffic_erlangs / agents;
}

int ScheduledStaff(int agents, double shrinkage) {
    // 7 / 0.7 is 10.000000000000002 in doubles: a hair over a whole number is
    // that number, not the next one.
    const double exact = agents / (1 - shrinkage);
    return static_cast<int>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
}

Error StaffingFieldError(std::string_view field, std::string_view value) {
    const MessageParams params = {{"field", std::string(field)}, {"value", std::string(value)}};
    const ErrorCode bad = ErrorCode::kInvalidInput;
    if (field == "calls") {
        return Coded(bad,
                     Msg{"staffing.calls",
                         "calls = {value}: give the number of calls in the interval, 0 or more",
                         "e.g. 300 for 300 calls an hour (in an interval of 30 minutes: a half "
                         "hour's calls)"},
                     params);
    }
    if (field == "interval") {
        return Coded(bad,
                     Msg{"staffing.interval",
                         "interval = {value}: give the interval's length in minutes, more than 0 "
                         "and at most 1440",
                         "60 when the calls are per hour; 30 or 15 for a day's profile"},
                     params);
    }
    if (field == "aht") {
        return Coded(bad,
                     Msg{"staffing.aht",
                         "aht = {value}: give the average handle time in seconds, more than 0",
                         "talk, hold and wrap-up together, e.g. 180"},
                     params);
    }
    if (field == "target") {
        return Coded(bad,
                     Msg{"staffing.target",
                         "target = {value}: give the service-level target as a share above 0 "
                         "and below 1",
                         "0.8 for 80 % of calls answered within the threshold"},
                     params);
    }
    if (field == "threshold") {
        return Coded(bad,
                     Msg{"staffing.threshold",
                         "threshold = {value}: give the answer threshold in seconds, 0 or more",
                         "e.g. 20 for 80 % answered within 20 seconds"},
                     params);
    }
    if (field == "max_occupancy") {
        return Coded(bad,
                     Msg{"staffing.max_occupancy",
                         "max_occupancy = {value}: give the highest occupancy as a share above 0, "
                         "at most 1",
                         "0.85 for 85 %; leave it out for no limit"},
                     params);
    }
    if (field == "max_asa") {
        return Coded(bad,
                     Msg{"staffing.max_asa",
                         "max_asa = {value}: give the longest average wait in seconds, more than 0",
                         "e.g. 30; leave it out for no limit"},
                     params);
    }
    if (field == "shrinkage") {
        return Coded(bad,
                     Msg{"staffing.shrinkage",
                         "shrinkage = {value}: give the share of paid time off the phones, from 0 "
                         "to below 1",
                         "0.3 for 30 % (breaks, training, meetings, absence)"},
                     params);
    }
    return Error{ErrorCode::kInternal, fmt::format("no staffing field '{}'", field), "", "", {}};
}

Result<void> CheckStaffingInput(const StaffingInput& in) {
    // Each test is written so that NaN fails it.
    auto bad = [](std::string_view field, double value) {
        return std::unexpected(StaffingFieldError(field, Shown(value)));
    };
    if (!(in.calls >= 0 && std::isfinite(in.calls))) return bad("calls", in.calls);
    if (!(in.interval_minutes > 0 && in.interval_minutes <= 1440)) {
        return bad("interval", in.interval_minutes);
    }
    if (!(in.aht_seconds > 0 && std::isfinite(in.aht_seconds))) return bad("aht", in.aht_seconds);
    if (!(in.target > 0 && in.target < 1)) return bad("target", in.target);
    if (!(in.threshold_seconds >= 0 && std::isfinite(in.threshold_seconds))) {
        return bad("threshold", in.threshold_seconds);
    }
    if (in.max_occupancy && !(*in.max_occupancy > 0 && *in.max_occupancy <= 1)) {
        return bad("max_occupancy", *in.max_occupancy);
    }
    if (in.max_asa_seconds && !(*in.max_asa_seconds > 0 && std::isfinite(*in.max_asa_seconds))) {
        return bad("max_asa", *in.max_asa_seconds);
    }
    if (!(in.shrinkage >= 0 && in.shrinkage < 1)) return bad("shrinkage", in.shrinkage);
    return {};
}

StaffingRow RowFor(const StaffingInput& in, int agents) {
    const double a = TrafficErlangs(in.calls, in.interval_minutes, in.aht_seconds);
    return RowFromC(in, a, agents, ErlangC(a, agents));
}

Result<Staffing> Plan(const StaffingInput& input) {
    if (auto ok = CheckStaffingInput(input); !ok) return std::unexpected(ok.error());
    Staffing s;
    s.input = input;
    s.traffic_erlangs = TrafficErlangs(input.calls, input.interval_minutes, input.aht_seconds);
    s.calls_per_hour = input.calls * 60 / input.interval_minutes;
    auto too_many = [&] {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"staffing.too_many_agents",
                        "{calls} calls an hour at an AHT of {aht} s need more than {max} agents",
                        "check the calls and the AHT: calls are per interval (60 minutes unless "
                        "interval says otherwise), the AHT in seconds"},
                    {{"calls", Shown(s.calls_per_hour)},
                     {"aht", Shown(input.aht_seconds)},
                     {"max", std::to_string(kMaxAgents)}});
    };
    if (!(s.traffic_erlangs < kMaxAgents)) return too_many();
    // The search walks n upward with Erlang B's recurrence, so that the whole
    // search costs what one Erlang C of the answer does (100,000 agents in a
    // few milliseconds), and each step gives the bits ErlangC(a, n) gives.
    const double a = s.traffic_erlangs;
    double b = 1;
    int found = -1;
    for (int n = 0; n <= kMaxAgents; ++n) {
        if (n > 0) b = NextB(a, n, b);
        if (!Stable(a, n)) continue;
        if (RowFromC(input, a, n, a > 0 ? CFromB(a, n, b) : 0).meets()) {
            found = n;
            break;
        }
    }
    if (found < 0) return too_many();
    for (int n = std::max(0, found - kRowsAround); n <= found + kRowsAround; ++n) {
        s.rows.push_back(RowFor(input, n));
        if (n == found) s.answer = s.rows.back();
    }
    return s;
}

}  // namespace callbase::routing
