// Dialer: one running campaign. It takes leads in order, asks the dial gate
// about each, picks a caller ID, originates through the Telephony port, and
// connects answered calls to operators (or runs the robot), pacing the dials
// as the campaign's mode says (pacing.h). It writes a CallRecord for every
// dial and a Disposition for every call an operator closes.
//
// Operators (agents) are offline, ready, on a call, in wrap-up or paused.
// Each change is the workforce's too (agents::Workforce, shared by serve's
// campaigns): a call, a preview card or a dial for an operator is first an
// offer the workforce grants, so no operator is given two calls at once,
// whichever campaign asks; a dialer chooses among the operators it holds free.
// After a call an agent is in wrap-up for the wrap-up time and until the
// disposition is recorded; simulated agents record one at the end of the
// wrap-up. A callback time in a disposition becomes a task for that agent.
//
// An answered call waits at most abandon_wait (2 s) for an agent; then the
// callee hears the recorded message and the call is abandoned; the number is
// not dialed again for 72 hours. Retries follow the campaign's rules per
// outcome and the gate's own limits; an attempt cap per lead holds in the
// campaign. Answered calls that end within short_call (3 s) are flagged.
//
// Calls come in too (R-IN-2, Offer): the longest-ready agent's screen shows
// the caller's card first, and the call is answered card_lead later and put
// through. With nobody ready the caller keeps ringing, first in line for the
// next free agent, for at most inbound_wait; then the call is refused.
// Inbound calls are the agents' work, not the campaign's dials: they take no
// lead, no caller ID and no attempt, and stay out of the abandon rate.
//
// An agent's phone that does not take a call (kAgentMissed) pauses the agent
// (AgentEvent "missed" first, for the reason); the call, still answered, goes
// first in line to the next free agent — an outbound callee for abandon_wait,
// a caller within what is left of their max wait.
//
// Records survive a restart (issue 17, item 13): a call's record is opened
// when it is dialed (OnCallOpened, before the network is asked, with the
// gate's attempt), follows the answer and the operator (OnCallProgress), and
// is closed when the call ends (OnCall). A dialer that stops with calls in
// progress hangs them up and closes them as "interrupted" (Interrupt); a
// dialer that starts again takes each lead's past calls (Resume): the
// attempts made, and when and whether it may be dialed again.
//
// Sensitive campaigns (issue 17, item 11): a number an operator talked with
// is put through to that operator alone for a day (CampaignGate::
// CheckOperator). Its dial waits until that operator is ready and is
// reserved for them; another operator's preview card for it is refused.
//
// Threads: everything runs on the Loop's thread; the Dialer is not
// synchronized. Callers on other threads go through the loop (SimLoop::Post).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "agents/workforce.h"
#include "campaigns/call_record.h"
#include "campaigns/caller_id_pool.h"
#include "campaigns/campaign_gate.h"
#include "campaigns/lead.h"
#include "campaigns/pacing.h"
#include "core/error.h"
#include "ivr/script.h"
#include "routing/acd.h"
#include "routing/strategy.h"
#include "telephony/telephony.h"

