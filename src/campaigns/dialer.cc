#include "campaigns/dialer.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace callbase::campaigns {
namespace {

constexpr Millis kDayMs = 86'400'000;

// The bands of a dialer's line (Dialer::InLine); a caller's priority is
// worth this much rank, so priorities never reach the next band.
constexpr Millis kOursPutBack = std::numeric_limits<Millis>::min() / 2;
constexpr Millis kOurs = std::numeric_limits<Millis>::min() / 4;
constexpr Millis kCallersPutBack = std::numeric_limits<Millis>::min() / 8;
constexpr Millis kPriorityStep = Millis{1} << 40;
constexpr int kMaxPriority = 1000;

// The ids of callback places: far above any network's call ids, and from one
// counter for the process, so that campaigns sharing a line never give two
// places one id.
CallId NextCallbackPlace() {
    static std::atomic<CallId> next{CallId{1} << 62};
    return next++;
}

// How long a sensitive campaign's number waits before asking again whether
// its operator is free.
constexpr Millis kOperatorWait = 60'000;

struct LaterDue {
    bool operator()(const std::pair<Millis, size_t>& a, const std::pair<Millis, size_t>& b) const {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    }
};

UnixSeconds Seconds(Millis ms) {
    return ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
}

std::string_view OutcomeOf(telephony::EventKind kind) {
    switch (kind) {
        case telephony::EventKind::kBusy:
            return "busy";
        case telephony::EventKind::kNoAnswer:
            return "no_answer";
        case telephony::EventKind::kInvalid:
            return "invalid";
        case telephony::EventKind::kRejected:
            return "rejected";
        default:
            return "failed";
    }
}

Error NoAgent(const std::string& id) {
    return Coded(ErrorCode::kNotFound,
                 Msg{"agent.not_in_campaign", "agent '{agent}' is not in this campaign",
                     "add the agent to the campaign first"},
                 {{"agent", id}});
}

// A colleague who may not be given a call now (`state`: theirs, or "taken"
// when the workforce gave them to another campaign meanwhile).
Error NotReady(const std::string& agent, std::string_view state) {
    return Coded(
        ErrorCode::kConflict,
        Msg{"transfer.agent_busy", "operator '{agent}' is not ready for a call ({agent_state})",
            "choose an operator who is ready, or a queue"},
        {{"agent", agent}, {"agent_state", std::string(state)}});
}

// «1 минуты», «2 минут», «21 минуты»: the genitive after «около».
std::string Minutes(int64_t n) {
    const bool one = n % 10 == 1 && n % 100 != 11;
    return fmt::format("{} {}", n, one ? "минуты" : "минут");
}

// What a waiting caller hears, in the queue's language: their place, the
// wait expected (minutes, rounded up; under a minute said so), and the offer
// of a callback.
std::string Announcement(std::string_view language, int place, Millis wait, bool callback) {
    const int64_t minutes = (wait + 59'999) / 60'000;
    if (language == "en") {
        return fmt::format(
            "You are number {} in the queue. {}{}", place,
            wait < 60'000 ? std::string("We will answer in less than a minute.")
                          : fmt::format("The expected wait is about {} minute{}.", minutes,
                                        minutes == 1 ? "" : "s"),
            callback ? " To have us call you back without losing your place, press 1." : "");
    }
    return fmt::format(
        "Ваш номер в очереди — {}. {}{}", place,
        wait < 60'000 ? std::string("Ответим меньше чем через минуту.")
                      : fmt::format("Ожидаемое время ответа — около {}.", Minutes(minutes)),
        callback ? " Чтобы мы перезвонили вам, не теряя места в очереди, нажмите 1." : "");
}

std::string CallbackGoodbye(std::string_view language) {
    return language == "en"
               ? "Thank you! We will call you back at this number as soon as your turn comes. "
                 "Goodbye."
               : "Спасибо! Мы перезвоним вам на этот номер, как только подойдёт ваша очередь. "
                 "До свидания.";
}

}  // namespace

std::string_view AgentStateId(AgentState state) {
    switch (state) {
        case AgentState::kOffline:
            return "offline";
        case AgentState::kReady:
            return "ready";
        case AgentState::kOnCall:
            return "on_call";
        case AgentState::kWrapUp:
            return "wrap_up";
        case AgentState::kPaused:
            return "paused";
    }
    return "?";
}

double DialerStats::Occupancy() const {
    double busy = static_cast<double>(talk_ms + wrap_ms + dialing_ms);
    double logged = busy + static_cast<double>(ready_ms);
    return logged > 0 ? busy / logged : 0.0;
}

double DialerStats::AbandonRate() const {
    return answered > 0 ? static_cast<double>(abandoned) / static_cast<double>(answered) : 0.0;
}

Dialer::Dialer(telephony::Loop& loop, telephony::Telephony& telephony, CampaignGate& gate,
               CallerIdPool& pool, std::vector<Lead> leads, DialerOptions options)
    : loop_(loop),
      telephony_(telephony),
      gate_(gate),
      pool_(pool),
      leads_(std::move(leads)),
      lead_state_(leads_.size()),
      options_(std::move(options)),
      pacer_(options_.pacing) {
    if (options_.workforce != nullptr) {
        workforce_ = options_.workforce;
    } else {
        own_workforce_ = std::make_unique<agents::Workforce>(
            agents::Workforce::Options{.heartbeat_required = false});
        workforce_ = own_workforce_.get();
    }
    if (options_.queue_store != nullptr) {
        line_ = options_.queue_store;
    } else {
        own_line_ = std::make_unique<routing::MemoryQueueStore>();
        line_ = own_line_.get();
    }
    for (size_t i = 0; i < leads_.size(); ++i)
        lead_of_contact_[leads_[i].contact_id] = i;
    telephony_.OnEvent([this](const telephony::Event& e) { Handle(e); });
}

Dialer::~Dialer() {
    on_refused_ = nullptr;  // whoever listened may be going too
    for (Agent& a : agents_) {
        if (a.state != AgentState::kOffline) Mirror(a, a.state, AgentState::kOffline);
    }
    ClearLine();  // a shared line outlives the campaign: its places go with it
}

void Dialer::Start() {
    running_ = true;
    if (started_ < 0) started_ = loop_.Now();
    if (!ticking_) {
        ticking_ = true;
        Later(loop_.Now() + options_.tick, [this] { Tick(); });
    }
    Pump();
}

void Dialer::Pause() {
    running_ = false;
}

void Dialer::Interrupt() {
    running_ = false;
    ClearLine();
    std::vector<CallId> calls;
    for (auto it = live_.begin(); it != live_.end();) {
        if (it->second.callback) {
            // Not a line: a promise the stop breaks. Said where the operator
            // of the server looks (the runner logs it).
            if (on_callback_lost_) on_callback_lost_(it->second.record);
            it = live_.erase(it);
            continue;
        }
        calls.push_back(it->first);
        ++it;
    }
    for (CallId id : calls) {
        telephony_.Hangup(id);
        Finish(id, "interrupted", 0);
    }
}

void Dialer::Resume(int64_t contact_id, const PastCalls& past) {
    auto it = lead_of_contact_.find(contact_id);
    if (it == lead_of_contact_.end() || past.attempts == 0) return;
    const size_t index = it->second;
    LeadState& state = lead_state_[index];
    state.attempts = past.attempts;
    if (past.abandoned_ended != 0) {
        state.no_redial_until =
            std::max(state.no_redial_until,
                     Seconds(past.abandoned_ended) + options_.abandon_no_redial_seconds);
    }
    if (past.reached || past.last_outcome == "invalid" || state.attempts >= options_.max_attempts) {
        state.closed = true;
        return;
    }
    const int64_t delay = RetryDelay(past.last_outcome);
    if (delay < 0) {
        state.closed = true;
        return;
    }
    RetryAt(past.last_ended + delay * 1000, index);
}

void Dialer::Tick() {
    if (!running_ && live_.empty()) {
        ticking_ = false;
        return;
    }
    Pump();
    Later(loop_.Now() + options_.tick, [this] { Tick(); });
}

bool Dialer::InSchedule(Millis now) const {
    Millis local = now + Millis{options_.center_utc_offset_minutes} * 60'000;
    int minute = static_cast<int>(((local % kDayMs) + kDayMs) % kDayMs / 60'000);
    return minute >= options_.schedule_start_minute && minute < options_.schedule_end_minute;
}

int32_t Dialer::CenterDay(Millis now) const {
    Millis local = now + Millis{options_.center_utc_offset_minutes} * 60'000;
    return static_cast<int32_t>(local / kDayMs - (local % kDayMs < 0 ? 1 : 0));
}

void Dialer::Pump() {
    const Millis now = loop_.Now();
    if (!running_ || !InSchedule(now) || CenterDay(now) == pool_blocked_day_) return;
    if (options_.pacing.mode == Pacing::kPreview) {
        if (!options_.simulated_agents) return;
        for (Agent& a : agents_) {
            if (a.state == AgentState::kReady && a.card == SIZE_MAX && !a.dialing &&
                Free(a, agents::Work::kOutbound)) {
                if (!NextCard(a.id)) break;
                std::string id = a.id;
                Later(now + options_.preview_read, [this, id] { (void)DialCard(id); });
            }
        }
        return;
    }
    PacingView view;
    view.now = now;
    view.wrap_up = options_.wrap_up;
    view.mean_talk_seconds = mean_talk_seconds_;
    view.live_calls = static_cast<int>(live_.size());
    view.waiting = static_cast<int>(line_->Count(options_.line));
    view.abandon_wait = options_.abandon_wait;
    constexpr Millis kIncomingSpan = 15 * 60'000;
    while (!incoming_.empty() && incoming_.front() <= now - kIncomingSpan)
        incoming_.pop_front();
    if (!incoming_.empty()) {
        // Over the span, or since the start when shorter (at least a minute).
        const Millis span = std::clamp<Millis>(now - started_, 60'000, kIncomingSpan);
        view.incoming_per_second =
            static_cast<double>(incoming_.size()) * 1000.0 / static_cast<double>(span);
    }
    for (const Agent& a : agents_) {
        // Inbound-only agents are not the campaign's to dial for.
        if (!a.info.Takes(agents::Work::kOutbound)) continue;
        if (a.state == AgentState::kReady && a.leaving_until == 0) ++view.ready;
        if (a.state == AgentState::kWrapUp && !a.logout_pending && !a.pause_pending) {
            view.wrap_ends.push_back(a.wrap_elapsed ? now : a.since + options_.wrap_up);
        }
        if (a.state == AgentState::kOnCall && !a.logout_pending && !a.pause_pending)
            view.talk_starts.push_back(a.since);
    }
    for (const auto& [id, call] : live_) {
        if (call.phase == Phase::kRinging) view.ringing_since.push_back(call.record.started);
    }
    int n = pacer_.Decide(view);
    if (options_.max_lines > 0) n = std::min(n, options_.max_lines - view.live_calls);
    for (int i = 0; i < n; ++i) {
        if (!DialNext()) break;
    }
}

std::optional<size_t> Dialer::TakeLead(Millis now) {
    while (!retries_.empty() && retries_.front().first <= now) {
        std::pop_heap(retries_.begin(), retries_.end(), LaterDue{});
        size_t lead = retries_.back().second;
        retries_.pop_back();
        if (!lead_state_[lead].closed && !lead_state_[lead].busy) return lead;
    }
    while (next_fresh_ < leads_.size()) {
        size_t lead = next_fresh_++;
        // A lead dialed in an earlier run (Resume) waits for its retry instead.
        const LeadState& state = lead_state_[lead];
        if (!state.closed && !state.busy && state.attempts == 0) return lead;
    }
    return std::nullopt;
}

bool Dialer::DialNext() {
    const Millis now = loop_.Now();
    while (auto lead = TakeLead(now)) {
        if (Dial(*lead, {})) return true;
        if (CenterDay(now) == pool_blocked_day_) return false;
    }
    return false;
}

bool Dialer::OperatorAllows(size_t lead, const std::string& agent) {
    if (!options_.sensitive) return true;
    compliance::Decision d = gate_.CheckOperator(leads_[lead], agent, Seconds(loop_.Now()));
    if (d.allowed) return true;
    for (const auto& denial : d.reasons)
        ++stats_.denials[std::string(compliance::DenyReasonId(denial.reason))];
    // Their operator may be ready in a minute: the lead waits for them.
    RetryAt(loop_.Now() + kOperatorWait, lead);
    return false;
}

bool Dialer::Dial(size_t index, const std::string& reserved_agent) {
    const Millis now = loop_.Now();
    const Lead& lead = leads_[index];
    LeadState& state = lead_state_[index];
    if (Seconds(now) < state.no_redial_until) {
        RetryAt(state.no_redial_until * 1000, index);
        return false;
    }
    // A sensitive campaign's number that talked with an operator within the
    // day is dialed for that operator alone, when they are free.
    std::string reserved = reserved_agent;
    Agent* holder = nullptr;
    if (options_.sensitive && reserved.empty()) {
        auto last = gate_.LastOperator(lead, Seconds(now) - kSensitiveSeconds + 1);
        if (last) {
            holder = FindAgent(last->agent);
            if (holder == nullptr || holder->state != AgentState::kReady ||
                holder->card != SIZE_MAX || holder->dialing ||
                !Free(*holder, agents::Work::kOutbound)) {
                holder = nullptr;
                RetryAt(now + kOperatorWait, index);
                return false;
            }
            reserved = holder->id;
        }
    }
    if (!reserved.empty() && !OperatorAllows(index, reserved)) return false;
    // A callback the caller asked for is a service call, whatever the
    // campaign's purpose; the gate's other rules (hours, objections, caps) hold.
    GateCheck check = gate_.Check(
        lead, state.callback_queue.empty() ? options_.purpose : std::string_view("service"),
        Seconds(now));
    if (!check.decision.allowed) {
        Denied(index, check.decision);
        return false;
    }
    state.held = -1;
    auto pick = pool_.Pick(lead.phone_region, CenterDay(now));
    if (!pick) {
        // Every caller ID has reached its cap: nothing more today.
        ++stats_.no_caller_id;
        pool_blocked_day_ = CenterDay(now);
        RetryAt((CenterDay(now) + 1) * kDayMs - Millis{options_.center_utc_offset_minutes} * 60'000,
                index);
        return false;
    }
    if (holder != nullptr) {
        if (!Claim(*holder, agents::Work::kOutbound, 0)) {
            RetryAt(now + kOperatorWait, index);
            return false;
        }
        SetState(*holder, AgentState::kReady);  // ready so far; from here, dialing
        holder->dialing = true;
        holder->contact_id = lead.contact_id;
    }
    ++state.attempts;
    state.busy = true;
    // The gate's attempt and the open record come first: a crash during the
    // call must not hide it from the caps or from the next start.
    gate_.Dialed(lead, Seconds(now));
    CallRecord record;
    record.id = next_record_++;
    record.campaign_id = options_.campaign_id;
    record.contact_id = lead.contact_id;
    record.number = lead.e164;
    record.caller_id = pick->number;
    record.caller_id_local = pick->local;
    record.started = now;
    record.attempt = state.attempts;
    record.evidence = std::move(check.evidence);
    if (!state.callback_queue.empty()) {
        record.route = "callback:" + state.callback_queue;
        record.route_reason = "callback";
        ++stats_.callbacks_dialed;
    }
    if (on_opened_) on_opened_(record);
    CallId id = telephony_.Originate(
        telephony::Dial{pick->number, lead.e164, options_.ring_timeout, options_.trunk});
    LiveCall& call = live_[id];
    call.record = std::move(record);
    call.lead = index;
    call.reserved = reserved;
    ++stats_.attempts;
    stats_.max_live_calls = std::max(stats_.max_live_calls, static_cast<int>(live_.size()));
    pacer_.Dialed(now);
    return true;
}

void Dialer::Handle(const telephony::Event& event) {
    auto it = live_.find(event.call);
    if (it == live_.end()) return;
    LiveCall& call = it->second;
    const Millis now = loop_.Now();
    using telephony::EventKind;
    switch (event.kind) {
        case EventKind::kRinging:
        case EventKind::kIncoming:
            return;
        case EventKind::kAnswered:
            if (call.inbound) {
                PutThrough(event.call, call, event.recording);
                break;
            }
            pacer_.Resolved(now, now - call.record.started, true);
            call.record.answered = now;
            call.record.recording = event.recording;
            ++stats_.answered;
            if (on_progress_) on_progress_(call.record);
            Answered(event.call, call);
            break;
        case EventKind::kBusy:
        case EventKind::kNoAnswer:
        case EventKind::kInvalid:
        case EventKind::kRejected:
        case EventKind::kFailed: {
            pacer_.Resolved(now, now - call.record.started, false);
            std::string reserved = call.reserved;
            // What the network said before the end (its announcement), when heard.
            if (!event.recording.empty()) call.record.recording = event.recording;
            Finish(event.call, std::string(OutcomeOf(event.kind)), event.cause);
            if (!reserved.empty()) {
                if (Agent* a = FindAgent(reserved)) {
                    SetState(*a, a->state);  // the ringing so far counts as dialing
                    a->dialing = false;
                    a->card = SIZE_MAX;
                    a->contact_id = 0;
                    Release(*a);
                    AgentFree(*a);
                }
            }
            break;
        }
        case EventKind::kHungUp:
            if (call.phase == Phase::kCallbackMessage) {
                Finish(event.call, "callback", 0);  // they chose it already
            } else if (call.inbound && (call.record.answered == 0 ||
                                        (call.moved && call.phase == Phase::kWaiting))) {
                // The caller gave up ringing: waiting for an agent, or with
                // the card already on an agent's screen; or, passed on to a
                // queue, waiting there.
                if (call.phase == Phase::kWaiting) OutOfLine(event.call);
                std::string agent = call.record.agent;
                Finish(event.call, "abandoned", 0);
                if (Agent* a = FindAgent(agent); a != nullptr && a->call == event.call) {
                    a->call = 0;
                    Tell(*a, "ended");
                    AgentFree(*a);
                }
            } else if (call.phase == Phase::kWaiting) {
                OutOfLine(event.call);
                Paced(call, true);
                lead_state_[call.lead].no_redial_until =
                    Seconds(now) + options_.abandon_no_redial_seconds;
                Finish(event.call, "abandoned", 0);
            } else if (call.phase == Phase::kTalking) {
                std::string agent = call.record.agent;
                Finish(event.call, "answered", 0);
                if (Agent* a = FindAgent(agent)) {
                    a->call = 0;
                    a->wrap_elapsed = false;
                    a->disposition_due = true;
                    SetState(*a, AgentState::kWrapUp);
                    Tell(*a, "ended");
                    uint64_t record = a->last_record;
                    Later(now + options_.wrap_up, [this, agent, record] {
                        if (Agent* w = FindAgent(agent)) WrapUpOver(*w, record);
                    });
                }
            } else if (call.phase == Phase::kRobot) {
                ++stats_.robot_hangup_steps[call.record.robot_step];
                Finish(event.call, "answered", 0);
            } else {
                Finish(event.call, "abandoned", 0);
            }
            break;
        case EventKind::kAgentMissed:
            if (call.phase == Phase::kTalking) Missed(event.call, call, event.cause);
            break;
        case EventKind::kConsultAnswered:
            if (!call.consult_agent.empty()) {
                call.consult_answered = true;
                if (Agent* a = FindAgent(call.record.agent)) Tell(*a, "state");
                if (Agent* b = FindAgent(call.consult_agent)) Tell(*b, "state");
            }
            break;
        case EventKind::kConsultEnded:
            if (!call.consult_agent.empty()) {
                ConsultOver(event.call, call);
                if (Agent* a = FindAgent(call.record.agent)) Tell(*a, "consult_ended");
            }
            break;
        case EventKind::kPromptDone:
        case EventKind::kDigits:
            if (call.phase == Phase::kAbandonMessage) {
                telephony_.Hangup(event.call);
                Finish(event.call, "abandoned", 0);
            } else if (call.phase == Phase::kRobot) {
                RobotStep(event.call, call, event);
            } else if (call.phase == Phase::kCallbackMessage) {
                if (event.kind == EventKind::kPromptDone) {
                    telephony_.Hangup(event.call);
                    Finish(event.call, "callback", 0);
                }
            } else if (call.phase == Phase::kWaiting && call.inbound && call.queue &&
                       call.queue->spec.callback) {
                // After each announcement the caller may press 1 (a key
                // pressed during it counts); anything else is let be.
                if (event.kind == EventKind::kPromptDone) {
                    telephony_.Collect(event.call, 1, call.queue->spec.announce_every);
                } else if (event.digits == "1") {
                    ChooseCallback(event.call, call);
                }
            }
            break;
    }
    Pump();
}

void Dialer::Answered(CallId id, LiveCall& call) {
    if (options_.pacing.mode == Pacing::kRobot) {
        call.phase = Phase::kRobot;
        if (options_.script != nullptr) {
            call.walk = std::make_unique<ivr::Walk>(*options_.script);
            ScriptStep(id, call, call.walk->Start());
            return;
        }
        call.record.robot_step = "greeting";
        telephony_.Play(id, options_.robot.greeting);
        return;
    }
    if (!call.reserved.empty()) {
        if (Agent* a = FindAgent(call.reserved)) {
            SetState(*a, a->state);  // the ringing so far counts as dialing
            a->dialing = false;
            Paced(call, false);
            Connect(id, call, *a);
            return;
        }
    }
    ToAgent(id, call, false);
}

void Dialer::ToAgent(CallId id, LiveCall& call, bool first) {
    if (Agent* a = LongestReady()) {
        Paced(call, false);
        Connect(id, call, *a);
        return;
    }
    call.phase = Phase::kWaiting;
    // An answered call of ours goes before the incoming callers: it may wait
    // only abandon_wait before the callee hears the recorded message; a
    // caller waits a moment longer.
    InLine(id, call, first);
    Later(loop_.Now() + options_.abandon_wait, [this, id] {
        auto it = live_.find(id);
        if (it != live_.end() && it->second.phase == Phase::kWaiting) Abandon(id);
    });
}

void Dialer::Paced(LiveCall& call, bool abandoned) {
    if (!call.paced) {
        pacer_.AnsweredCall(loop_.Now(), abandoned);
    } else if (abandoned) {
        pacer_.AbandonedAfterAll(loop_.Now());
    }
    call.paced = true;
}

// An operator whose phone does not take a call takes no more until they say
// they are back: paused (or logged out, when they asked to be), told why. The
// caller is not lost: the line stays up, and the call goes first in line to
// the next free operator — an outbound callee for abandon_wait as after the
// answer, a caller within what is left of their max wait.
void Dialer::Missed(CallId id, LiveCall& call, int cause) {
    const Millis now = loop_.Now();
    ++stats_.agent_missed;
    call.record.missed.push_back(MissedRing{.agent = call.record.agent,
                                            .at = call.connected,
                                            .rang = now - call.connected,
                                            .cause = cause});
    if (Agent* a = FindAgent(call.record.agent); a != nullptr && a->call == id) {
        a->call = 0;
        a->contact_id = 0;
        a->inbound = InboundCard{};
        --a->info.calls;  // strategies count the calls taken
        if (on_agent_) {
            on_agent_(AgentEvent{.agent = a->id,
                                 .kind = "missed",
                                 .state = a->state,
                                 .call = a->last_record,
                                 .cause = cause});
        }
        const bool out = a->logout_pending;
        a->logout_pending = a->pause_pending = false;
        a->leaving_until = 0;
        if (!out) a->pause_reason = "no_answer";
        SetState(*a, out ? AgentState::kOffline : AgentState::kPaused);
    }
    call.record.agent.clear();
    if (!call.inbound && call.record.bridged != 0) --stats_.bridged;  // nobody talked
    call.record.bridged = 0;
    call.put_through = false;
    if (!call.inbound) {
        if (on_progress_) on_progress_(call.record);
        if (options_.sensitive) {
            // Only the operator who missed it may talk with this number today.
            call.phase = Phase::kWaiting;
            InLine(id, call, true);
            Abandon(id);
            return;
        }
        ToAgent(id, call, true);
        return;
    }
    // The caller has not been answered by anyone yet (unless an operator
    // passed them on): the wait goes on, to music on hold.
    call.put_through = false;
    if (!call.moved) call.record.answered = 0;
    call.line_answered = true;
    call.line_recording = call.record.recording;
    telephony_.Hold(id, true);
    if (on_progress_) on_progress_(call.record);
    if (Agent* a = ChooseFor(call)) {
        Connect(id, call, *a);
        return;
    }
    call.phase = Phase::kWaiting;
    InLine(id, call, true);
    if (now >= call.give_up_at) {
        WaitOver(id);
        return;
    }
    if (call.queue && call.queue->spec.announce_every > 0) Announce(id);
}

void Dialer::Connect(CallId id, LiveCall& call, Agent& agent) {
    if (agent.offer == 0 &&
        !Claim(agent, call.inbound ? agents::Work::kInbound : agents::Work::kOutbound,
               call.record.id)) {
        Requeue(id, call);
        return;
    }
    if (agent.leaving_until != 0) {
        // The last call of one who is leaving (a callback's dial too): they
        // go after it, not while it rings.
        agent.leaving_until = 0;
        (agent.leaving_to == AgentState::kPaused ? agent.pause_pending : agent.logout_pending) =
            true;
    }
    if (call.callback) {
        CallBack(id, agent);
        return;
    }
    call.phase = Phase::kTalking;
    call.record.agent = agent.id;
    call.connected = loop_.Now();
    ++agent.info.calls;
    if (call.queue) call.queue->memory.last_member = MemberOf(*call.queue, agent.id);
    agent.call = id;
    agent.card = SIZE_MAX;
    agent.last_record = call.record.id;
    agent.contact_id = call.record.contact_id;
    if (call.inbound) {
        // The card goes to the agent's screen now (the state change publishes
        // it); the call is answered card_lead later and put through then.
        agent.inbound = call.card;
        SetState(agent, AgentState::kOnCall);
        if (on_progress_) on_progress_(call.record);
        Tell(agent, "connected");
        Later(loop_.Now() + options_.card_lead, [this, id, who = agent.id] {
            auto it = live_.find(id);
            if (it != live_.end() && it->second.record.agent == who && !it->second.put_through) {
                // A menu (or an operator before, who passed it on) answered
                // it already: no second answer comes.
                if (it->second.line_answered) {
                    PutThrough(id, it->second, it->second.line_recording);
                } else {
                    telephony_.Answer(id);
                }
            }
        });
        return;
    }
    call.record.bridged = loop_.Now();
    call.put_through = true;
    ++stats_.bridged;
    gate_.Talked(leads_[call.lead], agent.id, Seconds(loop_.Now()));
    if (on_progress_) on_progress_(call.record);
    SetState(agent, AgentState::kOnCall);
    telephony_.Bridge(id, agent.id);
    Tell(agent, "connected", &leads_[call.lead]);
}

void Dialer::Requeue(CallId id, LiveCall& call) {
    call.phase = Phase::kWaiting;
    if (!Waits(id)) InLine(id, call, true);
    if (call.inbound) return;  // the caller's max wait runs on
    Later(loop_.Now() + options_.abandon_wait, [this, id] {
        auto it = live_.find(id);
        if (it != live_.end() && it->second.phase == Phase::kWaiting) Abandon(id);
    });
}

bool Dialer::Door(const Agent& agent, Result<void> moved) {
    if (moved) return true;
    ++stats_.workforce_refusals;
    if (on_refused_) on_refused_(agent.id, moved.error());
    return false;
}

bool Dialer::Claim(Agent& agent, agents::Work work, uint64_t call) {
    auto offer = workforce_->TryOffer(agent.id, work, call, loop_.Now());
    if (!offer) return Door(agent, std::unexpected(offer.error()));
    agent.offer = offer->id;
    return true;
}

void Dialer::Release(Agent& agent) {
    if (agent.offer == 0) return;
    (void)Door(agent, workforce_->Withdraw(agent.offer, loop_.Now(), false));
    agent.offer = 0;
}

bool Dialer::Free(const Agent& agent, agents::Work work) const {
    const agents::AgentInfo* held = workforce_->Find(agent.id);
    return held != nullptr && workforce_->Available(*held, work, loop_.Now());
}

// Each change of an agent's state here is the workforce's move too, made
// from the state this dialer put the agent in; a move the workforce refuses
// (another campaign holds the agent) is told and counted (Door).
void Dialer::Mirror(Agent& agent, AgentState from, AgentState to) {
    agents::Workforce& wf = *workforce_;
    const Millis now = loop_.Now();
    const std::string& id = agent.id;
    const std::string reason = agent.pause_reason.empty() ? "unspecified" : agent.pause_reason;
    if (from == to) {
        if (to == AgentState::kPaused) (void)Door(agent, wf.Pause(id, reason, now));
        return;
    }
    if (to == AgentState::kOnCall) {
        // Connect claimed the agent (or their card or dial did) before.
        if (agent.offer != 0) (void)Door(agent, wf.Accept(agent.offer, now));
        agent.offer = 0;
        return;
    }
    Release(agent);  // a card or a dial that came to nothing
    if (from == AgentState::kOnCall) (void)Door(agent, wf.EndCall(id, now));
    switch (to) {
        case AgentState::kReady:
            (void)Door(agent, from == AgentState::kOnCall || from == AgentState::kWrapUp
                                  ? wf.EndWrapUp(id, now)
                                  : wf.SetReady(id, now));
            break;
        case AgentState::kPaused:
            (void)Door(agent, wf.Pause(id, reason, now));
            break;
        case AgentState::kOffline: {
            // One who went on to another campaign meanwhile (the shared
            // workforce holds them there) is not this dialer's to log out.
            const agents::AgentInfo* held = wf.Find(id);
            const agents::State left = from == AgentState::kReady    ? agents::State::kReady
                                       : from == AgentState::kPaused ? agents::State::kPaused
                                                                     : agents::State::kWrapUp;
            if (held != nullptr && held->now.state == left) (void)Door(agent, wf.Logout(id, now));
            break;
        }
        case AgentState::kWrapUp:  // EndCall above
        case AgentState::kOnCall:
            break;
    }
}

// The agent has had the card for card_lead: now the voices.
void Dialer::PutThrough(CallId id, LiveCall& call, const std::string& recording) {
    const Millis now = loop_.Now();
    call.put_through = true;
    call.record.bridged = now;
    // A call passed on keeps its first answer (and its recording).
    if (!call.moved) {
        call.record.answered = now;
        call.record.recording = recording;
        ++stats_.inbound_answered;
    }
    if (on_progress_) on_progress_(call.record);
    telephony_.Bridge(id, call.record.agent);
    if (Agent* a = FindAgent(call.record.agent)) Tell(*a, "state");  // the desk's controls
}

void Dialer::Offer(CallId id, Incoming incoming) {
    const Millis now = loop_.Now();
    LiveCall& call = live_[id];
    call.inbound = true;
    call.lead = kNoLead;
    CallRecord& r = call.record;
    r.id = next_record_++;
    r.campaign_id = options_.campaign_id;
    r.contact_id = incoming.contact_id;
    r.number = std::move(incoming.number);
    r.caller_id = std::move(incoming.did);
    r.started = now;
    r.inbound = true;
    r.route = incoming.route;
    r.route_reason = incoming.reason;
    r.route_params = incoming.reason_params;
    r.menu = incoming.menu;
    r.menu_answers = incoming.menu_answers;
    call.line_answered = incoming.answered_by_menu;
    call.line_recording = incoming.recording;
    r.evidence.consent = "not needed: the caller called";
    r.evidence.rules = fmt::format("inbound call to {}", r.caller_id);
    call.eligible = std::move(incoming.agents);
    call.queue = std::move(incoming.queue);
    call.priority = incoming.priority;
    call.arrived = incoming.arrived != 0 ? incoming.arrived : now;
    call.card = InboundCard{.from = r.number,
                            .to = r.caller_id,
                            .route = std::move(incoming.route),
                            .reason = std::move(incoming.reason),
                            .reason_params = std::move(incoming.reason_params),
                            .arrived = call.arrived,
                            .menu_answers = std::move(incoming.menu_answers)};
    ++stats_.inbound;
    incoming_.push_back(now);
    stats_.max_live_calls = std::max(stats_.max_live_calls, static_cast<int>(live_.size()));
    if (on_opened_) on_opened_(r);
    // Nobody free within the queue's max wait (the dialer's inbound_wait when
    // it has none): the caller leaves by the exit, else is refused (480). It
    // holds for a caller put through now too, should the operator's phone
    // miss them.
    const Millis max_wait = incoming.max_wait > 0 ? incoming.max_wait : options_.inbound_wait;
    call.give_up_at = now + max_wait;
    call.on_max_wait = std::move(incoming.on_max_wait);
    Later(call.give_up_at, [this, id] {
        auto it = live_.find(id);
        // (A caller transferred to a queue since has a max wait of its own.)
        if (it != live_.end() && it->second.phase == Phase::kWaiting &&
            loop_.Now() >= it->second.give_up_at)
            WaitOver(id);
    });
    // A caller a menu answered hears music on hold until an operator speaks.
    if (call.line_answered) telephony_.Hold(id, true);
    if (Agent* a = ChooseFor(call)) {
        Connect(id, call, *a);
        return;
    }
    call.phase = Phase::kWaiting;
    Enqueue(id, call);
    if (call.queue && call.queue->spec.announce_every > 0) {
        // A caller still ringing hears the announcements, with music between
        // them, before the answer where the network gives early media: never
        // answered until an operator takes the call, so not charged for the
        // wait. Without it the caller rings in silence.
        if (!call.line_answered && telephony_.EarlyMedia(id)) {
            call.early = true;
            telephony_.Hold(id, true);
        }
        if (call.line_answered || call.early) Announce(id);
    }
    WidenLater(id, call);
}

void Dialer::InLine(CallId id, const LiveCall& call, bool first) {
    Millis rank = 0;
    if (first) {
        rank = (call.inbound ? kCallersPutBack : kOursPutBack) - ++put_back_;
    } else if (!call.inbound) {
        rank = kOurs;
    } else {
        rank = -static_cast<Millis>(std::clamp(call.priority, -kMaxPriority, kMaxPriority)) *
               kPriorityStep;
    }
    (void)line_->Add(routing::Place{.line = options_.line,
                                    .entry = routing::Entry{.call = id,
                                                            .caller = call.record.number,
                                                            .priority = call.priority,
                                                            .joined = call.arrived,
                                                            .callback = call.callback,
                                                            .reason = call.card.reason},
                                    .rank = rank});
}

void Dialer::ClearLine() {
    std::vector<CallId> places;
    EachWaiting([&](CallId id) {
        places.push_back(id);
        return true;
    });
    for (CallId id : places)
        OutOfLine(id);
}

void Dialer::EachWaiting(const std::function<bool(CallId)>& fn) const {
    line_->Each(options_.line, [&](const routing::Place& p) { return fn(p.entry.call); });
}

void Dialer::Enqueue(CallId id, LiveCall& call) {
    // Among the waiting, a higher priority first, then the earlier caller;
    // answered outbound calls go before every caller. Those this caller goes
    // ahead of are told so (their next estimate may grow).
    InLine(id, call, false);
    const Millis rank = line_->Find(id)->rank;
    EachWaiting([&](CallId other) {
        if (line_->Find(other)->rank > rank) live_.at(other).overtaken = true;
        return true;
    });
}

void Dialer::WidenLater(CallId id, const LiveCall& call) {
    // As the caller waits, the queue may take agents of further skill levels:
    // look again for a ready one then.
    if (!call.queue) return;
    for (const auto& [after, level] : call.queue->spec.widen) {
        if (call.arrived + after <= loop_.Now()) continue;
        Later(call.arrived + after, [this, id] {
            auto it = live_.find(id);
            if (it == live_.end() || it->second.phase != Phase::kWaiting) return;
            if (Agent* a = ChooseFor(it->second)) {
                OutOfLine(id);
                Connect(id, it->second, *a);
            }
        });
    }
}

// Press 1 (docs/routing.md, "A callback instead of waiting"): the caller's
// place in the line is kept by an entry of the dialer's own — same queue,
// priority and arrival, so it goes to an operator exactly when the caller
// would have — and the line ends after the caller hears so.
Dialer::LiveCall& Dialer::NewPlace(CallId& entry) {
    entry = NextCallbackPlace();
    LiveCall& place = live_[entry];  // references into live_ stay valid
    place.callback = true;
    place.inbound = true;
    place.lead = kNoLead;
    place.phase = Phase::kWaiting;
    return place;
}

void Dialer::RestoreCallback(Incoming incoming) {
    CallId entry = 0;
    LiveCall& place = NewPlace(entry);
    place.record.number = incoming.number;
    place.record.contact_id = incoming.contact_id;
    place.eligible = std::move(incoming.agents);
    place.queue = std::move(incoming.queue);
    place.priority = incoming.priority;
    place.arrived = incoming.arrived != 0 ? incoming.arrived : loop_.Now();
    place.card = InboundCard{.from = std::move(incoming.number),
                             .to = std::move(incoming.did),
                             .route = std::move(incoming.route),
                             .reason = std::move(incoming.reason),
                             .reason_params = std::move(incoming.reason_params),
                             .arrived = place.arrived,
                             .menu_answers = std::move(incoming.menu_answers),
                             .callback = true};
    if (Agent* a = ChooseFor(place)) {
        Connect(entry, place, *a);
        return;
    }
    Enqueue(entry, place);
    WidenLater(entry, place);
}

void Dialer::ChooseCallback(CallId id, LiveCall& call) {
    CallId entry = 0;
    LiveCall& place = NewPlace(entry);
    place.record.number = call.record.number;
    place.record.contact_id = call.record.contact_id;
    place.eligible = call.eligible;
    place.queue = call.queue;
    place.priority = call.priority;
    place.arrived = call.arrived;
    place.card = call.card;
    place.card.callback = true;
    // The entry takes the caller's place in line: same rank, same turn.
    if (const routing::Place* was = line_->Find(id)) {
        routing::Place kept = *was;
        OutOfLine(id);
        kept.entry.call = entry;
        kept.entry.callback = true;
        (void)line_->Add(std::move(kept));
    }
    WidenLater(entry, place);
    ++stats_.callbacks_chosen;
    call.phase = Phase::kCallbackMessage;
    call.next_announce = 0;  // no more announcements
    if (on_progress_) on_progress_(call.record);
    telephony_.Play(id, CallbackGoodbye(call.queue ? call.queue->spec.language : "ru"));
}

// The operator who would have answered the caller dials them: a lead of its
// own (the caller may not be in the campaign's list), through the dial gate
// for the service purpose; answered, it is put through as any outbound call
// of a reserved operator. Held back by the gate (quiet hours, an objection),
// the lead waits for the gate as any lead does, and the operator is free.
void Dialer::CallBack(CallId entry, Agent& agent) {
    LiveCall place = std::move(live_.at(entry));
    live_.erase(entry);
    leads_.push_back(Lead{.contact_id = place.record.contact_id, .e164 = place.record.number});
    if (options_.complete_lead) options_.complete_lead(leads_.back());
    lead_state_.emplace_back();
    const size_t index = leads_.size() - 1;
    lead_state_[index].callback_queue = place.queue ? place.queue->spec.name : "inbound";
    if (place.queue) place.queue->memory.last_member = MemberOf(*place.queue, agent.id);
    agent.card = index;
    agent.contact_id = place.record.contact_id;
    SetState(agent, AgentState::kReady);  // ready so far; from here, dialing
    agent.dialing = true;
    if (on_agent_) {
        on_agent_(AgentEvent{
            .agent = agent.id, .kind = "callback", .state = agent.state, .lead = &leads_[index]});
    }
    if (Dial(index, agent.id)) return;
    if (on_agent_) {
        on_agent_(AgentEvent{.agent = agent.id,
                             .kind = "callback_held",
                             .state = agent.state,
                             .lead = &leads_[index]});
    }
    agent.dialing = false;
    agent.card = SIZE_MAX;
    Release(agent);
    AgentFree(agent);
}

void Dialer::WaitOver(CallId id) {
    LiveCall& call = live_.at(id);
    OutOfLine(id);
    std::function<void()> exit = std::move(call.on_max_wait);
    if (!exit) telephony_.Hangup(id);  // refused: nobody was free
    Finish(id, "abandoned", 480);
    if (exit) Later(loop_.Now(), exit);
}

std::optional<Millis> Dialer::LongestReadySince(const std::vector<std::string>& only,
                                                const InboundQueue* queue) {
    std::optional<Millis> best;
    for (const Agent& a : agents_) {
        if (a.state != AgentState::kReady || a.card != SIZE_MAX || a.dialing) continue;
        if (!Named(only, a.id) || !Free(a, agents::Work::kInbound)) continue;
        if (queue != nullptr && !queue->Level(a.info.spec, 0)) continue;
        if (!best || a.since < *best) best = a.since;
    }
    return best;
}

int Dialer::AgentsWorking(const std::vector<std::string>& only, const InboundQueue* queue) const {
    int n = 0;
    for (const Agent& a : agents_) {
        if (a.state == AgentState::kOffline || !Named(only, a.id)) continue;
        if (!a.info.Takes(agents::Work::kInbound)) continue;
        // Every level the queue may ever reach.
        if (queue != nullptr && !queue->Level(a.info.spec, std::numeric_limits<Millis>::max() / 2))
            continue;
        ++n;
    }
    return n;
}

void Dialer::Announce(CallId id) {
    auto it = live_.find(id);
    if (it == live_.end() || it->second.phase != Phase::kWaiting || !it->second.queue ||
        it->second.queue->spec.announce_every <= 0)  // the queue was changed meanwhile
        return;
    LiveCall& call = it->second;
    // The caller's place among the callers waiting, and as many rounds of
    // talk and wrap-up as there are callers for each operator who may take
    // them; never longer than said before unless someone went ahead.
    int place = 0;
    EachWaiting([&](CallId other) {
        if (live_.at(other).inbound) ++place;
        return other != id;
    });
    const int working = std::max(1, AgentsWorking(call.eligible, call.queue.get()));
    const auto handle = static_cast<Millis>(mean_talk_seconds_ * 1000) + options_.wrap_up;
    Millis wait = (static_cast<Millis>(place) * handle + working - 1) / working;
    if (call.announced_wait >= 0 && !call.overtaken) wait = std::min(wait, call.announced_wait);
    call.announced_wait = wait;
    call.overtaken = false;
    telephony_.Play(
        id, Announcement(call.queue->spec.language, place, wait, call.queue->spec.callback));
    // One round of announcements at a time: a caller requeued after an
    // operator missed them begins a new one, and the old timer does nothing.
    const Millis next = loop_.Now() + call.queue->spec.announce_every;
    call.next_announce = next;
    Later(next, [this, id, next] {
        auto again = live_.find(id);
        if (again != live_.end() && again->second.next_announce == next) Announce(id);
    });
}

void Dialer::Abandon(CallId id) {
    auto it = live_.find(id);
    LiveCall& call = it->second;
    OutOfLine(id);
    Paced(call, true);
    lead_state_[call.lead].no_redial_until =
        Seconds(loop_.Now()) + options_.abandon_no_redial_seconds;
    call.phase = Phase::kAbandonMessage;
    telephony_.Play(id, options_.robot.abandon);
}

// What a script says next is played as one prompt; then the call waits for
// keys, or ends, as the step says.
void Dialer::ScriptStep(CallId id, LiveCall& call, const ivr::Walk::Step& step) {
    call.record.robot_step = step.node;
    for (const ivr::Action& a : step.actions) {
        std::string done(ivr::ActionId(a.kind));
        if (!a.value.empty()) done += ":" + a.value;
        call.record.robot_actions += (call.record.robot_actions.empty() ? "" : ",") + done;
        ++stats_.robot_actions[std::string(ivr::ActionId(a.kind))];
    }
    call.then_collect = step.waiting;
    call.then_end = step.ended;
    call.max_digits = step.max_digits;
    call.timeout = Millis{step.timeout_seconds} * 1000;
    if (!step.said.empty()) {
        std::string prompt;
        for (const auto& text : step.said)
            prompt += (prompt.empty() ? "" : " ") + text;
        telephony_.Play(id, prompt);
        return;
    }
    if (call.then_collect) {
        telephony_.Collect(id, call.max_digits, call.timeout);
    } else {
        telephony_.Hangup(id);
        Finish(id, "answered", 0);
    }
}

void Dialer::RobotStep(CallId id, LiveCall& call, const telephony::Event& event) {
    if (call.walk) {
        if (event.kind == telephony::EventKind::kDigits) {
            call.record.robot_keys += (call.record.robot_keys.empty() ? "" : ",") +
                                      (event.digits.empty() ? std::string("-") : event.digits);
            ++stats_.robot_keys[event.digits.empty() ? "none" : event.digits];
            ScriptStep(id, call, call.walk->Keys(event.digits));
        } else if (call.then_collect) {
            telephony_.Collect(id, call.max_digits, call.timeout);
        } else {
            telephony_.Hangup(id);
            Finish(id, "answered", 0);
        }
        return;
    }
    std::string& step = call.record.robot_step;
    if (step == "greeting") {
        step = "question";
        telephony_.Play(id, options_.robot.question);
    } else if (step == "question") {
        step = "answer";
        telephony_.Collect(id, 1, options_.robot.answer_timeout);
    } else if (step == "answer") {
        call.record.robot_keys = event.digits;
        ++stats_.robot_keys[event.digits.empty() ? "none" : event.digits];
        step = "goodbye";
        telephony_.Play(id, options_.robot.goodbye);
    } else {
        step = "done";
        telephony_.Hangup(id);
        Finish(id, "answered", 0);
    }
}

void Dialer::Finish(CallId id, const std::string& outcome, int cause) {
    auto it = live_.find(id);
    if (it == live_.end()) return;
    LiveCall call = std::move(it->second);
    live_.erase(it);
    const Millis now = loop_.Now();
    if (!call.consult_agent.empty()) ConsultOver(id, call);
    EndHold(call);
    CallRecord& r = call.record;
    r.ended = now;
    r.outcome = outcome;
    r.cause = cause;
    if (call.inbound) {
        if (r.answered != 0) {
            Millis talk = now - r.answered;
            stats_.human_talk_ms += talk;
            mean_talk_seconds_ += (talk / 1000.0 - mean_talk_seconds_) * 0.01;
        }
        if (outcome != "answered" && outcome != "callback") ++stats_.inbound_abandoned;
        if (on_call_) on_call_(r);
        return;
    }
    if (r.answered != 0 && now - r.answered < options_.short_call && outcome == "answered") {
        r.short_call = true;
        ++stats_.short_calls;
    }
    if (r.bridged != 0) {
        Millis talk = now - r.bridged;
        stats_.human_talk_ms += talk;
        mean_talk_seconds_ += (talk / 1000.0 - mean_talk_seconds_) * 0.01;
    }
    ++stats_.outcomes[outcome];
    LeadState& state = lead_state_[call.lead];
    if (outcome == "abandoned") {
        ++stats_.abandoned;
        // 72 hours from the end of the abandoned call, its recorded message included.
        state.no_redial_until =
            std::max(state.no_redial_until, Seconds(now) + options_.abandon_no_redial_seconds);
    }
    state.busy = false;
    gate_.Attempted(leads_[call.lead], Seconds(r.started), outcome);
    if (on_call_) on_call_(r);
    // An interrupted call that had been answered reached the person.
    if (outcome == "answered" || outcome == "invalid" ||
        (outcome == "interrupted" && r.answered != 0)) {
        state.closed = true;
    } else {
        Retry(call.lead, outcome);
    }
}

int64_t Dialer::RetryDelay(const std::string& outcome) const {
    int64_t delay = -1;
    for (const RetryRule& rule : options_.retries) {
        if (rule.outcome == outcome) delay = rule.delay_seconds;
    }
    if (outcome == "interrupted" && delay < 0) {
        // Nobody knows how the call would have ended: as if it rang out.
        for (const RetryRule& rule : options_.retries) {
            if (rule.outcome == "no_answer") delay = rule.delay_seconds;
        }
    }
    if (outcome == "abandoned") {
        delay = std::max(delay, options_.abandon_no_redial_seconds);
    }
    return delay;
}

void Dialer::Retry(size_t lead, const std::string& outcome) {
    LeadState& state = lead_state_[lead];
    if (state.attempts >= options_.max_attempts) {
        state.closed = true;
        return;
    }
    const int64_t delay = RetryDelay(outcome);
    if (delay < 0) {
        state.closed = true;
        return;
    }
    RetryAt(loop_.Now() + delay * 1000, lead);
}

void Dialer::RetryAt(Millis when, size_t lead) {
    retries_.emplace_back(when, lead);
    std::push_heap(retries_.begin(), retries_.end(), LaterDue{});
}

// A dial the gate refused: counted by reason, and tried again when the reason
// lapses (never at or before now: a gate that said "not now, but now" would
// spin), or closed for good.
void Dialer::Denied(size_t lead, const compliance::Decision& decision) {
    if (!decision.reasons.empty()) {
        lead_state_[lead].held = static_cast<int>(decision.reasons.front().reason);
        lead_state_[lead].held_until = decision.earliest.value_or(INT64_MAX);
    }
    for (const auto& denial : decision.reasons) {
        ++stats_.denials[std::string(compliance::DenyReasonId(denial.reason))];
    }
    if (decision.earliest) {
        RetryAt(std::max(*decision.earliest * 1000, loop_.Now() + 1000), lead);
    } else {
        lead_state_[lead].closed = true;
        ++stats_.leads_closed_by_gate;
    }
}

void Dialer::AddAgent(const std::string& id) {
    if (FindAgent(id) != nullptr) return;
    Agent a;
    a.id = id;
    a.since = loop_.Now();
    a.info.spec.id = id;
    agents_.push_back(std::move(a));
    if (workforce_->Find(id) == nullptr) (void)workforce_->Add(agents::AgentSpec{.id = id});
}

void Dialer::SetProfile(const agents::AgentSpec& profile) {
    Agent* a = FindAgent(profile.id);
    if (a == nullptr) return;
    a->info.spec = profile;
    (void)workforce_->Update(profile);
}

Dialer::Agent* Dialer::FindAgent(const std::string& id) {
    for (Agent& a : agents_) {
        if (a.id == id) return &a;
    }
    return nullptr;
}

// Whether `agent` is among `eligible` (a call's agents; empty: anyone).
bool Dialer::Named(const std::vector<std::string>& eligible, const std::string& agent) {
    return eligible.empty() || std::find(eligible.begin(), eligible.end(), agent) != eligible.end();
}

bool Dialer::MayTake(const LiveCall& call, const Agent& agent, Millis now) const {
    if (!call.inbound) return agent.info.Takes(agents::Work::kOutbound);
    if (!agent.info.Takes(agents::Work::kInbound) || !Named(call.eligible, agent.id)) return false;
    return call.queue == nullptr || call.queue->Level(agent.info.spec, now - call.arrived);
}

Dialer::Agent* Dialer::ChooseFor(const LiveCall& call) {
    if (call.queue == nullptr) return LongestReady(call.eligible, agents::Work::kInbound);
    const Millis now = loop_.Now();
    const Millis waited = now - call.arrived;
    // The ready agents the queue allows now; one who is leaving only when
    // nobody else is free.
    std::vector<routing::Candidate> candidates;
    for (bool leaving : {false, true}) {
        Candidates(*call.queue, call.eligible, waited, leaving, candidates);
        if (!candidates.empty()) break;
    }
    if (candidates.empty()) return nullptr;
    auto picked =
        routing::Pick(call.queue->DeskStrategy(), std::move(candidates), call.queue->memory);
    if (picked.empty()) return nullptr;
    return FindAgent(picked.front()->spec.id);
}

void Dialer::QueueCandidates(const InboundQueue& queue, const std::vector<std::string>& only,
                             Millis waited, std::vector<routing::Candidate>& out) {
    Candidates(queue, only, waited, /*leaving=*/false, out);
}

void Dialer::Candidates(const InboundQueue& queue, const std::vector<std::string>& only,
                        Millis waited, bool leaving, std::vector<routing::Candidate>& out) {
    for (Agent& a : agents_) {
        if (a.state != AgentState::kReady || a.card != SIZE_MAX || a.dialing) continue;
        if ((a.leaving_until != 0) != leaving || !Free(a, agents::Work::kInbound) ||
            !Named(only, a.id)) {
            continue;
        }
        const auto level = queue.Level(a.info.spec, waited);
        if (!level) continue;
        a.info.idle_since = a.since;
        out.push_back({&a.info, *level, MemberOf(queue, a.id)});
    }
}

// The agent's place in the queue's member list; without one, their place
// among the dialer's agents (round robin and fixed order go by it).
int Dialer::MemberOf(const InboundQueue& queue, const std::string& agent) const {
    if (auto it = queue.member_pos.find(agent); it != queue.member_pos.end()) return it->second;
    for (size_t i = 0; i < agents_.size(); ++i) {
        if (agents_[i].id == agent) return static_cast<int>(queue.member_pos.size() + i);
    }
    return -1;
}

Dialer::Agent* Dialer::LongestReady(const std::vector<std::string>& eligible, agents::Work work) {
    Agent* best = nullptr;
    for (Agent& a : agents_) {
        if (a.state != AgentState::kReady || a.card != SIZE_MAX || a.dialing) continue;
        if (!Named(eligible, a.id) || !Free(a, work)) continue;
        // One who is leaving takes a call only when no one else is free.
        auto rank = [](const Agent& x) { return std::pair(x.leaving_until != 0, x.since); };
        if (best == nullptr || rank(a) < rank(*best)) best = &a;
    }
    return best;
}

bool Dialer::HoldWhileLinesRing(Agent& agent, AgentState to) {
    const Pacing mode = options_.pacing.mode;
    if (agent.state != AgentState::kReady ||
        (mode != Pacing::kPredictive && mode != Pacing::kRatio))
        return false;
    const bool ringing = std::any_of(live_.begin(), live_.end(), [](const auto& entry) {
        return entry.second.phase == Phase::kRinging && !entry.second.inbound;
    });
    if (!ringing) return false;
    const Millis until = loop_.Now() + options_.ring_timeout + options_.abandon_wait;
    const bool scheduled = agent.leaving_until != 0;
    agent.leaving_until = until;
    agent.leaving_to = to;
    if (!scheduled) {
        Later(until, [this, id = agent.id] {
            Agent* a = FindAgent(id);
            if (a == nullptr || a->leaving_until == 0) return;
            a->leaving_until = 0;
            if (a->state == AgentState::kReady) SetState(*a, a->leaving_to);
        });
    }
    return true;
}

void Dialer::SetState(Agent& agent, AgentState state) {
    const Millis now = loop_.Now();
    AddTime(stats_, agent, now - agent.since);
    if (agent.state == AgentState::kOnCall) agent.info.talk_ms += now - agent.since;
    const AgentState from = agent.state;
    agent.state = state;
    agent.since = now;
    Mirror(agent, from, state);
    Tell(agent, "state");
}

// An agent with nothing to do: a waiting caller first, else ready.
void Dialer::AgentFree(Agent& agent) {
    if (agent.logout_pending || agent.pause_pending) {
        const bool out = agent.logout_pending;
        agent.logout_pending = agent.pause_pending = false;
        agent.contact_id = 0;
        SetState(agent, out ? AgentState::kOffline : AgentState::kPaused);
        return;
    }
    agent.contact_id = 0;
    agent.inbound = InboundCard{};
    if (agent.state != AgentState::kReady) SetState(agent, AgentState::kReady);
    // The first waiting call this agent may take.
    const Millis now = loop_.Now();
    CallId next = 0;
    EachWaiting([&](CallId id) {
        if (!MayTake(live_.at(id), agent, now)) return true;
        next = id;
        return false;
    });
    if (next != 0 && OutOfLine(next)) {
        const CallId id = next;
        LiveCall& call = live_.at(id);
        if (!call.inbound) Paced(call, false);
        Connect(id, call, agent);
    }
}

void Dialer::WrapUpOver(Agent& agent, uint64_t record) {
    if (agent.state != AgentState::kWrapUp || agent.last_record != record) return;
    agent.wrap_elapsed = true;
    if (agent.disposition_due && options_.simulated_agents) {
        (void)Dispose(agent.id,
                      Disposition{.call = record, .agent = agent.id, .status = "in_progress"});
        return;
    }
    if (!agent.disposition_due) {
        AgentFree(agent);
        Pump();
    }
}

Result<void> Dialer::SetReady(const std::string& id) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (a->state == AgentState::kOnCall || a->state == AgentState::kWrapUp) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.busy_leave", "agent '{agent}' is {agent_state}",
                        "finish the call and record its disposition first"},
                    {{"agent", id}, {"agent_state", std::string(AgentStateId(a->state))}});
    }
    // Busy in another campaign (a shared workforce): refused, nothing changes.
    if (a->state == AgentState::kOffline || a->state == AgentState::kPaused) {
        if (auto ready = workforce_->SetReady(id, loop_.Now()); !ready) return ready;
    }
    a->logout_pending = a->pause_pending = false;
    a->leaving_until = 0;
    AgentFree(*a);
    Pump();
    return {};
}

