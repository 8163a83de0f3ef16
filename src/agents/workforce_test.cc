// The workforce's rules as an operator and the routing rely on them: one
// offer at a time, only to a ready agent with an open desk who takes that
// kind of work; the cycle offer -> call -> wrap-up -> ready; pauses with
// reasons and the time in each; a desk that stops answering is not offered
// calls and its open offer is withdrawn; a store whose version moved under
// the workforce (another node) makes the offer fail instead of doubling it.
#include "agents/workforce.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace callbase::agents {
namespace {

constexpr Millis kT0 = 1'796'104'800'000;
constexpr Millis kSecond = 1000;

Workforce Three(bool heartbeat = true) {
    Workforce w({.presence_timeout = 10 * kSecond, .heartbeat_required = heartbeat});
    EXPECT_TRUE(w.Add({"anna", "sales", Blend::kBlended, {{"sales", 1}, {"complaints", 2}}}));
    EXPECT_TRUE(w.Add({"boris", "sales", Blend::kInbound, {{"sales", 2}}}));
    EXPECT_TRUE(w.Add({"vera", "outbound", Blend::kOutbound, {}}));
    for (const char* a : {"anna", "boris", "vera"})
        EXPECT_TRUE(w.Login(a, kT0));
    return w;
}

TEST(Workforce, AnAgentIsOfferedOneCallAtATimeAndGoesThroughTheCycle) {
    Workforce w = Three();
    auto offer = w.TryOffer("anna", Work::kInbound, 11, kT0 + kSecond);
    ASSERT_TRUE(offer) << offer.error().message;
    EXPECT_EQ(w.Find("anna")->now.state, State::kOffered);
    auto second = w.TryOffer("anna", Work::kInbound, 12, kT0 + kSecond);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().key, "agents.not_ready");
    EXPECT_EQ(w.Available(Work::kInbound, kT0 + kSecond).size(), 1u);  // boris
    ASSERT_TRUE(w.Accept(offer->id, kT0 + 3 * kSecond));
    EXPECT_EQ(w.Find("anna")->now.state, State::kOnCall);
    EXPECT_FALSE(w.Accept(offer->id, kT0 + 3 * kSecond)) << "an offer is accepted once";
    ASSERT_TRUE(w.EndCall("anna", kT0 + 63 * kSecond));
    EXPECT_EQ(w.Find("anna")->now.state, State::kWrapUp);
    EXPECT_FALSE(w.TryOffer("anna", Work::kInbound, 13, kT0 + 64 * kSecond));
    w.Heartbeat("anna", kT0 + 70 * kSecond);
    ASSERT_TRUE(w.EndWrapUp("anna", kT0 + 73 * kSecond));
    const AgentInfo& a = *w.Find("anna");
    EXPECT_EQ(a.now.state, State::kReady);
    EXPECT_EQ(a.calls, 1);
    EXPECT_EQ(a.talk_ms, 60 * kSecond);
    EXPECT_EQ(a.wrap_ms, 10 * kSecond);
    EXPECT_EQ(a.ready_ms, 3 * kSecond);  // ready, then offered
    EXPECT_EQ(a.idle_since, kT0 + 73 * kSecond);
}

TEST(Workforce, AgentsTakeOnlyTheWorkTheirBlendAllows) {
    Workforce w = Three();
    EXPECT_EQ(w.TryOffer("vera", Work::kInbound, 1, kT0).error().key, "agents.wrong_work");
    EXPECT_EQ(w.TryOffer("boris", Work::kOutbound, 2, kT0).error().key, "agents.wrong_work");
    EXPECT_TRUE(w.TryOffer("anna", Work::kOutbound, 3, kT0));
    std::set<std::string> inbound, outbound;
    for (const AgentInfo* a : w.Available(Work::kInbound, kT0))
        inbound.insert(a->spec.id);
    for (const AgentInfo* a : w.Available(Work::kOutbound, kT0))
        outbound.insert(a->spec.id);
    EXPECT_EQ(inbound, (std::set<std::string>{"boris"}));  // anna is offered a call
    EXPECT_EQ(outbound, (std::set<std::string>{"vera"}));
}

TEST(Workforce, AWithdrawnOfferLeavesTheAgentReadyAndCountsAMissedOneOnlyWhenMissed) {
    Workforce w = Three();
    auto o = w.TryOffer("boris", Work::kInbound, 1, kT0);
    ASSERT_TRUE(o);
    ASSERT_TRUE(w.Withdraw(o->id, kT0 + 15 * kSecond, true));  // not answered in time
    EXPECT_EQ(w.Find("boris")->now.state, State::kReady);
    EXPECT_EQ(w.Find("boris")->missed, 1);
    w.Heartbeat("boris", kT0 + 16 * kSecond);
    o = w.TryOffer("boris", Work::kInbound, 2, kT0 + 16 * kSecond);
    ASSERT_TRUE(o);
    ASSERT_TRUE(w.Withdraw(o->id, kT0 + 17 * kSecond, false));  // the caller hung up
    EXPECT_EQ(w.Find("boris")->missed, 1);
    EXPECT_FALSE(w.Accept(o->id, kT0 + 18 * kSecond));
}