namespace callbase::campaigns {

enum class AgentState { kOffline, kReady, kOnCall, kWrapUp, kPaused };
std::string_view AgentStateId(AgentState state);

struct RetryRule {
    std::string outcome;  // busy, no_answer, rejected, failed, invalid, abandoned
    int64_t delay_seconds = 0;
};

struct RobotScript {
    std::string greeting = "Здравствуйте! Это автоматический звонок, с вами говорит робот.";
    std::string question = "Чтобы подтвердить запись, нажмите 1. Чтобы отменить, нажмите 2.";
    std::string goodbye = "Спасибо, ваш выбор записан. До свидания!";
    std::string abandon = "Извините, все операторы заняты. Мы перезвоним вам позже.";
    Millis answer_timeout = 6'000;
};

struct DialerOptions {
    int64_t campaign_id = 0;
    std::string purpose = "service";
    PacingOptions pacing;
    Millis abandon_wait = 2'000;
    int64_t abandon_no_redial_seconds = 72 * 3600;
    Millis ring_timeout = 25'000;
    std::string trunk;  // the SIP trunk its calls go out through; "" the default
    Millis wrap_up = 10'000;
    Millis short_call = 3'000;
    int max_attempts = 3;  // per lead in this campaign
    std::vector<RetryRule> retries = {
        {"busy", 30 * 60}, {"no_answer", 4 * 3600}, {"rejected", 24 * 3600}, {"failed", 3600}};
    int max_lines = 0;  // trunk lines; 0: no limit
    int center_utc_offset_minutes = 180;
    // The campaign dials between these minutes of the call center's day.
    int schedule_start_minute = 0;
    int schedule_end_minute = 24 * 60;
    Millis tick = 1'000;
    bool simulated_agents = false;
    Millis preview_read = 10'000;  // simulated agents read a preview card this long
    RobotScript robot;
    // Robots: a script (docs/ivr.md) instead of the fixed greeting, question
    // and goodbye above; it must outlive the dialer.
    const ivr::Script* script = nullptr;
    // Inbound: how long the agent sees the card before the call is answered,
    // and how long a caller rings when nobody is free.
    Millis card_lead = 500;
    Millis inbound_wait = 30'000;
    // One operator per number for a day (CampaignGate::CheckOperator).
    bool sensitive = false;
    // Fills a callback's lead from its number — the callee's time zone and
    // region from the numbering plan (serve) — so that the gate's calling
    // hours are the caller's own, not assumed. None: assumed.
    std::function<void(Lead&)> complete_lead;
    // The workforce (agents/workforce.h) that every change of the dialer's
    // operators goes through and whose TryOffer is the one door to an
    // operator: serve's runner shares one among its campaigns, so an
    // operator is never given two calls at once, whichever campaigns ask.
    // None: the dialer keeps one of its own. Must outlive the dialer.
    agents::Workforce* workforce = nullptr;
    // Where the dialer's calls waiting for an operator keep their places
    // (routing/queue_store.h), as the line named `line`: serve's runner keeps
    // every campaign's line in one store, the campaign's id naming it. None:
    // the dialer keeps one of its own. Must outlive the dialer.
    routing::QueueStore* queue_store = nullptr;
    std::string line = "dialer";
};

// What a lead's earlier calls in the campaign leave for a dialer that starts
// again: the call records, folded.
struct PastCalls {
    int attempts = 0;            // dials made, interrupted ones included
    bool reached = false;        // a call was answered (closes the lead)
    std::string last_outcome;    // of the latest call
    Millis last_ended = 0;       // when the latest call ended
    Millis abandoned_ended = 0;  // when the latest abandoned call ended, 0 for none
};

// A queue as the dialers apply it to its callers (docs/routing.md,
// "Queues"): who may take a caller — the queue's members, the agents with its
// skill at a level the caller's wait allows — and its strategy, which picks
// among the ready ones of the best level. One per queue, shared by every
// dialer, so that round robin remembers across campaigns.
struct InboundQueue {
    routing::QueueSpec spec;
    routing::MemberPositions member_pos;
    routing::StrategyMemory memory;