Result<void> Dialer::SetPaused(const std::string& id, const std::string& reason) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (a->state == AgentState::kOnCall || a->state == AgentState::kWrapUp || a->dialing) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.busy_pause", "agent '{agent}' is {agent_state}",
                        "pause after the call's disposition"},
                    {{"agent", id}, {"agent_state", std::string(AgentStateId(a->state))}});
    }
    // Logging in on a pause while busy in another campaign: refused.
    if (a->state == AgentState::kOffline) {
        if (auto held = workforce_->Find(id);
            held != nullptr && (held->now.state == agents::State::kOnCall ||
                                held->now.state == agents::State::kOffered ||
                                held->now.state == agents::State::kWrapUp)) {
            return Fail(
                ErrorCode::kConflict,
                Msg{"agent.busy_elsewhere", "agent '{agent}' is on a call in another campaign",
                    "join after the call and its disposition"},
                {{"agent", id}});
        }
    }
    if (a->card != SIZE_MAX) {
        lead_state_[a->card].busy = false;
        RetryAt(loop_.Now(), a->card);
        a->card = SIZE_MAX;
        a->contact_id = 0;
        Release(*a);
    }
    a->pause_reason = reason;
    if (HoldWhileLinesRing(*a, AgentState::kPaused)) return {};
    SetState(*a, AgentState::kPaused);
    return {};
}

