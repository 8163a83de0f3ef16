// CampaignRunner: the campaigns of the base, running inside `callbase serve`.
//
// One thread of its own runs the telephony loop (for now the simulated
// network, paced to the wall clock: SimLoop::RunPaced) and every running
// campaign's Dialer on it, with a Store of its own. Every couple of seconds
// it reads the campaigns' states from the base, so that `callbase campaign
// start|pause|stop` and the API both steer it: a running campaign gets a
// dialer (its leads loaded, its caller-ID pool seeded with today's calls), a
// paused one stops dialing, a stopped one is let go once its calls end.
//
// Operators work through the agent calls below (the API's /agent routes):
// each is posted to the loop and answered from it. What they and the
// supervisors' screens need to follow — an agent's state and card, a
// campaign's live figures — is published as versioned JSON that WebSocket
// feeds wait on (Wait*).
//
// On the simulated network nothing real is dialed: call records are written
// (network "sim") so that people can see and train on them, but no attempt is
// recorded where the dial gate's attempt cap and the inactivity rule look.
// With a real network (RunnerOptions::real_network, telephony/sip) time runs
// at the wall clock's pace, every dial is an attempt the rules count, records
// carry the network's name and the recording, and what robot scripts do
// (opt-outs, tags, statuses, visits) reaches the base.
//
// A demo base (demo_base.h) is never given a real network: Start refuses.
//
// Calls to the center's numbers (a real network's incoming calls) are routed
// by the routing book, read again every poll (docs/routing.md): refused
// (Telephony::Reject), answered with a spoken message, or offered
// (Dialer::Offer) to the agents a queue or a VIP rule allows, in the operator
// campaign whose eligible agent has waited longest, with the queue's max wait
// and exit route. Calls that never reach a queue are noted for the inbound
// report. With no number in the book, every call goes to the campaign whose
// ready agent has waited longest. The caller's card is found by their number;
// the agent's state carries the caller, the number dialed, the route's reason
// and the arrival ("inbound") from before the answer.
//
// Thread-safe: every public method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "campaigns/call_record.h"
#include "campaigns/campaign_book.h"
#include "campaigns/dialer.h"
#include "core/clock.h"
#include "core/error.h"
#include "routing/acd.h"
#include "routing/agent_time.h"
#include "routing/queue_store.h"
#include "routing/router.h"
#include "store/store.h"
#include "telephony/sim/sim_network.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::campaigns {

struct RunnerOptions {
    std::function<Result<std::unique_ptr<store::Store>>()> open_store;
    const phone::Cleaner* cleaner = nullptr;
    std::string registry_dir;
    // People's time: dispositions, history, callbacks (none: the system
    // clock). The network keeps its own simulated clock.
    const Clock* clock = nullptr;
    telephony::Population population;  // the simulated callees
    uint64_t seed = 1;
    double speed = 1.0;  // simulated seconds per wall second
    // A real network instead of the simulated one, made at Start with the
    // way onto the runner's loop (post). Its records carry `network_name`.
    std::function<Result<std::unique_ptr<telephony::Telephony>>(
        std::function<void(std::function<void()>)> post)>
        real_network;
    std::string network_name = "sip";
    Millis poll = 2'000;    // how often the base is asked for state changes
    Millis sample = 5'000;  // a point of the live charts
    int center_utc_offset_minutes = 180;
    // An operator whose every desk (agent WebSocket) has been closed this long
    // — the tab closed, or the network gone and the socket's pings unanswered —
    // is paused with the reason desk_gone: no call is offered to an absent desk.
    std::chrono::milliseconds desk_grace{3'000};
    // Where the menus of incoming calls are (a route "ivr:main.yaml" names a
    // file of it): serve's --scripts-dir.
    std::string scripts_dir;
    // A supervisor listening in is shown on the operator's desk (whisper and
    // barge always are: the operator hears them).
    bool announce_monitoring = true;
};

class CampaignRunner {
public:
    explicit CampaignRunner(RunnerOptions options);
    ~CampaignRunner();
    CampaignRunner(const CampaignRunner&) = delete;
    CampaignRunner& operator=(const CampaignRunner&) = delete;