    explicit InboundQueue(routing::QueueSpec queue) { Set(std::move(queue)); }
    void Set(routing::QueueSpec queue) {
        member_pos = routing::MemberPositionsOf(queue);
        spec = std::move(queue);
    }
    // The agent's level for a caller who has waited `waited` (routing::QueueLevel).
    std::optional<int> Level(const agents::AgentSpec& agent, Millis waited) const {
        return routing::QueueLevel(spec, member_pos, agent, waited);
    }
    // The strategy that chooses the one desk a caller's card goes to:
    // ring-all rings the agent idle longest (a card is on one screen at a time).
    routing::Strategy DeskStrategy() const {
        return spec.strategy == routing::Strategy::kRingAll ? routing::Strategy::kLongestIdle
                                                            : spec.strategy;
    }
};

// An incoming call for the campaign's agents.
struct Incoming {
    std::string number;      // the caller: E.164 when it could be cleaned, else as given
    std::string did;         // the number they dialed
    int64_t contact_id = 0;  // the caller's card, 0 when the number is not in the base
    // Where the router sent it and why (routing::Decision): "queue:vip";
    // vip, complaints, number, unknown, with the reason's parameters.
    std::string route;
    std::string reason;
    std::map<std::string, std::string> reason_params;
    // Callers of a higher priority are put through first; among equal ones
    // the one who called first.
    int priority = 0;
    // Only these agents may take it (a queue's members, a VIP's manager);
    // empty: any agent of the campaign.
    std::vector<std::string> agents;
    // The queue it waits in: its members, skill and strategy choose the agent
    // (none: the longest-ready agent of `agents`).
    std::shared_ptr<InboundQueue> queue;
    Millis arrived = 0;  // when the call reached the center (0: now); the wait counts from it
    // How long the caller may wait for an agent from the offer (0:
    // DialerOptions::inbound_wait),
    // and what happens then: the record closes as abandoned (cause 480) and
    // this runs with the call still ringing (a queue's exit route); without it
    // the call is refused.
    Millis max_wait = 0;
    std::function<void()> on_max_wait;
    bool requeued = false;  // it waited in a queue before (a queue's exit brought it)
    // A menu answered it (docs/ivr.md, "Menus for incoming calls"): the agent
    // is put through without answering again; the menu, the answers the
    // caller gave, and the recording the answer began.
    bool answered_by_menu = false;
    std::string menu;
    std::map<std::string, std::string> menu_answers;
    std::string recording;
};

// An incoming call as the agent's screen shows it: the caller, the number
// they dialed, the route's reason, and since when the caller has waited.
struct InboundCard {
    std::string from, to;
    std::string route, reason;
    std::map<std::string, std::string> reason_params;
    Millis arrived = 0;
    std::map<std::string, std::string> menu_answers;  // «Как узнали: Поиск»
    bool callback = false;  // waiting: the caller chose a callback and is off the line
};

struct DialerStats {
    int64_t attempts = 0, answered = 0, bridged = 0, abandoned = 0, short_calls = 0;
    std::map<std::string, int64_t> outcomes;  // per CallRecord::outcome
    std::map<std::string, int64_t> denials;   // per gate reason, one per denial
    int64_t leads_closed_by_gate = 0;         // a reason that never lapses
    int64_t no_caller_id = 0;                 // dials held back: every caller ID at its cap
    int64_t dispositions = 0, callbacks = 0;
    // Agent time, summed over agents, in milliseconds.
    int64_t ready_ms = 0, talk_ms = 0, wrap_ms = 0, paused_ms = 0, dialing_ms = 0;
    int64_t human_talk_ms = 0;  // bridged calls, from bridge to hang-up
    // Robots.
    std::map<std::string, int64_t> robot_keys;          // keys pressed -> calls
    std::map<std::string, int64_t> robot_hangup_steps;  // hung up at step -> calls
    std::map<std::string, int64_t> robot_actions;       // script actions done -> calls
    int max_live_calls = 0;
    // Inbound calls offered, put through, and given up (or refused: nobody free).
    int64_t inbound = 0, inbound_answered = 0, inbound_abandoned = 0;
    // Callers who pressed 1 for a callback while waiting, and the callbacks
    // dialed when their turn came (the gate may hold one back).
    int64_t callbacks_chosen = 0, callbacks_dialed = 0;
    // Calls an operator's phone did not take (rang out or refused); each
    // operator was paused, the caller offered on.
    int64_t agent_missed = 0;
    // Moves the workforce refused (an operator another campaign holds, or
    // this dialer's view and the workforce's apart): each is told
    // (Dialer::OnRefused); no call reaches an operator the workforce refused.
    int64_t workforce_refusals = 0;