Result<void> Dialer::Logout(const std::string& id) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (a->state == AgentState::kOnCall || a->state == AgentState::kWrapUp || a->dialing) {
        a->logout_pending = true;
        return {};
    }
    if (a->card != SIZE_MAX) {
        lead_state_[a->card].busy = false;
        RetryAt(loop_.Now(), a->card);
        a->card = SIZE_MAX;
        Release(*a);
    }
    if (HoldWhileLinesRing(*a, AgentState::kOffline)) return {};
    SetState(*a, AgentState::kOffline);
    return {};
}

Result<void> Dialer::Dispose(const std::string& id, Disposition d) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (!a->disposition_due) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.no_call_to_close", "agent '{agent}' has no call to close",
                        "a disposition follows a call the agent talked on"},
                    {{"agent", id}});
    }
    d.call = a->last_record;
    d.agent = id;
    a->disposition_due = false;
    ++stats_.dispositions;
    if (d.callback_at) {
        ++stats_.callbacks;
        auto lead = lead_of_contact_.find(a->contact_id);
        callbacks_.push_back(
            Callback{id, a->contact_id,
                     lead == lead_of_contact_.end() ? std::string() : leads_[lead->second].e164,
                     *d.callback_at});
    }
    if (on_disposition_) on_disposition_(d);
    if (a->state == AgentState::kWrapUp && a->wrap_elapsed) {
        a->contact_id = 0;
        AgentFree(*a);
        Pump();
    }
    return {};
}

