// The Telephony port: everything a campaign asks of the telephone network,
// and the Loop that gives it time and timers.
//
// A campaign originates calls (caller ID, number, ring timeout) and hears back
// through one handler: ringing, then exactly one of answered, busy, no answer,
// invalid number, rejected or failed (with a SIP-style cause); an answered call
// later ends with hung up (by the callee) unless the campaign hangs it up
// first. An answered call can be bridged to an agent, or given a prompt to
// play (prompt done) and digits to collect (digits; empty when none came).
//
// Calls come in as well: an incoming event offers a call (the caller's number
// and the number dialed) that rings on our side until it is answered (Answer:
// then answered follows) or refused (Hangup, or Reject with a status). A caller who gives up first
// is heard as hung up.
//
// Two implementations: telephony/sim (a discrete-event network of simulated
// callees, on a simulated clock) and telephony/sip (a real trunk over libre).
// Both call the handler on their Loop's thread only, and must be used from
// that thread: a campaign runs on one thread, the Loop's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace callbase::telephony {

using Millis = int64_t;  // milliseconds since 1970-01-01 UTC (simulated or real)
using CallId = uint64_t;

enum class EventKind {
    kRinging,
    kAnswered,
    kBusy,
    kNoAnswer,
    kInvalid,   // the number does not exist or is not in service
    kRejected,  // the callee declined
    kFailed,    // the network could not place the call
    kHungUp,    // the callee hung up an answered call
    kPromptDone,
    kDigits,
    kIncoming,  // a call offered to us: Event::from calls Event::to
    // The operator's phone did not take a Bridge: it rang out (cause 408),
    // refused (its SIP status) or could not be reached (0). The call itself
    // stays up, answered and unbridged, for another Bridge or a Hangup.
    kAgentMissed,
    // The desk's consultation (Telephony::Consult): the colleague's phone
    // answered; or the consultation is over by itself — their phone rang
    // out (cause 408), refused (its SIP status) or they hung up (0) — and
    // the operator is back with the caller.
    kConsultAnswered,
    kConsultEnded,
};
std::string_view EventKindId(EventKind kind);  // "ringing", "answered", ...
// Whether the event ends an unanswered call.
bool IsFinalFailure(EventKind kind);

struct Event {
    CallId call = 0;
    EventKind kind = EventKind::kRinging;
    Millis at = 0;
    int cause = 0;          // SIP response code for failures (486, 480, 404, 603, 503), else 0
    std::string digits;     // kDigits: the keys pressed, "" when the caller pressed none
    std::string recording;  // kAnswered: the WAV file the call is recorded to, "" for none
    std::string from;       // kIncoming: the caller's number as the network gave it
    std::string to;         // kIncoming: the number they dialed (one of ours)
};

struct Dial {
    std::string caller_id;  // E.164, from the campaign's pool
    std::string number;     // E.164
    Millis ring_timeout = 25'000;
    // The trunk the call goes out through (its name in the SIP settings);
    // "" for the default one.
    std::string trunk;
};

// A trunk as the admin page and /healthz show it: where it goes and, for a
// trunk that registers, the registration's state.
struct TrunkStatus {
    std::string name;       // "main" unless the settings name it
    std::string host;       // the provider's host[:port]
    std::string transport;  // udp, tcp
    std::string account;    // the address of record registered ("sip:user@domain"), "" none
    std::string did;        // the center's number calls for the account stand for
    // "" (the trunk does not register), "registering", "registered", "failed".
    std::string registration;
    // Why the last attempt failed (auth, forbidden, not_found, unavailable,
    // timeout, network, refused), its status code (0: no answer) and line.
    std::string problem;
    int status = 0;
    std::string detail;
    Millis registered_until = 0;  // the binding lapses then unless refreshed
    Millis next_attempt = 0;      // the next REGISTER (a refresh or a retry)
    int granted = 0;              // seconds the registrar granted last
    int64_t registrations = 0, failures = 0;
    // Several trunks: the one campaigns without a trunk of their own use,
    // the numbers whose calls come through it, its caps (0: none), where
    // its calls go when it is down or full, and how it is doing.
    bool is_default = false;
    std::vector<std::string> dids;
    int max_calls = 0;
    double calls_per_second = 0;
    std::vector<std::string> failover;
    bool up = true;           // down: not registered, or its INVITEs went unanswered
    std::string down_reason;  // "not_registered", "no_answer" (its last INVITEs unanswered)
    Millis down_until = 0;    // "no_answer": the next call tries it again then
    int active = 0;           // calls up through it now (both ways)
    int64_t calls = 0;        // INVITEs sent through it
    int64_t incoming = 0;     // calls taken from it (to its numbers or account)
    int64_t failed_over = 0;  // calls it passed to the next trunk (down, full, 5xx)
};