TEST(Workforce, PausesCarryAReasonAndTheirTimeIsCountedByReason) {
    Workforce w = Three();
    EXPECT_EQ(w.Pause("anna", "", kT0).error().key, "agents.no_pause_reason");
    ASSERT_TRUE(w.Pause("anna", "lunch", kT0 + 60 * kSecond));
    EXPECT_EQ(w.Find("anna")->pause_reason, "lunch");
    w.Heartbeat("boris", kT0 + 61 * kSecond);
    EXPECT_EQ(w.Available(Work::kInbound, kT0 + 61 * kSecond).size(), 1u);  // boris
    ASSERT_TRUE(w.Pause("anna", "training", kT0 + 1860 * kSecond));  // from lunch to training
    ASSERT_TRUE(w.SetReady("anna", kT0 + 3660 * kSecond));
    const AgentInfo& a = *w.Find("anna");
    EXPECT_EQ(a.paused_ms.at("lunch"), 1800 * kSecond);
    EXPECT_EQ(a.paused_ms.at("training"), 1800 * kSecond);
    EXPECT_EQ(a.ready_ms, 60 * kSecond);
    // A call in progress is not paused.
    w.Heartbeat("anna", kT0 + 3660 * kSecond);
    auto o = w.TryOffer("anna", Work::kInbound, 1, kT0 + 3660 * kSecond);
    ASSERT_TRUE(o);
    EXPECT_EQ(w.Pause("anna", "lunch", kT0 + 3661 * kSecond).error().key, "agents.busy");
    ASSERT_TRUE(w.Accept(o->id, kT0 + 3662 * kSecond));
    EXPECT_EQ(w.Logout("anna", kT0 + 3663 * kSecond).error().key, "agents.busy");
    // In wrap-up the pause is taken (after-call work).
    ASSERT_TRUE(w.EndCall("anna", kT0 + 3700 * kSecond));
    ASSERT_TRUE(w.Pause("anna", "after_call_work", kT0 + 3701 * kSecond));
}

// Logging in again from a pause ends the pause under its own reason.
TEST(Workforce, ALoginFromAPauseCountsThePauseUnderItsReason) {
    Workforce w = Three(false);
    ASSERT_TRUE(w.Pause("boris", "training", kT0 + 10 * kSecond));
    ASSERT_TRUE(w.Login("boris", kT0 + 70 * kSecond));
    EXPECT_EQ(w.Find("boris")->now.state, State::kReady);
    EXPECT_EQ(w.Find("boris")->paused_ms.at("training"), 60 * kSecond);
    EXPECT_FALSE(w.Find("boris")->paused_ms.contains(""));
    EXPECT_TRUE(w.Find("boris")->pause_reason.empty());
}

// An operator who joins a campaign starts on a pause: no offer until ready.
TEST(Workforce, AnOfflineAgentMayLogInOnAPauseAndIsOfferedNothingUntilReady) {
    Workforce w = Three(false);
    ASSERT_TRUE(w.Logout("vera", kT0));
    ASSERT_TRUE(w.Pause("vera", "training", kT0 + 10 * kSecond));
    EXPECT_EQ(w.Find("vera")->now.state, State::kPaused);
    EXPECT_EQ(w.TryOffer("vera", Work::kOutbound, 1, kT0 + 11 * kSecond).error().key,
              "agents.not_ready");
    ASSERT_TRUE(w.SetReady("vera", kT0 + 70 * kSecond));
    EXPECT_EQ(w.Find("vera")->paused_ms.at("training"), 60 * kSecond);
    EXPECT_TRUE(w.TryOffer("vera", Work::kOutbound, 1, kT0 + 71 * kSecond));
}

TEST(Workforce, ADeskThatStopsAnsweringIsNotOfferedCallsAndLosesItsOpenOffer) {
    Workforce w = Three();
    auto o = w.TryOffer("anna", Work::kInbound, 7, kT0 + 5 * kSecond);
    ASSERT_TRUE(o);
    w.Heartbeat("boris", kT0 + 9 * kSecond);
    // 10 s without a heartbeat is still present; 10.001 s is gone.
    EXPECT_TRUE(w.CheckPresence(kT0 + 10 * kSecond).empty());
    auto lost = w.CheckPresence(kT0 + 10 * kSecond + 1);
    ASSERT_EQ(lost.size(), 2u);  // anna (offered) and vera; boris was heard at 9 s
    EXPECT_EQ(lost[0].agent, "anna");
    EXPECT_EQ(lost[0].reason, "desk_gone");
    EXPECT_EQ(lost[0].offer, o->id);
    EXPECT_EQ(w.Find("anna")->now.state, State::kPaused);
    EXPECT_EQ(w.Find("anna")->pause_reason, "desk_gone");
    EXPECT_FALSE(w.Accept(o->id, kT0 + 11 * kSecond)) << "a call never reaches an absent desk";
    EXPECT_TRUE(w.Withdraw(o->id, kT0 + 11 * kSecond, false));  // the queue's withdraw is harmless
    // Heard again, but not ready until the agent says so.
    w.Heartbeat("anna", kT0 + 12 * kSecond);
    EXPECT_EQ(w.TryOffer("anna", Work::kInbound, 8, kT0 + 12 * kSecond).error().key,
              "agents.not_ready");
    ASSERT_TRUE(w.SetReady("anna", kT0 + 13 * kSecond));
    EXPECT_TRUE(w.TryOffer("anna", Work::kInbound, 8, kT0 + 13 * kSecond));
    // Between checks, an offer itself refuses a silent desk.
    EXPECT_EQ(w.TryOffer("boris", Work::kInbound, 9, kT0 + 30 * kSecond).error().key,
              "agents.desk_gone");
}