    // Share of the agents' logged-in time spent on calls and wrap-up.
    double Occupancy() const;
    double AbandonRate() const;  // of answered calls
};

struct AgentView {
    std::string id;
    AgentState state = AgentState::kOffline;
    Millis since = 0;
    int64_t contact_id = 0;  // the lead on the agent's call or card, 0 when none
    uint64_t call = 0;       // CallRecord::id of the current or last call
    bool disposition_due = false;
    // An incoming call on the agent's screen; from is empty otherwise.
    InboundCard inbound;
    // Logging out or pausing: still ready until the lines dialed while the
    // agent was counted have rung out (Unix ms), 0 otherwise.
    Millis leaving_until = 0;
    // The call's voices met (the desk's controls work), and on hold since
    // (0: not held).
    bool put_through = false;
    Millis held_since = 0;
    // The desk's consultation: the colleague this agent consults (their
    // phone answered or still ringing), and all three together; or, for
    // the colleague, the operator who consults them.
    std::string consult_with;
    bool consult_answered = false;
    bool conference = false;
    std::string consulted_by;
};

struct Callback {
    std::string agent;
    int64_t contact_id = 0;
    std::string number;
    UnixSeconds at = 0;
};

// What the dialer tells its agents' screens: a call connected (the card to
// show), a call over, a state change.
struct AgentEvent {
    std::string agent;
    // connected, ended, state; missed: the agent's phone did not take the
    // call (a pause follows, `cause` says why: 408 it rang out, else the SIP
    // status, 0 unreachable); callback: the agent dials a caller who chose a
    // callback (`lead`); callback_held: the dial gate held that dial back
    // (the lead is tried again when the gate allows).
    std::string kind;
    AgentState state = AgentState::kOffline;
    const Lead* lead = nullptr;  // connected: valid during the callback only
    uint64_t call = 0;
    int cause = 0;
};

class Dialer {
public:
    // Leads come sorted (order.h). Loop, telephony, gate and pool must outlive
    // the dialer.
    Dialer(telephony::Loop& loop, telephony::Telephony& telephony, CampaignGate& gate,
           CallerIdPool& pool, std::vector<Lead> leads, DialerOptions options);
    // Its operators leave the workforce (a shared one outlives the campaign).
    ~Dialer();
    Dialer(const Dialer&) = delete;
    Dialer& operator=(const Dialer&) = delete;

    // The record of a call just dialed (or offered), before the network is
    // asked: outcome "" and ended 0 until OnCall closes it.
    void OnCallOpened(std::function<void(const CallRecord&)> fn) { on_opened_ = std::move(fn); }
    // The open record after the answer and after the operator is put through.
    void OnCallProgress(std::function<void(const CallRecord&)> fn) { on_progress_ = std::move(fn); }
    // The record of a call that ended (the same CallRecord::id as opened).
    void OnCall(std::function<void(const CallRecord&)> fn) { on_call_ = std::move(fn); }
    // A caller who chose a callback was not called back: the dialer stopped
    // (Interrupt) first. The record holds their number and card.
    void OnCallbackLost(std::function<void(const CallRecord&)> fn) {
        on_callback_lost_ = std::move(fn);
    }
    void OnDisposition(std::function<void(const Disposition&)> fn) {
        on_disposition_ = std::move(fn);
    }
    void OnAgentEvent(std::function<void(const AgentEvent&)> fn) { on_agent_ = std::move(fn); }
    // The workforce refused a move of an operator's (DialerStats::workforce_refusals).
    void OnRefused(std::function<void(const std::string& agent, const Error&)> fn) {
        on_refused_ = std::move(fn);
    }

    // Before Start: a lead's calls from earlier runs of the campaign. Its
    // attempts count on; a lead reached, invalid, at max_attempts or without
    // a retry rule for its last outcome is closed; an abandoned call keeps it
    // for 72 h; otherwise it is dialed again when its retry rule allows,
    // counted from the end of its last call. An interrupted call that was
    // not answered is retried as the rule for "interrupted" says, or else as
    // for no_answer. Unknown contacts are ignored.
    void Resume(int64_t contact_id, const PastCalls& past);
    void Start();
    void Pause();  // no new dials; calls in progress go on
    // The server stops: every call in progress is hung up and closed as
    // "interrupted" (an attempt), and no more dials.
    void Interrupt();
    bool Running() const { return running_; }

