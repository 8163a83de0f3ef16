// The dialer's behaviour in small, deterministic worlds: a simulated network
// whose callees we control, a dial gate in memory, a caller-ID pool, a few
// leads. Each test watches what a user relies on (lines per ready agent, the
// agent's cycle, abandoned calls, retries, the gate and its evidence, short
// calls, caller-ID caps, preview cards, robots, the inactivity rule), and the
// shipped predictive scenarios are run against their abandon limit.
#include "campaigns/dialer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "campaigns/campaign_book.h"
#include "campaigns/diagnosis.h"
#include "campaigns/scenario.h"
#include "compliance/rules.h"
#include "support/test_store.h"

namespace callbase::campaigns {
namespace {

using telephony::CallId;
using telephony::Distribution;
using telephony::EventKind;
using telephony::Population;
using telephony::SimLoop;
using telephony::SimNetwork;

constexpr Millis kSecond = 1'000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDayMs = 24 * kHour;
// 2026-12-01 06:00 UTC: a Tuesday, 09:00 on the call center's (Moscow) clock.
constexpr Millis kMorning = 1'796'104'800'000;

std::string Number(int64_t i) {
    return "+7916" + std::to_string(1000000 + i);
}

UnixSeconds DayStart(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count() * int64_t{86400};
}

// Every dial is answered after 5 s of ringing by a person who talks 60 s and
// waits 30 s in silence before giving up; no machines, no invalid numbers.
Population Answering() {
    Population p;
    p.answer_rate = {{0, 1.0}};
    p.busy = 0;
    p.rejected = 0;
    p.failed = 0;
    p.invalid = 0;
    p.machine = 0;
    p.ring_time = Distribution::Fixed(5);
    p.talk_time = Distribution::Fixed(60);
    p.patience = Distribution::Fixed(30);
    p.hangup_in_prompt = 0;
    return p;
}

// Nobody answers; every dial ends as `kind` (busy, rejected or no answer).
Population Unanswered(EventKind kind) {
    Population p = Answering();
    p.answer_rate = {{0, 0.0}};
    if (kind == EventKind::kBusy) p.busy = 1;
    if (kind == EventKind::kRejected) p.rejected = 1;
    return p;
}

// Any time, any day, no cap on attempts that would get in the way.
compliance::CallingRules WideRules() {
    compliance::CallingRules r;
    r.window_start_minute = 0;
    r.window_end_minute = 24 * 60;
    r.weekdays = 0b1111111;
    r.max_attempts = 100;
    r.min_gap = 0;
    return r;
}

std::vector<Lead> Leads(int count, std::optional<int> offset = 180) {
    std::vector<Lead> leads;
    for (int i = 1; i <= count; ++i) {
        Lead lead;
        lead.contact_id = i;
        lead.e164 = Number(i);
        lead.utc_offset_minutes = offset;
        lead.phone_region = "Москва";
        leads.push_back(std::move(lead));
    }
    return leads;
}

DialerOptions Options(Pacing mode, bool simulated_agents = true) {
    DialerOptions o;
    o.pacing.mode = mode;
    o.simulated_agents = simulated_agents;
    return o;
}

std::vector<CallerId> CallerIds(int count) {
    std::vector<CallerId> ids;
    for (int i = 1; i <= count; ++i)
        ids.push_back({"+7495" + std::to_string(1000000 + i), "Москва", 0});
    return ids;
}

// The Telephony the dialer sees: the simulated network, watched. It keeps the
// calls still ringing and still live, every dial and every prompt played.
class Tap final : public telephony::Telephony {
public:
    struct Played {
        CallId call = 0;
        std::string prompt;
        Millis at = 0;
    };
    struct Dialed {
        CallId call = 0;
        telephony::Dial dial;
        Millis at = 0;
    };

    Tap(SimLoop& loop, SimNetwork& net) : loop_(loop), net_(net) {}

    void OnEvent(Handler handler) override {
        handler_ = std::move(handler);
        net_.OnEvent([this](const telephony::Event& e) {
            if (e.kind == EventKind::kAnswered || telephony::IsFinalFailure(e.kind)) {
                ringing_.erase(e.call);
            }
            if (e.kind == EventKind::kHungUp || telephony::IsFinalFailure(e.kind)) {
                live_.erase(e.call);
            }
            if (handler_) handler_(e);
            if (after_event) after_event();
        });
    }
    CallId Originate(const telephony::Dial& dial) override {
        CallId id = net_.Originate(dial);
        ringing_.insert(id);
        live_.insert(id);
        dials.push_back({id, dial, loop_.Now()});
        if (on_dial) on_dial();
        return id;
    }
    void Bridge(CallId call, std::string_view agent) override {
        bridged[call] = std::string(agent);
        net_.Bridge(call, agent);
    }
    void Play(CallId call, std::string_view prompt) override {
        plays.push_back({call, std::string(prompt), loop_.Now()});
        net_.Play(call, prompt);
    }
    void Collect(CallId call, int max_digits, Millis timeout) override {
        net_.Collect(call, max_digits, timeout);
    }
    void Hold(CallId call, bool music) override {
        holds[call] = music;
        hold_log.push_back({call, music, loop_.Now()});
    }
    void Unbridge(CallId call) override {
        unbridged.push_back({call, bridged[call], loop_.Now()});
        net_.Unbridge(call);
    }
    bool EarlyMedia(CallId call) override { return net_.EarlyMedia(call); }
    bool Consult(CallId call, std::string_view agent) override {
        consults.push_back({call, std::string(agent), loop_.Now()});
        return net_.Consult(call, agent);
    }
    void EndConsult(CallId call, telephony::ConsultStep step) override {
        consult_ends.push_back({call, std::string(telephony::ConsultStepId(step)), loop_.Now()});
        net_.EndConsult(call, step);
    }
    void Answer(CallId call) override {
        answers[call] = loop_.Now();
        net_.Answer(call);
    }
    void Hangup(CallId call) override {
        hangups[call] = loop_.Now();
        ringing_.erase(call);
        live_.erase(call);
        net_.Hangup(call);
    }

    int Ringing() const { return static_cast<int>(ringing_.size()); }
    int Live() const { return static_cast<int>(live_.size()); }

    std::function<void()> on_dial;      // after each dial
    std::function<void()> after_event;  // after the dialer handled an event
    std::vector<Dialed> dials;
    std::vector<Played> plays;
    std::map<CallId, std::string> bridged;
    std::map<CallId, Millis> hangups;
    std::map<CallId, Millis> answers;
    std::map<CallId, bool> holds;  // music on hold asked for
    struct Held {
        CallId call = 0;
        bool on = false;
        Millis at = 0;
    };
    std::vector<Held> hold_log;  // every Hold, in order
    struct Unbridged {
        CallId call = 0;
        std::string agent;  // the one taken off
        Millis at = 0;
    };
    std::vector<Unbridged> unbridged;
    // Consultations asked for (the colleague) and how each was ended.
    std::vector<Unbridged> consults, consult_ends;

private:
    SimLoop& loop_;
    SimNetwork& net_;
    Handler handler_;
    std::set<CallId> ringing_, live_;
};

// An AgentEvent copied out of its callback (its lead is valid only there).
struct SeenAgentEvent {
    std::string agent, kind;
    AgentState state = AgentState::kOffline;
    int64_t contact_id = 0;
    std::string number;
    uint64_t call = 0;
    Millis at = 0;
    int cause = 0;
};

// One small world: loop, network, gate, pool, dialer; records, dispositions
// and agent events as the dialer reports them.
struct Rig {
    Rig(Population population, DialerOptions options, std::vector<Lead> leads,
        compliance::CallingRules rules = WideRules(),
        std::vector<CallerId> caller_ids = CallerIds(50), PoolOptions pool_options = {},
        uint64_t seed = 7)
        : options(options),
          loop(kMorning),
          net(loop, std::move(population), seed),
          tap(loop, net),
          gate(std::move(rules), "rkn-refusals v12"),
          pool(std::move(caller_ids), pool_options),
          dialer(loop, tap, gate, pool, std::move(leads), options) {
        dialer.OnCall([this](const CallRecord& r) { records.push_back(r); });
        dialer.OnDisposition([this](const Disposition& d) { dispositions.push_back(d); });
        dialer.OnAgentEvent([this](const AgentEvent& e) {
            SeenAgentEvent seen{e.agent, e.kind, e.state, 0, "", e.call, loop.Now(), e.cause};
            if (e.lead != nullptr) {
                seen.contact_id = e.lead->contact_id;
                seen.number = e.lead->e164;
            }
            agent_events.push_back(seen);
        });
    }

    // A caller to the center's number +74950000001 waiting in `queue`,
    // already answered by a menu unless told (then it rings, and hears
    // nothing); the caller's patience is 600 s.
    CallId OfferToQueue(const std::shared_ptr<InboundQueue>& queue, const char* from,
                        int priority = 0, bool answered = true) {
        const CallId id = net.Offer(from, "+74950000001", 600 * kSecond);
        Incoming in{from, "+74950000001", 0};
        in.route = "queue:" + queue->spec.name;
        in.queue = queue;
        in.priority = priority;
        in.answered_by_menu = answered;
        dialer.Offer(id, std::move(in));
        return id;
    }
    // The prompts played to a call, in order.
    std::vector<std::string> Heard(CallId id) const {
        std::vector<std::string> out;
        for (const auto& p : tap.plays) {
            if (p.call == id) out.push_back(p.prompt);
        }
        return out;
    }

    void AddReady(const std::vector<std::string>& agents) {
        for (const auto& a : agents) {
            dialer.AddAgent(a);
            ASSERT_TRUE(dialer.SetReady(a)) << a;
        }
    }

    AgentView Agent(const std::string& id) const {
        for (const AgentView& a : dialer.Agents()) {
            if (a.id == id) return a;
        }
        ADD_FAILURE() << "no agent " << id;
        return {};
    }
    int ReadyAgents() const {
        int n = 0;
        for (const AgentView& a : dialer.Agents())
            n += a.state == AgentState::kReady ? 1 : 0;
        return n;
    }
    std::vector<CallRecord> RecordsOf(int64_t contact_id) const {
        std::vector<CallRecord> out;
        for (const CallRecord& r : records) {
            if (r.contact_id == contact_id) out.push_back(r);
        }
        return out;
    }

    // Working days from 09:00 to 17:00 on the call center's clock: the
    // agents come in, the campaign runs, then pauses and the agents pause.
    void WorkDays(int first_day, int days, const std::vector<std::string>& agents) {
        for (int day = first_day; day < first_day + days; ++day) {
            const Millis t0 = kMorning + day * kDayMs;
            loop.RunUntil(t0);
            for (const auto& a : agents)
                (void)dialer.SetReady(a);
            dialer.Start();
            loop.RunUntil(t0 + 8 * kHour);
            dialer.Pause();
            loop.RunUntil(t0 + 9 * kHour);
            for (const auto& a : agents)
                (void)dialer.SetPaused(a);
        }
    }

    // Every move of the dialer's operators was the workforce's too.
    ~Rig() { EXPECT_EQ(dialer.Stats().workforce_refusals, 0); }

    DialerOptions options;
    SimLoop loop;
    SimNetwork net;
    Tap tap;
    MemoryGate gate;
    CallerIdPool pool;
    Dialer dialer;
    std::vector<CallRecord> records;
    std::vector<Disposition> dispositions;
    std::vector<SeenAgentEvent> agent_events;
};

// The day of the call center's (Moscow) calendar, from 0 = 2026-12-01.
int DayOf(Millis t) {
    return static_cast<int>((t - (kMorning - 9 * kHour)) / kDayMs);
}

// The callee's local minute of the day at `t`.
int LocalMinute(Millis t, int offset_minutes) {
    int64_t local = t / 1000 + int64_t{offset_minutes} * 60;
    return static_cast<int>(((local % 86400) + 86400) % 86400 / 60);
}

// --- Progressive ----------------------------------------------------------

TEST(Dialer, ProgressiveNeverRingsMoreLinesThanReadyAgentsAndAbandonsNobody) {
    Population pop = Answering();
    pop.answer_rate = {{0, 0.5}};
    pop.busy = 0.4;
    pop.ring_time = Distribution::Uniform(2, 15);
    pop.talk_time = Distribution::Uniform(20, 90);
    Rig rig(pop, Options(Pacing::kProgressive), Leads(400));
    rig.AddReady({"a1", "a2", "a3", "a4"});
    int worst_excess = INT_MIN;  // ringing lines minus ready agents
    int most_ringing = 0;
    auto check = [&] {
        worst_excess = std::max(worst_excess, rig.tap.Ringing() - rig.ReadyAgents());
        most_ringing = std::max(most_ringing, rig.tap.Ringing());
    };
    rig.tap.on_dial = check;
    rig.tap.after_event = check;
    rig.dialer.Start();
    EXPECT_EQ(rig.tap.dials.size(), 4u) << "one line per ready agent at the start";
    rig.loop.RunUntil(kMorning + 2 * kHour);

    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_LE(worst_excess, 0) << "a line rang with no ready agent for it";
    EXPECT_EQ(most_ringing, 4);
    EXPECT_GT(stats.attempts, 150);
    EXPECT_GT(stats.answered, 50);
    EXPECT_EQ(stats.abandoned, 0);
    EXPECT_EQ(stats.outcomes.count("abandoned"), 0u);
    EXPECT_EQ(stats.bridged, stats.answered) << "every answered call reached an agent";
    for (const CallRecord& r : rig.records) {
        if (r.answered != 0) {
            EXPECT_EQ(r.bridged, r.answered) << "call " << r.id << " waited for an agent";
        }
    }
}

// --- An agent's cycle -----------------------------------------------------

TEST(Dialer, AnAgentWrapsUpUntilTheDispositionAndTheCallbackBecomesTheirTask) {
    Population pop = Answering();
    pop.talk_time = Distribution::Fixed(40);
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.wrap_up = 10 * kSecond;
    Rig rig(pop, options, Leads(3));
    rig.dialer.AddAgent("anna");
    auto early = rig.dialer.Dispose("anna", Disposition{.status = "decided"});
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, ErrorCode::kConflict) << "no call to close yet";
    EXPECT_EQ(early.error().key, "agent.no_call_to_close");
    EXPECT_EQ(early.error().params, (MessageParams{{"agent", "anna"}}));
    EXPECT_EQ(early.error().message, "agent 'anna' has no call to close");
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    rig.dialer.Start();

    // Answered at 5 s: the agent's screen gets the lead's card.
    rig.loop.RunUntil(kMorning + 6 * kSecond);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    auto connected = std::find_if(rig.agent_events.begin(), rig.agent_events.end(),
                                  [](const SeenAgentEvent& e) { return e.kind == "connected"; });
    ASSERT_NE(connected, rig.agent_events.end());
    EXPECT_EQ(connected->agent, "anna");
    EXPECT_EQ(connected->contact_id, 1);
    EXPECT_EQ(connected->number, Number(1));
    EXPECT_EQ(connected->state, AgentState::kOnCall);

    // The callee hangs up after 40 s of talk: wrap-up.
    rig.loop.RunUntil(kMorning + 46 * kSecond);
    ASSERT_EQ(rig.records.size(), 1u);
    const CallRecord call = rig.records[0];
    EXPECT_EQ(call.outcome, "answered");
    EXPECT_EQ(call.agent, "anna");
    EXPECT_EQ(call.id, connected->call);
    EXPECT_EQ(call.ended - call.bridged, 40 * kSecond);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_TRUE(rig.Agent("anna").disposition_due);
    EXPECT_TRUE(std::any_of(rig.agent_events.begin(), rig.agent_events.end(),
                            [](const SeenAgentEvent& e) { return e.kind == "ended"; }));

    // Long past the wrap-up time, still in wrap-up: the disposition is missing.
    rig.loop.RunUntil(kMorning + 10 * kMinute);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_EQ(rig.tap.dials.size(), 1u) << "no call for an agent in wrap-up";

    const UnixSeconds callback_at = kMorning / 1000 + 3 * 3600;
    ASSERT_TRUE(rig.dialer.Dispose("anna", Disposition{.status = "callback",
                                                       .tags = {"vip", "дорого"},
                                                       .note = "перезвонить после обеда",
                                                       .callback_at = callback_at}));
    ASSERT_EQ(rig.dispositions.size(), 1u);
    const Disposition& d = rig.dispositions[0];
    EXPECT_EQ(d.call, call.id);
    EXPECT_EQ(d.agent, "anna");
    EXPECT_EQ(d.status, "callback");
    EXPECT_EQ(d.tags, (std::vector<std::string>{"vip", "дорого"}));
    EXPECT_EQ(d.note, "перезвонить после обеда");
    EXPECT_EQ(d.callback_at, callback_at);

