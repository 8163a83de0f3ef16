#include "routing/inbound_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>

#include "telephony/sim/sim_loop.h"

namespace callbase::routing {
namespace {

using agents::State;
using telephony::Rng;

constexpr Millis kHourMs = 3'600'000;

uint64_t Mix(uint64_t a, uint64_t b, uint64_t c = 0) {
    Rng r(a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL ^
          (c + 1) * 0x94d049bb133111ebULL);
    r.Next();
    return r.Next();
}

Millis Ms(double seconds) {
    return static_cast<Millis>(std::llround(std::max(0.0, seconds) * 1000.0));
}

enum class Fate : uint8_t { kWaiting, kAnswered, kAbandoned, kExited, kRefused };

// What the simulation remembers of a caller; small, since a calibration run
// has a million of them.
struct Caller {
    Millis joined = 0;
    int32_t talk_ms = 0;
    int32_t wrap_ms = 0;
    int32_t wait_ms = 0;  // once answered or hung up
    uint16_t queue = 0;   // the queue joined (a VIP's may differ from the one rung)
    bool vip = false;
    Fate fate = Fate::kRefused;
};

struct AgentSim {
    size_t team = 0;
    uint64_t open_offer = 0;  // as the workforce's events show it
    int64_t calls = 0;
    Millis handle_ms = 0;
    bool pause_pending = false;
    bool pausing = false;  // pending or paused by the schedule
    std::string pause_reason;
    Millis pause_length = 0;
    // Times at the day's end.
    Millis ready_ms = 0, busy_ms = 0, paused_ms = 0;
};

void Fill(WaitFigures& f, std::vector<Millis>& waits) {
    f.answered = static_cast<int64_t>(waits.size());
    if (waits.empty()) return;
    std::sort(waits.begin(), waits.end());
    auto at = [&](double q) {
        const auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(waits.size()))) - 1;
        return waits[std::min(i, waits.size() - 1)];
    };
    f.p50 = at(0.50);
    f.p90 = at(0.90);
    f.p99 = at(0.99);
    f.longest = waits.back();
    double sum = 0;
    for (Millis w : waits)
        sum += static_cast<double>(w);
    f.mean_seconds = sum / 1000.0 / static_cast<double>(waits.size());
}