    void AddAgent(const std::string& id);
    // The agent's blend and skills (routing's agent_profiles): an
    // inbound-only agent is given no outbound call and is not counted by the
    // pacer; an outbound-only one is offered no incoming call.
    void SetProfile(const agents::AgentSpec& profile);
    // Refused while the operator is on a call, here or (a shared workforce)
    // in another campaign.
    Result<void> SetReady(const std::string& agent);
    Result<void> SetPaused(const std::string& agent) { return SetPaused(agent, {}); }
    // `reason`: the pause's reason as the workforce counts it ("" when none
    // was given: "unspecified").
    Result<void> SetPaused(const std::string& agent, const std::string& reason);
    Result<void> Logout(const std::string& agent);
    Result<void> Dispose(const std::string& agent, Disposition disposition);
    Result<void> HangupByAgent(const std::string& agent);
    // The desk's call controls (docs/routing.md, "Call controls"), on the
    // call the agent is put through to; refused, the call unharmed, when they
    // have none. Hold: the caller hears music and the agent silence until
    // the agent takes them back (on = false); each spell is kept on the call.
    Result<void> HoldByAgent(const std::string& agent, bool on);
    // Blind transfer to `to`, a ready operator of this campaign: the agent
    // leaves the call for a wrap-up without a disposition due (the one who
    // finishes the call gives it), the caller hears music while `to`'s phone
    // rings. Refused when `to` is not ready or may not take the call.
    Result<void> TransferToAgent(const std::string& agent, const std::string& to);
    // Blind transfer of an incoming call to a queue (`name`, its spec and the
    // agents the route allows): the caller waits in line again, first among
    // those put back, for the queue's members and skill; its max wait anew.
    Result<void> TransferToQueue(const std::string& agent, const std::string& name,
                                 std::shared_ptr<InboundQueue> queue);
    // Attended transfer and conference (docs/routing.md, "Call controls"):
    // the agent consults `to`, a ready operator (claimed for it), while the
    // caller hears music; then completes (the caller is put through to `to`,
    // the agent leaves as in a blind transfer, the transfer kept as
    // "attended"), cancels (`to` is ready again, the agent back with the
    // caller) or makes it a conference (all three; a conference is ended by
    // complete — the agent leaves — or cancel — `to` leaves). Refused, the
    // call unharmed, when the network cannot, `to` is not ready, or a
    // consultation is on already (consult), not answered yet (complete,
    // conference) or none (end). A colleague hanging up ends it as cancel.
    Result<void> ConsultAgent(const std::string& agent, const std::string& to);
    Result<void> EndConsultByAgent(const std::string& agent, telephony::ConsultStep step);
    // The network's call the agent talks on now (put through), if any: what
    // a supervisor listens in on.
    std::optional<CallId> TalkingCall(const std::string& agent) const;
    // Preview: the next card for the agent (the lead is reserved for them),
    // then dial it.
    Result<Lead> NextCard(const std::string& agent);
    Result<void> DialCard(const std::string& agent);
    // An incoming call (telephony's kIncoming, still ringing) for this
    // campaign's agents; its events come to this dialer from now on.
    void Offer(CallId id, Incoming incoming);
    // A caller who chose a callback before the server stopped — their
    // incoming record closed as "callback" and nobody has called them back
    // since (CampaignRunner, at the campaign's start): their place in line
    // again, by the queue, priority and arrival in `incoming`, with no line.
    void RestoreCallback(Incoming incoming);
    // Whether an agent (of `only`, when not empty) is ready for a call now,
    // and since when; how many are logged in (not offline).
    // With `queue`, of the agents its members and skill allow (at any level
    // for the count, at the first for the ready one).
    std::optional<Millis> LongestReadySince(const std::vector<std::string>& only = {},
                                            const InboundQueue* queue = nullptr);
    int AgentsWorking(const std::vector<std::string>& only = {},
                      const InboundQueue* queue = nullptr) const;
    // Adds the ready agents (of `only`, when not empty) `queue` allows for a
    // caller who has waited `waited` — those its strategy chooses among — so
    // that the server can choose across campaigns (CampaignRunner). Those
    // leaving are not among them.
    void QueueCandidates(const InboundQueue& queue, const std::vector<std::string>& only,
                         Millis waited, std::vector<routing::Candidate>& out);

