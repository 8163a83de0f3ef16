#include "agents/workforce.h"

#include <algorithm>

namespace callbase::agents {
namespace {

Error NoSuchAgent(const std::string& agent) {
    return Coded(ErrorCode::kNotFound,
                 Msg{"agents.not_found", "no agent '{agent}'",
                     "add the operator to the workforce first (callbase agents add)"},
                 {{"agent", agent}});
}

// The agent is busy with a call: what was asked waits for its end.
std::unexpected<Error> Busy(const std::string& agent, State state) {
    return Fail(ErrorCode::kConflict,
                Msg{"agents.busy", "agent '{agent}' is {agent_state}",
                    "do it after the call and its wrap-up"},
                {{"agent", agent}, {"agent_state", std::string(StateId(state))}});
}

std::unexpected<Error> NotReady(const std::string& agent, State state) {
    return Fail(ErrorCode::kConflict,
                Msg{"agents.not_ready", "agent '{agent}' is {agent_state}, not ready",
                    "offer the call to a ready agent"},
                {{"agent", agent}, {"agent_state", std::string(StateId(state))}});
}

std::unexpected<Error> NoCall(const std::string& agent, State state) {
    return Fail(ErrorCode::kConflict,
                Msg{"agents.no_call", "agent '{agent}' has no call to end ({agent_state})",
                    "a call ends once, when it is over"},
                {{"agent", agent}, {"agent_state", std::string(StateId(state))}});
}

std::unexpected<Error> Changed(const std::string& agent, State state) {
    return Fail(ErrorCode::kConflict,
                Msg{"agents.changed", "agent '{agent}' changed meanwhile and is {agent_state}",
                    "look at the agent's state and try again"},
                {{"agent", agent}, {"agent_state", std::string(StateId(state))}});
}

}  // namespace

std::string_view StateId(State state) {
    switch (state) {
        case State::kOffline:
            return "offline";
        case State::kReady:
            return "ready";
        case State::kOffered:
            return "offered";
        case State::kOnCall:
            return "on_call";
        case State::kWrapUp:
            return "wrap_up";
        case State::kPaused:
            return "paused";
    }
    return "?";
}

std::string_view BlendId(Blend blend) {
    switch (blend) {
        case Blend::kBlended:
            return "blended";
        case Blend::kInbound:
            return "inbound";
        case Blend::kOutbound:
            return "outbound";
    }
    return "?";
}

std::optional<Blend> ParseBlend(std::string_view text) {
    for (Blend b : {Blend::kBlended, Blend::kInbound, Blend::kOutbound}) {
        if (BlendId(b) == text) return b;
    }
    return std::nullopt;
}

std::optional<AgentState> MemoryAgentStateStore::Load(const std::string& agent) const {
    auto it = states_.find(agent);
    if (it == states_.end()) return std::nullopt;
    return it->second;
}

bool MemoryAgentStateStore::Swap(const std::string& agent, uint64_t expected, AgentState next) {
    AgentState& slot = states_[agent];
    if (slot.version != expected) return false;
    next.version = expected + 1;
    slot = next;
    return true;
}

int AgentInfo::SkillLevel(std::string_view skill) const {
    for (const Skill& s : spec.skills) {
        if (s.name == skill) return s.level;
    }
    return 0;
}

bool AgentInfo::Takes(Work work) const {
    return spec.blend == Blend::kBlended ||
           (spec.blend == Blend::kInbound) == (work == Work::kInbound);
}

Workforce::Workforce(Options options, std::unique_ptr<AgentStateStore> store)
    : options_(options), store_(std::move(store)) {}

Result<void> Workforce::Add(AgentSpec spec) {
    if (spec.id.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"agents.no_id", "an agent needs an id", "give the operator's login"});
    }
    if (index_.contains(spec.id)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agents.exists", "agent '{agent}' is already in the workforce",
                        "change it with update instead"},
                    {{"agent", spec.id}});
    }
    for (const Skill& s : spec.skills) {
        if (s.level < 1 || s.level > 9) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"agents.bad_level", "skill '{skill}' of agent '{agent}': level {level}",
                    "a level is 1 (the best) to 9"},
                {{"skill", s.name}, {"agent", spec.id}, {"level", std::to_string(s.level)}});
        }
    }
    AgentInfo info;
    info.spec = std::move(spec);
    if (!store_->Load(info.spec.id)) (void)store_->Swap(info.spec.id, 0, AgentState{});
    if (auto stored = store_->Load(info.spec.id)) info.now = *stored;
    index_[info.spec.id] = agents_.size();
    agents_.push_back(std::move(info));
    return {};
}

Result<void> Workforce::Update(const AgentSpec& spec) {
    AgentInfo* a = Get(spec.id);
    if (a == nullptr) return std::unexpected(NoSuchAgent(spec.id));
    a->spec = spec;
    return {};
}

