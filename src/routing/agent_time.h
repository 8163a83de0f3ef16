// Operators' time (docs/routing.md, "Operators' time"): what each operator
// was doing in `callbase serve` and for how long, kept in the base (migration
// 022, agent_states: one row per spell of ready, on a call, wrap-up, or a
// pause with its reason), and summed for the reports — occupancy and pause
// time by reason per operator over a period.
//
// Occupancy is as Erlang C and the workforce count it: time on calls and in
// wrap-up over the time the operator was available for calls (ready, on a
// call, wrap-up); pauses are not in it, and are reported by reason apart.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "store/store.h"

namespace callbase::routing {

// Writes the spells as the states change: the open spell of an operator is
// closed and the next one opened in one transaction; a state that did not
// change (the same state, reason and campaign) writes nothing. Not
// thread-safe: serve calls it on its loop.
class AgentLog {
public:
    explicit AgentLog(store::Store& store) : store_(store) {}

    // The operator is in `state` from `at_ms` on: ready, on_call, wrap_up,
    // paused (with `reason`), or offline (the open spell is closed only).
    Result<void> Enter(const std::string& agent, int64_t campaign, std::string_view state,
                       std::string_view reason, int64_t at_ms);
    // The operator's phone did not take the call it was given: the open
    // spell on a call is kept as "ringing" (rang without an answer), so the
    // ring does not count as talk. Nothing when no call spell is open.
    Result<void> Missed(const std::string& agent);
    // serve stops: every open spell ends now.
    Result<void> CloseAll(int64_t at_ms);
    // serve starts: spells a server that stopped without closing them left
    // open end where they began (when it stopped is not known, so no time
    // is made up). Returns how many.
    Result<int64_t> CloseLeftOpen();

private:
    struct Open {
        int64_t campaign = 0;
        std::string state, reason;
    };
    store::Store& store_;
    std::map<std::string, Open> open_;
};

// One spell as kept: ended_ms 0 while it lasts.
struct AgentSpell {
    std::string agent;
    std::string state;   // ready, ringing, on_call, wrap_up, paused
    std::string reason;  // a pause's; '' otherwise, or when none was given
    int64_t started_ms = 0, ended_ms = 0;
};

// The spells that overlap [from, to) (Unix ms), by start. `agents`, when not
// empty, keeps only those operators.
Result<std::vector<AgentSpell>> LoadAgentSpells(store::Store& store, int64_t from, int64_t to,
                                                const std::vector<std::string>& agents = {});

// The pauses of [from, to) as Asterisk's queue_log lines, beside the calls'
// (routing::QueueLog): `time|NONE|NONE|Agent/LOGIN|PAUSEALL|reason` where a
// pause began in the period and `…|UNPAUSEALL|reason` where it ended, so
// that tools made for app_queue count pause time by reason.
std::vector<std::string> PauseQueueLog(const std::vector<AgentSpell>& spells, int64_t from,
                                       int64_t to);

struct AgentTime {
    std::string agent;
    int64_t ready_ms = 0, on_call_ms = 0, wrap_up_ms = 0;
    // The phone rang for a call and did not take it (AgentLog::Missed): time
    // the operator was there for calls but took none, so it counts as ready
    // does in occupancy, and is shown apart.
    int64_t rang_ms = 0;
    std::map<std::string, int64_t> paused_ms;  // by reason ('' : none given)
    int64_t PausedMs() const;
    // (on_call + wrap_up) / (ready + rang + on_call + wrap_up); 0 with no such time.
    double Occupancy() const;
};

// The spells that overlap [from, to) (Unix ms), cut to it (an open spell
// counts until `now`), summed per operator, by login. `agents`, when not
// empty, keeps only those operators (a team's supervisor).
Result<std::vector<AgentTime>> LoadAgentTime(store::Store& store, int64_t from, int64_t to,
                                             int64_t now,
                                             const std::vector<std::string>& agents = {});

// [{agent, ready_seconds, rang_seconds, on_call_seconds, wrap_up_seconds,
//   paused_seconds, paused: {reason: seconds}, occupancy}]
nlohmann::json AgentTimeJson(const std::vector<AgentTime>& time);

}  // namespace callbase::routing