    auto due = rig.dialer.CallbacksDue("anna", callback_at);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].agent, "anna");
    EXPECT_EQ(due[0].contact_id, 1);
    EXPECT_EQ(due[0].number, Number(1));
    EXPECT_EQ(due[0].at, callback_at);
    EXPECT_TRUE(rig.dialer.CallbacksDue("anna", callback_at - 1).empty()) << "not due yet";
    EXPECT_TRUE(rig.dialer.CallbacksDue("boris", callback_at).empty()) << "anna's task only";
    EXPECT_EQ(rig.dialer.Stats().callbacks, 1);
    EXPECT_EQ(rig.dialer.Stats().dispositions, 1);

    // Ready again, and dialed for at once.
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kReady);
    EXPECT_EQ(rig.tap.dials.size(), 2u);
    auto again = rig.dialer.Dispose("anna", Disposition{.status = "decided"});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict) << "the call was already closed";

    auto unknown = rig.dialer.Dispose("nobody", Disposition{.status = "decided"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(unknown.error().key, "agent.not_in_campaign");
    EXPECT_EQ(unknown.error().params, (MessageParams{{"agent", "nobody"}}));
    EXPECT_EQ(rig.dialer.SetReady("nobody").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(rig.dialer.SetPaused("nobody").error().code, ErrorCode::kNotFound);
}

TEST(Dialer, ADispositionRecordedEarlyStillLeavesTheAgentTheWrapUpTime) {
    Population pop = Answering();
    pop.talk_time = Distribution::Fixed(40);
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.wrap_up = 30 * kSecond;
    Rig rig(pop, options, Leads(3));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 46 * kSecond);  // hung up at 45 s
    ASSERT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    ASSERT_TRUE(rig.dialer.Dispose("anna", Disposition{.status = "decided"}));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    rig.loop.RunUntil(kMorning + 74 * kSecond);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_EQ(rig.tap.dials.size(), 1u);
    rig.loop.RunUntil(kMorning + 76 * kSecond);  // the wrap-up ended at 75 s
    EXPECT_EQ(rig.tap.dials.size(), 2u);
    EXPECT_EQ(rig.tap.dials[1].at, kMorning + 75 * kSecond);
}

// --- Abandoned calls --------------------------------------------------------

TEST(Dialer, AnAnsweredCallWithNoAgentIsAbandonedAfter2sAndHearsTheRecordedMessage) {
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(1));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    ASSERT_EQ(rig.tap.dials.size(), 1u);
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));  // steps away while the call rings
    rig.loop.RunUntil(kMorning + kMinute);

    ASSERT_EQ(rig.records.size(), 1u);
    const CallRecord& r = rig.records[0];
    EXPECT_EQ(r.outcome, "abandoned");
    EXPECT_EQ(r.answered, kMorning + 5 * kSecond);
    EXPECT_EQ(r.bridged, 0);
    EXPECT_EQ(r.agent, "");
    ASSERT_EQ(rig.tap.plays.size(), 1u);
    EXPECT_EQ(rig.tap.plays[0].prompt, rig.options.robot.abandon);
    EXPECT_EQ(rig.tap.plays[0].at, r.answered + 2 * kSecond);
    // The call ends once the message is over, not when it starts.
    const double message_ms = static_cast<double>(rig.options.robot.abandon.size()) *
                              rig.net.population().prompt_ms_per_char;
    EXPECT_NEAR(static_cast<double>(r.ended - rig.tap.plays[0].at), message_ms, 1.0);
    EXPECT_EQ(rig.tap.hangups.count(rig.tap.plays[0].call), 1u);
    EXPECT_TRUE(rig.tap.bridged.empty());

    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_EQ(stats.answered, 1);
    EXPECT_EQ(stats.abandoned, 1);
    EXPECT_DOUBLE_EQ(stats.AbandonRate(), 1.0);
}

// An operator who logs out or pauses while lines dialed for them still ring
// (predictive or ratio pacing) stays until those lines have rung out: the
// pacer stops counting them at once, an answered call goes to them only when
// no one else is free (instead of being abandoned), and they leave after it.
TEST(Dialer, AnOperatorLeavingWhileTheirLinesRingTakesAnAnsweredCallNobodyElseCanAndLeavesAfterIt) {
    DialerOptions o = Options(Pacing::kRatio);
    o.pacing.ratio = 2;
    Rig rig(Answering(), o, Leads(20));
    rig.AddReady({"anna", "boris", "vera"});
    rig.dialer.Start();
    ASSERT_EQ(rig.tap.dials.size(), 6u);  // two lines for each of three
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.Logout("vera"));
    AgentView vera = rig.Agent("vera");
    EXPECT_EQ(vera.state, AgentState::kReady);
    EXPECT_EQ(vera.leaving_until, kMorning + 1 * kSecond + o.ring_timeout + o.abandon_wait);
    // Six answer at 5 s; anna and boris take two, vera the third.
    rig.loop.RunUntil(kMorning + 6 * kSecond);
    std::map<std::string, int> taken;
    for (const auto& [call, agent] : rig.tap.bridged)
        ++taken[agent];
    EXPECT_EQ(taken["anna"], 1);
    EXPECT_EQ(taken["boris"], 1);
    EXPECT_EQ(taken["vera"], 1);
    EXPECT_EQ(rig.Agent("vera").leaving_until, 0);
    // After her call and its wrap-up she is offline, not ready.
    rig.loop.RunUntil(kMorning + 5 * kSecond + 60 * kSecond + o.wrap_up + kSecond);
    EXPECT_EQ(rig.Agent("vera").state, AgentState::kOffline);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kReady);  // for her next call
}

// The workforce is the one door to an operator: two campaigns that share it
// (serve's runner) never give one operator two calls. Anna leaves campaign A
// while its lines ring — A still counts her as ready until they have rung out
// — and joins B, where a caller reaches her; A's callees who answer then wait
// for boris or are abandoned, and none is put through to her.
TEST(Dialer, TwoCampaignsSharingTheWorkforceNeverGiveAnOperatorTwoCallsAtOnce) {
    agents::Workforce workforce(agents::Workforce::Options{.heartbeat_required = false});
    DialerOptions o = Options(Pacing::kRatio);
    o.pacing.ratio = 2;
    o.workforce = &workforce;
    Rig a(Answering(), o, Leads(20));
    a.AddReady({"anna", "boris"});
    a.dialer.Start();
    ASSERT_EQ(a.tap.dials.size(), 4u);
    a.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(a.dialer.Logout("anna"));
    ASSERT_EQ(a.Agent("anna").state, AgentState::kReady) << "leaving: her lines still ring";

    SimNetwork net(a.loop, Answering(), 11);
    Tap tap(a.loop, net);
    MemoryGate gate(WideRules(), "rkn-refusals v12");
    CallerIdPool pool(CallerIds(5), {});
    DialerOptions ob = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    ob.workforce = &workforce;
    Dialer b(a.loop, tap, gate, pool, {}, ob);
    b.AddAgent("anna");
    ASSERT_TRUE(b.SetPaused("anna", "training"));
    EXPECT_EQ(workforce.Find("anna")->pause_reason, "training");
    ASSERT_TRUE(b.SetReady("anna"));
    b.Start();
    const CallId caller = net.Offer("+79161234567", "+74950000002", 60 * kSecond);
    b.Offer(caller, Incoming{"+79161234567", "+74950000002", 0});
    EXPECT_EQ(workforce.Find("anna")->now.state, agents::State::kOnCall);

    // A's four callees answer at 5 s: boris takes one, anna none.
    a.loop.RunUntil(kMorning + 20 * kSecond);
    std::map<std::string, int> taken;
    for (const auto& [call, agent] : a.tap.bridged)
        ++taken[agent];
    EXPECT_EQ(taken["boris"], 1);
    EXPECT_EQ(taken.count("anna"), 0u) << "anna is on B's call";
    EXPECT_EQ(a.dialer.Stats().abandoned, 3);
    ASSERT_EQ(tap.bridged.count(caller), 1u);
    EXPECT_EQ(tap.bridged[caller], "anna");
    // Her lines in A have rung out: A lets her go, and B keeps her call.
    a.loop.RunUntil(kMorning + 40 * kSecond);
    EXPECT_EQ(a.Agent("anna").state, AgentState::kOffline);
    EXPECT_EQ(workforce.Find("anna")->now.state, agents::State::kOnCall);
    // While on B's call she cannot take a campaign's calls anywhere else.
    SimNetwork net_c(a.loop, Answering(), 12);
    Tap tap_c(a.loop, net_c);
    Dialer c(a.loop, tap_c, gate, pool, {}, ob);
    c.AddAgent("anna");
    EXPECT_EQ(c.SetPaused("anna").error().key, "agent.busy_elsewhere");
    EXPECT_EQ(b.Stats().workforce_refusals, 0);
}

TEST(Dialer, AnOperatorPausingWhileTheirLinesRingIsPausedOnceTheyHaveRungOut) {
    DialerOptions o = Options(Pacing::kRatio);
    o.pacing.ratio = 2;
    Rig rig(Unanswered(EventKind::kNoAnswer), o, Leads(20));
    rig.AddReady({"anna", "boris"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.SetPaused("boris"));
    const Millis until = kMorning + 1 * kSecond + o.ring_timeout + o.abandon_wait;
    EXPECT_EQ(rig.Agent("boris").leaving_until, until);
    rig.loop.RunUntil(until - 1);
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kReady);
    rig.loop.RunUntil(until);
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kPaused);
    EXPECT_EQ(rig.Agent("boris").leaving_until, 0);
    // Ready again, and counted again.
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kReady);
}

// Progressive dials one line per ready operator and never more, so there is
// nothing to wait for: one who pauses is paused at once.
TEST(Dialer, AProgressiveOperatorPausesAtOnce) {
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(5));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kPaused);
    EXPECT_EQ(rig.Agent("anna").leaving_until, 0);
}

TEST(Dialer, ACalleeWhoHangsUpWhileWaitingIsAbandonedWithoutAMessage) {
    Population pop = Answering();
    pop.patience = Distribution::Fixed(1);
    Rig rig(pop, Options(Pacing::kProgressive), Leads(1));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.loop.RunUntil(kMorning + kMinute);
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "abandoned");
    EXPECT_EQ(rig.records[0].ended, rig.records[0].answered + 1 * kSecond);
    EXPECT_TRUE(rig.tap.plays.empty());
    EXPECT_EQ(rig.dialer.Stats().abandoned, 1);
}

TEST(Dialer, ACallerWaitingLessThan2sIsConnectedToTheAgentWhoBecomesFree) {
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(1));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.loop.RunUntil(kMorning + 6 * kSecond + 500);  // answered at 5 s, waiting
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    rig.loop.RunUntil(kMorning + 2 * kMinute);
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "answered");
    EXPECT_EQ(rig.records[0].bridged - rig.records[0].answered, 1'500);
    EXPECT_EQ(rig.records[0].agent, "anna");
    EXPECT_TRUE(rig.tap.plays.empty());
    EXPECT_EQ(rig.dialer.Stats().abandoned, 0);
}

TEST(Dialer, AnAbandonedNumberIsNotDialedAgainFor72HoursWhateverTheRetryRulesSay) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.retries = {{"abandoned", 600}};  // the rules alone would retry in 10 minutes
    options.max_attempts = 5;
    Rig rig(Answering(), options, Leads(1));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 1 * kSecond);
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.loop.RunUntil(kMorning + 8 * kHour);
    rig.dialer.Pause();
    // Four more days; the agent is ready all day long.
    rig.WorkDays(1, 4, {"anna"});

    auto calls = rig.RecordsOf(1);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].outcome, "abandoned");
    const Millis abandoned_at = calls[0].answered + 2 * kSecond;
    EXPECT_GE(calls[1].started, abandoned_at + 72 * kHour);
    EXPECT_EQ(DayOf(calls[1].started), 3) << "dialed again as soon as the 72 hours were over";
    EXPECT_EQ(calls[1].outcome, "answered");
    EXPECT_EQ(calls[1].attempt, 2);
}

TEST(Dialer, AnAgentWhoHangsUpEndsTheCallAndGoesToWrapUp) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Rig rig(Answering(), options, Leads(2));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 20 * kSecond);
    ASSERT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    ASSERT_TRUE(rig.dialer.HangupByAgent("anna"));
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "answered");
    EXPECT_EQ(rig.records[0].ended, kMorning + 20 * kSecond);
    EXPECT_EQ(rig.tap.hangups.size(), 1u);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_EQ(rig.dialer.HangupByAgent("anna").error().code, ErrorCode::kConflict);
    rig.loop.RunUntil(kMorning + 2 * kMinute);
    EXPECT_EQ(rig.records.size(), 1u) << "nothing more is heard of the call";
}

// --- Inbound ---------------------------------------------------------------

TEST(Dialer, AnIncomingCallShowsItsCardToTheLongestReadyAgentBeforeItIsAnswered) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Rig rig(Answering(), options, Leads(0));
    rig.AddReady({"anna"});
    rig.loop.RunUntil(kMorning + kSecond);
    rig.AddReady({"boris"});  // ready later: anna has waited longest
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 10 * kSecond);
    const CallId id = rig.net.Offer("+79161234567", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(id, Incoming{"+79161234567", "+74950000001", 42});

    // At once: anna is on the call with the caller's card, not yet answered.
    const AgentView anna = rig.Agent("anna");
    EXPECT_EQ(anna.state, AgentState::kOnCall);
    EXPECT_EQ(anna.contact_id, 42);
    EXPECT_EQ(anna.inbound.from, "+79161234567");
    EXPECT_EQ(anna.inbound.to, "+74950000001");
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kReady);
    ASSERT_FALSE(rig.agent_events.empty());
    EXPECT_EQ(rig.agent_events.back().kind, "connected");
    EXPECT_EQ(rig.agent_events.back().at, kMorning + 10 * kSecond);
    EXPECT_TRUE(rig.tap.answers.empty()) << "answered before the card was shown";
    EXPECT_TRUE(rig.tap.bridged.empty());

    // card_lead later it is answered, then put through to anna.
    rig.loop.RunUntil(kMorning + 11 * kSecond);
    ASSERT_EQ(rig.tap.answers.count(id), 1u);
    EXPECT_EQ(rig.tap.answers[id], kMorning + 10 * kSecond + options.card_lead);
    ASSERT_EQ(rig.tap.bridged.count(id), 1u);
    EXPECT_EQ(rig.tap.bridged[id], "anna");

    ASSERT_TRUE(rig.dialer.HangupByAgent("anna"));
    ASSERT_EQ(rig.records.size(), 1u);
    const CallRecord& r = rig.records[0];
    EXPECT_TRUE(r.inbound);
    EXPECT_EQ(r.outcome, "answered");
    EXPECT_EQ(r.number, "+79161234567");
    EXPECT_EQ(r.caller_id, "+74950000001") << "the number they dialed";
    EXPECT_EQ(r.contact_id, 42);
    EXPECT_EQ(r.attempt, 0);
    EXPECT_EQ(r.agent, "anna");
    EXPECT_EQ(r.answered, kMorning + 10 * kSecond + options.card_lead);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_TRUE(rig.Agent("anna").disposition_due);
    ASSERT_TRUE(rig.dialer.Dispose("anna", Disposition{.status = "decided"}));
    ASSERT_EQ(rig.dispositions.size(), 1u);
    EXPECT_EQ(rig.dispositions[0].call, r.id);

    // Not a dial: no attempt, no answered dial, nothing for the abandon rate.
    const DialerStats stats = rig.dialer.Stats();
    EXPECT_EQ(stats.inbound, 1);
    EXPECT_EQ(stats.inbound_answered, 1);
    EXPECT_EQ(stats.attempts, 0);
    EXPECT_EQ(stats.answered, 0);
    EXPECT_EQ(rig.tap.dials.size(), 0u);
}

// An operator whose phone does not take the call (stepped away, the phone
// off) is paused with it said why, and the caller is not lost: the line stays
// answered and the call goes first in line — ahead of a caller of a higher
// priority who came meanwhile — to the next free operator, answered once.
TEST(Dialer, AnOperatorWhosePhoneDoesNotAnswerIsPausedAndTheCallerGoesFirstToTheNext) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 120 * kSecond;
    Rig rig(Answering(), options, Leads(0));
    rig.net.agent_ring = 8 * kSecond;
    rig.net.AgentAnswers("anna", false);
    rig.AddReady({"anna"});
    rig.loop.RunUntil(kMorning + kSecond);
    rig.AddReady({"boris"});
    rig.dialer.Start();
    const CallId first = rig.net.Offer("+79161234567", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(first, Incoming{"+79161234567", "+74950000001", 0});
    rig.loop.RunUntil(kMorning + 2 * kSecond);
    EXPECT_EQ(rig.tap.bridged[first], "anna") << "anna has been ready longest";

    // 8 s of ringing later: anna is paused, told why; boris has the caller.
    rig.loop.RunUntil(kMorning + kSecond + options.card_lead + 8 * kSecond + 100);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kPaused);
    const auto missed = std::find_if(rig.agent_events.begin(), rig.agent_events.end(),
                                     [](const SeenAgentEvent& e) { return e.kind == "missed"; });
    ASSERT_NE(missed, rig.agent_events.end());
    EXPECT_EQ(missed->agent, "anna");
    EXPECT_EQ(missed->cause, 408);
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kOnCall);
    EXPECT_EQ(rig.Agent("boris").inbound.from, "+79161234567");
    rig.loop.RunUntil(rig.loop.Now() + kSecond);
    EXPECT_EQ(rig.tap.bridged[first], "boris");
    EXPECT_EQ(rig.tap.answers.size(), 1u) << "the line was answered once";
    EXPECT_TRUE(rig.tap.holds[first]) << "music while boris's phone rang";
    EXPECT_EQ(rig.dialer.Stats().agent_missed, 1);

    // anna comes back; her phone still does not answer. boris talks on: the
    // next caller rings anna, and one of a higher priority comes meanwhile.
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    const CallId second = rig.net.Offer("+79031112233", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(second, Incoming{"+79031112233", "+74950000001", 0});
    rig.loop.RunUntil(rig.loop.Now() + 3 * kSecond);
    const CallId vip = rig.net.Offer("+79035556677", "+74950000001", 60 * kSecond);
    Incoming urgent{"+79035556677", "+74950000001", 0};
    urgent.priority = 5;
    rig.dialer.Offer(vip, std::move(urgent));
    rig.loop.RunUntil(rig.loop.Now() + 6 * kSecond);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kPaused);
    const auto waiting = rig.dialer.WaitingCalls();
    ASSERT_EQ(waiting.size(), 2u);
    EXPECT_EQ(waiting[0].from, "+79031112233") << "the caller anna missed is first in line";
    EXPECT_EQ(waiting[1].from, "+79035556677");
    ASSERT_TRUE(rig.dialer.HangupByAgent("boris"));
    ASSERT_TRUE(rig.dialer.Dispose("boris", Disposition{.status = "decided"}));
    rig.loop.RunUntil(rig.loop.Now() + options.wrap_up + kSecond);
    EXPECT_EQ(rig.tap.bridged[second], "boris");

    // The records: the first call answered by boris (its wait counts until
    // he took it), the agent who missed it named nowhere as its agent.
    ASSERT_GE(rig.records.size(), 1u);
    const CallRecord& r = rig.records[0];
    EXPECT_EQ(r.agent, "boris");
    EXPECT_EQ(r.outcome, "answered");
    EXPECT_GT(r.answered, r.started + 8 * kSecond);
    // ... but kept as the phone that missed it: from the card on her screen
    // until the 8 s of ringing ran out.
    EXPECT_EQ(r.missed, (std::vector<MissedRing>{{.agent = "anna",
                                                  .at = kMorning + kSecond,
                                                  .rang = options.card_lead + 8 * kSecond,
                                                  .cause = 408}}));
    EXPECT_EQ(rig.dialer.Stats().agent_missed, 2);
}