    Result<void> Start();
    void Stop();
    // Read the base's campaign states now (after a start/pause/stop).
    void Refresh();

    // Agents. `agent` is the user's name. Join puts the agent in a running
    // campaign (paused until Ready); an agent is in one campaign at a time.
    Result<void> Join(const std::string& agent, int64_t campaign);
    Result<void> Leave(const std::string& agent);
    Result<void> Ready(const std::string& agent);
    // `reason`: a code of pause_reasons (lunch, training, …), checked by the
    // caller; "" when none was given. It is shown and kept with the pause.
    Result<void> Pause(const std::string& agent, const std::string& reason = {});
    Result<void> Hangup(const std::string& agent);
    Result<void> Dispose(const std::string& agent, Disposition disposition);
    Result<int64_t> NextCard(const std::string& agent);  // the contact's id
    Result<void> DialCard(const std::string& agent);
    // The desk's call controls (Dialer::HoldByAgent, TransferTo*): a blind
    // transfer goes to an operator of the agent's campaign (`to_agent`) or to
    // a queue of the routing book (`to_queue`), one of the two.
    Result<void> Hold(const std::string& agent, bool on);
    Result<void> Transfer(const std::string& agent, const std::string& to_agent,
                          const std::string& to_queue);
    // Attended transfer and conference (Dialer::ConsultAgent,
    // EndConsultByAgent): the agent consults `to`, an operator of their
    // campaign; then completes, cancels or makes a conference.
    Result<void> Consult(const std::string& agent, const std::string& to);
    Result<void> EndConsult(const std::string& agent, telephony::ConsultStep step);
    // Where the agent may transfer their call: the other operators of their
    // campaign with their states, and the queues (JSON for the desk).
    Result<std::string> TransferTargets(const std::string& agent);
    // A supervisor on an operator's live call (telephony::MonitorMode):
    // their phone rings, then they listen, whisper or barge in; kOff hangs
    // it up. Refused when the operator has no call put through now, the
    // network cannot (the simulator) or the supervisor has no phone there.
    // The operator's desk says so (the state's "monitored") unless it is
    // listening and RunnerOptions::announce_monitoring is off.
    Result<void> Monitor(const std::string& supervisor, const std::string& agent,
                         telephony::MonitorMode mode);

    // The agent's state as JSON: campaign, state, since, contact_id, call,
    // script, disposition_due; and a version that changes with it.
    std::pair<uint64_t, std::string> AgentJson(const std::string& agent);
    // A campaign's live figures as JSON (attempts, answered, abandoned, the
    // rolling abandon rate and its limit, occupancy, agents, calls per caller
    // ID, the chart's points); none when it is not running here.
    std::optional<std::pair<uint64_t, std::string>> LiveJson(int64_t campaign);
    // An agent's desk opened or closed its feed (any thread): the desk's
    // presence. The agent is paused (reason desk_gone) once no desk of theirs
    // has been open for desk_grace.
    void DeskOpened(const std::string& agent);
    void DeskClosed(const std::string& agent);

    // Wait until the version differs from `seen` (or `timeout`); for feeds.
    void WaitAgent(const std::string& agent, uint64_t seen, std::chrono::milliseconds timeout);
    void WaitLive(int64_t campaign, uint64_t seen, std::chrono::milliseconds timeout);
    // The floor now, as JSON, renewed every second (the wallboard): every
    // operator at work with their state, since when, the pause's reason and
    // campaign; the incoming calls waiting, with their route, reason and
    // arrival (no numbers). And a version that changes with it.
    std::pair<uint64_t, std::string> BoardJson();
    void WaitBoard(uint64_t seen, std::chrono::milliseconds timeout);