// A supervisor on a live call (Telephony::Monitor): listen (hears both
// sides, heard by nobody), whisper (heard by the operator only), barge (a
// three-way conversation); off ends it.
enum class MonitorMode { kOff, kListen, kWhisper, kBarge };
std::string_view MonitorModeId(MonitorMode mode);  // "off", "listen", "whisper", "barge"

// How the desk's consultation ends (Telephony::EndConsult): the caller is
// put through to the colleague and the operator leaves (an attended
// transfer); the colleague leaves; or all three talk together (a
// conference, itself ended by kComplete or kCancel).
enum class ConsultStep { kComplete, kCancel, kConference };
std::string_view ConsultStepId(ConsultStep step);  // "complete", "cancel", "conference"

// Time and timers. The simulator's Loop jumps from one timer to the next; the
// real one waits on the wall clock.
class Loop {
public:
    virtual ~Loop() = default;
    virtual Millis Now() const = 0;
    // Runs fn on the loop's thread at `when` (at once when it is already past).
    virtual void At(Millis when, std::function<void()> fn) = 0;
};

class Telephony {
public:
    using Handler = std::function<void(const Event&)>;
    virtual ~Telephony() = default;

    virtual void OnEvent(Handler handler) = 0;
    virtual CallId Originate(const Dial& dial) = 0;
    // Connects an answered call to an agent (an endpoint name); the
    // conversation lasts until either side hangs up. When the agent's phone
    // does not answer, kAgentMissed follows and the call waits on. On a call
    // bridged already it moves the call (a transfer): the agent's leg ends,
    // the caller hears music while the new agent's phone rings.
    virtual void Bridge(CallId call, std::string_view agent) = 0;
    // Takes the agent off a bridged call (their leg ends, no event): the
    // caller stays on the line, answered, to music on hold, for another
    // Bridge or a Hangup (a transfer to a queue).
    virtual void Unbridge(CallId call) { Hold(call, true); }
    virtual void Play(CallId call, std::string_view prompt) = 0;
    // An answered call waiting for an agent hears music on hold (the
    // network's own) whenever no prompt plays, until Bridge or
    // Hold(call, false). Networks without music keep silence. On a call
    // bridged to an agent it is the desk's hold: the caller hears music, the
    // agent silence, neither hears the other until Hold(call, false).
    virtual void Hold(CallId call, bool music) {
        (void)call;
        (void)music;
    }
    virtual void Collect(CallId call, int max_digits, Millis timeout) = 0;
    // Answers an incoming call; answered follows.
    virtual void Answer(CallId call) = 0;
    // Lets an incoming call not yet answered hear what plays (Play, music on
    // hold) before the answer: early media, SIP's 183 Session Progress with
    // SDP. The call stays unanswered — the caller pays nothing for it — until
    // Answer, Reject or Hangup. False when the network does not do it (or is
    // told not to): then nothing plays before the answer. No event follows.
    virtual bool EarlyMedia(CallId call) {
        (void)call;
        return false;
    }
    // Rings the supervisor's phone (an endpoint name, as Bridge's agent) and,
    // once answered, lets them hear the bridged call's two sides in `mode`;
    // another mode changes it, kOff hangs their phone up. Ends with the call.
    // False when the network cannot (the simulator) or the supervisor has no
    // phone on it; nothing happens then.
    virtual bool Monitor(CallId call, std::string_view supervisor, MonitorMode mode) {
        (void)call;
        (void)supervisor;
        (void)mode;
        return false;
    }
    // The desk's consultation on a bridged call: rings `agent`'s phone (an
    // endpoint name, as Bridge's) while the caller hears music and the
    // operator silence; once it answers (kConsultAnswered) the operator and
    // the colleague hear each other, the caller still on hold. kConsultEnded
    // when it ends by itself. False when the network cannot (or the
    // colleague has no phone on it); nothing happens then.
    virtual bool Consult(CallId call, std::string_view agent) {
        (void)call;
        (void)agent;
        return false;
    }
    // Ends the consultation as `step` says; no event follows.
    virtual void EndConsult(CallId call, ConsultStep step) {
        (void)call;
        (void)step;
    }
    // The trunks and their registrations, for the admin page and /healthz;
    // safe from any thread. None on a network without trunks (the simulator).
    virtual std::vector<TrunkStatus> Trunks() const { return {}; }
    // Ends the call whatever its state (CANCEL while ringing, BYE when
    // answered, a refusal for an incoming call not yet answered). No event
    // follows.
    virtual void Hangup(CallId call) = 0;
    // Refuses an incoming call not yet answered with a SIP status: 603
    // (declined), 403 (forbidden), 480 (temporarily unavailable). On a call
    // in any other state it is Hangup. No event follows.
    virtual void Reject(CallId call, int status) {
        (void)status;
        Hangup(call);
    }
};

}  // namespace callbase::telephony
