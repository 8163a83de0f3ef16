// The inbound simulator (issue 19): a day of callers ringing the call
// center's queues, served by simulated agents of the shared workforce through
// the real ACD, on a simulated clock (docs/simulation.md, "Inbound days").
//
// Callers arrive at each queue as a Poisson process whose rate changes hour
// by hour of the call center's day; each caller is on the VIP list with the
// queue's VIP share (a VIP joins with a priority, in the queue's VIP queue
// when it names one), has a patience (or never hangs up), a talk time and a
// wrap-up drawn from the distributions of the queue they join (a VIP's from
// the VIP queue). Agents come in teams (skills
// with levels, blend, an optional pause schedule); an offered agent answers
// after a ring delay, or — with the day's no-answer share — lets the offer
// time out; then talks, wraps up and is ready again.
//
// The run watches what a caller and a supervisor rely on and counts every
// breach: an agent offered a call while an offer was open (seen in the
// workforce's own events), a caller connected to two agents, a caller who
// left the queue without being answered, abandoning or taking the exit route
// (lost), and queue counts that disagree with the callers' own. All must be 0.
//
// Deterministic: the same day and seed give the same run. Runs on the calling
// thread; SimulateInbound is reentrant (each run owns its loop, workforce and
// ACD).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agents/workforce.h"
#include "core/error.h"
#include "routing/acd.h"
#include "telephony/sim/sim_network.h"

namespace callbase::routing {

using telephony::Distribution;

// A queue and the callers who ring it.
struct InboundQueue {
    QueueSpec spec;
    // Every agent of these teams is a member of the queue (added to
    // spec.members in team order); none: the queue's skill decides.
    std::vector<std::string> teams;
    // Calls an hour, hour by hour from the day's start; the last value holds
    // for the rest of the day. Empty: nobody calls this queue directly.
    std::vector<double> calls_per_hour;
    double vip_share = 0;   // callers on the VIP list
    int vip_priority = 1;   // a VIP's priority (spec.priority_step each)
    std::string vip_queue;  // where VIPs go; empty: this queue
    // The callers who join this queue (its own, and VIPs sent here):
    std::optional<Distribution> patience;  // none: never hangs up while waiting
    Distribution talk = Distribution::Exponential(180);
    Distribution wrap_up = Distribution::Fixed(0);  // after each call
};

// From `after` the day's start, `count` agents of the team pause for
// `length` with `reason`: at once when ready, else when their current call's
// wrap-up ends. Each pause of a team takes the agents after those the one
// before took, in team order and round again (lunch in waves takes everyone
// once), skipping anyone pausing at the time.
struct InboundPause {
    Millis after = 0;
    Millis length = 0;
    int count = 0;
    std::string reason = "break";
};

struct InboundTeam {
    std::string name;
    int count = 1;  // agents: NAME-001, NAME-002, ...
    agents::Blend blend = agents::Blend::kInbound;
    std::vector<agents::Skill> skills;
    std::vector<InboundPause> pauses;
};

struct InboundDay {
    std::string name;
    uint64_t seed = 1;
    Millis start = 0;               // the day's first minute (callers and agents both)
    Millis length = 8 * 3'600'000;  // callers arrive until start + length
    int center_utc_offset_minutes = 180;
    // After the day's end no caller arrives; those still in a queue are
    // served (or give up) for at most this long, then counted as waiting.
    Millis drain = 3'600'000;
    std::vector<InboundQueue> queues;
    std::vector<InboundTeam> teams;
    Distribution ring_delay = Distribution::Fixed(2);  // until an offered agent answers
    double no_answer = 0;      // share of offers an agent lets ring until the queue's offer_timeout
    Millis vip_target = 3000;  // a VIP is answered within this
};

// Waits of answered callers, from joining the queue to an agent's answer.
struct WaitFigures {
    int64_t callers = 0;  // who joined (answered or not)
    int64_t answered = 0;
    int64_t waited = 0;  // answered after waiting (more than 0 ms)
    Millis p50 = 0, p90 = 0, p99 = 0, longest = 0;
    double mean_seconds = 0;
    int64_t within_target = 0;  // answered within the day's vip_target
    int64_t hung_up_early = 0;  // hung up before the target was reached
    // Answered within the target / callers who were answered or stayed past
    // it: a caller who gave up or left by an exit after the target, or was
    // still waiting at the end, counts against; one who hung up before it
    // counts neither way (no rule could have answered them in time).
    double WithinTargetShare() const {
        const int64_t cases = callers - hung_up_early;
        return cases > 0 ? static_cast<double>(within_target) / static_cast<double>(cases) : 0;
    }
    double WaitedShare() const {
        return answered > 0 ? static_cast<double>(waited) / static_cast<double>(answered) : 0;
    }
};

struct InboundQueueResult {
    std::string name;
    QueueStats stats;           // the ACD's own figures
    int64_t still_waiting = 0;  // in the queue when the run stopped
    WaitFigures waits;          // every caller of the queue
    WaitFigures vip;            // VIP callers of the queue
};

struct InboundAgentResult {
    std::string id, team;
    int64_t calls = 0;       // finished (talk and wrap-up over)
    double aht_seconds = 0;  // talk + wrap-up per finished call
    double occupancy = 0;    // (talk + wrap-up) / (ready + offered + talk + wrap-up), over the day
    int64_t missed = 0;      // offers let ring out
    Millis paused_ms = 0;    // over the day
};

struct InboundTeamResult {
    std::string name;
    int agents = 0;
    int64_t calls = 0;
    double aht_seconds = 0;
    double occupancy = 0;  // of the team's time over the day, pauses apart
};

// Every breach of what must always hold; each must be 0.
struct InboundInvariants {
    int64_t double_offers = 0;    // an agent offered a call while an offer of theirs was open
    int64_t double_connects = 0;  // a caller answered by two agents
    int64_t lost_entries = 0;     // joined − answered − abandoned − exits − still waiting
    int64_t counts_disagree = 0;  // queue figures unlike the callers' own count
    int64_t agent_refusals = 0;   // the workforce refused an agent's own move (end of call…)
    int64_t Total() const {
        return double_offers + double_connects + lost_entries + counts_disagree + agent_refusals;
    }
};

struct InboundResult {
    std::vector<InboundQueueResult> queues;
    std::vector<InboundTeamResult> teams;
    std::vector<InboundAgentResult> agents;
    WaitFigures vip;    // VIP callers of every queue
    int64_t calls = 0;  // callers who rang
    int64_t joined = 0, refused = 0, answered = 0, abandoned = 0, exits = 0, still_waiting = 0;
    int64_t offers = 0, offers_missed = 0;
    InboundInvariants invariants;
    Millis simulated = 0;  // from the day's start to the last event run
    uint64_t timers = 0;
    double wall_seconds = 0;
};

// Runs the day. Refuses a day that cannot run (a queue or team defined
// twice, a VIP queue or a team that does not exist, a share out of 0..1)
// naming what is wrong. A day with no agents runs: its queues follow their
// join rule.
Result<InboundResult> SimulateInbound(const InboundDay& day);

}  // namespace callbase::routing