class Simulation {
public:
    explicit Simulation(const InboundDay& day)
        : day_(day),
          loop_(day.start),
          workforce_({.presence_timeout = 10'000, .heartbeat_required = false}),
          offers_rng_(Mix(day.seed, 0x0ffe4)) {}

    Result<void> Setup();
    InboundResult Run();

private:
    void Arrive(size_t q);
    void ScheduleArrival(size_t q);
    void Offered(const Entry& entry, const agents::Offer& offer);
    void Answer(uint64_t offer, CallId call, size_t agent);
    void EndWrapUp(size_t agent, CallId call);
    void StartPauses(size_t team, const InboundPause& pause);
    // Pauses the agent if a pause is due and they are ready (or at the end
    // of their wrap-up, `wrap_over`).
    void TryPause(size_t agent, bool wrap_over = false);
    void TallyDay();
    size_t IndexOf(const agents::AgentInfo& a) const {
        return static_cast<size_t>(&a - workforce_.All().data());
    }

    const InboundDay& day_;
    telephony::SimLoop loop_;
    agents::Workforce workforce_;
    std::unique_ptr<Acd> acd_;
    Rng offers_rng_;
    std::unordered_map<std::string, size_t> queue_index_;
    std::vector<size_t> vip_queue_;     // by queue: where its VIPs go
    std::vector<double> next_arrival_;  // by queue, ms, exact
    std::vector<Rng> arrival_rng_;
    std::vector<int64_t> rung_;    // callers who rang each queue
    std::vector<Caller> callers_;  // call id − 1
    std::vector<AgentSim> agents_;
    std::vector<std::vector<size_t>> team_agents_;
    std::vector<size_t> pause_cursor_;  // by team: the next agent a pause takes
    int64_t waiting_ = 0;               // callers waiting now
    int64_t busy_ = 0;                  // agents on a call or in wrap-up now
    int64_t offers_ = 0;
    InboundInvariants invariants_;
    bool tallied_ = false;
};

Result<void> Simulation::Setup() {
    if (day_.length <= 0) {
        return Fail(ErrorCode::kInvalidInput, "an inbound day needs a length",
                    "give hours, e.g. hours = 8");
    }
    if (day_.no_answer < 0 || day_.no_answer > 1) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("no_answer {} is not a share", day_.no_answer),
                    "a share of offers from 0 to 1");
    }
    if (day_.queues.size() > UINT16_MAX) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} queues in one day", day_.queues.size()), "at most 65535");
    }
    std::map<std::string, size_t> teams;
    for (size_t t = 0; t < day_.teams.size(); ++t) {
        const InboundTeam& team = day_.teams[t];
        if (team.name.empty() || team.count < 0) {
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("team {}: a team needs a name and a count of 0 or more", t + 1),
                        "e.g. name = \"sales\", count = 12");
        }
        if (!teams.emplace(team.name, t).second) {
            return Fail(ErrorCode::kConflict, fmt::format("team '{}' is defined twice", team.name),
                        "give each team its own name");
        }
    }
    acd_ = std::make_unique<Acd>(
        loop_, workforce_,
        Acd::Hooks{
            .offer = [this](const QueueSpec&, const Entry& e,
                            const agents::Offer& o) { Offered(e, o); },
            .cancel = {},
            .exit =
                [this](const QueueSpec&, const Entry& e, std::string_view) {
                    Caller& c = callers_[e.call - 1];
                    if (c.fate != Fate::kWaiting) {
                        ++invariants_.lost_entries;  // ended twice: the counts no longer add up
                        return;
                    }
                    c.fate = Fate::kExited;
                    --waiting_;
                },
        });
    // Agents, team by team, logged in at the day's start.
    team_agents_.resize(day_.teams.size());
    pause_cursor_.assign(day_.teams.size(), 0);
    for (size_t t = 0; t < day_.teams.size(); ++t) {
        const InboundTeam& team = day_.teams[t];
        for (int i = 0; i < team.count; ++i) {
            agents::AgentSpec spec{fmt::format("{}-{:03d}", team.name, i + 1), team.name,
                                   team.blend, team.skills};
            if (auto added = workforce_.Add(spec); !added) return std::unexpected(added.error());
            team_agents_[t].push_back(agents_.size());
            agents_.push_back(AgentSim{.team = t});
        }
    }
    for (size_t q = 0; q < day_.queues.size(); ++q) {
        QueueSpec spec = day_.queues[q].spec;
        for (const std::string& team : day_.queues[q].teams) {
            auto it = teams.find(team);
            if (it == teams.end()) {
                return Fail(ErrorCode::kNotFound,
                            fmt::format("queue '{}': no team '{}'", spec.name, team),
                            "name a team defined under [[inbound.teams]]");
            }
            for (size_t a : team_agents_[it->second])
                spec.members.push_back(workforce_.All()[a].spec.id);
        }
        if (auto added = acd_->AddQueue(spec); !added) return std::unexpected(added.error());
        queue_index_.emplace(spec.name, q);
    }
    for (size_t q = 0; q < day_.queues.size(); ++q) {
        const InboundQueue& iq = day_.queues[q];
        size_t to = q;
        if (!iq.vip_queue.empty()) {
            auto it = queue_index_.find(iq.vip_queue);
            if (it == queue_index_.end()) {
                return Fail(ErrorCode::kNotFound,
                            fmt::format("queue '{}': its VIP queue '{}' is not defined",
                                        iq.spec.name, iq.vip_queue),
                            "define the VIP queue too, or leave vip_queue out");
            }
            to = it->second;
        }
        vip_queue_.push_back(to);
        for (double rate : iq.calls_per_hour) {
            if (!std::isfinite(rate) || rate < 0) {
                return Fail(ErrorCode::kInvalidInput,
                            fmt::format("queue '{}': {} calls an hour", iq.spec.name, rate),
                            "calls an hour are 0 or more");
            }
        }
        if (iq.vip_share < 0 || iq.vip_share > 1) {
            return Fail(
                ErrorCode::kInvalidInput,
                fmt::format("queue '{}': vip_share {} is not a share", iq.spec.name, iq.vip_share),
                "a share of callers from 0 to 1");
        }
    }
    workforce_.AddListener([this](const agents::AgentInfo& a, State from) {
        AgentSim& s = agents_[IndexOf(a)];
        const State to = a.now.state;
        if (to == State::kOffered) {
            // The one door must have been shut: an agent is offered only from
            // ready, with no offer open.
            if (from != State::kReady || s.open_offer != 0) ++invariants_.double_offers;
            s.open_offer = a.now.offer;
        }
        if (from == State::kOffered) s.open_offer = 0;
        if (to == State::kReady && s.pause_pending) {
            const size_t index = IndexOf(a);
            loop_.At(loop_.Now(), [this, index] { TryPause(index); });
        }
    });
    for (const agents::AgentInfo& a : workforce_.All()) {
        if (auto in = workforce_.Login(a.spec.id, day_.start); !in)
            return std::unexpected(in.error());
    }
    for (size_t t = 0; t < day_.teams.size(); ++t) {
        for (const InboundPause& p : day_.teams[t].pauses) {
            loop_.At(day_.start + p.after, [this, t, &p] { StartPauses(t, p); });
        }
    }
    next_arrival_.assign(day_.queues.size(), static_cast<double>(day_.start));
    rung_.assign(day_.queues.size(), 0);
    for (size_t q = 0; q < day_.queues.size(); ++q) {
        arrival_rng_.emplace_back(Mix(day_.seed, q + 1));
        ScheduleArrival(q);
    }
    loop_.At(day_.start + day_.length, [this] { TallyDay(); });
    return {};
}