// An answered outbound call whose operator's phone does not take it goes to
// the next ready operator at once; with nobody, the callee hears the
// recorded message after abandon_wait and the pacer counts one abandon.
TEST(Dialer, AnAnsweredCallTheOperatorsPhoneMissedGoesToTheNextOrIsAbandonedOnce) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/true);
    Population people = Answering();
    people.patience = Distribution::Fixed(60);
    Rig rig(people, options, Leads(1));
    rig.net.agent_ring = 5 * kSecond;
    rig.net.AgentAnswers("anna", false);
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 7 * kSecond);  // rings 5 s, anna's phone 5 s more
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    rig.AddReady({"boris"});  // ready while anna's phone rings
    rig.loop.RunUntil(kMorning + 12 * kSecond);
    ASSERT_EQ(rig.tap.dials.size(), 1u);
    const CallId id = rig.tap.dials[0].call;
    EXPECT_EQ(rig.tap.bridged[id], "boris");
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kPaused);
    rig.loop.RunUntil(kMorning + 120 * kSecond);
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].agent, "boris");
    EXPECT_EQ(rig.records[0].outcome, "answered");
    EXPECT_EQ(rig.dialer.Stats().abandoned, 0);
    EXPECT_EQ(rig.dialer.Stats().bridged, 1) << "put through once: to boris";

    // Nobody else: abandoned after abandon_wait, once in the pacer's window.
    Rig alone(people, options, Leads(1));
    alone.net.agent_ring = 5 * kSecond;
    alone.net.AgentAnswers("anna", false);
    alone.AddReady({"anna"});
    alone.dialer.Start();
    alone.loop.RunUntil(kMorning + 60 * kSecond);
    ASSERT_EQ(alone.records.size(), 1u);
    EXPECT_EQ(alone.records[0].outcome, "abandoned");
    EXPECT_TRUE(alone.records[0].agent.empty());
    EXPECT_EQ(alone.records[0].bridged, 0) << "nobody talked with the callee";
    EXPECT_EQ(alone.dialer.Stats().bridged, 0);
    EXPECT_DOUBLE_EQ(alone.dialer.WindowAbandonRate(), 1.0) << "one answer, abandoned";
    ASSERT_FALSE(alone.tap.plays.empty());
    EXPECT_EQ(alone.tap.plays.back().prompt, options.robot.abandon);
    EXPECT_EQ(alone.tap.plays.back().at,
              alone.records[0].answered + 5 * kSecond + options.abandon_wait);
}

// A routed call (routing::Router in serve) may be for some agents only (a
// queue's members, a VIP's manager) and have a priority: the waiting caller
// an agent takes is the first they may take, higher priorities first; the card
// carries the route's reason and when the caller arrived.
TEST(Dialer, ARoutedCallGoesToItsAgentsOnlyAndAHigherPriorityFirst) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Rig rig(Answering(), options, Leads(0));
    for (const char* who : {"anna", "boris"}) {
        rig.dialer.AddAgent(who);
        ASSERT_TRUE(rig.dialer.SetPaused(who));
    }
    rig.dialer.Start();
    auto offer = [&](const char* from, int priority, std::vector<std::string> agents,
                     std::string reason) {
        const CallId id = rig.net.Offer(from, "+74950000001", 60 * kSecond);
        Incoming in{from, "+74950000001", 0};
        in.route = agents.empty() ? "queue:general" : "queue:vip";
        in.reason = std::move(reason);
        in.reason_params = {{"count", "4"}};
        in.priority = priority;
        in.agents = std::move(agents);
        in.arrived = rig.loop.Now() - 2 * kSecond;  // two seconds in a menu before
        rig.dialer.Offer(id, std::move(in));
        rig.loop.RunUntil(rig.loop.Now() + kSecond);
        return id;
    };
    const Millis first_at = rig.loop.Now();
    offer("+79160000001", 0, {}, "number");
    const Millis vip_at = rig.loop.Now();
    offer("+79160000002", 5, {"boris"}, "vip");
    offer("+79160000003", 5, {}, "complaints");
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").inbound.from, "+79160000003")
        << "the VIP is boris's; of the others the higher priority comes first";
    EXPECT_EQ(rig.Agent("anna").inbound.reason, "complaints");
    EXPECT_EQ(rig.Agent("anna").inbound.reason_params.at("count"), "4");
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    const AgentView boris = rig.Agent("boris");
    EXPECT_EQ(boris.inbound.from, "+79160000002");
    EXPECT_EQ(boris.inbound.route, "queue:vip");
    EXPECT_EQ(boris.inbound.reason, "vip");
    EXPECT_EQ(boris.inbound.arrived, vip_at - 2 * kSecond) << "the wait counts from the arrival";
    rig.loop.RunUntil(rig.loop.Now() + kSecond);
    ASSERT_TRUE(rig.dialer.HangupByAgent("boris"));
    ASSERT_TRUE(rig.dialer.HangupByAgent("anna"));
    ASSERT_EQ(rig.records.size(), 2u);
    for (const CallRecord& r : rig.records) {
        EXPECT_FALSE(r.route.empty());
        EXPECT_FALSE(r.route_reason.empty());
    }
    // The first caller, of priority 0, is still waiting; anna takes them next.
    ASSERT_TRUE(rig.dialer.Dispose("anna", Disposition{.status = "decided"}));
    rig.loop.RunUntil(rig.loop.Now() + 10 * kSecond);
    EXPECT_EQ(rig.Agent("anna").inbound.from, "+79160000001");
    EXPECT_EQ(rig.Agent("anna").inbound.arrived, first_at - 2 * kSecond);
    // Only the agents a call is for count for it.
    EXPECT_EQ(rig.dialer.AgentsWorking({"boris"}), 1);
    EXPECT_EQ(rig.dialer.AgentsWorking({"zoya"}), 0);
    EXPECT_FALSE(rig.dialer.LongestReadySince({"anna"}));
}

// A queue's max wait: the record closes as abandoned with cause 480 (nobody
// free in time) and the caller, still ringing, goes on by the exit route;
// without an exit the call is refused, after the queue's wait, not the default.
// A caller who came through a menu (docs/ivr.md, "Menus for incoming calls")
// is answered already: the agent is put through without a second answer,
// which the network would never confirm, and the card and the record carry
// the menu's answers.
TEST(Dialer, ACallAMenuAnsweredIsPutThroughWithoutASecondAnswer) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Rig rig(Answering(), options, Leads(0));
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.dialer.Start();
    auto menu_call = [&](const char* from) {
        const CallId id = rig.net.Offer(from, "+74950000001", 60 * kSecond);
        rig.loop.RunUntil(rig.loop.Now() + 100);
        rig.net.Answer(id);  // the menu answered it
        rig.loop.RunUntil(rig.loop.Now() + 5 * kSecond);
        Incoming in{from, "+74950000001", 0};
        in.route = "queue:sales";
        in.reason = "number";
        in.answered_by_menu = true;
        in.menu = "main.yaml";
        in.menu_answers = {{"source", "Поиск"}};
        in.recording = "rec.wav";
        rig.dialer.Offer(id, std::move(in));
        return id;
    };
    const CallId waiting = menu_call("+79160000001");
    rig.loop.RunUntil(rig.loop.Now() + kSecond);
    EXPECT_TRUE(rig.tap.holds[waiting]) << "the caller the menu answered waits to music";
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").inbound.menu_answers.at("source"), "Поиск");
    rig.loop.RunUntil(rig.loop.Now() + 5 * kSecond);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    ASSERT_TRUE(rig.dialer.HangupByAgent("anna"));
    ASSERT_EQ(rig.records.size(), 1u);
    const CallRecord& r = rig.records[0];
    EXPECT_EQ(r.outcome, "answered");
    EXPECT_NE(r.answered, 0) << "put through: answered when the agent took it";
    EXPECT_EQ(r.bridged, r.answered);
    EXPECT_EQ(r.recording, "rec.wav");
    EXPECT_EQ(r.menu, "main.yaml");
    EXPECT_EQ(r.menu_answers.at("source"), "Поиск");
    EXPECT_EQ(rig.dialer.Stats().inbound_answered, 1);
}

// The desk's call controls (docs/routing.md, "Call controls"): refused until
// the voices meet; a hold is music for the caller and kept as a spell; a blind
// transfer takes the operator off at once (wrap-up, no disposition due: the one
// who finishes the call gives it), rings a ready colleague without answering
// the line again, and the record keeps the first answer, every hold spell and
// the transfer.
// Attended transfer and conference (issue 20, item 6): anna consults boris
// with the caller on hold; his phone answers; she goes back once (cancel:
// boris ready again, the hold spell kept), consults again, makes it a
// conference and leaves them talking (complete): boris has the call as it
// is, anna wraps up without a disposition, the transfer is kept "attended"
// and the conference's minutes with it. A colleague whose phone does not
// answer ends the consultation by itself; a caller who hangs up during one
// (the operator hanging up ends it for all) frees the colleague; what is
// refused leaves the call as it was.
TEST(Dialer, AnAttendedTransferConsultsTheColleagueFirstAndAConferenceJoinsAllThree) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Population people = Answering();
    people.talk_time = Distribution::Fixed(900);
    Rig rig(people, options, Leads(0));
    rig.AddReady({"anna"});
    rig.loop.RunUntil(kMorning + kSecond);
    rig.dialer.AddAgent("boris");
    ASSERT_TRUE(rig.dialer.SetPaused("boris"));
    rig.dialer.AddAgent("vera");
    ASSERT_TRUE(rig.dialer.SetPaused("vera"));
    rig.dialer.Start();
    const CallId id = rig.net.Offer("+79161234567", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(id, Incoming{"+79161234567", "+74950000001", 42});
    rig.loop.RunUntil(rig.loop.Now() + options.card_lead + 100);
    const Millis answered = rig.tap.answers.at(id);
    ASSERT_TRUE(rig.Agent("anna").put_through);

    // Refused: nobody to end, boris paused, anna herself; the call as it was.
    auto none = rig.dialer.EndConsultByAgent("anna", telephony::ConsultStep::kComplete);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().key, "consult.none");
    auto paused = rig.dialer.ConsultAgent("anna", "boris");
    ASSERT_FALSE(paused);
    EXPECT_EQ(paused.error().key, "transfer.agent_busy");
    EXPECT_FALSE(rig.dialer.ConsultAgent("anna", "anna"));
    EXPECT_TRUE(rig.tap.consults.empty());
    EXPECT_EQ(rig.Agent("anna").held_since, 0);

    // boris's phone rings, the caller on hold; not answered yet: no complete.
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    const Millis first = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.ConsultAgent("anna", "boris"));
    ASSERT_EQ(rig.tap.consults.size(), 1u);
    EXPECT_EQ(rig.tap.consults[0].agent, "boris");
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kOnCall) << "claimed for the consultation";
    EXPECT_EQ(rig.Agent("boris").consulted_by, "anna");
    EXPECT_EQ(rig.Agent("anna").consult_with, "boris");
    EXPECT_EQ(rig.Agent("anna").held_since, first) << "the caller hears music meanwhile";
    auto early = rig.dialer.EndConsultByAgent("anna", telephony::ConsultStep::kComplete);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().key, "consult.not_answered");
    auto twice = rig.dialer.ConsultAgent("anna", "vera");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().key, "consult.busy");
    // Hold and transfers wait until the consultation is over.
    EXPECT_EQ(rig.dialer.HoldByAgent("anna", false).error().key, "consult.busy");
    EXPECT_EQ(rig.dialer.TransferToAgent("anna", "vera").error().key, "consult.busy");
    rig.loop.RunUntil(first + rig.net.consult_answer + 100);
    EXPECT_TRUE(rig.Agent("anna").consult_answered);
    EXPECT_TRUE(rig.Agent("boris").consult_answered);

    // Back to the caller: boris is free again, the hold spell closed.
    rig.loop.RunUntil(first + 10 * kSecond);
    ASSERT_TRUE(rig.dialer.EndConsultByAgent("anna", telephony::ConsultStep::kCancel));
    EXPECT_EQ(rig.tap.consult_ends.back().agent, "cancel");
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kReady);
    EXPECT_TRUE(rig.Agent("boris").consulted_by.empty());
    EXPECT_TRUE(rig.Agent("anna").consult_with.empty());
    EXPECT_EQ(rig.Agent("anna").held_since, 0);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall);

    // Again, then a conference: the caller off hold, all three talk.
    rig.loop.RunUntil(first + 20 * kSecond);
    const Millis second = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.ConsultAgent("anna", "boris"));
    rig.loop.RunUntil(second + rig.net.consult_answer + 100);
    ASSERT_TRUE(rig.dialer.EndConsultByAgent("anna", telephony::ConsultStep::kConference));
    const Millis conference = rig.loop.Now();
    EXPECT_EQ(rig.tap.consult_ends.back().agent, "conference");
    EXPECT_TRUE(rig.Agent("anna").conference);
    EXPECT_TRUE(rig.Agent("boris").conference);
    EXPECT_EQ(rig.Agent("anna").held_since, 0);
    rig.loop.RunUntil(conference + 30 * kSecond);

    // anna leaves them talking: boris has the call, anna wraps up.
    const Millis moved_at = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.EndConsultByAgent("anna", telephony::ConsultStep::kComplete));
    EXPECT_EQ(rig.tap.consult_ends.back().agent, "complete");
    EXPECT_TRUE(rig.tap.unbridged.empty()) << "the caller never went back to music";
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_FALSE(rig.Agent("anna").disposition_due);
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kOnCall);
    EXPECT_TRUE(rig.Agent("boris").put_through) << "he talks with the caller already";
    EXPECT_EQ(rig.Agent("boris").contact_id, 42);
    EXPECT_TRUE(rig.Agent("boris").consulted_by.empty());
    rig.loop.RunUntil(moved_at + 20 * kSecond);
    ASSERT_TRUE(rig.dialer.HangupByAgent("boris"));
    ASSERT_EQ(rig.records.size(), 1u);
    const CallRecord& r = rig.records[0];
    EXPECT_EQ(r.agent, "boris");
    EXPECT_EQ(r.answered, answered);
    ASSERT_EQ(r.desk.transfers.size(), 1u);
    EXPECT_EQ(r.desk.transfers[0].from, "anna");
    EXPECT_EQ(r.desk.transfers[0].to, "agent:boris");
    EXPECT_EQ(r.desk.transfers[0].mode, "attended");
    EXPECT_EQ(r.desk.transfers[0].at, moved_at);
    EXPECT_EQ(r.desk.conferences,
              (std::vector<routing::Conference>{
                  {.agent = "anna", .with = "boris", .at = conference, .ms = 30 * kSecond}}));
    // The two consultations' hold spells: 10 s, then until the conference.
    EXPECT_EQ(r.desk.holds, (std::vector<routing::HoldSpell>{
                                {.agent = "anna", .at = first, .ms = 10 * kSecond},
                                {.agent = "anna", .at = second, .ms = conference - second}}));
    EXPECT_TRUE(rig.Agent("boris").disposition_due);

    // A colleague whose phone does not answer; then an operator who hangs up
    // while a colleague talks with them.
    rig.loop.RunUntil(rig.loop.Now() + options.wrap_up + kSecond);
    ASSERT_TRUE(rig.dialer.Dispose("boris", Disposition{.status = "decided"}));
    rig.loop.RunUntil(rig.loop.Now() + options.wrap_up + kSecond);
    const CallId again = rig.net.Offer("+79161234568", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(again, Incoming{"+79161234568", "+74950000001", 43});
    rig.loop.RunUntil(rig.loop.Now() + options.card_lead + 100);
    const std::string taker = rig.Agent("anna").put_through ? "anna" : "boris";
    const std::string other = taker == "anna" ? "boris" : "anna";
    ASSERT_TRUE(rig.Agent(taker).put_through);
    ASSERT_TRUE(rig.dialer.SetReady("vera"));
    rig.net.AgentAnswers("vera", false);
    const Millis rang = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.ConsultAgent(taker, "vera"));
    rig.loop.RunUntil(rang + rig.net.agent_ring + 100);
    EXPECT_TRUE(rig.Agent(taker).consult_with.empty()) << "it ended by itself";
    EXPECT_EQ(rig.Agent(taker).held_since, 0) << "back with the caller";
    EXPECT_EQ(rig.Agent("vera").state, AgentState::kReady);
    ASSERT_TRUE(rig.dialer.ConsultAgent(taker, other));
    rig.loop.RunUntil(rig.loop.Now() + rig.net.consult_answer + 100);
    EXPECT_EQ(rig.Agent(other).state, AgentState::kOnCall);
    // The operator hangs up during it: the call ends for all, the colleague is free.
    ASSERT_TRUE(rig.dialer.HangupByAgent(taker));
    EXPECT_EQ(rig.Agent(other).state, AgentState::kReady);
    EXPECT_TRUE(rig.Agent(other).consulted_by.empty());
    ASSERT_EQ(rig.records.size(), 2u);
    EXPECT_TRUE(rig.records[1].desk.transfers.empty()) << "nothing was passed on";
    EXPECT_EQ(rig.records[1].desk.holds.size(), 2u) << "each consultation held the caller";
}