Result<void> Dialer::HangupByAgent(const std::string& id) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (a->call == 0 && a->consult_on != 0) {
        // A colleague consulted leaves: the operator is back with the caller.
        const CallId on = a->consult_on;
        auto it = live_.find(on);
        if (it == live_.end()) {
            a->consult_on = 0;
            AgentFree(*a);
            return {};
        }
        telephony_.EndConsult(on, telephony::ConsultStep::kCancel);
        ConsultOver(on, it->second);
        if (Agent* op = FindAgent(it->second.record.agent)) Tell(*op, "consult_ended");
        return {};
    }
    if (a->call == 0) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.not_on_call", "agent '{agent}' is not on a call"}, {{"agent", id}});
    }
    CallId call = a->call;
    telephony_.Hangup(call);
    Handle(
        telephony::Event{.call = call, .kind = telephony::EventKind::kHungUp, .at = loop_.Now()});
    return {};
}

Result<Dialer::LiveCall*> Dialer::DeskCall(const Agent& agent) {
    auto it = agent.call != 0 ? live_.find(agent.call) : live_.end();
    if (it == live_.end()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.not_on_call", "agent '{agent}' is not on a call"},
                    {{"agent", agent.id}});
    }
    if (!it->second.put_through || it->second.phase != Phase::kTalking) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.call_not_through", "agent '{agent}''s call is not put through yet",
                        "wait until you hear the caller, then try again"},
                    {{"agent", agent.id}});
    }
    return &it->second;
}