    DialerStats Stats() const;  // agent time counted up to now
    std::vector<AgentView> Agents() const;
    // The incoming calls waiting for an agent now, the first to be put
    // through first (the wallboard).
    std::vector<InboundCard> WaitingCalls() const;
    std::vector<Callback> CallbacksDue(const std::string& agent, UnixSeconds until) const;
    const Lead* LeadOf(int64_t contact_id) const;
    int LiveCalls() const { return static_cast<int>(live_.size()); }
    size_t LeadsLeft() const;  // not yet closed: fresh, or waiting for a retry
    // Leads the dial gate holds now: its last answer for them was a refusal
    // that has not lapsed (closed ones included), by the refusal's first
    // reason (compliance::DenyReasonId).
    std::map<std::string, int64_t> HeldByGate() const;
    Pacer& pacer() { return pacer_; }
    double WindowAbandonRate() { return pacer_.WindowAbandonRate(loop_.Now()); }

private:
    // kCallbackMessage: the caller pressed 1 for a callback and hears that
    // they will be called back; the line ends after it.
    enum class Phase { kRinging, kWaiting, kTalking, kRobot, kAbandonMessage, kCallbackMessage };
    struct LiveCall {
        CallRecord record;
        std::unique_ptr<ivr::Walk> walk;  // a scripted robot's place in its script
        bool then_collect = false;        // after the prompt: wait for keys
        bool then_end = false;            // after the prompt: hang up
        int max_digits = 1;
        Millis timeout = 0;
        size_t lead = 0;
        Phase phase = Phase::kRinging;
        std::string reserved;  // preview: the agent who dialed
        bool inbound = false;  // offered to us (Offer); lead is kNoLead
        // Inbound: the agents who may take it (empty: any), its place among
        // waiting calls (lower first), and the card it shows.
        std::vector<std::string> eligible;
        std::shared_ptr<InboundQueue> queue;
        int priority = 0;
        Millis arrived = 0;
        InboundCard card;
        // The line is answered already (a menu, or an operator's phone that
        // missed it): the network will not say kAnswered again; the recording
        // the answer began.
        bool line_answered = false;
        std::string line_recording;
        // Not answered, the caller hears the queue's announcements and music
        // before the answer (Telephony::EarlyMedia).
        bool early = false;
        // Outbound: the pacer has counted the answer (connected or abandoned).
        bool paced = false;
        // Inbound: when the caller's wait runs out, and what happens then
        // (Incoming::on_max_wait).
        Millis give_up_at = 0;
        std::function<void()> on_max_wait;
        // The wait last announced to the caller (-1: none), and whether a
        // caller has gone ahead of them since.
        Millis announced_wait = -1;
        bool overtaken = false;
        Millis next_announce = 0;  // when the current round announces next
        Millis connected = 0;      // when the current operator was given it
        // The desk's consultation: the colleague (claimed, their phone rung),
        // whether they answered, and since when all three talk (0: not).
        std::string consult_agent;
        bool consult_answered = false;
        Millis conference_since = 0;
        // The voices met (PutThrough, or the Bridge of an outbound call); an
        // operator passed the call on (a transfer): its first answer stays;
        // on the desk's hold since (0: not held).
        bool put_through = false;
        bool moved = false;
        Millis held_since = 0;
        // The place of a caller who chose a callback (no line: its id is the
        // dialer's own): its queue, priority and arrival as the caller's were.
        bool callback = false;
    };
    static constexpr size_t kNoLead = SIZE_MAX;
    struct LeadState {
        int attempts = 0;
        bool busy = false;    // on a call or a preview card
        bool closed = false;  // no more dials
        UnixSeconds no_redial_until = 0;
        // The first reason of the gate's last refusal, -1: none; and until when
        // it holds (INT64_MAX: for good).
        int held = -1;
        UnixSeconds held_until = 0;
        // A caller's callback (the queue they waited in): dialed for the
        // service purpose — they asked for the call — and recorded with the
        // route "callback:QUEUE".
        std::string callback_queue;
    };
    struct Agent {
        std::string id;
        AgentState state = AgentState::kOffline;
        Millis since = 0;
        CallId call = 0;           // live call, 0 when none
        uint64_t last_record = 0;  // CallRecord::id of the last call
        size_t card = SIZE_MAX;    // preview: the reserved lead
        bool dialing = false;      // preview: dialed, not yet answered
        bool disposition_due = false;
        bool wrap_elapsed = false;
        bool logout_pending = false;
        bool pause_pending = false;  // a leaving agent's last call: paused after it
        // Leaving (logout or pause) while lines dialed for them still ring:
        // not counted by the pacer, given an answered call only when no one
        // else is free, and gone when the lines have rung out.
        Millis leaving_until = 0;
        AgentState leaving_to = AgentState::kOffline;
        int64_t contact_id = 0;
        InboundCard inbound;  // the incoming call on the agent's screen
        // What queues' strategies read: the profile (blend, skills), calls
        // taken and talk time since the dialer began.
        agents::AgentInfo info;
        // The workforce's open offer to the agent (a preview card, a dial
        // for them, a call given), 0 when none; the reason of their pause.
        uint64_t offer = 0;
        std::string pause_reason;
        // A colleague consulted on a call (the call's id), 0 when not.
        CallId consult_on = 0;
    };