// The next arrival of a Poisson process whose rate is constant within each
// hour: an exponential gap at this hour's rate, drawn again from the next
// hour's start when it would cross it (the process has no memory).
void Simulation::ScheduleArrival(size_t q) {
    const InboundQueue& iq = day_.queues[q];
    if (iq.calls_per_hour.empty()) return;
    const auto end = static_cast<double>(day_.start + day_.length);
    double t = next_arrival_[q];
    while (t < end) {
        const auto hour = static_cast<size_t>((t - static_cast<double>(day_.start)) / kHourMs);
        const double rate = iq.calls_per_hour[std::min(hour, iq.calls_per_hour.size() - 1)];
        const double boundary = std::min(
            end, static_cast<double>(day_.start) + static_cast<double>(hour + 1) * kHourMs);
        if (rate <= 0) {
            t = boundary;
            continue;
        }
        const double gap = -std::log(1.0 - arrival_rng_[q].Uniform()) * kHourMs / rate;
        if (t + gap < boundary) {
            next_arrival_[q] = t + gap;
            loop_.At(static_cast<Millis>(std::llround(t + gap)), [this, q] { Arrive(q); });
            return;
        }
        t = boundary;
    }
    next_arrival_[q] = end;
}

void Simulation::Arrive(size_t q) {
    const InboundQueue& iq = day_.queues[q];
    Rng rng(Mix(day_.seed, q + 1, static_cast<uint64_t>(++rung_[q])));
    Caller c;
    c.vip = iq.vip_share > 0 && rng.Uniform() < iq.vip_share;
    const size_t to = c.vip ? vip_queue_[q] : q;
    // The caller behaves as the callers of the queue they join: a VIP as
    // the VIP queue's.
    const InboundQueue& joins = day_.queues[to];
    const Millis patience = joins.patience ? Ms(joins.patience->Draw(rng)) : -1;
    c.talk_ms = static_cast<int32_t>(std::min<Millis>(Ms(joins.talk.Draw(rng)), INT32_MAX));
    c.wrap_ms = static_cast<int32_t>(std::min<Millis>(Ms(joins.wrap_up.Draw(rng)), INT32_MAX));
    c.queue = static_cast<uint16_t>(to);
    c.joined = loop_.Now();
    c.fate = Fate::kWaiting;
    callers_.push_back(c);
    const CallId call = callers_.size();
    ++waiting_;
    Entry entry;
    entry.call = call;
    entry.priority = c.vip ? iq.vip_priority : 0;
    if (c.vip) entry.reason = "VIP";
    auto joined = acd_->Join(day_.queues[to].spec.name, std::move(entry));
    if (!joined || *joined == JoinOutcome::kRefusedEmpty) {
        // Refused by the join rule: never in the queue. (Join fails only for
        // a queue that does not exist, which Setup ruled out.)
        if (callers_[call - 1].fate == Fate::kWaiting) --waiting_;
        callers_[call - 1].fate = Fate::kRefused;
    } else if (patience >= 0) {
        loop_.At(loop_.Now() + patience, [this, call] {
            Caller& waiting = callers_[call - 1];
            if (waiting.fate != Fate::kWaiting || !acd_->Waiting(call)) return;
            acd_->Hangup(call);
            waiting.fate = Fate::kAbandoned;
            waiting.wait_ms =
                static_cast<int32_t>(std::min<Millis>(loop_.Now() - waiting.joined, INT32_MAX));
            --waiting_;
        });
    }
    ScheduleArrival(q);
}