AgentInfo* Workforce::Get(const std::string& agent) {
    auto it = index_.find(agent);
    return it == index_.end() ? nullptr : &agents_[it->second];
}

const AgentInfo* Workforce::Find(const std::string& agent) const {
    auto it = index_.find(agent);
    return it == index_.end() ? nullptr : &agents_[it->second];
}

Result<AgentInfo*> Workforce::Known(const std::string& agent) {
    AgentInfo* a = Get(agent);
    if (a == nullptr) return std::unexpected(NoSuchAgent(agent));
    return a;
}

void Workforce::Count(AgentInfo& a, Millis now) {
    const Millis spent = std::max<Millis>(0, now - a.now.since);
    switch (a.now.state) {
        case State::kReady:
        case State::kOffered:
            a.ready_ms += spent;
            break;
        case State::kOnCall:
            a.talk_ms += spent;
            break;
        case State::kWrapUp:
            a.wrap_ms += spent;
            break;
        case State::kPaused:
            a.paused_ms[a.pause_reason] += spent;
            break;
        case State::kOffline:
            break;
    }
}

Result<void> Workforce::Move(AgentInfo& a, State from, State to, Millis now, uint64_t offer) {
    // Read what the store holds now: another node may have moved the agent.
    std::optional<AgentState> stored = store_->Load(a.spec.id);
    if (!stored) return std::unexpected(NoSuchAgent(a.spec.id));
    if (stored->state != from) {
        a.now = *stored;
        return Changed(a.spec.id, stored->state);
    }
    const AgentState next{to, stored->version + 1, offer, now};
    if (!store_->Swap(a.spec.id, stored->version, next)) {
        a.now = store_->Load(a.spec.id).value_or(a.now);
        return Changed(a.spec.id, a.now.state);
    }
    Count(a, now);
    a.now = next;  // what Swap stored
    for (const auto& listener : listeners_)
        listener(a, from);
    return {};
}

Result<void> Workforce::Login(const std::string& agent, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    const State state = (*a)->now.state;
    if (state != State::kReady && state != State::kOffline && state != State::kPaused) {
        return Busy(agent, state);  // refused: nothing changes
    }
    (*a)->last_seen = now;
    (*a)->calls = 0;
    (*a)->idle_since = now;
    if (state == State::kReady) return {};
    auto moved = Move(**a, state, State::kReady, now);
    if (moved) (*a)->pause_reason.clear();  // after Move counted the pause under it
    return moved;
}

Result<void> Workforce::SetReady(const std::string& agent, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    AgentInfo& info = **a;
    if (info.now.state == State::kReady) return {};
    if (info.now.state != State::kPaused && info.now.state != State::kOffline) {
        return Busy(agent, info.now.state);
    }
    info.last_seen = std::max(info.last_seen, now);
    const State from = info.now.state;
    auto moved = Move(info, from, State::kReady, now);
    if (moved) {
        info.pause_reason.clear();
        info.idle_since = now;
    }
    return moved;
}

Result<void> Workforce::Pause(const std::string& agent, std::string reason, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    AgentInfo& info = **a;
    if (reason.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"agents.no_pause_reason", "a pause needs a reason",
                        "choose one of the reasons the supervisor set (lunch, training…)"});
    }
    if (info.now.state == State::kPaused) {
        Count(info, now);
        info.now.since = now;
        info.pause_reason = std::move(reason);
        return {};
    }
    // From offline: logged in on a pause (an operator who joins a campaign
    // is paused until they say they are ready).
    if (info.now.state != State::kReady && info.now.state != State::kWrapUp &&
        info.now.state != State::kOffline) {
        return Busy(agent, info.now.state);
    }
    if (info.now.state == State::kOffline) info.last_seen = std::max(info.last_seen, now);
    auto moved = Move(info, info.now.state, State::kPaused, now);
    if (moved) info.pause_reason = std::move(reason);
    return moved;
}

Result<void> Workforce::Logout(const std::string& agent, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    AgentInfo& info = **a;
    if (info.now.state == State::kOffline) return {};
    if (info.now.state == State::kOffered || info.now.state == State::kOnCall) {
        return Busy(agent, info.now.state);
    }
    return Move(info, info.now.state, State::kOffline, now);
}

bool Workforce::Available(const AgentInfo& a, Work work, Millis now) const {
    if (a.now.state != State::kReady || a.now.offer != 0 || !a.Takes(work)) return false;
    return !options_.heartbeat_required || now - a.last_seen <= options_.presence_timeout;
}

std::vector<const AgentInfo*> Workforce::Available(Work work, Millis now) const {
    std::vector<const AgentInfo*> out;
    for (const AgentInfo& a : agents_) {
        if (Available(a, work, now)) out.push_back(&a);
    }
    return out;
}