TEST(Dialer, TheDesksHoldIsKeptAsASpellAndABlindTransferPassesTheCallerToAReadyColleague) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Population people = Answering();
    people.talk_time = Distribution::Fixed(600);
    Rig rig(people, options, Leads(0));
    rig.AddReady({"anna"});
    rig.loop.RunUntil(kMorning + kSecond);
    rig.dialer.AddAgent("boris");
    ASSERT_TRUE(rig.dialer.SetPaused("boris"));
    rig.dialer.Start();
    const CallId id = rig.net.Offer("+79161234567", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(id, Incoming{"+79161234567", "+74950000001", 42});

    // The card is on anna's screen, the caller not yet answered: nothing to hold.
    auto early = rig.dialer.HoldByAgent("anna", true);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().key, "agent.call_not_through");
    EXPECT_FALSE(rig.Agent("anna").put_through);
    EXPECT_FALSE(rig.dialer.HoldByAgent("boris", true)) << "boris has no call";

    rig.loop.RunUntil(rig.loop.Now() + options.card_lead + 100);
    const Millis answered = rig.tap.answers.at(id);
    EXPECT_TRUE(rig.Agent("anna").put_through);
    const Millis held_at = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.HoldByAgent("anna", true));
    EXPECT_TRUE(rig.tap.holds.at(id)) << "the caller hears music";
    EXPECT_EQ(rig.Agent("anna").held_since, held_at);
    ASSERT_TRUE(rig.dialer.HoldByAgent("anna", true)) << "held again: nothing changes";
    rig.loop.RunUntil(held_at + 30 * kSecond);
    ASSERT_TRUE(rig.dialer.HoldByAgent("anna", false));
    EXPECT_FALSE(rig.tap.holds.at(id));
    EXPECT_EQ(rig.Agent("anna").held_since, 0);
    rig.loop.RunUntil(rig.loop.Now() + 10 * kSecond);

    // Where it may not go: nowhere, to anna herself, to a paused colleague.
    auto unknown = rig.dialer.TransferToAgent("anna", "zoya");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().key, "transfer.agent_unknown");
    EXPECT_EQ(unknown.error().params, (MessageParams{{"agent", "zoya"}}));
    auto self = rig.dialer.TransferToAgent("anna", "anna");
    ASSERT_FALSE(self);
    EXPECT_EQ(self.error().key, "transfer.to_self");
    auto paused = rig.dialer.TransferToAgent("anna", "boris");
    ASSERT_FALSE(paused);
    EXPECT_EQ(paused.error().key, "transfer.agent_busy");
    EXPECT_EQ(paused.error().params,
              (MessageParams{{"agent", "boris"}, {"agent_state", "paused"}}));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall)
        << "a refusal leaves the call as it was";
    EXPECT_TRUE(rig.tap.unbridged.empty());

    // Ready, boris takes it: anna is off at once, the caller to music.
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    const Millis moved_at = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.TransferToAgent("anna", "boris"));
    ASSERT_EQ(rig.tap.unbridged.size(), 1u);
    EXPECT_EQ(rig.tap.unbridged[0].agent, "anna");
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    EXPECT_FALSE(rig.Agent("anna").disposition_due) << "the one who finishes the call gives it";
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kOnCall);
    EXPECT_EQ(rig.Agent("boris").contact_id, 42);
    EXPECT_EQ(rig.Agent("boris").inbound.from, "+79161234567");
    EXPECT_FALSE(rig.Agent("boris").put_through) << "his card first, then the voices";
    rig.loop.RunUntil(moved_at + options.card_lead + 100);
    EXPECT_EQ(rig.tap.bridged.at(id), "boris");
    EXPECT_EQ(rig.tap.answers.size(), 1u) << "the line is answered once";
    EXPECT_TRUE(rig.Agent("boris").put_through);

    // anna's wrap-up runs out and she is ready again, with nothing to close.
    rig.loop.RunUntil(moved_at + options.wrap_up + kSecond);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kReady);
    EXPECT_FALSE(rig.dialer.Dispose("anna", Disposition{.status = "decided"}));

    // boris holds and hangs up on hold: the open spell closes with the call.
    const Millis boris_held = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.HoldByAgent("boris", true));
    rig.loop.RunUntil(boris_held + 12 * kSecond);
    ASSERT_TRUE(rig.dialer.HangupByAgent("boris"));
    ASSERT_EQ(rig.records.size(), 1u);
    const CallRecord& r = rig.records[0];
    EXPECT_EQ(r.outcome, "answered");
    EXPECT_EQ(r.agent, "boris");
    EXPECT_EQ(r.answered, answered) << "the first answer stays";
    EXPECT_EQ(r.desk.holds, (std::vector<routing::HoldSpell>{
                                {.agent = "anna", .at = held_at, .ms = 30 * kSecond},
                                {.agent = "boris", .at = boris_held, .ms = 12 * kSecond}}));
    ASSERT_EQ(r.desk.transfers.size(), 1u);
    EXPECT_EQ(r.desk.transfers[0].from, "anna");
    EXPECT_EQ(r.desk.transfers[0].to, "agent:boris");
    EXPECT_EQ(r.desk.transfers[0].mode, "blind");
    EXPECT_EQ(r.desk.transfers[0].at, moved_at);
    EXPECT_EQ(r.desk.transfers[0].talked_ms, moved_at - answered) << "from the voices meeting";
    EXPECT_EQ(r.desk.HoldMs(), 42 * kSecond);
    EXPECT_TRUE(rig.Agent("boris").disposition_due);
    ASSERT_TRUE(rig.dialer.Dispose("boris", Disposition{.status = "decided"}));
    EXPECT_EQ(rig.dispositions.size(), 1u);
    const DialerStats stats = rig.dialer.Stats();
    EXPECT_EQ(stats.inbound, 1);
    EXPECT_EQ(stats.inbound_answered, 1) << "one caller answered, whoever talked";
}

// A blind transfer to a queue: the caller waits again, first among those put
// back, for the queue's members (here vera, who becomes free later), with the
// queue's max wait counted from the transfer; a call the campaign dialed may
// not wait in a queue of incoming calls.
TEST(Dialer, ACallerTransferredToAQueueWaitsForItsMembersWithItsMaxWaitAnew) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 20 * kSecond;
    Population people = Answering();
    people.talk_time = Distribution::Fixed(600);
    people.patience = Distribution::Fixed(600);
    Rig rig(people, options, Leads(0));
    rig.AddReady({"anna"});
    rig.dialer.AddAgent("vera");
    ASSERT_TRUE(rig.dialer.SetPaused("vera"));
    rig.dialer.Start();
    routing::QueueSpec spec{.name = "seniors"};
    spec.members = {"vera"};
    spec.max_wait = 40 * kSecond;
    auto seniors = std::make_shared<InboundQueue>(spec);
    const CallId id = rig.net.Offer("+79161234567", "+74950000001", 600 * kSecond);
    rig.dialer.Offer(id, Incoming{"+79161234567", "+74950000001", 0});
    rig.loop.RunUntil(rig.loop.Now() + options.card_lead + 100);
    rig.loop.RunUntil(rig.loop.Now() + 15 * kSecond);  // past the first max wait's start

    const Millis moved_at = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.TransferToQueue("anna", "seniors", seniors));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kWrapUp);
    auto waiting = rig.dialer.WaitingCalls();
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(waiting[0].route, "queue:seniors");
    // Past the caller's first max wait (20 s from the offer): still waiting.
    rig.loop.RunUntil(moved_at + options.wrap_up + 10 * kSecond);
    EXPECT_TRUE(rig.records.empty());
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kReady) << "anna is not of the queue";
    EXPECT_EQ(rig.dialer.WaitingCalls().size(), 1u);
    ASSERT_TRUE(rig.dialer.SetReady("vera"));
    EXPECT_EQ(rig.Agent("vera").state, AgentState::kOnCall);
    rig.loop.RunUntil(rig.loop.Now() + options.card_lead + 100);
    EXPECT_EQ(rig.tap.bridged.at(id), "vera");
    EXPECT_EQ(rig.tap.answers.size(), 1u);
    ASSERT_TRUE(rig.dialer.HangupByAgent("vera"));
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].agent, "vera");
    ASSERT_EQ(rig.records[0].desk.transfers.size(), 1u);
    EXPECT_EQ(rig.records[0].desk.transfers[0].to, "queue:seniors");

    // Nobody of the queue free in its max wait (vera's disposition is due):
    // the caller is let go then (480).
    EXPECT_TRUE(rig.Agent("vera").disposition_due);
    const CallId second = rig.net.Offer("+79031112233", "+74950000001", 600 * kSecond);
    rig.dialer.Offer(second, Incoming{"+79031112233", "+74950000001", 0});
    rig.loop.RunUntil(rig.loop.Now() + options.card_lead + 100);
    ASSERT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    const Millis second_moved = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.TransferToQueue("anna", "seniors", seniors));
    rig.loop.RunUntil(second_moved + 41 * kSecond);
    ASSERT_EQ(rig.records.size(), 2u);
    EXPECT_EQ(rig.records[1].outcome, "abandoned");
    EXPECT_EQ(rig.records[1].cause, 480);
    EXPECT_EQ(rig.records[1].ended, second_moved + 40 * kSecond);

    // A caller who gives up waiting in the queue they were sent to: abandoned
    // there, the transfer kept.
    Population impatient = people;
    impatient.patience = Distribution::Fixed(5);
    Rig short_rig(impatient, options, Leads(0));
    short_rig.AddReady({"anna"});
    short_rig.dialer.Start();
    const CallId third = short_rig.net.Offer("+79161234567", "+74950000001", 600 * kSecond);
    short_rig.dialer.Offer(third, Incoming{"+79161234567", "+74950000001", 0});
    short_rig.loop.RunUntil(short_rig.loop.Now() + options.card_lead + 100);
    ASSERT_TRUE(short_rig.dialer.TransferToQueue("anna", "seniors", seniors));
    short_rig.loop.RunUntil(short_rig.loop.Now() + 6 * kSecond);
    ASSERT_EQ(short_rig.records.size(), 1u);
    EXPECT_EQ(short_rig.records[0].outcome, "abandoned");
    EXPECT_NE(short_rig.records[0].answered, 0) << "anna had answered";
    EXPECT_EQ(short_rig.records[0].desk.transfers.size(), 1u);
    EXPECT_TRUE(short_rig.dialer.WaitingCalls().empty());

    // An outbound call cannot wait in a queue of incoming calls.
    Rig out(people, Options(Pacing::kProgressive, /*simulated_agents=*/false), Leads(1));
    out.AddReady({"anna"});
    out.dialer.Start();
    out.loop.RunUntil(kMorning + 10 * kSecond);
    ASSERT_EQ(out.Agent("anna").state, AgentState::kOnCall);
    auto refused = out.dialer.TransferToQueue("anna", "seniors", seniors);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().key, "transfer.queue_outbound");
    EXPECT_EQ(out.Agent("anna").state, AgentState::kOnCall);
}

TEST(Dialer, AQueuesMaxWaitSendsTheCallerOnByItsExitWithTheCallStillRinging) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Rig rig(Answering(), options, Leads(0));
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.dialer.Start();
    const Millis at = rig.loop.Now();
    int exits = 0;
    Millis exit_at = 0;
    const CallId id = rig.net.Offer("+79160000001", "+74950000001", 120 * kSecond);
    Incoming in{"+79160000001", "+74950000001", 0};
    in.route = "queue:seniors";
    in.max_wait = 8 * kSecond;
    in.on_max_wait = [&] {
        ++exits;
        exit_at = rig.loop.Now();
    };
    rig.dialer.Offer(id, std::move(in));
    rig.loop.RunUntil(at + 7 * kSecond);
    EXPECT_EQ(exits, 0);
    rig.loop.RunUntil(at + 9 * kSecond);
    EXPECT_EQ(exits, 1);
    EXPECT_EQ(exit_at, at + 8 * kSecond);
    EXPECT_TRUE(rig.tap.hangups.empty()) << "the caller still rings: the exit takes the call on";
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "abandoned");
    EXPECT_EQ(rig.records[0].cause, 480);
    EXPECT_EQ(rig.records[0].route, "queue:seniors");
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kReady) << "the caller left this queue";

    // No exit: refused when the queue's wait is over.
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    const Millis second_at = rig.loop.Now();
    const CallId second = rig.net.Offer("+79160000002", "+74950000001", 120 * kSecond);
    Incoming plain{"+79160000002", "+74950000001", 0};
    plain.max_wait = 5 * kSecond;
    rig.dialer.Offer(second, std::move(plain));
    rig.loop.RunUntil(second_at + 6 * kSecond);
    ASSERT_EQ(rig.records.size(), 2u);
    EXPECT_EQ(rig.records[1].cause, 480);
    EXPECT_EQ(rig.records[1].ended, second_at + 5 * kSecond);
    EXPECT_EQ(rig.tap.hangups.size(), 1u);
}

// A caller a menu answered waits in silence no more: with the queue's
// announce_every they hear their place and the wait expected on joining and
// then every so often; the wait never grows unless someone went ahead (an
// operator who logs out does not make it grow), and stops when an operator
// takes the call.
TEST(Dialer, AnAnsweredCallerHearsTheirPlaceAndAWaitThatOnlyGrowsWhenSomeoneGoesAhead) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 600 * kSecond;
    options.wrap_up = 10 * kSecond;
    Rig rig(Answering(), options, Leads(0));
    for (const char* who : {"anna", "boris"}) {
        rig.dialer.AddAgent(who);
        ASSERT_TRUE(rig.dialer.SetPaused(who));
    }
    rig.dialer.Start();
    auto queue = std::make_shared<InboundQueue>(
        routing::QueueSpec{.name = "line", .announce_every = 30 * kSecond});
    const Millis at = rig.loop.Now();
    const CallId first = rig.OfferToQueue(queue, "+79160000001", 0);
    const CallId second = rig.OfferToQueue(queue, "+79160000002", 0);
    // Two operators at work, 120 s of talk and 10 s of wrap-up a call.
    EXPECT_EQ(rig.Heard(first),
              (std::vector<std::string>{
                  "Ваш номер в очереди — 1. Ожидаемое время ответа — около 2 минут."}));
    EXPECT_EQ(rig.Heard(second),
              (std::vector<std::string>{
                  "Ваш номер в очереди — 2. Ожидаемое время ответа — около 3 минут."}));
    // boris goes: the estimate would double, but the callers keep theirs.
    ASSERT_TRUE(rig.dialer.Logout("boris"));
    rig.loop.RunUntil(at + 31 * kSecond);
    ASSERT_EQ(rig.Heard(first).size(), 2u);
    EXPECT_EQ(rig.Heard(first)[1],
              "Ваш номер в очереди — 1. Ожидаемое время ответа — около 2 минут.");
    // A VIP goes ahead of both: now their wait may grow.
    const CallId vip = rig.OfferToQueue(queue, "+79160000003", 5);
    EXPECT_EQ(rig.Heard(vip)[0],
              "Ваш номер в очереди — 1. Ожидаемое время ответа — около 3 минут.");
    rig.loop.RunUntil(at + 61 * kSecond);
    ASSERT_EQ(rig.Heard(first).size(), 3u);
    EXPECT_EQ(rig.Heard(first)[2],
              "Ваш номер в очереди — 2. Ожидаемое время ответа — около 5 минут.");
    // anna takes the VIP; the first caller is next, and hears so.
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").inbound.from, "+79160000003");
    rig.loop.RunUntil(at + 91 * kSecond);
    ASSERT_EQ(rig.Heard(first).size(), 4u);
    EXPECT_EQ(rig.Heard(first)[3],
              "Ваш номер в очереди — 1. Ожидаемое время ответа — около 3 минут.")
        << "one round of one operator now: shorter than said before";
    const size_t vip_heard = rig.Heard(vip).size();
    rig.loop.RunUntil(at + 200 * kSecond);
    EXPECT_EQ(rig.Heard(vip).size(), vip_heard) << "no announcement once an operator has the call";
}