void Dialer::EndHold(LiveCall& call) {
    if (call.held_since == 0) return;
    call.record.desk.holds.push_back(routing::HoldSpell{
        .agent = call.record.agent, .at = call.held_since, .ms = loop_.Now() - call.held_since});
    call.held_since = 0;
}

Result<Dialer::LiveCall*> Dialer::OwnCall(const Agent& agent) {
    auto call = DeskCall(agent);
    if (call && !(*call)->consult_agent.empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"consult.busy", "you are consulting '{agent}' already",
                        "finish that consultation first: put through, conference or back"},
                    {{"agent", (*call)->consult_agent}});
    }
    return call;
}

Result<Dialer::LiveCall*> Dialer::ConsultCall(const Agent& agent) {
    auto call = DeskCall(agent);
    if (!call) return call;
    if ((*call)->consult_agent.empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"consult.none", "agent '{agent}' is not consulting anyone",
                        "start a consultation with a colleague first"},
                    {{"agent", agent.id}});
    }
    return call;
}

Result<void> Dialer::ConsultAgent(const std::string& id, const std::string& to) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    auto call = OwnCall(*a);
    if (!call) return std::unexpected(call.error());
    LiveCall& c = **call;
    auto colleague = Colleague(id, to, c);
    if (!colleague) return std::unexpected(colleague.error());
    Agent* b = *colleague;
    const agents::Work work = c.inbound ? agents::Work::kInbound : agents::Work::kOutbound;
    const CallId cid = a->call;
    if (!Claim(*b, work, c.record.id)) {
        return std::unexpected(NotReady(to, "taken"));
    }
    if (!telephony_.Consult(cid, to)) {
        Release(*b);
        return Fail(
            ErrorCode::kConflict,
            Msg{"consult.unsupported", "operator '{agent}' cannot be consulted on this network",
                "give the operator a phone in the SIP settings ([agents]), or transfer "
                "blind"},
            {{"agent", to}});
    }
    c.consult_agent = to;
    c.consult_answered = false;
    if (c.held_since == 0) c.held_since = loop_.Now();  // the caller hears music meanwhile
    b->consult_on = cid;
    SetState(*b, AgentState::kOnCall);
    if (on_progress_) on_progress_(c.record);
    Tell(*a, "state");
    Tell(*b, "consult");
    return {};
}