    void Tick();
    void Pump();
    bool DialNext();
    std::optional<size_t> TakeLead(Millis now);
    // Gate and caller ID for a lead, then originate. False when it was not dialed.
    bool Dial(size_t lead, const std::string& reserved_agent);
    void Handle(const telephony::Event& event);
    void Answered(CallId id, LiveCall& call);
    // An answered outbound call with nobody to take it yet: the longest-ready
    // agent, else it waits (first in line when `first`) for abandon_wait.
    void ToAgent(CallId id, LiveCall& call, bool first);
    // The answer into the pacer's abandon figures, once per call: an answer
    // counted as connected and abandoned after all counts as abandoned.
    void Paced(LiveCall& call, bool abandoned);
    // The operator's phone did not take the call (kAgentMissed).
    void Missed(CallId id, LiveCall& call, int cause);
    // A waiting caller's max wait is over: the queue's exit, else refused.
    void WaitOver(CallId id);
    // Gives the call to the agent — through the workforce's door: refused
    // there, the call waits again, first in line (Requeue).
    void Connect(CallId id, LiveCall& call, Agent& agent);
    void Requeue(CallId id, LiveCall& call);
    // The line of calls waiting for an operator (options_.queue_store): in
    // bands — answered calls of ours put back first (an operator missed
    // them), then the others of ours, then callers put back first, then
    // callers by priority; within a band, in the order they came (the ones
    // put back: the last first).
    void InLine(CallId id, const LiveCall& call, bool first);
    bool OutOfLine(CallId id) { return line_->Take(id); }
    bool Waits(CallId id) const { return line_->Find(id) != nullptr; }
    // The calls in line, first served first, until `fn` returns false.
    void EachWaiting(const std::function<bool(CallId)>& fn) const;
    void ClearLine();  // every place of this dialer's line taken out
    // The workforce's door (agents::Workforce::TryOffer): the agent is
    // offered `work` and holds the offer until Connect's call is accepted or
    // Release lets it go. False, told and counted, when refused.
    bool Claim(Agent& agent, agents::Work work, uint64_t call);
    void Release(Agent& agent);
    // Whether the workforce holds the agent free for `work` now.
    bool Free(const Agent& agent, agents::Work work) const;
    // The workforce follows a change of the agent's state in this dialer.
    void Mirror(Agent& agent, AgentState from, AgentState to);
    bool Door(const Agent& agent, Result<void> moved);
    // An incoming call's voices meet its agent's: answered now.
    void PutThrough(CallId id, LiveCall& call, const std::string& recording);
    // The call the agent talks on, put through; refused otherwise.
    Result<LiveCall*> DeskCall(const Agent& agent);
    // The open hold spell, closed now (a transfer, the call's end).
    void EndHold(LiveCall& call);
    // The agent leaves a call they passed on: wrap-up, no disposition due.
    void PassedOn(Agent& agent, CallId id, LiveCall& call, std::string to);
    // The agent leaves the call, passed on `to` in `mode`: kept on the call,
    // the agent to a wrap-up without a disposition due.
    void Leaves(Agent& agent, LiveCall& call, std::string to, std::string mode);
    // The consultation is over (cancelled, ended by itself, or the call
    // ended): the colleague is free again, the conference's spell kept.
    void ConsultOver(CallId id, LiveCall& call);
    Result<LiveCall*> ConsultCall(const Agent& agent);
    // DeskCall, refused while the agent consults a colleague (hold and
    // transfers wait until the consultation is over).
    Result<LiveCall*> OwnCall(const Agent& agent);
    // `to`, a colleague of agent `id` who may take `call` now (transfer or
    // consult), or why not.
    Result<Agent*> Colleague(const std::string& id, const std::string& to, const LiveCall& call);
    void Abandon(CallId id);
    // A waiting caller already answered hears their place and the wait
    // expected (Russian), then again every announce_every while waiting.
    void Announce(CallId id);
    // The waiting caller pressed 1: their place goes on without them, and
    // they hear that they will be called back.
    void ChooseCallback(CallId id, LiveCall& call);
    // A new callback place (no line: an id of the dialer's own), waiting.
    LiveCall& NewPlace(CallId& entry);
    // Into the line: after the callers of its priority and higher.
    void Enqueue(CallId id, LiveCall& call);
    // A callback's turn came and `agent` would take it: they dial the caller.
    void CallBack(CallId entry, Agent& agent);
    // Looks for a ready agent again as a waiting caller's wait reaches each
    // of the queue's widening steps.
    void WidenLater(CallId id, const LiveCall& call);
    void Finish(CallId id, const std::string& outcome, int cause);
    void Retry(size_t lead, const std::string& outcome);
    // The retry delay for an outcome, in seconds; -1: no rule, the lead closes.
    int64_t RetryDelay(const std::string& outcome) const;
    void RetryAt(Millis when, size_t lead);
    void Denied(size_t lead, const compliance::Decision& decision);
    // Sensitive campaigns: whether `agent` may talk with the lead; if not,
    // the refusal is counted by reason and the lead waits a minute.
    bool OperatorAllows(size_t lead, const std::string& agent);
    void RobotStep(CallId id, LiveCall& call, const telephony::Event& event);
    void ScriptStep(CallId id, LiveCall& call, const ivr::Walk::Step& step);
    void SetState(Agent& agent, AgentState state);
    static void AddTime(DialerStats& stats, const Agent& agent, Millis spent);
    void AgentFree(Agent& agent);
    // Logout or pause of a ready agent while predictive lines ring: the agent
    // stays until they have rung out. False when the agent can go now.
    bool HoldWhileLinesRing(Agent& agent, AgentState to);
    void WrapUpOver(Agent& agent, uint64_t record);
    Agent* FindAgent(const std::string& id);
    // The ready agent idle longest among `eligible` (empty: any) who takes
    // `work`.
    Agent* LongestReady(const std::vector<std::string>& eligible = {},
                        agents::Work work = agents::Work::kOutbound);
    // The agent for an incoming call now: its queue's strategy among the
    // ready agents of the best level its wait allows, else the longest ready.
    Agent* ChooseFor(const LiveCall& call);
    // The ready agents `queue` allows (see QueueCandidates), leaving or not.
    void Candidates(const InboundQueue& queue, const std::vector<std::string>& only, Millis waited,
                    bool leaving, std::vector<routing::Candidate>& out);
    // Whether `agent` may take the waiting call now.
    bool MayTake(const LiveCall& call, const Agent& agent, Millis now) const;
    static bool Named(const std::vector<std::string>& eligible, const std::string& agent);
    // The agent's place among the queue's members (round robin, fixed order);
    // after them, by their place among this dialer's agents.
    int MemberOf(const InboundQueue& queue, const std::string& agent) const;
    bool InSchedule(Millis now) const;
    int32_t CenterDay(Millis now) const;
    void Tell(const Agent& agent, const char* kind, const Lead* lead = nullptr);
    // A timer that does nothing once the dialer is gone (a stopped campaign
    // is let go while the loop still holds its timers).
    void Later(Millis when, std::function<void()> fn);