void Simulation::Offered(const Entry& entry, const agents::Offer& offer) {
    ++offers_;
    const agents::AgentInfo* info = workforce_.Find(offer.agent);
    const size_t agent = IndexOf(*info);
    // An offer the workforce does not hold open for this agent went round
    // the door.
    if (agents_[agent].open_offer != offer.id) ++invariants_.double_offers;
    if (day_.no_answer > 0 && offers_rng_.Uniform() < day_.no_answer) return;  // rings out
    const Millis ring = Ms(day_.ring_delay.Draw(offers_rng_));
    loop_.At(loop_.Now() + ring,
             [this, id = offer.id, call = entry.call, agent] { Answer(id, call, agent); });
}

void Simulation::Answer(uint64_t offer, CallId call, size_t agent) {
    if (!acd_->Accept(offer)) return;  // the caller left, or another agent took the call
    Caller& c = callers_[call - 1];
    if (c.fate != Fate::kWaiting) {
        ++invariants_.double_connects;
    } else {
        c.fate = Fate::kAnswered;
        --waiting_;
        c.wait_ms = static_cast<int32_t>(std::min<Millis>(loop_.Now() - c.joined, INT32_MAX));
    }
    ++busy_;
    loop_.At(loop_.Now() + c.talk_ms, [this, agent, call] {
        if (!workforce_.EndCall(workforce_.All()[agent].spec.id, loop_.Now()))
            ++invariants_.agent_refusals;
        const Millis wrap = callers_[call - 1].wrap_ms;
        loop_.At(loop_.Now() + wrap, [this, agent, call] { EndWrapUp(agent, call); });
    });
}

void Simulation::EndWrapUp(size_t agent, CallId call) {
    AgentSim& s = agents_[agent];
    const Caller& c = callers_[call - 1];
    const std::string& id = workforce_.All()[agent].spec.id;
    ++s.calls;
    s.handle_ms += Millis{c.talk_ms} + c.wrap_ms;
    --busy_;
    acd_->HandleTime(day_.queues[c.queue].spec.name, Millis{c.talk_ms} + c.wrap_ms);
    if (s.pause_pending) {
        TryPause(agent, true);  // from wrap-up straight into the pause
        if (!s.pause_pending) return;
    }
    if (!workforce_.EndWrapUp(id, loop_.Now())) ++invariants_.agent_refusals;
}

void Simulation::StartPauses(size_t team, const InboundPause& pause) {
    // Each pause of a team takes the agents after those the one before took
    // (lunch in waves takes everyone once), skipping anyone pausing now.
    const std::vector<size_t>& members = team_agents_[team];
    int left = pause.count;
    for (size_t seen = 0; seen < members.size() && left > 0; ++seen) {
        const size_t agent = members[pause_cursor_[team]];
        pause_cursor_[team] = (pause_cursor_[team] + 1) % members.size();
        AgentSim& s = agents_[agent];
        if (s.pausing) continue;
        s.pausing = true;
        s.pause_pending = true;
        s.pause_reason = pause.reason;
        s.pause_length = pause.length;
        --left;
        TryPause(agent);
    }
}