Result<void> Dialer::EndConsultByAgent(const std::string& id, telephony::ConsultStep step) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    auto call = ConsultCall(*a);
    if (!call) return std::unexpected(call.error());
    LiveCall& c = **call;
    const CallId cid = a->call;
    if (step != telephony::ConsultStep::kCancel && !c.consult_answered) {
        return Fail(ErrorCode::kConflict,
                    Msg{"consult.not_answered", "'{agent}' has not answered yet",
                        "wait for their voice, or go back to the caller"},
                    {{"agent", c.consult_agent}});
    }
    const Millis now = loop_.Now();
    if (step == telephony::ConsultStep::kConference) {
        if (c.conference_since == 0) {
            EndHold(c);
            c.conference_since = now;
            telephony_.EndConsult(cid, step);
        }
        if (on_progress_) on_progress_(c.record);
        Tell(*a, "state");
        if (Agent* b = FindAgent(c.consult_agent)) Tell(*b, "state");
        return {};
    }
    telephony_.EndConsult(cid, step);
    if (step == telephony::ConsultStep::kCancel) {
        ConsultOver(cid, c);
        Tell(*a, "state");
        return {};
    }
    // Complete: the colleague takes the call as it is, the agent leaves.
    Agent* b = FindAgent(c.consult_agent);
    const std::string to = c.consult_agent;
    if (c.conference_since != 0) {
        c.record.desk.conferences.push_back(routing::Conference{
            .agent = a->id, .with = to, .at = c.conference_since, .ms = now - c.conference_since});
        c.conference_since = 0;
    }
    c.consult_agent.clear();
    c.consult_answered = false;
    Leaves(*a, c, "agent:" + to, "attended");
    if (b == nullptr) return {};
    b->consult_on = 0;
    b->call = cid;
    b->last_record = c.record.id;
    b->contact_id = c.record.contact_id;
    if (c.inbound) b->inbound = c.card;
    ++b->info.calls;
    c.record.agent = to;
    c.record.bridged = now;
    c.connected = now;
    if (!c.inbound) {
        ++stats_.bridged;
        gate_.Talked(leads_[c.lead], to, Seconds(now));
    }
    if (on_progress_) on_progress_(c.record);
    Tell(*b, "connected", c.inbound ? nullptr : &leads_[c.lead]);
    return {};
}

