// The shared workforce (issue 19): every operator's state, skills, team and
// blend, and the one rule of who may be offered what. Outbound dialers and
// inbound queues are its clients; nothing else changes an agent's state.
//
//   offline ──login──► ready ──offer──► offered ──accept──► on call ──► wrap-up ──► ready
//                       ▲  │               │ decline / no answer / desk gone
//                       │  └──pause──► paused (reason)
//                       └──────────────────┘
//
// An agent is offered at most one call at a time, and only while ready, with
// a desk that answers its heartbeat, allowed the kind of work (blended,
// inbound-only or outbound-only). That is enforced in one place: every change
// of state goes through AgentStateStore::Swap, a compare-and-set on the
// agent's version, so that a later step can keep the states in PostgreSQL
// for several nodes (docs/architecture.md, "Agents and routing").
//
// Not synchronized: one per server, on the thread that owns the calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace callbase::agents {

using Millis = int64_t;  // milliseconds since 1970-01-01 UTC (simulated or real)

enum class State { kOffline, kReady, kOffered, kOnCall, kWrapUp, kPaused };
std::string_view StateId(State state);

// Which calls an agent takes.
enum class Blend { kBlended, kInbound, kOutbound };
std::string_view BlendId(Blend blend);
std::optional<Blend> ParseBlend(std::string_view text);

enum class Work { kInbound, kOutbound };

struct Skill {
    std::string name;
    int level = 1;  // 1 is the best; a queue may widen to higher levels as a caller waits
    bool operator==(const Skill&) const = default;
};

struct AgentSpec {
    std::string id;
    std::string team;
    Blend blend = Blend::kBlended;
    std::vector<Skill> skills;
    bool operator==(const AgentSpec&) const = default;
};

// What an agent's state is stored as; `version` grows with every change.
struct AgentState {
    State state = State::kOffline;
    uint64_t version = 0;
    uint64_t offer = 0;  // the open offer, 0 when none
    Millis since = 0;    // in this state since
};

// Where agent states live. Swap is the only way to change one: it succeeds
// only if the stored version is still `expected`, so two offers racing for
// one agent (two threads, or two nodes over PostgreSQL) cannot both win.
class AgentStateStore {
public:
    virtual ~AgentStateStore() = default;
    virtual std::optional<AgentState> Load(const std::string& agent) const = 0;
    // Stores `next` with version expected + 1 if the version is `expected`.
    virtual bool Swap(const std::string& agent, uint64_t expected, AgentState next) = 0;
};

// The single-node store: a map in memory.
class MemoryAgentStateStore final : public AgentStateStore {
public:
    std::optional<AgentState> Load(const std::string& agent) const override;
    bool Swap(const std::string& agent, uint64_t expected, AgentState next) override;

private:
    std::unordered_map<std::string, AgentState> states_;
};

// What strategies and reports read of an agent.
struct AgentInfo {
    AgentSpec spec;
    AgentState now;
    Millis idle_since = 0;  // ready since the end of the last call's wrap-up (or login)
    Millis last_seen = 0;   // the desk's last heartbeat
    std::string pause_reason;
    int64_t calls = 0;  // accepted offers since login
    Millis talk_ms = 0;
    Millis wrap_ms = 0;
    Millis ready_ms = 0;
    std::map<std::string, Millis> paused_ms;  // by reason
    int64_t missed = 0;                       // offers declined or not answered

    int SkillLevel(std::string_view skill) const;  // 0 when the agent lacks it
    bool Takes(Work work) const;
};

struct Offer {
    uint64_t id = 0;
    std::string agent;
    Work work = Work::kInbound;
    uint64_t call = 0;
    Millis at = 0;
};

// Why an agent stopped being ready without asking (a report's and a log's line).
struct Loss {
    std::string agent;
    std::string reason;  // desk_gone
    uint64_t offer = 0;  // the offer it had open, withdrawn
    Millis at = 0;
};

class Workforce {
public:
    struct Options {
        Millis presence_timeout = 10'000;  // no heartbeat this long: the desk is gone
        bool heartbeat_required = true;    // false for simulated and SIP-phone agents
    };

    explicit Workforce(Options options, std::unique_ptr<AgentStateStore> store =
                                            std::make_unique<MemoryAgentStateStore>());

    Result<void> Add(AgentSpec spec);
    Result<void> Update(const AgentSpec& spec);  // skills, team, blend

    // The agent's own moves. Login makes the agent ready and their desk present.
    Result<void> Login(const std::string& agent, Millis now);
    Result<void> SetReady(const std::string& agent, Millis now);
    // A pause with a reason (lunch, training, after-call work…); refused
    // while on a call or offered one: pause after it. From offline it logs
    // the agent in on a pause.
    Result<void> Pause(const std::string& agent, std::string reason, Millis now);
    Result<void> Logout(const std::string& agent, Millis now);

    // The one door to an agent: offers `call` of `work` to a ready, present
    // agent who takes that work and has nothing open. Refused otherwise (a
    // coded error naming why); a refusal changes nothing.
    Result<Offer> TryOffer(const std::string& agent, Work work, uint64_t call, Millis now);
    Result<void> Accept(uint64_t offer, Millis now);
    // Declined, not answered in time, or withdrawn (the caller hung up): the
    // agent is ready again.
    Result<void> Withdraw(uint64_t offer, Millis now, bool missed);
    Result<void> EndCall(const std::string& agent, Millis now);  // on call -> wrap-up
    Result<void> EndWrapUp(const std::string& agent, Millis now);

    // The desk's heartbeat (the agent WebSocket). CheckPresence turns agents
    // not heard from for presence_timeout into paused "desk_gone", withdrawing
    // an open offer, and says who.
    void Heartbeat(const std::string& agent, Millis now);
    std::vector<Loss> CheckPresence(Millis now);

    const AgentInfo* Find(const std::string& agent) const;
    const std::optional<Offer>& OfferOf(const std::string& agent) const;
    std::optional<Offer> FindOffer(uint64_t offer) const;
    // Every agent, in the order added.
    const std::vector<AgentInfo>& All() const { return agents_; }
    int CountIn(State state) const;
    // Ready agents who may be offered `work` now.
    std::vector<const AgentInfo*> Available(Work work, Millis now) const;
    bool Available(const AgentInfo& agent, Work work, Millis now) const;

    // Every change of state, after it happened: the agent and its old state.
    // Each client (queues, dialers, the live board) adds its own.
    void AddListener(std::function<void(const AgentInfo&, State from)> fn) {
        listeners_.push_back(std::move(fn));
    }

    const Options& options() const { return options_; }

private:
    AgentInfo* Get(const std::string& agent);
    Result<AgentInfo*> Known(const std::string& agent);
    // The only place a state changes: through the store's compare-and-set.
    Result<void> Move(AgentInfo& agent, State from, State to, Millis now, uint64_t offer = 0);
    void Count(AgentInfo& agent, Millis now);  // time in the state left

    Options options_;
    std::unique_ptr<AgentStateStore> store_;
    std::vector<AgentInfo> agents_;
    std::unordered_map<std::string, size_t> index_;
    std::unordered_map<uint64_t, Offer> offers_;
    std::unordered_map<std::string, std::optional<Offer>> open_;  // by agent
    uint64_t next_offer_ = 1;
    std::vector<std::function<void(const AgentInfo&, State)>> listeners_;
};

}  // namespace callbase::agents
