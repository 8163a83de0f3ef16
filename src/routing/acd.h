// The automatic call distributor: inbound queues of waiting callers and the
// offers of those callers to agents of the shared workforce (docs/routing.md,
// "Queues"). The peer of Asterisk's app_queue and FreeSWITCH's
// mod_callcenter:
//
// - a caller's place is their rank, the virtual time they joined: joined −
//   priority × priority_step, so a VIP goes ahead of those who joined less
//   than their head start before them and never starves the others;
// - eligible agents take inbound calls, are members of the queue (its member
//   list, or everyone with its skill), and have a skill level the caller's
//   wait allows (levels widen as the caller waits: after 20 s take level 2
//   too); among them the best level only, then the queue's strategy;
// - an agent who does not answer an offer in offer_timeout is skipped for
//   that caller and the next one is tried; ring-all offers to every eligible
//   agent and the first to accept takes the call;
// - max_wait sends the caller to the queue's exit route (voicemail, a
//   callback, another queue, a message — the router's business), as do the
//   join and leave rules when no agent of the queue is logged in;
// - a caller who chose a callback keeps their place; the offer says so, and
//   the router places the call when an agent accepts it;
// - a newly ready agent serves the earliest-ranked eligible caller of all
//   their queues.
//
// Service level is counted as Asterisk counts it (answered within the
// threshold / answered, and (answered + abandoned within) / (answered +
// abandoned)), with short abandons apart.
//
// Everything happens on the loop's thread; offers go through
// agents::Workforce::TryOffer, the one door to an agent.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "agents/workforce.h"
#include "core/error.h"
#include "routing/queue_store.h"
#include "routing/strategy.h"
#include "telephony/telephony.h"

namespace callbase::routing {

using telephony::CallId;
using telephony::Millis;

struct QueueSpec {
    std::string name;
    Strategy strategy = Strategy::kLongestIdle;
    std::string skill;                 // agents with this skill; empty: every inbound agent
    std::vector<std::string> members;  // when given, only these, in this order
    int first_level = 1;               // skill levels eligible from the start
    // After waiting `first`, levels up to `second` are eligible too.
    std::vector<std::pair<Millis, int>> widen;
    Millis max_wait = 0;  // 0: no limit
    Millis offer_timeout = 15'000;
    Millis priority_step =
        60'000;  // a caller of priority p ranks as if they had waited p × this more
    Millis sl_threshold = 20'000;  // service level: answered within
    Millis short_abandon = 5'000;  // abandons shorter than this are counted apart
    bool join_when_empty = false;  // join when no agent of the queue is logged in
    bool leave_when_empty = true;  // leave when the last agent of the queue logs out
    std::string exit_route;        // where exits go (the router reads it)
    // A caller already answered (by a menu) hears their place and the wait
    // expected on joining and every this often (serve); 0: never.
    Millis announce_every = 0;
    // The announcements end with «… нажмите 1» and a caller who presses 1 is
    // called back when their turn comes, keeping their place (serve;
    // docs/routing.md, "A callback instead of waiting"). Needs announce_every.
    bool callback = false;
    // What the queue's callers hear its announcements in: "ru" or "en"
    // (serve reads the text in the matching voice).
    std::string language = "ru";
};

struct QueueStats {
    int64_t offered = 0;  // callers who joined
    int64_t answered = 0;
    int64_t abandoned = 0;        // hung up while waiting (short ones included)
    int64_t short_abandoned = 0;  // ... within short_abandon
    int64_t answered_within = 0;  // answered within sl_threshold
    int64_t abandoned_within = 0;
    int64_t refused = 0;                   // not let in by the join rule
    std::map<std::string, int64_t> exits;  // by reason: max_wait, empty
    int64_t callbacks = 0;                 // callers who chose a callback
    int64_t offers_missed = 0;             // offers not answered in time or declined
    Millis answered_wait_ms = 0;
    Millis longest_wait_ms = 0;