// A caller still ringing hears the queue's announcements as early media
// (Telephony::EarlyMedia), with music between them, and is answered only
// when an operator takes the call — not for the wait. Where the network
// gives no early media the caller rings in silence, as before.
TEST(Dialer, ACallerStillRingingHearsTheAnnouncementsAsEarlyMediaAndIsAnsweredForTheOperator) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 600 * kSecond;
    Population people = Answering();
    people.keys = {{"", 1.0}};
    Rig rig(people, options, Leads(0));
    rig.net.early_media = true;
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.dialer.Start();
    auto queue = std::make_shared<InboundQueue>(
        routing::QueueSpec{.name = "line", .announce_every = 20 * kSecond});
    const CallId ringing = rig.OfferToQueue(queue, "+79160000001", 0, /*answered=*/false);
    rig.loop.RunUntil(rig.loop.Now() + 45 * kSecond);
    const auto heard = rig.Heard(ringing);
    ASSERT_EQ(heard.size(), 3u) << "at 0, 20 and 40 s";
    for (const std::string& said : heard)
        EXPECT_TRUE(said.starts_with("Ваш номер в очереди — 1.")) << said;
    EXPECT_TRUE(rig.tap.holds[ringing]) << "music between the announcements";
    EXPECT_FALSE(rig.tap.answers.contains(ringing)) << "not answered for the wait";

    rig.net.early_media = false;
    const CallId silent = rig.OfferToQueue(queue, "+79160000002", 0, /*answered=*/false);
    rig.loop.RunUntil(rig.loop.Now() + 25 * kSecond);
    EXPECT_TRUE(rig.Heard(silent).empty()) << "no early media: it rings in silence";
    EXPECT_FALSE(rig.tap.holds.contains(silent));

    const Millis ready = rig.loop.Now();
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    rig.loop.RunUntil(rig.loop.Now() + 2 * kSecond);
    ASSERT_TRUE(rig.tap.answers.contains(ringing));
    EXPECT_GE(rig.tap.answers[ringing], ready) << "answered when anna took it";
    EXPECT_EQ(rig.tap.bridged[ringing], "anna");
    EXPECT_FALSE(rig.tap.answers.contains(silent)) << "it waits its turn";
}

// A queue whose callers speak English hears its announcements, the offer of a
// callback and the goodbye after pressing 1 in English.
TEST(Dialer, AnEnglishQueueAnnouncesInEnglish) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 600 * kSecond;
    Population people = Answering();
    people.keys = {{"1", 1.0}};  // both press 1
    Rig rig(people, options, Leads(0));
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.dialer.Start();
    auto queue = std::make_shared<InboundQueue>(routing::QueueSpec{
        .name = "en", .announce_every = 30 * kSecond, .callback = true, .language = "en"});
    const CallId first = rig.OfferToQueue(queue, "+79160000001");
    const CallId second = rig.OfferToQueue(queue, "+79160000002");
    rig.loop.RunUntil(rig.loop.Now() + 20 * kSecond);
    EXPECT_EQ(rig.Heard(first),
              (std::vector<std::string>{
                  "You are number 1 in the queue. The expected wait is about 3 minutes. To have us "
                  "call you back without losing your place, press 1.",
                  "Thank you! We will call you back at this number as soon as your turn comes. "
                  "Goodbye."}));
    EXPECT_EQ(rig.Heard(second),
              (std::vector<std::string>{
                  "You are number 2 in the queue. The expected wait is about 5 minutes. To have us "
                  "call you back without losing your place, press 1.",
                  "Thank you! We will call you back at this number as soon as your turn comes. "
                  "Goodbye."}));
}

// A callback instead of waiting (issue 19, item 5): the announcements offer
// it, and a caller who presses 1 hears that they will be called back and the
// line ends; their place stays in the line — ahead of a caller who came
// after them, before they pressed — and when it comes, the operator who
// takes it dials them through the gate for the service purpose (the
// campaign's own is marketing, and the caller gave no consent to it),
// recorded as the queue's callback. The caller ahead of them, who did not
// press, waits on and is served first.
TEST(Dialer, ACallerWhoPresses1IsCalledBackWhenTheirTurnComesKeepingTheirPlace) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 600 * kSecond;
    options.purpose = "marketing";
    // The caller's zone from their number (serve: the numbering plan).
    options.complete_lead = [](Lead& lead) {
        if (lead.e164 == "+79160000002") lead.utc_offset_minutes = 600;
    };
    Population people = Answering();
    people.keys = {{"", 1.0}};  // nobody presses anything ...
    Rig rig(people, options, Leads(0));
    for (const char* who : {"anna", "boris"}) {
        rig.dialer.AddAgent(who);
        ASSERT_TRUE(rig.dialer.SetPaused(who));
    }
    rig.dialer.Start();
    auto queue = std::make_shared<InboundQueue>(
        routing::QueueSpec{.name = "line", .announce_every = 60 * kSecond, .callback = true});
    const Millis at = rig.loop.Now();
    const CallId first = rig.OfferToQueue(queue, "+79160000001");
    rig.loop.RunUntil(at + 20 * kSecond);
    rig.net.population().keys = {{"1", 1.0}};  // ... but the second caller presses 1
    const CallId second = rig.OfferToQueue(queue, "+79160000002");
    rig.loop.RunUntil(at + 21 * kSecond);
    const CallId third = rig.OfferToQueue(queue, "+79160000003", 0, /*answered=*/false);
    rig.loop.RunUntil(at + 40 * kSecond);
    rig.net.population().keys = {{"", 1.0}};
    rig.loop.RunUntil(at + 50 * kSecond);

    const auto said = rig.Heard(second);
    ASSERT_EQ(said.size(), 2u);
    EXPECT_EQ(said[0],
              "Ваш номер в очереди — 2. Ожидаемое время ответа — около 3 минут. Чтобы мы "
              "перезвонили вам, не теряя места в очереди, нажмите 1.");
    EXPECT_EQ(said[1],
              "Спасибо! Мы перезвоним вам на этот номер, как только подойдёт ваша очередь. До "
              "свидания.");
    EXPECT_TRUE(rig.Heard(third).empty());
    EXPECT_TRUE(rig.tap.hangups.contains(second)) << "the line ends after the goodbye";
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].number, "+79160000002");
    EXPECT_EQ(rig.records[0].outcome, "callback");
    EXPECT_EQ(rig.dialer.WaitingCalls().size(), 3u);
    EXPECT_EQ(rig.dialer.Stats().callbacks_chosen, 1);
    EXPECT_EQ(rig.dialer.Stats().inbound_abandoned, 0) << "a callback is not an abandon";

    // anna takes the first caller; boris, the next free, calls the second back.
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").inbound.from, "+79160000001");
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    ASSERT_EQ(rig.tap.dials.size(), 1u);
    EXPECT_EQ(rig.tap.dials[0].dial.number, "+79160000002");
    EXPECT_EQ(rig.dialer.WaitingCalls().size(), 1u);
    EXPECT_EQ(rig.dialer.WaitingCalls()[0].from, "+79160000003");
    const auto called = std::find_if(rig.agent_events.begin(), rig.agent_events.end(),
                                     [](const SeenAgentEvent& e) { return e.kind == "callback"; });
    ASSERT_NE(called, rig.agent_events.end());
    EXPECT_EQ(called->agent, "boris");
    EXPECT_EQ(called->number, "+79160000002");
    rig.loop.RunUntil(rig.loop.Now() + 6 * kSecond);  // it rings 5 s, then answered
    const CallId back = rig.tap.dials[0].call;
    EXPECT_EQ(rig.tap.bridged[back], "boris");
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kOnCall);
    rig.loop.RunUntil(rig.loop.Now() + 70 * kSecond);  // 60 s of talk
    const auto record = std::find_if(rig.records.begin(), rig.records.end(),
                                     [](const CallRecord& r) { return !r.inbound; });
    ASSERT_NE(record, rig.records.end());
    EXPECT_EQ(record->number, "+79160000002");
    EXPECT_EQ(record->agent, "boris");
    EXPECT_EQ(record->outcome, "answered");
    EXPECT_EQ(record->route, "callback:line");
    EXPECT_EQ(record->route_reason, "callback");
    EXPECT_EQ(record->evidence.consent.find("marketing"), std::string::npos)
        << "dialed for the service purpose: " << record->evidence.consent;
    EXPECT_EQ(record->evidence.utc_offset_minutes, 600) << "the hours of the caller's zone";
    EXPECT_FALSE(record->evidence.offset_assumed);
    EXPECT_EQ(rig.dialer.Stats().callbacks_dialed, 1);
    EXPECT_EQ(rig.tap.bridged[first], "anna");
    EXPECT_EQ(rig.dialer.WaitingCalls()[0].from, "+79160000003") << "the third caller waits on";
    EXPECT_FALSE(rig.tap.answers.contains(third));
}

// A restart keeps a callback's place (CampaignRunner::RestoreCallbacks): put
// back with its arrival, it goes ahead of a caller who came after it, and the
// operator whose turn it is dials the caller, recorded as a callback.
TEST(Dialer, ACallbackRestoredAfterARestartKeepsItsPlaceAndIsDialedInItsTurn) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 600 * kSecond;
    Rig rig(Answering(), options, Leads(0));
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.dialer.Start();
    auto queue = std::make_shared<InboundQueue>(
        routing::QueueSpec{.name = "line", .announce_every = 60 * kSecond, .callback = true});
    const Millis chosen = rig.loop.Now() - 10 * 60 * kSecond;  // before the restart
    Incoming kept{"+79160000002", "+74950000001", 42};
    kept.route = "queue:line";
    kept.reason = "number";
    kept.queue = queue;
    kept.arrived = chosen;
    rig.dialer.RestoreCallback(std::move(kept));
    const CallId later = rig.OfferToQueue(queue, "+79160000001");
    auto waiting = rig.dialer.WaitingCalls();
    ASSERT_EQ(waiting.size(), 2u);
    EXPECT_EQ(waiting[0].from, "+79160000002") << "it came first";
    EXPECT_TRUE(waiting[0].callback);
    EXPECT_EQ(waiting[0].arrived, chosen);
    EXPECT_EQ(waiting[0].route, "queue:line");
    EXPECT_FALSE(waiting[1].callback);

    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    ASSERT_EQ(rig.tap.dials.size(), 1u);
    EXPECT_EQ(rig.tap.dials[0].dial.number, "+79160000002");
    EXPECT_EQ(rig.dialer.WaitingCalls().size(), 1u);
    rig.loop.RunUntil(rig.loop.Now() + 6 * kSecond);  // it rings 5 s, then answered
    EXPECT_EQ(rig.tap.bridged[rig.tap.dials[0].call], "anna");
    rig.loop.RunUntil(rig.loop.Now() + 70 * kSecond);
    const auto record = std::find_if(rig.records.begin(), rig.records.end(),
                                     [](const CallRecord& r) { return !r.inbound; });
    ASSERT_NE(record, rig.records.end());
    EXPECT_EQ(record->contact_id, 42);
    EXPECT_EQ(record->route, "callback:line");
    EXPECT_EQ(record->route_reason, "callback");
    EXPECT_EQ(record->agent, "anna");
    EXPECT_FALSE(rig.tap.bridged.contains(later)) << "the later caller waited on";
}

// serve's campaigns keep their waiting calls in one queue store
// (routing/queue_store.h), each in its own line: a campaign serves only its
// line, the places of two campaigns never collide (a callback's place has an
// id of its own, unique in the process), and a campaign that goes takes its
// places with it.
TEST(Dialer, CampaignsSharingOneQueueStoreKeepTheirLinesApart) {
    routing::MemoryQueueStore store;
    DialerOptions oa = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    oa.inbound_wait = 600 * kSecond;
    oa.queue_store = &store;
    oa.line = "campaign:1";
    Rig a(Answering(), oa, Leads(0));
    a.dialer.AddAgent("anna");
    ASSERT_TRUE(a.dialer.SetPaused("anna"));
    a.dialer.Start();
    auto queue = std::make_shared<InboundQueue>(
        routing::QueueSpec{.name = "line", .announce_every = 60 * kSecond, .callback = true});
    auto restore = [&](Dialer& dialer, const char* number) {
        Incoming kept{number, "+74950000001", 0};
        kept.route = "queue:line";
        kept.queue = queue;
        kept.arrived = a.loop.Now() - 60 * kSecond;
        dialer.RestoreCallback(std::move(kept));
    };
    restore(a.dialer, "+79160000001");
    const CallId caller = a.OfferToQueue(queue, "+79160000002");
    {
        SimNetwork net(a.loop, Answering(), 11);
        Tap tap(a.loop, net);
        MemoryGate gate(WideRules(), "rkn-refusals v12");
        CallerIdPool pool(CallerIds(5), {});
        DialerOptions ob = oa;
        ob.line = "campaign:2";
        Dialer b(a.loop, tap, gate, pool, {}, ob);
        b.AddAgent("boris");
        ASSERT_TRUE(b.SetPaused("boris"));
        b.Start();
        restore(b, "+79160000003");
        restore(b, "+79160000004");
        EXPECT_EQ(store.Count("campaign:1"), 2u);
        EXPECT_EQ(store.Count("campaign:2"), 2u) << "both of B's places kept: ids never collide";
        EXPECT_EQ(store.Count({}), 4u);
        ASSERT_EQ(b.WaitingCalls().size(), 2u);
        EXPECT_EQ(b.WaitingCalls()[0].from, "+79160000003");
        EXPECT_EQ(a.dialer.WaitingCalls()[0].from, "+79160000001");

        // boris serves B's line only: he calls B's first caller back.
        ASSERT_TRUE(b.SetReady("boris"));
        ASSERT_EQ(tap.dials.size(), 1u);
        EXPECT_EQ(tap.dials[0].dial.number, "+79160000003");
        EXPECT_EQ(store.Count("campaign:1"), 2u);
        EXPECT_EQ(store.Count("campaign:2"), 1u);
    }
    EXPECT_EQ(store.Count("campaign:2"), 0u) << "B's places went with it";
    // anna serves A's line in its order: the callback kept first, then the caller.
    ASSERT_TRUE(a.dialer.SetReady("anna"));
    ASSERT_EQ(a.tap.dials.size(), 1u);
    EXPECT_EQ(a.tap.dials[0].dial.number, "+79160000001");
    EXPECT_EQ(store.Count("campaign:1"), 1u);
    EXPECT_NE(store.Find(caller), nullptr);
}

// A queue in serve (docs/routing.md, "Queues"): its skill takes level 1
// first and level 2 once the caller has waited 20 s; an agent without the
// skill is never offered its callers; among the best level the queue's
// strategy chooses (fixed order: the first member, however long another has
// been idle; fewest calls).
TEST(Dialer, AQueuesSkillLevelsWidenAsTheCallerWaitsAndItsStrategyChooses) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 120 * kSecond;
    Rig rig(Answering(), options, Leads(0));
    auto skilled = [](const char* id, int level) {
        agents::AgentSpec a{.id = id};
        if (level > 0) a.skills.push_back({"senior", level});
        return a;
    };
    for (auto [who, level] : {std::pair{"anna", 1}, {"vera", 1}, {"boris", 2}, {"gleb", 0}}) {
        rig.dialer.AddAgent(who);
        rig.dialer.SetProfile(skilled(who, level));
        ASSERT_TRUE(rig.dialer.SetReady(who));
        rig.loop.RunUntil(rig.loop.Now() + kSecond);  // anna idle longest, gleb shortest
    }
    rig.dialer.Start();
    routing::QueueSpec spec{.name = "complaints", .skill = "senior"};
    spec.widen = {{20 * kSecond, 2}};
    auto queue = std::make_shared<InboundQueue>(spec);
    EXPECT_EQ(rig.dialer.AgentsWorking({}, queue.get()), 3) << "gleb lacks the skill";
    auto offer = [&](const char* from) {
        const CallId id = rig.net.Offer(from, "+74950000001", 120 * kSecond);
        Incoming in{from, "+74950000001", 0};
        in.route = "queue:complaints";
        in.queue = queue;
        rig.dialer.Offer(id, std::move(in));
        return id;
    };
    offer("+79160000001");
    offer("+79160000002");
    EXPECT_EQ(rig.Agent("anna").inbound.from, "+79160000001") << "level 1, idle longest";
    EXPECT_EQ(rig.Agent("vera").inbound.from, "+79160000002") << "level 1";
    const Millis third_at = rig.loop.Now();
    offer("+79160000003");
    rig.loop.RunUntil(third_at + 19 * kSecond);
    EXPECT_EQ(rig.Agent("boris").state, AgentState::kReady) << "level 2 waits for 20 s";
    EXPECT_EQ(rig.Agent("gleb").state, AgentState::kReady);
    EXPECT_FALSE(rig.dialer.LongestReadySince({}, queue.get())) << "nobody of level 1 is free";
    rig.loop.RunUntil(third_at + 21 * kSecond);
    EXPECT_EQ(rig.Agent("boris").inbound.from, "+79160000003") << "widened at 20 s";
    EXPECT_EQ(rig.Agent("gleb").state, AgentState::kReady) << "never: no skill";

    // Everyone free again; fixed order puts vera first although anna has
    // been idle longer.
    for (const char* who : {"anna", "vera", "boris"}) {
        ASSERT_TRUE(rig.dialer.HangupByAgent(who));
        ASSERT_TRUE(rig.dialer.Dispose(who, Disposition{.status = "decided"}));
        rig.loop.RunUntil(rig.loop.Now() + options.wrap_up + kSecond);
    }
    spec.strategy = routing::Strategy::kFixedOrder;
    spec.members = {"vera", "anna", "boris"};
    queue->Set(spec);
    ASSERT_EQ(rig.Agent("anna").state, AgentState::kReady);
    ASSERT_EQ(rig.Agent("vera").state, AgentState::kReady);
    offer("+79160000004");
    EXPECT_EQ(rig.Agent("vera").inbound.from, "+79160000004") << "the first member";
    rig.loop.RunUntil(rig.loop.Now() + 5 * kSecond);
    ASSERT_TRUE(rig.dialer.HangupByAgent("vera"));
    ASSERT_TRUE(rig.dialer.Dispose("vera", Disposition{.status = "decided"}));
    rig.loop.RunUntil(rig.loop.Now() + options.wrap_up + kSecond);

    // Round robin goes on after the member offered last (anna), to vera,
    // who has been idle the shortest.
    spec.strategy = routing::Strategy::kRoundRobin;
    spec.members = {"anna", "vera", "boris"};
    queue->Set(spec);
    queue->memory.last_member = 0;
    offer("+79160000005");
    EXPECT_EQ(rig.Agent("vera").inbound.from, "+79160000005");
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kReady);
    EXPECT_EQ(queue->memory.last_member, 1);
}