    // The first error the runner met (the base failing), for /healthz and logs.
    std::optional<Error> error() const;
    // The network's trunks and their registrations (any thread); none on the
    // simulator.
    std::vector<telephony::TrunkStatus> Trunks() const;
    // Whether the trunk a campaign names is one of the SIP settings' (any
    // is, on the simulator): checked at start by the API and when it runs.
    Result<void> CheckTrunk(const CampaignSpec& spec) const;
    // "sim", or the real network's name ("sip").
    std::string network_name() const {
        return options_.real_network ? options_.network_name : std::string("sim");
    }

private:
    struct Active;
    struct Published {
        uint64_t version = 0;
        std::string json;
    };
    // An agent's action on their campaign's dialer, on the loop.
    Result<void> AgentCall(const std::string& agent,
                           Result<void> (Dialer::*action)(const std::string&));
    // Runs `fn` on the loop and returns its result.
    Result<void> OnLoop(std::function<Result<void>()> fn);
    void Poll();
    void Sample();
    void Incoming(const telephony::Event& e);
    void Follow(CallId call, campaigns::Incoming incoming, const routing::Route& route,
                const routing::Route& fallback, int hops);
    // `refuse`: the status a caller not answered is refused with after the
    // message, heard as early media.
    void Speak(CallId call, const campaigns::Incoming& incoming, const std::string& message,
               int refuse = 480);
    void Menu(CallId call, campaigns::Incoming incoming, const std::string& name, int hops);
    void NoteUnqueued(const campaigns::Incoming& incoming, const std::string& route);
    Active* CampaignFor(const std::vector<std::string>& only, const InboundQueue* queue = nullptr,
                        Millis waited = 0);
    void LoadRouting();
    // The agent's profile (blended, no skill when none is set) to their dialer.
    void ApplyProfile(const std::string& agent);
    Result<void> Activate(const CampaignSpec& spec);
    Result<void> RestoreCallbacks(CampaignBook& book, int64_t campaign, Dialer& dialer);
    void PublishAgent(const std::string& agent);
    void PublishLive(Active& active);
    void PublishBoard();
    void LogState(const std::string& agent, int64_t campaign, AgentState state,
                  const std::string& reason);
    nlohmann::json PauseReasonShown(const std::string& agent, AgentState state) const;
    Active* ActiveOf(const std::string& agent);
    const Clock& Wall() const;  // people's time

    struct Parts;  // the loop's clock and the exchange its campaigns share

    RunnerOptions options_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<telephony::SimLoop> loop_;
    std::unique_ptr<telephony::Telephony> network_;
    std::unique_ptr<Parts> parts_;
    // Every operator's state, shared by the campaigns' dialers: the one door
    // to an operator (loop thread only; it outlives the dialers).
    agents::Workforce workforce_{agents::Workforce::Options{.heartbeat_required = false}};
    // Where every campaign's calls waiting for an operator keep their places,
    // one line per campaign (routing/queue_store.h; loop thread only; it
    // outlives the dialers).
    routing::MemoryQueueStore lines_;
    std::map<int64_t, std::unique_ptr<Active>> active_;  // loop thread only
    std::map<std::string, int64_t> agent_campaign_;      // loop thread only
    // The routing book as last read (loop thread only): none until it loads.
    std::optional<routing::Router> router_;
    // The queues as the dialers apply them (kept across reads, so that round
    // robin remembers), and the operators' profiles (blend, skills).
    std::map<std::string, std::shared_ptr<InboundQueue>> queues_;
    std::map<std::string, agents::AgentSpec> profiles_;
    std::string routing_error_;  // the last failure to read it, said once
    std::thread thread_;

    mutable std::mutex mutex_;  // guards what follows
    std::condition_variable changed_;
    std::map<std::string, Published> agents_;
    std::map<int64_t, Published> live_;
    Published board_;
    std::optional<Error> error_;
    struct Desk {
        int open = 0;
        std::chrono::steady_clock::time_point closed;
    };
    std::map<std::string, Desk> desks_;
    // Why a paused operator is paused: the reason they chose, or desk_gone
    // (CheckDesks); kept from the request until the pause ends, so that a
    // pause asked for on a call takes its reason when it begins (loop thread).
    std::map<std::string, std::string> pause_reasons_;
    // Supervisors on operators' calls (the loop's): by operator, the call
    // and who listens how; shown while that call lasts.
    struct Monitoring {
        CallId call = 0;
        std::string supervisor;
        telephony::MonitorMode mode = telephony::MonitorMode::kOff;
    };
    std::map<std::string, Monitoring> monitoring_;
    std::unique_ptr<routing::AgentLog> agent_log_;  // the spells in the base (loop thread)
    void CheckDesks();
};

}  // namespace callbase::campaigns