    // Answered within the threshold / answered (Asterisk's servicelevelperf).
    double ServiceLevel() const;
    // (Answered + abandoned within the threshold) / (answered + abandoned)
    // (Asterisk's servicelevelperf2).
    double ServiceLevelWithAbandons() const;
    double AverageSpeedOfAnswerSeconds() const;
};

// Who a queue's caller may be offered to, the one rule for the ACD and for
// serve's dialers. A member's place in the queue's member list, by login.
using MemberPositions = std::unordered_map<std::string, int>;
MemberPositions MemberPositionsOf(const QueueSpec& queue);
// The highest skill level a caller who has waited `waited` may be offered
// to: first_level, widened by the steps already reached.
int MaxLevel(const QueueSpec& queue, Millis waited);
// The agent's level for a caller who has waited `waited` (1 when the queue
// has no skill); none when the agent is not one of the queue's members or
// lacks its skill at a level reached. Whether the agent takes incoming calls
// at all is the caller's to check.
std::optional<int> QueueLevel(const QueueSpec& queue, const MemberPositions& members,
                              const agents::AgentSpec& agent, Millis waited);

enum class JoinOutcome { kJoined, kRefusedEmpty };

class Acd {
public:
    struct Hooks {
        // Ring the agent for the caller (the card goes to their desk); answer
        // with Accept or Decline.
        std::function<void(const QueueSpec&, const Entry&, const agents::Offer&)> offer;
        // Stop ringing: another agent took a ring-all call, or the caller left.
        std::function<void(const agents::Offer&)> cancel;
        // The caller leaves by the queue's exit route (max_wait, empty).
        std::function<void(const QueueSpec&, const Entry&, std::string_view reason)> exit;
    };

    // The callers in line are kept in `store` (queue_store.h), one line per
    // queue.
    Acd(telephony::Loop& loop, agents::Workforce& workforce, Hooks hooks,
        std::unique_ptr<QueueStore> store = std::make_unique<MemoryQueueStore>());
    Acd(const Acd&) = delete;
    Acd& operator=(const Acd&) = delete;

    Result<void> AddQueue(QueueSpec spec);
    const QueueSpec* Queue(std::string_view name) const;

    Result<JoinOutcome> Join(const std::string& queue, Entry entry);
    // The caller hung up while waiting or ringing an agent.
    void Hangup(CallId call);
    // The caller chose a callback: keeps their place, off the line.
    void ChooseCallback(CallId call);
    // The agent answered the offer: the caller leaves the queue for them.
    Result<void> Accept(uint64_t offer);
    // Declined or not answered: the next agent is tried.
    void Decline(uint64_t offer, bool missed = true);
    // Agents may have become free or left: offer waiting callers, apply the
    // leave rule. Called by the workforce listener; safe to call any time.
    void Dispatch();

    bool Waiting(CallId call) const { return waiting_.contains(call); }
    // 1 = next; nullopt when not waiting.
    std::optional<int> Position(CallId call) const;
    // The wait still expected, never growing between two announcements
    // unless someone of higher priority has gone ahead meanwhile.
    std::optional<Millis> EstimatedWait(CallId call);
    // A call's talk + wrap-up, for the estimate (a moving average per queue).
    void HandleTime(const std::string& queue, Millis ms);

    const QueueStats* Stats(std::string_view queue) const;
    size_t WaitingIn(std::string_view queue) const;
    std::vector<std::string> Queues() const;
    // Agents of the queue: logged in, and ready now.
    std::pair<int, int> AgentsOf(const QueueSpec& queue) const;

private:
    // What this node keeps of a caller in line beyond their place.
    struct Waiter {
        std::vector<uint64_t> offers;
        std::set<std::string> tried;
        Millis estimate = -1;  // the last estimate given, -1 when none
        int higher_since = 0;  // callers of higher priority who went ahead since
    };
    struct QueueState {
        QueueSpec spec;
        MemberPositions member_pos;
        QueueStats stats;
        StrategyMemory memory;
        double handle_ms = 180'000;  // moving average
        int logged_in = -1;          // agents of the queue logged in; -1: to count
    };

    std::optional<int> Eligible(const QueueState& q, const agents::AgentInfo& a,
                                Millis waited) const;
    // Agents of the queue logged in, counted again only after a login or a
    // logout (the join and leave rules ask on every call).
    int LoggedIn(QueueState& q);
    void Leave(CallId call, bool cancel_offers);
    void Exit(CallId call, std::string_view reason);
    void ScheduleDispatch();
    void Offered(CallId call, const agents::Offer& offer);
    // An offer that ends (answered, declined, withdrawn): no longer open.
    std::optional<agents::Offer> Forget(uint64_t offer);
    const Place& PlaceOf(CallId call) const { return *store_->Find(call); }

    telephony::Loop& loop_;
    agents::Workforce& workforce_;
    Hooks hooks_;
    std::map<std::string, QueueState, std::less<>> queues_;
    std::unique_ptr<QueueStore> store_;                      // every waiting caller's place
    std::unordered_map<CallId, Waiter> waiting_;             // ... and what this node keeps of them
    std::unordered_map<uint64_t, agents::Offer> open_;       // the offers ringing, by id
    std::unordered_map<std::string, uint64_t> agent_offer_;  // ... and by agent
    bool dispatch_scheduled_ = false;
    bool logins_changed_ = true;
    bool dispatching_ = false;
};

}  // namespace callbase::routing