// Blended agents (routing's agent_profiles): an inbound-only operator in an
// outbound campaign is not dialed for and gets no answered outbound call,
// but takes an incoming one; an outbound-only operator is never offered an
// incoming call, nor counted for one.
TEST(Dialer, AnInboundOnlyAgentIsNotDialedForAndAnOutboundOnlyOneTakesNoIncomingCall) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.inbound_wait = 60 * kSecond;
    Rig rig(Answering(), options, Leads(20));
    rig.dialer.AddAgent("ivan");
    rig.dialer.SetProfile({.id = "ivan", .blend = agents::Blend::kInbound});
    ASSERT_TRUE(rig.dialer.SetReady("ivan"));
    rig.dialer.Start();
    rig.loop.RunUntil(rig.loop.Now() + 30 * kSecond);
    EXPECT_EQ(rig.dialer.Stats().attempts, 0) << "nobody takes outbound calls";
    auto next = rig.dialer.NextCard("ivan");
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().key, "agent.inbound_only");

    rig.dialer.AddAgent("olga");
    rig.dialer.SetProfile({.id = "olga", .blend = agents::Blend::kOutbound});
    ASSERT_TRUE(rig.dialer.SetReady("olga"));
    rig.loop.RunUntil(rig.loop.Now() + 40 * kSecond);
    EXPECT_GT(rig.dialer.Stats().attempts, 0) << "olga is dialed for";
    for (const CallRecord& r : rig.records) {
        if (r.bridged != 0) EXPECT_EQ(r.agent, "olga");
    }
    EXPECT_EQ(rig.dialer.AgentsWorking(), 1) << "for incoming calls: ivan only";

    const CallId id = rig.net.Offer("+79160000001", "+74950000001", 120 * kSecond);
    rig.dialer.Offer(id, Incoming{"+79160000001", "+74950000001", 0});
    rig.loop.RunUntil(rig.loop.Now() + kSecond);
    EXPECT_EQ(rig.Agent("ivan").inbound.from, "+79160000001");
    EXPECT_TRUE(rig.Agent("olga").inbound.from.empty());
    EXPECT_EQ(rig.dialer.Stats().inbound, 1);
}

TEST(Dialer, AnIncomingCallRingsUntilAnAgentIsFreeAndIsRefusedWhenNobodyIsInTime) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    Rig rig(Answering(), options, Leads(0));
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetPaused("anna"));
    rig.dialer.Start();
    const CallId first = rig.net.Offer("+79161234567", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(first, Incoming{"+79161234567", "+74950000001", 0});
    rig.loop.RunUntil(kMorning + 5 * kSecond);
    EXPECT_TRUE(rig.tap.answers.empty()) << "nobody is ready: the caller keeps ringing";
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall) << "the waiting caller comes first";
    EXPECT_EQ(rig.Agent("anna").inbound.from, "+79161234567");
    EXPECT_EQ(rig.Agent("anna").contact_id, 0) << "an unknown caller has no card, only a number";
    rig.loop.RunUntil(kMorning + 6 * kSecond);
    EXPECT_EQ(rig.tap.answers.count(first), 1u);
    ASSERT_TRUE(rig.dialer.HangupByAgent("anna"));

    // anna is in wrap-up: the next caller rings for inbound_wait, then is refused.
    const Millis second_at = rig.loop.Now();
    const CallId second = rig.net.Offer("+79031112233", "+74950000001", 60 * kSecond);
    rig.dialer.Offer(second, Incoming{"+79031112233", "+74950000001", 7});
    rig.loop.RunUntil(second_at + options.inbound_wait + kSecond);
    ASSERT_EQ(rig.records.size(), 2u);
    const CallRecord& refused = rig.records[1];
    EXPECT_TRUE(refused.inbound);
    EXPECT_EQ(refused.outcome, "abandoned");
    EXPECT_EQ(refused.cause, 480);
    EXPECT_EQ(refused.ended, second_at + options.inbound_wait);
    EXPECT_EQ(rig.tap.hangups.count(second), 1u) << "refused on the network";
    EXPECT_EQ(rig.tap.answers.count(second), 0u);
    const DialerStats stats = rig.dialer.Stats();
    EXPECT_EQ(stats.inbound, 2);
    EXPECT_EQ(stats.inbound_abandoned, 1);
    EXPECT_EQ(stats.abandoned, 0) << "inbound calls stay out of the dials' abandon rate";
}

TEST(Dialer, ACallerWhoGivesUpRingingIsAbandonedAndTheAgentsCardGoesAway) {
    DialerOptions options = Options(Pacing::kProgressive, /*simulated_agents=*/false);
    options.card_lead = 3 * kSecond;
    Rig rig(Answering(), options, Leads(0));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    const Millis at = rig.loop.Now();
    const CallId id = rig.net.Offer("+79161234567", "+74950000001", kSecond);
    rig.dialer.Offer(id, Incoming{"+79161234567", "+74950000001", 42});
    EXPECT_EQ(rig.Agent("anna").contact_id, 42);
    rig.loop.RunUntil(at + 5 * kSecond);
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "abandoned");
    EXPECT_EQ(rig.records[0].cause, 0);
    EXPECT_EQ(rig.records[0].ended, at + kSecond);
    EXPECT_TRUE(rig.tap.answers.empty()) << "a call the caller left is never answered";
    const AgentView anna = rig.Agent("anna");
    EXPECT_EQ(anna.state, AgentState::kReady);
    EXPECT_EQ(anna.contact_id, 0);
    EXPECT_EQ(anna.inbound.from, "");
    EXPECT_FALSE(anna.disposition_due);
}

TEST(Dialer, NoMoreCallsAreLiveThanTheTrunkHasLines) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.max_lines = 2;
    Rig rig(Answering(), options, Leads(30));
    int most_live = 0;
    rig.tap.on_dial = [&] { most_live = std::max(most_live, rig.tap.Live()); };
    rig.AddReady({"a1", "a2", "a3", "a4", "a5"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + kHour);
    EXPECT_EQ(most_live, 2);
    EXPECT_GT(rig.records.size(), 20u);
}

TEST(Dialer, TheCampaignDialsOnlyWithinItsScheduleOnTheCallCentersClock) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.schedule_start_minute = 10 * 60;
    options.schedule_end_minute = 11 * 60;
    Rig rig(Answering(), options, Leads(100));
    rig.AddReady({"anna", "boris"});
    rig.dialer.Start();  // at 09:00
    rig.loop.RunUntil(kMorning + 4 * kHour);
    ASSERT_FALSE(rig.tap.dials.empty());
    EXPECT_EQ(rig.tap.dials.front().at, kMorning + kHour) << "first dial at 10:00";
    for (const auto& d : rig.tap.dials) {
        EXPECT_GE(d.at, kMorning + kHour);
        EXPECT_LT(d.at, kMorning + 2 * kHour);
    }
}

// --- Retries ----------------------------------------------------------------

TEST(Dialer, ABusyNumberIsRetriedAfterTheRulesDelayAndAtMostMaxAttemptsTimes) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.retries = {{"busy", 1800}, {"no_answer", 4 * 3600}};
    options.max_attempts = 3;
    Rig rig(Unanswered(EventKind::kBusy), options, Leads(1));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 6 * kHour);

    ASSERT_EQ(rig.records.size(), 3u);
    for (size_t i = 0; i < rig.records.size(); ++i) {
        const CallRecord& r = rig.records[i];
        EXPECT_EQ(r.outcome, "busy");
        EXPECT_EQ(r.cause, 486);
        EXPECT_EQ(r.attempt, static_cast<int>(i) + 1);
        if (i == 0) continue;
        Millis gap = r.started - rig.records[i - 1].ended;
        EXPECT_GE(gap, 1800 * kSecond) << "attempt " << i + 1 << " came too soon";
        EXPECT_LE(gap, 1800 * kSecond + rig.options.tick) << "attempt " << i + 1 << " came late";
    }
    EXPECT_EQ(rig.dialer.LeadsLeft(), 0u);
    EXPECT_EQ(rig.dialer.Stats().outcomes.at("busy"), 3);
}

TEST(Dialer, AnInvalidNumberIsNeverRetried) {
    Population pop = Answering();
    pop.invalid = 1.0;
    DialerOptions options = Options(Pacing::kProgressive);
    options.retries = {{"invalid", 60}, {"busy", 60}};
    options.max_attempts = 10;
    Rig rig(pop, options, Leads(2));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 2 * kHour);
    ASSERT_EQ(rig.records.size(), 2u);
    EXPECT_EQ(rig.RecordsOf(1).size(), 1u);
    EXPECT_EQ(rig.RecordsOf(2).size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "invalid");
    EXPECT_EQ(rig.records[0].cause, 404);
    EXPECT_EQ(rig.dialer.LeadsLeft(), 0u);
}

TEST(Dialer, AnOutcomeWithoutARetryRuleClosesTheLead) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.retries = {{"busy", 60}};
    options.max_attempts = 10;
    Rig rig(Unanswered(EventKind::kRejected), options, Leads(1));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 2 * kHour);
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].outcome, "rejected");
    EXPECT_EQ(rig.dialer.LeadsLeft(), 0u);
}

// --- The dial gate ----------------------------------------------------------

TEST(Dialer, AStopListedOrRegistryListedLeadIsNeverDialedAndIsClosedByTheGate) {
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(3));
    compliance::NumberState stopped;
    stopped.stops.push_back({compliance::StopCategory::kDoNotDisturb, std::nullopt});
    rig.gate.Set(2, stopped);
    compliance::NumberState listed;
    listed.registries.push_back("rkn-refusals");
    rig.gate.Set(3, listed);
    rig.AddReady({"anna", "boris", "vera"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + kHour);

    for (const auto& d : rig.tap.dials) {
        EXPECT_NE(d.dial.number, Number(2));
        EXPECT_NE(d.dial.number, Number(3));
    }
    EXPECT_EQ(rig.RecordsOf(1).size(), 1u);
    EXPECT_TRUE(rig.RecordsOf(2).empty());
    EXPECT_TRUE(rig.RecordsOf(3).empty());
    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_EQ(stats.denials.at("stop_list"), 1);
    EXPECT_EQ(stats.denials.at("registry"), 1);
    EXPECT_EQ(stats.leads_closed_by_gate, 2);
    EXPECT_EQ(stats.attempts, 1);
    EXPECT_EQ(rig.dialer.LeadsLeft(), 0u);
}