    telephony::Loop& loop_;
    telephony::Telephony& telephony_;
    CampaignGate& gate_;
    CallerIdPool& pool_;
    std::vector<Lead> leads_;
    std::vector<LeadState> lead_state_;
    DialerOptions options_;
    Pacer pacer_;

    bool running_ = false;
    bool ticking_ = false;
    size_t next_fresh_ = 0;
    std::vector<std::pair<Millis, size_t>> retries_;  // min-heap on due time
    std::unordered_map<CallId, LiveCall> live_;
    std::unique_ptr<routing::QueueStore> own_line_;  // when none is given
    routing::QueueStore* line_ = nullptr;
    int64_t put_back_ = 0;  // calls put back first so far (their order)
    // When incoming calls came in lately (the last 15 minutes): the pacer
    // keeps operators back for them.
    std::deque<Millis> incoming_;
    Millis started_ = -1;  // the first Start
    std::vector<Agent> agents_;
    std::vector<Callback> callbacks_;
    std::unordered_map<int64_t, size_t> lead_of_contact_;
    uint64_t next_record_ = 1;
    int32_t pool_blocked_day_ = INT32_MIN;
    double mean_talk_seconds_ = 120;
    DialerStats stats_;
    std::function<void(const CallRecord&)> on_opened_, on_progress_, on_call_, on_callback_lost_;
    std::function<void(const Disposition&)> on_disposition_;
    std::function<void(const AgentEvent&)> on_agent_;
    std::function<void(const std::string&, const Error&)> on_refused_;
    std::unique_ptr<agents::Workforce> own_workforce_;  // when none is given
    agents::Workforce* workforce_ = nullptr;
    std::shared_ptr<int> life_ = std::make_shared<int>(0);  // timers hold it weakly
};

}  // namespace callbase::campaigns