int Workforce::CountIn(State state) const {
    return static_cast<int>(
        std::count_if(agents_.begin(), agents_.end(),
                      [state](const AgentInfo& a) { return a.now.state == state; }));
}

Result<Offer> Workforce::TryOffer(const std::string& agent, Work work, uint64_t call, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    AgentInfo& info = **a;
    if (!info.Takes(work)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agents.wrong_work", "agent '{agent}' takes {blend} calls only",
                        "offer the call to another agent"},
                    {{"agent", agent}, {"blend", std::string(BlendId(info.spec.blend))}});
    }
    if (info.now.state != State::kReady || info.now.offer != 0) {
        return NotReady(agent, info.now.state);
    }
    if (options_.heartbeat_required && now - info.last_seen > options_.presence_timeout) {
        return Fail(
            ErrorCode::kConflict,
            Msg{"agents.desk_gone", "agent '{agent}': the desk has not answered for {seconds} s",
                "the call goes to an agent whose desk is open"},
            {{"agent", agent}, {"seconds", std::to_string((now - info.last_seen) / 1000)}});
    }
    const uint64_t id = next_offer_++;
    if (auto moved = Move(info, State::kReady, State::kOffered, now, id); !moved) {
        return std::unexpected(moved.error());
    }
    Offer offer{id, agent, work, call, now};
    offers_[id] = offer;
    open_[agent] = offer;
    return offer;
}

std::optional<Offer> Workforce::FindOffer(uint64_t offer) const {
    auto it = offers_.find(offer);
    if (it == offers_.end()) return std::nullopt;
    return it->second;
}

const std::optional<Offer>& Workforce::OfferOf(const std::string& agent) const {
    static const std::optional<Offer> kNone;
    auto it = open_.find(agent);
    return it == open_.end() ? kNone : it->second;
}

Result<void> Workforce::Accept(uint64_t offer, Millis now) {
    auto it = offers_.find(offer);
    if (it == offers_.end()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agents.offer_gone", "the call offered is no longer there",
                        "the caller hung up or the offer timed out"});
    }
    const Offer o = it->second;
    AgentInfo* a = Get(o.agent);
    if (a == nullptr) return std::unexpected(NoSuchAgent(o.agent));
    if (auto moved = Move(*a, State::kOffered, State::kOnCall, now); !moved) return moved;
    offers_.erase(it);
    open_.erase(o.agent);
    ++a->calls;
    return {};
}

Result<void> Workforce::Withdraw(uint64_t offer, Millis now, bool missed) {
    auto it = offers_.find(offer);
    if (it == offers_.end()) return {};  // already accepted or withdrawn
    const Offer o = it->second;
    offers_.erase(it);
    open_.erase(o.agent);
    AgentInfo* a = Get(o.agent);
    if (a == nullptr) return std::unexpected(NoSuchAgent(o.agent));
    if (missed) ++a->missed;
    if (a->now.state != State::kOffered) return {};  // the desk went first (CheckPresence)
    return Move(*a, State::kOffered, State::kReady, now);
}

Result<void> Workforce::EndCall(const std::string& agent, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    if ((*a)->now.state != State::kOnCall) {
        return NoCall(agent, (*a)->now.state);
    }
    return Move(**a, State::kOnCall, State::kWrapUp, now);
}

Result<void> Workforce::EndWrapUp(const std::string& agent, Millis now) {
    auto a = Known(agent);
    if (!a) return std::unexpected(a.error());
    if ((*a)->now.state != State::kWrapUp) {
        return NoCall(agent, (*a)->now.state);
    }
    auto moved = Move(**a, State::kWrapUp, State::kReady, now);
    if (moved) (*a)->idle_since = now;
    return moved;
}

void Workforce::Heartbeat(const std::string& agent, Millis now) {
    if (AgentInfo* a = Get(agent)) a->last_seen = std::max(a->last_seen, now);
}

std::vector<Loss> Workforce::CheckPresence(Millis now) {
    std::vector<Loss> lost;
    if (!options_.heartbeat_required) return lost;
    for (AgentInfo& a : agents_) {
        if (a.now.state != State::kReady && a.now.state != State::kOffered) continue;
        if (now - a.last_seen <= options_.presence_timeout) continue;
        Loss loss{a.spec.id, "desk_gone", 0, now};
        if (a.now.state == State::kOffered) {
            loss.offer = a.now.offer;
            offers_.erase(a.now.offer);
            open_.erase(a.spec.id);
        }
        if (Move(a, a.now.state, State::kPaused, now)) {
            a.pause_reason = "desk_gone";
            lost.push_back(loss);
        }
    }
    return lost;
}

}  // namespace callbase::agents