TEST(Dialer, ALeadOutsideItsLocalCallingWindowIsDialedWhenTheWindowOpens) {
    compliance::CallingRules rules = WideRules();
    rules.window_start_minute = 9 * 60;
    rules.window_end_minute = 20 * 60;
    std::vector<Lead> leads = Leads(3);
    leads[1].utc_offset_minutes = 120;  // Kaliningrad: 08:00 when Moscow is at 09:00
    leads[2].utc_offset_minutes = std::nullopt;
    Rig rig(Answering(), Options(Pacing::kProgressive), leads, rules);
    rig.AddReady({"anna", "boris", "vera"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 2 * kHour);

    auto moscow = rig.RecordsOf(1);
    ASSERT_EQ(moscow.size(), 1u);
    EXPECT_EQ(moscow[0].started, kMorning);
    EXPECT_EQ(moscow[0].evidence.local_minute, 9 * 60);
    EXPECT_EQ(moscow[0].evidence.local_weekday, 1) << "2026-12-01 is a Tuesday";
    EXPECT_EQ(moscow[0].evidence.utc_offset_minutes, 180);
    EXPECT_FALSE(moscow[0].evidence.offset_assumed);
    EXPECT_EQ(moscow[0].evidence.registries, "rkn-refusals v12");

    auto kaliningrad = rig.RecordsOf(2);
    ASSERT_EQ(kaliningrad.size(), 1u);
    const Millis opens = kMorning + kHour;  // 09:00 in Kaliningrad
    EXPECT_GE(kaliningrad[0].started, opens);
    EXPECT_LE(kaliningrad[0].started, opens + rig.options.tick);
    EXPECT_EQ(LocalMinute(kaliningrad[0].started, 120), 9 * 60);
    EXPECT_EQ(kaliningrad[0].evidence.local_minute, LocalMinute(kaliningrad[0].started, 120));
    EXPECT_EQ(kaliningrad[0].evidence.utc_offset_minutes, 120);

    auto unknown = rig.RecordsOf(3);
    ASSERT_EQ(unknown.size(), 1u);
    EXPECT_TRUE(unknown[0].evidence.offset_assumed);
    EXPECT_EQ(unknown[0].evidence.utc_offset_minutes, rules.default_utc_offset_minutes);
    EXPECT_GE(rig.dialer.Stats().denials.at("outside_window"), 1);
    EXPECT_EQ(rig.dialer.Stats().leads_closed_by_gate, 0);
}

TEST(Dialer, TheEvidenceNamesTheConsentReliedOnForMarketingAndNoneNeededForService) {
    DialerOptions marketing = Options(Pacing::kProgressive);
    marketing.purpose = "marketing";
    Rig rig(Answering(), marketing, Leads(3));
    compliance::NumberState two_consents;  // the newer one is relied on
    two_consents.consents = {{"marketing", DayStart(2026, 1, 10), std::nullopt},
                             {"marketing", DayStart(2026, 3, 1) + 4000, std::nullopt}};
    rig.gate.Set(1, two_consents);
    compliance::NumberState newer_revoked;  // the older one still holds
    newer_revoked.consents = {{"marketing", DayStart(2025, 11, 20), std::nullopt},
                              {"marketing", DayStart(2026, 2, 1), DayStart(2026, 4, 1)},
                              {"service", DayStart(2026, 5, 5), std::nullopt}};
    rig.gate.Set(2, newer_revoked);
    rig.gate.Set(3, compliance::NumberState{});  // no consent: not called for marketing
    rig.AddReady({"anna", "boris", "vera"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + kHour);

    ASSERT_EQ(rig.RecordsOf(1).size(), 1u);
    EXPECT_EQ(rig.RecordsOf(1)[0].evidence.consent, "marketing, given 2026-03-01");
    ASSERT_EQ(rig.RecordsOf(2).size(), 1u);
    EXPECT_EQ(rig.RecordsOf(2)[0].evidence.consent, "marketing, given 2025-11-20");
    EXPECT_TRUE(rig.RecordsOf(3).empty());
    EXPECT_EQ(rig.dialer.Stats().denials.at("no_consent"), 1);

    Rig service(Answering(), Options(Pacing::kProgressive), Leads(1));
    service.AddReady({"anna"});
    service.dialer.Start();
    service.loop.RunUntil(kMorning + 2 * kMinute);
    ASSERT_EQ(service.records.size(), 1u);
    EXPECT_EQ(service.records[0].evidence.consent, "not needed: service");
}

// --- Short calls ------------------------------------------------------------

TEST(Dialer, AnsweredCallsShorterThan3SecondsAreFlagged) {
    Population machines = Answering();
    machines.machine = 1;
    machines.machine_talk = Distribution::Fixed(1.5);
    Rig rig(machines, Options(Pacing::kProgressive), Leads(10));
    rig.AddReady({"anna", "boris"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 30 * kMinute);
    ASSERT_EQ(rig.records.size(), 10u);
    for (const CallRecord& r : rig.records) {
        EXPECT_EQ(r.outcome, "answered");
        EXPECT_EQ(r.ended - r.answered, 1'500);
        EXPECT_TRUE(r.short_call) << "call " << r.id;
    }
    EXPECT_EQ(rig.dialer.Stats().short_calls, 10);

    // The limit: 2.9 s is short, 3 s is not.
    for (double talk : {2.9, 3.0}) {
        Population people = Answering();
        people.talk_time = Distribution::Fixed(talk);
        Rig r2(people, Options(Pacing::kProgressive), Leads(4));
        r2.AddReady({"anna"});
        r2.dialer.Start();
        r2.loop.RunUntil(kMorning + 30 * kMinute);
        ASSERT_EQ(r2.records.size(), 4u);
        for (const CallRecord& r : r2.records)
            EXPECT_EQ(r.short_call, talk < 3.0) << talk << " s";
        EXPECT_EQ(r2.dialer.Stats().short_calls, talk < 3.0 ? 4 : 0);
    }
}

// --- Caller IDs -------------------------------------------------------------

TEST(Dialer, DialingStopsWhenEveryCallerIdReachesItsDailyCapAndResumesTheNextDay) {
    PoolOptions pool;
    pool.daily_cap = 3;
    Population pop = Answering();
    pop.talk_time = Distribution::Fixed(20);
    Rig rig(pop, Options(Pacing::kProgressive), Leads(20), WideRules(), CallerIds(2), pool);
    const std::vector<std::string> agents = {"a1", "a2", "a3", "a4"};
    for (const auto& a : agents)
        rig.dialer.AddAgent(a);
    rig.WorkDays(0, 1, agents);
    EXPECT_EQ(rig.records.size(), 6u) << "2 caller IDs of 3 calls a day";
    EXPECT_GT(rig.dialer.Stats().no_caller_id, 0);
    EXPECT_GT(rig.dialer.LeadsLeft(), 0u) << "the other leads wait for tomorrow";
    rig.WorkDays(1, 1, agents);

    std::map<int, int> per_day;
    std::map<std::pair<int, std::string>, int> per_number_and_day;
    std::set<int64_t> contacts;
    for (const CallRecord& r : rig.records) {
        ++per_day[DayOf(r.started)];
        ++per_number_and_day[{DayOf(r.started), r.caller_id}];
        contacts.insert(r.contact_id);
    }
    EXPECT_EQ(per_day, (std::map<int, int>{{0, 6}, {1, 6}}));
    for (const auto& [key, calls] : per_number_and_day)
        EXPECT_LE(calls, 3) << key.second << " on day " << key.first;
    EXPECT_EQ(contacts.size(), 12u) << "each lead reached once";
}

// --- Preview ----------------------------------------------------------------

TEST(Dialer, APreviewCardIsReservedForItsAgentAndItsAnsweredCallConnectsToThem) {
    Rig rig(Answering(), Options(Pacing::kPreview, /*simulated_agents=*/false), Leads(5));
    for (const char* a : {"carl", "anna", "boris"})
        rig.dialer.AddAgent(a);
    ASSERT_TRUE(rig.dialer.SetReady("carl"));  // carl has been ready the longest
    rig.loop.RunUntil(kMorning + 10 * kSecond);
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    rig.dialer.Start();
    EXPECT_TRUE(rig.tap.dials.empty()) << "preview dials only when the agent says so";

    auto anna = rig.dialer.NextCard("anna");
    ASSERT_TRUE(anna) << anna.error().message;
    auto boris = rig.dialer.NextCard("boris");
    ASSERT_TRUE(boris) << boris.error().message;
    EXPECT_NE(anna->contact_id, boris->contact_id);
    auto anna_again = rig.dialer.NextCard("anna");
    ASSERT_TRUE(anna_again);
    EXPECT_EQ(anna_again->contact_id, anna->contact_id) << "the card stays the agent's";
    EXPECT_EQ(rig.Agent("anna").contact_id, anna->contact_id);

    rig.loop.RunUntil(kMorning + 30 * kSecond);  // reading the card
    EXPECT_TRUE(rig.tap.dials.empty());
    ASSERT_TRUE(rig.dialer.DialCard("anna"));
    ASSERT_EQ(rig.tap.dials.size(), 1u);
    EXPECT_EQ(rig.tap.dials[0].dial.number, anna->e164);
    rig.loop.RunUntil(kMorning + 36 * kSecond);  // answered at 35 s

    EXPECT_EQ(rig.tap.bridged.at(rig.tap.dials[0].call), "anna");
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    EXPECT_EQ(rig.Agent("carl").state, AgentState::kReady);
    auto connected = std::find_if(rig.agent_events.begin(), rig.agent_events.end(),
                                  [](const SeenAgentEvent& e) { return e.kind == "connected"; });
    ASSERT_NE(connected, rig.agent_events.end());
    EXPECT_EQ(connected->agent, "anna");
    EXPECT_EQ(connected->contact_id, anna->contact_id);

    // Boris pauses holding his card: the lead goes back to the list.
    ASSERT_TRUE(rig.dialer.SetPaused("boris"));
    EXPECT_EQ(rig.Agent("boris").contact_id, 0);
    auto carl = rig.dialer.NextCard("carl");
    ASSERT_TRUE(carl);
    EXPECT_EQ(carl->contact_id, boris->contact_id);

    EXPECT_EQ(rig.dialer.DialCard("boris").error().code, ErrorCode::kConflict);
    EXPECT_EQ(rig.dialer.NextCard("boris").error().code, ErrorCode::kConflict) << "paused";
    EXPECT_EQ(rig.dialer.NextCard("nobody").error().code, ErrorCode::kNotFound);
}

TEST(Dialer, APreviewAgentsWaitWhileTheirDialRingsCountsAsDialingNotReady) {
    Population pop = Answering();
    pop.ring_time = Distribution::Fixed(8);
    Rig rig(pop, Options(Pacing::kPreview, /*simulated_agents=*/false), Leads(2));
    rig.AddReady({"anna"});
    rig.dialer.Start();
    ASSERT_TRUE(rig.dialer.NextCard("anna"));
    rig.loop.RunUntil(kMorning + 2 * kSecond);  // 2 s reading the card
    ASSERT_TRUE(rig.dialer.DialCard("anna"));
    rig.loop.RunUntil(kMorning + 10 * kSecond);  // 8 s ringing, then answered
    ASSERT_EQ(rig.Agent("anna").state, AgentState::kOnCall);
    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_EQ(stats.ready_ms + stats.dialing_ms, 10'000);
    // Whether reading the card counts as ready or as dialing, the 8 s the
    // agent waited on their own ringing call are not idle time.
    EXPECT_GE(stats.dialing_ms, 8'000);
    EXPECT_LE(stats.ready_ms, 2'000);
}

// --- Robots -----------------------------------------------------------------

TEST(Dialer, ARobotKeepsToItsLinesAndCallsPerSecondAndRecordsTheKeysPressed) {
    Population pop = Answering();
    pop.invalid = 0.5;  // quick failures, so that the rate limit matters
    pop.ring_time = Distribution::Uniform(1, 8);
    pop.keys = {{"1", 0.5}, {"2", 0.3}, {"", 0.2}};
    pop.hangup_in_prompt = 0.1;
    DialerOptions options = Options(Pacing::kRobot);
    options.pacing.robot_max_calls = 5;
    options.pacing.robot_calls_per_second = 2;
    Rig rig(pop, options, Leads(200));
    int most_live = 0;
    rig.tap.on_dial = [&] { most_live = std::max(most_live, rig.tap.Live()); };
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 2 * kHour);

    ASSERT_EQ(rig.records.size(), 200u);
    EXPECT_TRUE(rig.tap.bridged.empty()) << "no agents";
    EXPECT_LE(most_live, 5);
    EXPECT_EQ(most_live, 5) << "the robot uses the lines it has";
    EXPECT_LE(rig.dialer.Stats().max_live_calls, 5);
    std::vector<Millis> starts;
    for (const auto& d : rig.tap.dials)
        starts.push_back(d.at);
    std::sort(starts.begin(), starts.end());
    size_t busiest = 0;
    for (size_t i = 0; i < starts.size(); ++i) {
        size_t j = i;
        while (j < starts.size() && starts[j] < starts[i] + kSecond)
            ++j;
        busiest = std::max(busiest, j - i);
    }
    EXPECT_LE(busiest, 2u) << "more than 2 dials within one second";
    EXPECT_EQ(busiest, 2u);

    std::map<std::string, int64_t> keys, hangups;
    int completed = 0;
    for (const CallRecord& r : rig.records) {
        if (r.outcome != "answered") continue;
        if (r.robot_step == "goodbye" || r.robot_step == "done") {
            ++keys[r.robot_keys.empty() ? "none" : r.robot_keys];
            EXPECT_TRUE(r.robot_keys == "1" || r.robot_keys == "2" || r.robot_keys.empty())
                << r.robot_keys;
        }
        if (r.robot_step == "done") {
            ++completed;
        } else {
            ++hangups[r.robot_step];
        }
    }
    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_EQ(stats.robot_keys, keys);
    EXPECT_EQ(keys.size(), 3u) << "1, 2 and none were all pressed";
    EXPECT_EQ(stats.robot_hangup_steps, hangups);
    EXPECT_GT(hangups.size(), 0u);
    EXPECT_GT(completed, 40);
    // A completed call heard the greeting, the question and the goodbye.
    std::map<CallId, std::vector<std::string>> heard;
    for (const auto& p : rig.tap.plays)
        heard[p.call].push_back(p.prompt);
    int full = 0;
    for (const auto& [call, prompts] : heard) {
        if (prompts.size() == 3) {
            ++full;
            EXPECT_EQ(prompts,
                      (std::vector<std::string>{options.robot.greeting, options.robot.question,
                                                options.robot.goodbye}));
        }
    }
    EXPECT_EQ(full, completed + hangups["goodbye"]) << "hung up in the goodbye: heard all three";
}

TEST(Dialer, ACalleeWhoHangsUpDuringTheRobotsGreetingIsCountedAtThatStep) {
    Population pop = Answering();
    pop.hangup_in_prompt = 1.0;
    DialerOptions options = Options(Pacing::kRobot);
    Rig rig(pop, options, Leads(20));
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + kHour);
    ASSERT_EQ(rig.records.size(), 20u);
    for (const CallRecord& r : rig.records) {
        EXPECT_EQ(r.robot_step, "greeting");
        EXPECT_EQ(r.robot_keys, "");
    }
    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_EQ(stats.robot_hangup_steps, (std::map<std::string, int64_t>{{"greeting", 20}}));
    EXPECT_TRUE(stats.robot_keys.empty());
}

TEST(Dialer, AScriptedRobotPlaysItsNodesCollectsKeysAndRecordsWhatItDid) {
    auto script = ivr::ParseScript(
        "nodes:\n"
        "  hello:\n    say: Здравствуйте, с вами говорит робот.\n    next: ask\n"
        "  ask:\n    ask: Нажмите 1, чтобы подтвердить.\n    timeout: 5\n    retries: 0\n"
        "    branches: {\"1\": yes}\n    no_input: bye\n"
        "  yes:\n    say: Вы нажали 1 и подтвердили. До свидания!\n"
        "    actions: [confirm_visit, {tag: Подтвердил}, hangup]\n"
        "  bye:\n    say: До свидания!\n    actions: [hangup]\n",
        "t.yaml");
    ASSERT_TRUE(script) << script.error().message;
    ASSERT_TRUE(ivr::CheckScript(*script).empty());
    Population pop = Answering();
    pop.hangup_in_prompt = 0;
    pop.keys = {{"1", 1.0}};
    DialerOptions options = Options(Pacing::kRobot);
    options.script = &*script;
    Rig rig(pop, options, Leads(5));
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + kHour);
    ASSERT_EQ(rig.records.size(), 5u);
    for (const CallRecord& r : rig.records) {
        EXPECT_EQ(r.outcome, "answered");
        EXPECT_EQ(r.robot_step, "yes");
        EXPECT_EQ(r.robot_keys, "1");
        EXPECT_EQ(r.robot_actions, "confirm_visit,tag:Подтвердил,hangup");
    }
    const DialerStats stats = rig.dialer.Stats();
    EXPECT_EQ(stats.robot_actions.at("confirm_visit"), 5);
    EXPECT_EQ(stats.robot_keys.at("1"), 5);

    // Silence takes the no_input way.
    pop.keys = {{"", 1.0}};
    Rig quiet(pop, options, Leads(3));
    quiet.dialer.Start();
    quiet.loop.RunUntil(kMorning + kHour);
    ASSERT_EQ(quiet.records.size(), 3u);
    for (const CallRecord& r : quiet.records) {
        EXPECT_EQ(r.robot_step, "bye");
        EXPECT_EQ(r.robot_keys, "-");
        EXPECT_EQ(r.robot_actions, "hangup");
    }
}

// --- The inactivity rule ----------------------------------------------------

TEST(Dialer, ANumberThatFailsOnThreeDifferentDaysBecomesInactiveAndIsNotDialedOnTheFourth) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.retries = {{"no_answer", 86400}};
    options.max_attempts = 20;
    Rig rig(Unanswered(EventKind::kNoAnswer), options, Leads(1));
    rig.dialer.AddAgent("anna");
    rig.WorkDays(0, 2, {"anna"});
    ASSERT_EQ(rig.records.size(), 2u);
    ASSERT_NE(rig.gate.State(1), nullptr);
    EXPECT_FALSE(rig.gate.State(1)->inactive) << "two days of failures are not enough";
    rig.WorkDays(2, 2, {"anna"});

    ASSERT_EQ(rig.records.size(), 3u);
    for (int day = 0; day < 3; ++day) {
        EXPECT_EQ(DayOf(rig.records[day].started), day);
        EXPECT_EQ(rig.records[day].outcome, "no_answer");
    }
    EXPECT_TRUE(rig.gate.State(1)->inactive);
    EXPECT_EQ(rig.gate.BecameInactive(), 1);
    const DialerStats& stats = rig.dialer.Stats();
    EXPECT_EQ(stats.denials.at("inactive"), 1) << "the retry on day 4 met the gate";
    EXPECT_EQ(stats.leads_closed_by_gate, 1);
    EXPECT_EQ(rig.dialer.LeadsLeft(), 0u);
}

// --- Agents' time and order -------------------------------------------------

TEST(Dialer, ReadingTheStatsChangesNeitherAnAgentsSinceNorWhoHasBeenReadyLongest) {
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(1));
    rig.dialer.AddAgent("boris");
    rig.dialer.AddAgent("anna");
    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    rig.loop.RunUntil(kMorning + 10 * kSecond);
    ASSERT_TRUE(rig.dialer.SetReady("boris"));
    rig.loop.RunUntil(kMorning + 20 * kSecond);
    const size_t events = rig.agent_events.size();
    (void)rig.dialer.Stats();  // a supervisor's screen polls the figures
    EXPECT_EQ(rig.dialer.Stats().ready_ms, 30'000);
    EXPECT_EQ(rig.agent_events.size(), events) << "no agent changed state";
    EXPECT_EQ(rig.Agent("anna").since, kMorning);
    EXPECT_EQ(rig.Agent("boris").since, kMorning + 10 * kSecond);
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + kMinute);
    ASSERT_EQ(rig.records.size(), 0u);
    EXPECT_EQ(rig.Agent("anna").state, AgentState::kOnCall)
        << "the call goes to the agent ready the longest";
}

// --- Predictive, on the shipped scenarios -----------------------------------

void ExpectPredictiveHoldsTheLimitAndBeatsProgressive(const std::string& file) {
    auto scenario = LoadScenario(std::string(CALLBASE_SOURCE_DIR "/examples/scenarios/") + file);
    ASSERT_TRUE(scenario) << scenario.error().message;
    ASSERT_EQ(scenario->dialer.pacing.mode, Pacing::kPredictive);
    RunResult predictive = Run(*scenario);
    RunOptions as_progressive;
    as_progressive.pacing = scenario->dialer.pacing;
    as_progressive.pacing->mode = Pacing::kProgressive;
    // Progressive abandons only the calls still ringing when the day ends
    // and the agents log out.
    std::vector<Millis> abandoned_at;
    as_progressive.on_call = [&](const CallRecord& r) {
        if (r.outcome == "abandoned") abandoned_at.push_back(r.answered);
    };
    RunResult progressive = Run(*scenario, as_progressive);

    const DialerStats& p = predictive.stats;
    EXPECT_GT(p.answered, 5'000);
    EXPECT_GT(p.abandoned, 0) << "a predictive dialer that never abandons is not pacing";
    EXPECT_LE(p.AbandonRate(), 0.03);
    EXPECT_LE(predictive.max_window_abandon, 0.03);
    std::string broken;
    for (const auto& [rule, count] : predictive.violations)
        broken += rule + "=" + std::to_string(count) + " ";
    EXPECT_EQ(predictive.Violations(), 0) << broken;
    EXPECT_EQ(progressive.Violations(), 0);
    ASSERT_EQ(scenario->days, 1);
    for (Millis at : abandoned_at)
        EXPECT_GE(at, scenario->start + scenario->day_length) << "abandoned during the day";
    EXPECT_GT(p.Occupancy(), progressive.stats.Occupancy())
        << "predictive " << p.Occupancy() << ", progressive " << progressive.stats.Occupancy();
    EXPECT_GT(predictive.contacts_reached, progressive.contacts_reached);
}

TEST(Dialer, PredictiveOnTheShippedScenarioKeepsAbandonsUnder3PercentAndBeatsProgressive) {
    ExpectPredictiveHoldsTheLimitAndBeatsProgressive("predictive-100.toml");
}

TEST(Dialer, PredictiveFollowsAFallingAnswerRateWithoutBreakingTheAbandonLimit) {
    ExpectPredictiveHoldsTheLimitAndBeatsProgressive("predictive-100-drop.toml");
}

// --- Restarts (issue 17, item 13) -------------------------------------------

TEST(Dialer, ARecordIsOpenedAtTheDialAndClosedWithItsOutcomeUnderTheSameId) {
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(1));
    std::vector<CallRecord> opened, progress;
    rig.dialer.OnCallOpened([&](const CallRecord& r) {
        EXPECT_TRUE(rig.tap.dials.empty()) << "the record is written before the network is asked";
        opened.push_back(r);
    });
    rig.dialer.OnCallProgress([&](const CallRecord& r) { progress.push_back(r); });
    rig.AddReady({"anna"});
    rig.dialer.Start();
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0].outcome, "");
    EXPECT_EQ(opened[0].ended, 0);
    EXPECT_EQ(opened[0].attempt, 1);
    EXPECT_TRUE(rig.records.empty()) << "nothing closed while the call goes on";
    rig.loop.RunUntil(kMorning + 10 * kSecond);  // answered at 5 s, put through to anna
    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.back().agent, "anna");
    EXPECT_NE(progress.back().answered, 0);
    rig.loop.RunUntil(kMorning + 2 * kMinute);
    ASSERT_EQ(rig.records.size(), 1u);
    EXPECT_EQ(rig.records[0].id, opened[0].id);
    EXPECT_EQ(rig.records[0].outcome, "answered");
}