void Dialer::ConsultOver(CallId id, LiveCall& call) {
    const Millis now = loop_.Now();
    if (call.conference_since != 0) {
        call.record.desk.conferences.push_back(
            routing::Conference{.agent = call.record.agent,
                                .with = call.consult_agent,
                                .at = call.conference_since,
                                .ms = now - call.conference_since});
        call.conference_since = 0;
    }
    EndHold(call);
    Agent* b = FindAgent(call.consult_agent);
    call.consult_agent.clear();
    call.consult_answered = false;
    if (b != nullptr && b->consult_on == id) {
        b->consult_on = 0;
        Tell(*b, "ended");
        AgentFree(*b);
    }
    if (on_progress_ && live_.contains(id)) on_progress_(call.record);
}

std::optional<CallId> Dialer::TalkingCall(const std::string& id) const {
    for (const Agent& a : agents_) {
        if (a.id != id || a.call == 0) continue;
        auto it = live_.find(a.call);
        if (it != live_.end() && it->second.put_through && it->second.phase == Phase::kTalking)
            return a.call;
    }
    return std::nullopt;
}

Result<void> Dialer::HoldByAgent(const std::string& id, bool on) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    auto call = OwnCall(*a);
    if (!call) return std::unexpected(call.error());
    LiveCall& c = **call;
    if (on == (c.held_since != 0)) return {};  // held already (or not): nothing changes
    if (on) {
        c.held_since = loop_.Now();
    } else {
        EndHold(c);
    }
    telephony_.Hold(a->call, on);
    if (on_progress_) on_progress_(c.record);
    Tell(*a, "state");
    return {};
}

void Dialer::PassedOn(Agent& agent, CallId id, LiveCall& call, std::string to) {
    // The caller hears music until the next operator's voice.
    telephony_.Unbridge(id);
    call.moved = true;
    call.put_through = false;
    call.line_answered = true;
    call.line_recording = call.record.recording;
    if (!call.inbound) --stats_.bridged;  // counted again when someone takes it
    Leaves(agent, call, std::move(to), "blind");
}