void Simulation::TryPause(size_t agent, bool wrap_over) {
    AgentSim& s = agents_[agent];
    if (!s.pause_pending) return;
    const agents::AgentInfo& info = workforce_.All()[agent];
    const State need = wrap_over ? State::kWrapUp : State::kReady;
    if (info.now.state != need) return;  // busy: after the call's wrap-up
    if (!workforce_.Pause(info.spec.id, s.pause_reason, loop_.Now())) {
        ++invariants_.agent_refusals;
        return;
    }
    s.pause_pending = false;
    loop_.At(loop_.Now() + s.pause_length, [this, agent] {
        AgentSim& back = agents_[agent];
        if (!workforce_.SetReady(workforce_.All()[agent].spec.id, loop_.Now()))
            ++invariants_.agent_refusals;
        back.pausing = false;
    });
}

// Each agent's time over the day, the state they are in counted up to its end.
void Simulation::TallyDay() {
    tallied_ = true;
    const Millis now = loop_.Now();
    for (size_t i = 0; i < agents_.size(); ++i) {
        const agents::AgentInfo& a = workforce_.All()[i];
        AgentSim& s = agents_[i];
        Millis paused = 0;
        for (const auto& [reason, ms] : a.paused_ms)
            paused += ms;
        s.ready_ms = a.ready_ms;
        s.busy_ms = a.talk_ms + a.wrap_ms;
        s.paused_ms = paused;
        const Millis open = std::max<Millis>(0, now - a.now.since);
        switch (a.now.state) {
            case State::kReady:
            case State::kOffered:
                s.ready_ms += open;
                break;
            case State::kOnCall:
            case State::kWrapUp:
                s.busy_ms += open;
                break;
            case State::kPaused:
                s.paused_ms += open;
                break;
            case State::kOffline:
                break;
        }
    }
}