TEST(Dialer, AStoppedDialerClosesItsCallsAsInterruptedAndCountsThemAsAttempts) {
    Population pop = Answering();
    pop.ring_time = Distribution::Fixed(20);
    Rig rig(pop, Options(Pacing::kProgressive), Leads(3));
    rig.AddReady({"anna", "boris"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 5 * kSecond);  // two calls ringing
    ASSERT_EQ(rig.tap.Ringing(), 2);
    rig.dialer.Interrupt();
    ASSERT_EQ(rig.records.size(), 2u);
    for (const CallRecord& r : rig.records) {
        EXPECT_EQ(r.outcome, "interrupted");
        EXPECT_EQ(r.ended, kMorning + 5 * kSecond);
        EXPECT_TRUE(rig.tap.hangups.contains(rig.tap.dials[r.id - 1].call)) << "hung up";
        ASSERT_NE(rig.gate.State(r.contact_id), nullptr);
        EXPECT_EQ(rig.gate.State(r.contact_id)->attempts.size(), 1u) << "an attempt for the caps";
    }
    EXPECT_EQ(rig.dialer.Stats().outcomes.at("interrupted"), 2);
    EXPECT_EQ(rig.dialer.LiveCalls(), 0);
    rig.loop.RunUntil(kMorning + kHour);
    EXPECT_EQ(rig.tap.dials.size(), 2u) << "a stopped dialer dials no more";
}

// The base's side of a restart: the records a killed server left open are
// closed as interrupted (with the gate's attempts), and a new dialer goes on
// from each lead's records: attempts counted on, answered people left alone,
// retries when their rule allows.
// A fresh base of the backend with a campaign running in it, as a server left it.
class DialerRestart : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_TRUE(db_);
        ASSERT_TRUE(
            db_->Exec("INSERT INTO campaigns (name, state, purpose, pacing, settings, created_at, "
                      "created_by, updated_at, updated_by) VALUES ('c', 'running', 'service', "
                      "'progressive', '{}', 0, 't', 0, 't')"));
        auto campaign = db_->QueryValue("SELECT id FROM campaigns");
        ASSERT_TRUE(campaign);
        id_ = std::get<int64_t>(*campaign);
    }
    std::unique_ptr<store::Store> db_;
    FixedClock clock_{kMorning / 1000};
    int64_t id_ = 0;
};

TEST_P(DialerRestart, OpenRecordsAreClosedAsInterruptedAndCountedAndLeadsGoOnFromTheirRecords) {
    CampaignBook book(*db_, clock_);
    StoreGate gate(*db_, clock_, WideRules(), {}, "none", "campaign:1", /*record=*/true);
    const std::vector<Lead> leads = Leads(6);
    // The first run, killed at kMorning: what it left in the base.
    const Millis t0 = kMorning - kHour;
    auto call = [&](int contact, int attempt, Millis started, std::string outcome,
                    bool answered = false, std::string agent = "") {
        CallRecord r;
        r.campaign_id = id_;
        r.contact_id = contact;
        r.number = leads[contact - 1].e164;
        r.caller_id = "+74951000001";
        r.attempt = attempt;
        r.started = started;
        gate.Dialed(leads[contact - 1], started / 1000);
        auto row = book.OpenCall(r, "sip");
        ASSERT_TRUE(row) << row.error().message;
        r.answered = answered ? started + 5 * kSecond : 0;
        r.agent = agent;
        if (answered) ASSERT_TRUE(book.UpdateCall(*row, r));
        if (outcome.empty()) return;  // killed during the call
        r.ended = started + 30 * kSecond;
        r.outcome = outcome;
        ASSERT_TRUE(book.CloseCall(*row, r));
        gate.Attempted(leads[contact - 1], started / 1000, outcome);
    };
    call(1, 1, t0, "busy");
    call(1, 2, t0 + 40 * kMinute, "");              // ringing when killed
    call(2, 1, t0, "", /*answered=*/true, "anna");  // talking when killed
    call(3, 1, t0, "answered", true, "anna");
    call(4, 1, t0, "no_answer");
    call(4, 2, t0 + 10 * kMinute, "no_answer");
    call(4, 3, t0 + 20 * kMinute, "");  // the third and last attempt, interrupted
    call(5, 1, t0, "abandoned", true);
    // contact 6: never dialed

    auto closed = book.CloseInterrupted(kMorning);
    ASSERT_TRUE(closed) << closed.error().message;
    EXPECT_EQ(*closed, 3);
    EXPECT_EQ(*book.CloseInterrupted(kMorning), 0) << "closed once";
    auto stats = book.Stats(id_);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->attempts, 8) << "no record lost";
    EXPECT_EQ(stats->outcomes.at("interrupted"), 3);
    auto calls = book.CallsTo(leads[0].e164);
    ASSERT_TRUE(calls);
    ASSERT_EQ(calls->size(), 2u);
    EXPECT_EQ((*calls)[1].outcome, "interrupted");
    EXPECT_EQ((*calls)[1].ended, kMorning);
    // The gate's attempts: none still dialing, the interrupted ones counted.
    auto dialing = db_->QueryValue("SELECT COUNT(*) FROM call_attempts WHERE outcome = 'dialing'");
    ASSERT_TRUE(dialing);
    EXPECT_EQ(std::get<int64_t>(*dialing), 0);
    auto state = compliance::LoadNumberState(*db_, leads[0].e164, 180, kMorning / 1000, {});
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(state->attempts.size(), 2u) << "the interrupted dial counts for the gate's caps";
    // A sensitive campaign's gate knows who talked with contact 2.
    auto last = gate.LastOperator(leads[1], kMorning / 1000 - 86400);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->agent, "anna");

    auto past = book.PastCallsOf(id_);
    ASSERT_TRUE(past) << past.error().message;
    EXPECT_EQ(past->at(1).attempts, 2);
    EXPECT_EQ(past->at(1).last_outcome, "interrupted");
    EXPECT_TRUE(past->at(2).reached) << "answered, then interrupted";
    EXPECT_FALSE(past->contains(6));

    // The second run: everyone busy; busy after 30 min, no answer after 1 h.
    DialerOptions options = Options(Pacing::kProgressive);
    options.max_attempts = 3;
    options.retries = {{"busy", 1800}, {"no_answer", 3600}};
    Rig rig(Unanswered(EventKind::kBusy), options, leads);
    for (const auto& [contact, calls] : *past)
        rig.dialer.Resume(contact, calls);
    EXPECT_EQ(rig.dialer.LeadsLeft(), 3u) << "1 (retry), 5 (after 72 h) and 6 (fresh)";
    rig.AddReady({"anna"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 3 * kHour);
    ASSERT_FALSE(rig.records.empty());
    EXPECT_EQ(rig.records[0].contact_id, 6) << "the fresh lead first";
    EXPECT_EQ(rig.records[0].attempt, 1);
    auto one = rig.RecordsOf(1);
    ASSERT_EQ(one.size(), 1u) << "its third and last attempt";
    EXPECT_EQ(one[0].attempt, 3);
    EXPECT_GE(one[0].started, kMorning + kHour) << "interrupted: retried as no_answer, 1 h on";
    EXPECT_TRUE(rig.RecordsOf(2).empty()) << "answered before the restart";
    EXPECT_TRUE(rig.RecordsOf(3).empty()) << "answered before the restart";
    EXPECT_TRUE(rig.RecordsOf(4).empty()) << "at max attempts";
    EXPECT_TRUE(rig.RecordsOf(5).empty()) << "abandoned: not within 72 h";
    EXPECT_LE(rig.RecordsOf(6).size(), 3u);
}

// What a start finds of the callbacks promised before (RestoreCallbacks):
// the callers who chose one since `since` and were not called back after it.
TEST_P(DialerRestart, TheCallbacksNotYetPlacedAreFoundForTheNextStart) {
    CampaignBook book(*db_, clock_);
    auto write = [&](const char* number, bool inbound, Millis started, const char* outcome,
                     const char* route, const char* reason) {
        CallRecord r;
        r.campaign_id = id_;
        r.number = number;
        r.caller_id = "+74950000001";
        r.started = started;
        r.ended = started + 20 * kSecond;
        r.outcome = outcome;
        r.inbound = inbound;
        r.route = route;
        r.route_reason = reason;
        auto written = book.WriteCall(r, "sip");
        ASSERT_TRUE(written) << written.error().message;
    };
    write("+79160000001", true, kMorning - 2 * kHour, "callback", "queue:line", "number");
    write("+79160000002", true, kMorning - 2 * kHour, "callback", "queue:line", "number");
    write("+79160000002", false, kMorning - kHour, "answered", "callback:line", "callback");
    write("+79160000003", true, kMorning - 3 * kDayMs, "callback", "queue:line", "number");
    write("+79160000004", true, kMorning - 2 * kHour, "answered", "queue:line", "number");
    // Called back once before, and chose a callback again after it.
    write("+79160000005", false, kMorning - 3 * kHour, "answered", "callback:line", "callback");
    write("+79160000005", true, kMorning - 2 * kHour, "callback", "queue:vip", "vip");
    auto pending = book.PendingCallbacks(id_, kMorning - kDayMs);
    ASSERT_TRUE(pending) << pending.error().message;
    ASSERT_EQ(pending->size(), 2u);
    EXPECT_EQ((*pending)[0].number, "+79160000001");
    EXPECT_EQ((*pending)[0].route, "queue:line");
    EXPECT_EQ((*pending)[0].started, kMorning - 2 * kHour);
    EXPECT_EQ((*pending)[1].number, "+79160000005");
    EXPECT_EQ((*pending)[1].route, "queue:vip");
    EXPECT_EQ((*pending)[1].route_reason, "vip");
    auto older = book.PendingCallbacks(id_, kMorning - 7 * kDayMs);
    ASSERT_TRUE(older);
    EXPECT_EQ(older->size(), 3u) << "with the one of three days ago";
}

INSTANTIATE_TEST_SUITE_P(Backends, DialerRestart, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

// --- Sensitive campaigns (issue 17, item 11) ---------------------------------

TEST(Dialer, ASensitiveNumberIsPutThroughOnlyToTheOperatorWhoTalkedWithItThatDay) {
    DialerOptions options = Options(Pacing::kProgressive);
    options.sensitive = true;
    Rig rig(Answering(), options, Leads(2));
    const std::vector<Lead> leads = Leads(2);
    // anna talked with number 1 an hour ago (in another campaign).
    rig.gate.Talked(leads[0], "anna", kMorning / 1000 - 3600);
    rig.dialer.AddAgent("anna");
    rig.AddReady({"boris"});
    rig.dialer.Start();
    rig.loop.RunUntil(kMorning + 5 * kMinute);
    ASSERT_EQ(rig.tap.dials.size(), 1u) << "boris gets number 2 only";
    EXPECT_EQ(rig.records.at(0).contact_id, 2);
    EXPECT_EQ(rig.records.at(0).agent, "boris");
    EXPECT_TRUE(rig.RecordsOf(1).empty());

    ASSERT_TRUE(rig.dialer.SetReady("anna"));
    rig.loop.RunUntil(kMorning + 10 * kMinute);
    auto one = rig.RecordsOf(1);
    ASSERT_EQ(one.size(), 1u) << "the same operator may call back";
    EXPECT_EQ(one[0].agent, "anna");

    // Preview: another operator's card for the number is refused, with the reason.
    DialerOptions preview = Options(Pacing::kPreview, /*simulated_agents=*/false);
    preview.sensitive = true;
    Rig cards(Answering(), preview, Leads(2));
    cards.gate.Talked(leads[0], "anna", kMorning / 1000 - 3600);
    cards.AddReady({"boris", "anna"});
    cards.dialer.Start();
    auto boris = cards.dialer.NextCard("boris");
    ASSERT_TRUE(boris);
    EXPECT_EQ(boris->contact_id, 2);
    EXPECT_EQ(cards.dialer.Stats().denials.at("other_operator"), 1);
    compliance::Decision d = cards.gate.CheckOperator(leads[0], "boris", kMorning / 1000);
    ASSERT_FALSE(d.allowed);
    ASSERT_EQ(d.reasons.size(), 1u);
    EXPECT_EQ(d.reasons[0].reason, compliance::DenyReason::kOtherOperator);
    EXPECT_NE(d.reasons[0].detail.find("anna"), std::string::npos) << d.reasons[0].detail;
    EXPECT_EQ(d.earliest, kMorning / 1000 - 3600 + 86400) << "a day after anna's call";
    EXPECT_TRUE(cards.gate.CheckOperator(leads[0], "anna", kMorning / 1000).allowed);
    EXPECT_TRUE(cards.gate.CheckOperator(leads[0], "boris", kMorning / 1000 + 82800).allowed)
        << "a day later anyone may";
    cards.loop.RunUntil(kMorning + 2 * kMinute);
    auto anna = cards.dialer.NextCard("anna");
    ASSERT_TRUE(anna);
    EXPECT_EQ(anna->contact_id, 1);

    // Not sensitive: whoever is ready.
    Rig plain(Answering(), Options(Pacing::kProgressive), Leads(2));
    plain.gate.Talked(leads[0], "anna", kMorning / 1000 - 3600);
    plain.AddReady({"boris"});
    plain.dialer.Start();
    plain.loop.RunUntil(kMorning + 5 * kMinute);
    ASSERT_FALSE(plain.RecordsOf(1).empty());
    EXPECT_EQ(plain.RecordsOf(1)[0].agent, "boris");
}

// Issue 18: a campaign started on Saturday under Monday-to-Friday rules dials
// nothing and says why (the diagnosis of its live figures); on Monday at
// 09:00 it dials, and the diagnosis is empty again.
TEST(Dialer, ACampaignStartedOnSaturdaySaysItIsTheDayOffAndDialsWhenMondaysWindowOpens) {
    compliance::CallingRules rules = WideRules();
    rules.window_start_minute = 9 * 60;
    rules.window_end_minute = 20 * 60;
    rules.weekdays = 0b0011111;
    Rig rig(Answering(), Options(Pacing::kProgressive), Leads(200), rules);
    const Millis saturday = kMorning + 4 * kDayMs + kHour;  // 2026-12-05 10:00 Moscow
    rig.loop.RunUntil(saturday);
    rig.AddReady({"anna", "boris"});
    rig.dialer.Start();
    rig.loop.RunUntil(saturday + 30 * kMinute);
    EXPECT_TRUE(rig.records.empty());

    CampaignSpec spec;
    spec.state = "running";
    spec.caller_ids = CallerIds(50);
    auto figures = [&] {
        StallFigures f;
        f.segment = 200;
        f.leads_left = static_cast<int64_t>(rig.dialer.LeadsLeft());
        f.held = rig.dialer.HeldByGate();
        f.agents_working = 0;
        for (const AgentView& a : rig.dialer.Agents()) {
            if (a.state != AgentState::kOffline && a.state != AgentState::kPaused)
                ++*f.agents_working;
        }
        f.agents_logged_in = rig.dialer.AgentsWorking();
        f.caller_id_calls_left =
            rig.pool.Remaining(static_cast<int32_t>((rig.loop.Now() / 1000 + 180 * 60) / 86400));
        f.callee_offsets = {{180, 200}};
        return f;
    };
    StallFigures on_saturday = figures();
    EXPECT_EQ(on_saturday.held, (std::map<std::string, int64_t>{{"outside_window", 200}}));
    auto stall = DiagnoseStall(spec, rules, rig.loop.Now() / 1000, 180, on_saturday);
    ASSERT_EQ(stall.size(), 1u) << FindingsJson(stall).dump();
    EXPECT_EQ(stall[0].code, "campaign.stall.day_off");
    EXPECT_EQ(stall[0].params.at("weekday"), "sat");
    EXPECT_EQ(stall[0].params.at("resumes_weekday"), "mon");
    EXPECT_EQ(stall[0].params.at("resumes_time"), "09:00");

    const Millis monday = kMorning + 6 * kDayMs;  // 2026-12-07 09:00 Moscow
    rig.loop.RunUntil(monday - kMinute);
    EXPECT_TRUE(rig.records.empty()) << "nothing is dialed on Sunday either";
    rig.loop.RunUntil(monday + 10 * kMinute);
    ASSERT_FALSE(rig.records.empty());
    EXPECT_GE(rig.records.front().started, monday);
    StallFigures on_monday = figures();
    EXPECT_TRUE(on_monday.held.empty() ||
                on_monday.held.at("outside_window") < on_saturday.held.at("outside_window"));
    EXPECT_TRUE(DiagnoseStall(spec, rules, rig.loop.Now() / 1000, 180, on_monday).empty());
}

}  // namespace
}  // namespace callbase::campaigns