TEST(Workforce, SimulatedAndPhoneAgentsNeedNoHeartbeat) {
    Workforce w = Three(false);
    EXPECT_TRUE(w.CheckPresence(kT0 + 3600 * kSecond).empty());
    EXPECT_TRUE(w.TryOffer("anna", Work::kInbound, 1, kT0 + 3600 * kSecond));
}

// Another node moved the agent in the shared store: the offer here fails and
// the agent is not offered twice.
class SharedStore final : public AgentStateStore {
public:
    std::optional<AgentState> Load(const std::string& a) const override { return inner.Load(a); }
    bool Swap(const std::string& a, uint64_t expected, AgentState next) override {
        if (before_swap) before_swap(a);
        return inner.Swap(a, expected, next);
    }
    MemoryAgentStateStore inner;
    std::function<void(const std::string&)> before_swap;
};

TEST(Workforce, AnOfferRacingAnotherNodeForTheSameAgentLosesInsteadOfDoubling) {
    auto store = std::make_unique<SharedStore>();
    SharedStore* shared = store.get();
    Workforce w({.heartbeat_required = false}, std::move(store));
    ASSERT_TRUE(w.Add({"anna", "", Blend::kBlended, {}}));
    ASSERT_TRUE(w.Login("anna", kT0));
    shared->before_swap = [&](const std::string& a) {
        // The other node offers anna its own call between our read and write.
        auto s = shared->inner.Load(a);
        shared->before_swap = nullptr;
        ASSERT_TRUE(shared->inner.Swap(a, s->version, {State::kOffered, 0, 999, kT0}));
    };
    auto o = w.TryOffer("anna", Work::kInbound, 1, kT0);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().key, "agents.changed");
    EXPECT_EQ(w.Find("anna")->now.state, State::kOffered);
    EXPECT_EQ(w.Find("anna")->now.offer, 999u);
    EXPECT_FALSE(w.OfferOf("anna").has_value());
}

// Random operations from many sides never leave an agent with two open
// offers, an offer while not offered, or a call it did not accept.
TEST(Workforce, RandomTrafficNeverDoublesAnOffer) {
    Workforce w({.presence_timeout = 10 * kSecond, .heartbeat_required = true});
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        ids.push_back("a" + std::to_string(i));
        ASSERT_TRUE(w.Add({ids.back(), "", static_cast<Blend>(i % 3), {}}));
        ASSERT_TRUE(w.Login(ids.back(), kT0));
    }
    std::mt19937_64 rng(5);
    std::vector<uint64_t> open;
    Millis now = kT0;
    int offered = 0;
    for (int step = 0; step < 200'000; ++step) {
        now += static_cast<Millis>(rng() % 300);
        const std::string& a = ids[rng() % ids.size()];
        switch (rng() % 9) {
            case 0:
            case 1:
                if (auto o = w.TryOffer(a, static_cast<Work>(rng() % 2), step, now)) {
                    open.push_back(o->id);
                    ++offered;
                }
                break;
            case 2:
                if (!open.empty()) (void)w.Accept(open[rng() % open.size()], now);
                break;
            case 3:
                if (!open.empty()) (void)w.Withdraw(open[rng() % open.size()], now, rng() % 2);
                break;
            case 4:
                (void)w.EndCall(a, now);
                break;
            case 5:
                (void)w.EndWrapUp(a, now);
                break;
            case 6:
                (void)(rng() % 4 == 0 ? w.Pause(a, "lunch", now) : w.SetReady(a, now));
                break;
            case 7:
                w.Heartbeat(a, now);
                break;
            case 8:
                (void)w.CheckPresence(now);
                break;
        }
        for (const AgentInfo& info : w.All()) {
            const auto& offer = w.OfferOf(info.spec.id);
            ASSERT_EQ(offer.has_value(), info.now.state == State::kOffered && info.now.offer != 0 &&
                                             w.FindOffer(info.now.offer).has_value())
                << info.spec.id << " at step " << step;
            if (offer) {
                ASSERT_EQ(offer->id, info.now.offer);
            }
        }
    }
    EXPECT_GT(offered, 3'000);
}

}  // namespace
}  // namespace callbase::agents