InboundResult Simulation::Run() {
    const auto wall_start = std::chrono::steady_clock::now();
    const Millis end = day_.start + day_.length;
    loop_.RunUntil(end);
    if (!tallied_) TallyDay();
    // The drain: no one arrives; those in a queue are served or give up.
    while ((waiting_ > 0 || busy_ > 0) && loop_.Now() < end + day_.drain) {
        loop_.RunUntil(std::min(end + day_.drain, loop_.Now() + 1000));
    }

    InboundResult r;
    r.simulated = loop_.Now() - day_.start;
    r.timers = loop_.TimersRun();
    r.offers = offers_;
    r.calls = static_cast<int64_t>(callers_.size());
    const size_t nq = day_.queues.size();
    std::vector<std::vector<Millis>> waits(nq), vip_waits(nq);
    std::vector<Millis> all_vip;
    std::vector<int64_t> joined(nq), answered(nq), abandoned(nq), exited(nq), still(nq);
    r.queues.resize(nq);
    for (CallId call = 1; call <= callers_.size(); ++call) {
        const Caller& c = callers_[call - 1];
        if (c.fate == Fate::kRefused) {
            ++r.refused;
            continue;
        }
        InboundQueueResult& q = r.queues[c.queue];
        ++joined[c.queue];
        ++q.waits.callers;
        if (c.vip) {
            ++q.vip.callers;
            ++r.vip.callers;
        }
        switch (c.fate) {
            case Fate::kAnswered: {
                const Millis wait = c.wait_ms;
                ++answered[c.queue];
                waits[c.queue].push_back(wait);
                if (wait > 0) ++q.waits.waited;
                if (wait <= day_.vip_target) ++q.waits.within_target;
                if (c.vip) {
                    vip_waits[c.queue].push_back(wait);
                    all_vip.push_back(wait);
                    if (wait > 0) {
                        ++q.vip.waited;
                        ++r.vip.waited;
                    }
                    if (wait <= day_.vip_target) {
                        ++q.vip.within_target;
                        ++r.vip.within_target;
                    }
                }
                break;
            }
            case Fate::kAbandoned:
                ++abandoned[c.queue];
                if (c.wait_ms < day_.vip_target) {
                    ++q.waits.hung_up_early;
                    if (c.vip) {
                        ++q.vip.hung_up_early;
                        ++r.vip.hung_up_early;
                    }
                }
                break;
            case Fate::kExited:
                ++exited[c.queue];
                break;
            case Fate::kWaiting:
                if (acd_->Waiting(call)) {
                    ++still[c.queue];
                } else {
                    ++invariants_.lost_entries;  // gone from the queue without a word
                }
                break;
            case Fate::kRefused:
                break;
        }
    }
    for (size_t q = 0; q < nq; ++q) {
        InboundQueueResult& out = r.queues[q];
        out.name = day_.queues[q].spec.name;
        out.stats = *acd_->Stats(out.name);
        out.still_waiting = still[q];
        Fill(out.waits, waits[q]);
        Fill(out.vip, vip_waits[q]);
        int64_t exits = 0;
        for (const auto& [reason, n] : out.stats.exits)
            exits += n;
        const QueueStats& s = out.stats;
        invariants_.counts_disagree +=
            std::abs(s.offered - joined[q]) + std::abs(s.answered - answered[q]) +
            std::abs(s.abandoned - abandoned[q]) + std::abs(exits - exited[q]) +
            std::abs(static_cast<int64_t>(acd_->WaitingIn(out.name)) - still[q]);
        r.joined += joined[q];
        r.answered += answered[q];
        r.abandoned += abandoned[q];
        r.exits += exited[q];
        r.still_waiting += still[q];
        r.offers_missed += s.offers_missed;
    }
    Fill(r.vip, all_vip);

    r.teams.resize(day_.teams.size());
    std::vector<Millis> team_busy(day_.teams.size()), team_ready(day_.teams.size());
    std::vector<Millis> team_handle(day_.teams.size());
    for (size_t i = 0; i < agents_.size(); ++i) {
        const AgentSim& s = agents_[i];
        const agents::AgentInfo& a = workforce_.All()[i];
        InboundAgentResult out;
        out.id = a.spec.id;
        out.team = a.spec.team;
        out.calls = s.calls;
        out.aht_seconds =
            s.calls > 0 ? static_cast<double>(s.handle_ms) / 1000.0 / static_cast<double>(s.calls)
                        : 0;
        const Millis worked = s.ready_ms + s.busy_ms;
        out.occupancy =
            worked > 0 ? static_cast<double>(s.busy_ms) / static_cast<double>(worked) : 0;
        out.missed = a.missed;
        out.paused_ms = s.paused_ms;
        r.agents.push_back(std::move(out));
        InboundTeamResult& t = r.teams[s.team];
        ++t.agents;
        t.calls += s.calls;
        team_handle[s.team] += s.handle_ms;
        team_busy[s.team] += s.busy_ms;
        team_ready[s.team] += s.ready_ms;
    }
    for (size_t t = 0; t < day_.teams.size(); ++t) {
        InboundTeamResult& out = r.teams[t];
        out.name = day_.teams[t].name;
        out.aht_seconds = out.calls > 0 ? static_cast<double>(team_handle[t]) / 1000.0 /
                                              static_cast<double>(out.calls)
                                        : 0;
        const Millis worked = team_busy[t] + team_ready[t];
        out.occupancy =
            worked > 0 ? static_cast<double>(team_busy[t]) / static_cast<double>(worked) : 0;
    }
    r.invariants = invariants_;
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return r;
}

}  // namespace

Result<InboundResult> SimulateInbound(const InboundDay& day) {
    const auto wall_start = std::chrono::steady_clock::now();
    Simulation sim(day);
    if (auto ready = sim.Setup(); !ready) return std::unexpected(ready.error());
    InboundResult r = sim.Run();
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return r;
}

}  // namespace callbase::routing