void Dialer::Leaves(Agent& agent, LiveCall& call, std::string to, std::string mode) {
    const Millis now = loop_.Now();
    EndHold(call);
    call.record.desk.transfers.push_back(routing::Transfer{.from = agent.id,
                                                           .to = std::move(to),
                                                           .mode = std::move(mode),
                                                           .at = now,
                                                           .talked_ms = now - call.record.bridged});
    call.record.agent.clear();
    agent.call = 0;
    agent.wrap_elapsed = false;
    agent.disposition_due = false;
    SetState(agent, AgentState::kWrapUp);
    Tell(agent, "ended");
    const uint64_t record = agent.last_record;
    Later(now + options_.wrap_up, [this, who = agent.id, record] {
        if (Agent* w = FindAgent(who)) WrapUpOver(*w, record);
    });
}

Result<Dialer::Agent*> Dialer::Colleague(const std::string& id, const std::string& to,
                                         const LiveCall& call) {
    if (to == id) {
        return Fail(ErrorCode::kInvalidInput, Msg{"transfer.to_self", "the call is yours already",
                                                  "choose another operator or a queue"});
    }
    Agent* b = FindAgent(to);
    if (b == nullptr) {
        return Fail(
            ErrorCode::kNotFound,
            Msg{"transfer.agent_unknown", "operator '{agent}' does not work in this campaign",
                "choose an operator the list shows as ready"},
            {{"agent", to}});
    }
    const agents::Work work = call.inbound ? agents::Work::kInbound : agents::Work::kOutbound;
    if (b->state != AgentState::kReady || b->card != SIZE_MAX || b->dialing ||
        b->leaving_until != 0 || !Free(*b, work)) {
        return std::unexpected(NotReady(to, AgentStateId(b->state)));
    }
    return b;
}

Result<void> Dialer::TransferToAgent(const std::string& id, const std::string& to) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    auto call = OwnCall(*a);
    if (!call) return std::unexpected(call.error());
    LiveCall& c = **call;
    auto colleague = Colleague(id, to, c);
    if (!colleague) return std::unexpected(colleague.error());
    Agent* b = *colleague;
    const CallId cid = a->call;
    PassedOn(*a, cid, c, "agent:" + to);
    if (!c.inbound) Paced(c, false);
    Connect(cid, c, *b);
    Pump();
    return {};
}

Result<void> Dialer::TransferToQueue(const std::string& id, const std::string& name,
                                     std::shared_ptr<InboundQueue> queue) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    auto call = OwnCall(*a);
    if (!call) return std::unexpected(call.error());
    LiveCall& c = **call;
    if (!c.inbound) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"transfer.queue_outbound",
                        "a call the campaign dialed cannot wait in a queue of incoming calls",
                        "transfer it to an operator who is ready"});
    }
    const CallId cid = a->call;
    const Millis now = loop_.Now();
    PassedOn(*a, cid, c, "queue:" + name);
    c.queue = std::move(queue);
    c.eligible.clear();
    c.card.route = "queue:" + name;
    c.on_max_wait = nullptr;
    c.give_up_at = now + (c.queue && c.queue->spec.max_wait > 0 ? c.queue->spec.max_wait
                                                                : options_.inbound_wait);
    Later(c.give_up_at, [this, cid] {
        auto it = live_.find(cid);
        if (it != live_.end() && it->second.phase == Phase::kWaiting &&
            loop_.Now() >= it->second.give_up_at)
            WaitOver(cid);
    });
    if (Agent* b = ChooseFor(c); b != nullptr && b != a) {
        Connect(cid, c, *b);
        Pump();
        return {};
    }
    c.phase = Phase::kWaiting;
    InLine(cid, c, true);
    if (c.queue && c.queue->spec.announce_every > 0) Announce(cid);
    WidenLater(cid, c);
    Pump();
    return {};
}

Result<Lead> Dialer::NextCard(const std::string& id) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (a->state != AgentState::kReady || a->dialing) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.busy_next_card", "agent '{agent}' is {agent_state}",
                        "take the next card when ready"},
                    {{"agent", id}, {"agent_state", std::string(AgentStateId(a->state))}});
    }
    if (a->card != SIZE_MAX) return leads_[a->card];
    if (!a->info.Takes(agents::Work::kOutbound)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"agent.inbound_only", "agent '{agent}' takes incoming calls only",
                        "a supervisor can make them blended: callbase routing agent set {agent} "
                        "--blend blended"},
                    {{"agent", id}});
    }
    if (!running_) {
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.not_running_now", "the campaign is not running"});
    }
    const Millis now = loop_.Now();
    // The card is the agent's offer until dialed or let go.
    if (auto offer = workforce_->TryOffer(id, agents::Work::kOutbound, 0, now); !offer) {
        (void)Door(*a, std::unexpected(offer.error()));
        return std::unexpected(offer.error());
    } else {
        a->offer = offer->id;
    }
    while (auto lead = TakeLead(now)) {
        // The gate is asked now, to show only callable cards, and again at the dial.
        if (!OperatorAllows(*lead, id)) continue;
        GateCheck check = gate_.Check(leads_[*lead], options_.purpose, Seconds(now));
        if (!check.decision.allowed) {
            Denied(*lead, check.decision);
            continue;
        }
        lead_state_[*lead].busy = true;
        a->card = *lead;
        a->contact_id = leads_[*lead].contact_id;
        return leads_[*lead];
    }
    Release(*a);
    return Fail(ErrorCode::kNotFound, Msg{"campaign.no_lead_now", "no lead can be called now",
                                          "wait for retries, or widen the campaign's segment"});
}

Result<void> Dialer::DialCard(const std::string& id) {
    Agent* a = FindAgent(id);
    if (a == nullptr) return std::unexpected(NoAgent(id));
    if (a->card == SIZE_MAX || a->state != AgentState::kReady) {
        return Fail(
            ErrorCode::kConflict,
            Msg{"agent.no_card", "agent '{agent}' has no card to dial", "take the next card first"},
            {{"agent", id}});
    }
    size_t lead = a->card;
    lead_state_[lead].busy = false;
    SetState(*a, AgentState::kReady);  // the card read so far counts as ready
    a->dialing = true;                 // from here, as dialing
    if (!Dial(lead, id)) {
        SetState(*a, AgentState::kReady);
        a->dialing = false;
        a->card = SIZE_MAX;
        a->contact_id = 0;
        Release(*a);
        return Fail(
            ErrorCode::kConflict,
            Msg{"campaign.dial_held_back", "the dial gate or the caller-ID pool held the call back",
                "take the next card"});
    }
    return {};
}

void Dialer::Later(Millis when, std::function<void()> fn) {
    loop_.At(when, [life = std::weak_ptr<int>(life_), fn = std::move(fn)] {
        if (life.lock()) fn();
    });
}

void Dialer::Tell(const Agent& agent, const char* kind, const Lead* lead) {
    if (!on_agent_) return;
    on_agent_(AgentEvent{agent.id, kind, agent.state, lead, agent.last_record});
}

DialerStats Dialer::Stats() const {
    DialerStats out = stats_;
    const Millis now = loop_.Now();
    for (const Agent& a : agents_)
        AddTime(out, a, now - a.since);
    return out;
}

void Dialer::AddTime(DialerStats& stats, const Agent& agent, Millis spent) {
    switch (agent.state) {
        case AgentState::kReady:
            (agent.dialing ? stats.dialing_ms : stats.ready_ms) += spent;
            break;
        case AgentState::kOnCall:
            stats.talk_ms += spent;
            break;
        case AgentState::kWrapUp:
            stats.wrap_ms += spent;
            break;
        case AgentState::kPaused:
            stats.paused_ms += spent;
            break;
        case AgentState::kOffline:
            break;
    }
}

std::vector<InboundCard> Dialer::WaitingCalls() const {
    std::vector<InboundCard> out;
    EachWaiting([&](CallId id) {
        auto it = live_.find(id);
        if (it != live_.end() && it->second.inbound) out.push_back(it->second.card);
        return true;
    });
    return out;
}

std::vector<AgentView> Dialer::Agents() const {
    std::vector<AgentView> out;
    for (const Agent& a : agents_) {
        AgentView v{a.id,          a.state,           a.since,   a.contact_id,
                    a.last_record, a.disposition_due, a.inbound, a.leaving_until};
        if (auto it = a.call != 0 ? live_.find(a.call) : live_.end(); it != live_.end()) {
            v.put_through = it->second.put_through && it->second.phase == Phase::kTalking;
            v.held_since = it->second.held_since;
            v.consult_with = it->second.consult_agent;
            v.consult_answered = it->second.consult_answered;
            v.conference = it->second.conference_since != 0;
        }
        if (auto it = a.consult_on != 0 ? live_.find(a.consult_on) : live_.end();
            it != live_.end()) {
            v.consulted_by = it->second.record.agent;
            v.consult_answered = it->second.consult_answered;
            v.conference = it->second.conference_since != 0;
        }
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<Callback> Dialer::CallbacksDue(const std::string& agent, UnixSeconds until) const {
    std::vector<Callback> out;
    for (const Callback& c : callbacks_) {
        if (c.agent == agent && c.at <= until) out.push_back(c);
    }
    return out;
}

const Lead* Dialer::LeadOf(int64_t contact_id) const {
    auto it = lead_of_contact_.find(contact_id);
    return it == lead_of_contact_.end() ? nullptr : &leads_[it->second];
}

size_t Dialer::LeadsLeft() const {
    size_t n = 0;
    for (const LeadState& s : lead_state_)
        n += s.closed ? 0 : 1;
    return n;
}

std::map<std::string, int64_t> Dialer::HeldByGate() const {
    std::map<std::string, int64_t> out;
    const UnixSeconds now = Seconds(loop_.Now());
    for (const LeadState& s : lead_state_) {
        if (s.held >= 0 && s.held_until > now) {
            ++out[std::string(
                compliance::DenyReasonId(static_cast<compliance::DenyReason>(s.held)))];
        }
    }
    return out;
}

}  // namespace callbase::campaigns
