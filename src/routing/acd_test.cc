// The ACD as a caller and a supervisor rely on it: who is offered a call,
// in what order callers are served (priority without starving anyone), skill
// levels widening with the wait, offers not answered or lost with the desk,
// ring-all, the exit and join/leave rules, callbacks that keep their place,
// the service level as Asterisk counts it, and estimates that do not grow.
#include "routing/acd.h"

#include <gtest/gtest.h>

#include <random>

#include "telephony/sim/sim_loop.h"

namespace callbase::routing {
namespace {

using agents::Blend;
using agents::State;
constexpr Millis kT0 = 1'796'104'800'000;
constexpr Millis kSecond = 1000;

struct Rig {
    explicit Rig(bool heartbeat = false)
        : loop(kT0),
          workforce({.presence_timeout = 10 * kSecond, .heartbeat_required = heartbeat}) {
        acd = std::make_unique<Acd>(
            loop, workforce,
            Acd::Hooks{
                .offer =
                    [this](const QueueSpec& q, const Entry& e, const agents::Offer& o) {
                        offers.push_back({q.name, e.call, o.agent, o.id, e.callback, loop.Now()});
                    },
                .cancel = [this](const agents::Offer& o) { cancelled.push_back(o.agent); },
                .exit =
                    [this](const QueueSpec& q, const Entry& e, std::string_view reason) {
                        exits.push_back({q.name, e.call, std::string(reason), loop.Now()});
                    },
            });
    }
    void Agent(const std::string& id, std::vector<agents::Skill> skills = {},
               Blend blend = Blend::kBlended) {
        ASSERT_TRUE(workforce.Add({id, "", blend, std::move(skills)}));
        ASSERT_TRUE(workforce.Login(id, loop.Now()));
    }
    void Run(Millis ms) { loop.RunUntil(loop.Now() + ms); }
    Entry Caller(CallId call, int priority = 0) {
        Entry e;
        e.call = call;
        e.caller = "+7916000" + std::to_string(1000 + call);
        e.priority = priority;
        return e;
    }
    void Join(const std::string& queue, Entry e) {
        auto joined = acd->Join(queue, std::move(e));
        ASSERT_TRUE(joined) << joined.error().message;
        ASSERT_EQ(*joined, JoinOutcome::kJoined);
        loop.RunUntil(loop.Now());
    }
    // The agent accepts their open offer and talks `talk`, then wraps up 5 s.
    void Answer(const std::string& agent, Millis talk = 60 * kSecond) {
        for (auto it = offers.rbegin(); it != offers.rend(); ++it) {
            if (it->agent != agent) continue;
            ASSERT_TRUE(acd->Accept(it->offer)) << agent;
            loop.At(loop.Now() + talk, [this, agent] {
                ASSERT_TRUE(workforce.EndCall(agent, loop.Now()));
                loop.At(loop.Now() + 5 * kSecond,
                        [this, agent] { ASSERT_TRUE(workforce.EndWrapUp(agent, loop.Now())); });
            });
            loop.RunUntil(loop.Now());
            return;
        }
        FAIL() << "no offer to " << agent;
    }
    std::vector<std::string> OfferedTo() const {
        std::vector<std::string> out;
        for (const auto& o : offers)
            out.push_back(o.agent);
        return out;
    }

    struct Offered {
        std::string queue;
        CallId call;
        std::string agent;
        uint64_t offer;
        bool callback;
        Millis at;
    };
    struct Exited {
        std::string queue;
        CallId call;
        std::string reason;
        Millis at;
    };
    telephony::SimLoop loop;
    agents::Workforce workforce;
    std::unique_ptr<Acd> acd;
    std::vector<Offered> offers;
    std::vector<std::string> cancelled;
    std::vector<Exited> exits;
};

QueueSpec Sales() {
    QueueSpec q;
    q.name = "sales";
    return q;
}

// A caller waits in one queue at a time: their call joining a second queue
// is refused and nothing of the second is counted; the first keeps them.
TEST(Acd, ACallerAlreadyWaitingCannotJoinASecondQueue) {
    Rig rig;
    QueueSpec sales = Sales();
    sales.join_when_empty = true;  // nobody is logged in: the callers stay
    sales.leave_when_empty = false;
    QueueSpec support = sales;
    support.name = "support";
    ASSERT_TRUE(rig.acd->AddQueue(sales));
    ASSERT_TRUE(rig.acd->AddQueue(support));
    rig.Join("sales", rig.Caller(1));
    auto again = rig.acd->Join("support", rig.Caller(1));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().key, "routing.already_waiting");
    EXPECT_EQ(rig.acd->Stats("support")->offered, 0);
    EXPECT_EQ(rig.acd->WaitingIn("support"), 0u);
    EXPECT_EQ(rig.acd->WaitingIn("sales"), 1u);
    EXPECT_EQ(rig.acd->Position(1), 1);
}

TEST(Acd, ACallerIsOfferedToTheAgentIdleLongestAndTheAnswerCounts) {
    Rig rig;
    rig.Agent("anna");
    rig.Run(30 * kSecond);
    rig.Agent("boris");
    rig.Run(kSecond);
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    rig.Join("sales", rig.Caller(1));
    ASSERT_EQ(rig.OfferedTo(), (std::vector<std::string>{"anna"}));
    EXPECT_EQ(rig.workforce.Find("anna")->now.state, State::kOffered);
    rig.Run(4 * kSecond);
    rig.Answer("anna");
    const QueueStats& s = *rig.acd->Stats("sales");
    EXPECT_EQ(s.offered, 1);
    EXPECT_EQ(s.answered, 1);
    EXPECT_EQ(s.answered_within, 1);
    EXPECT_DOUBLE_EQ(s.AverageSpeedOfAnswerSeconds(), 4.0);
    EXPECT_FALSE(rig.acd->Waiting(1));
}

TEST(Acd, AVipGoesAheadOfThoseWhoJoinedLessThanTheirHeadStartBeforeButNotOfOlderCallers) {
    Rig rig;
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "lunch", rig.loop.Now()));
    QueueSpec q = Sales();
    rig.Join("sales", rig.Caller(1));  // waits longest
    rig.Run(90 * kSecond);
    rig.Join("sales", rig.Caller(2));
    rig.Run(20 * kSecond);
    rig.Join("sales", rig.Caller(3, 1));  // VIP: one priority step is 60 s
    EXPECT_EQ(rig.acd->Position(1), 1);
    EXPECT_EQ(rig.acd->Position(3), 2);  // ahead of 2, who joined only 20 s before
    EXPECT_EQ(rig.acd->Position(2), 3);
    ASSERT_TRUE(rig.workforce.SetReady("anna", rig.loop.Now()));
    rig.Run(0);
    EXPECT_EQ(rig.offers.back().call, 1u);
}

TEST(Acd, SkillLevelsWidenWithTheWaitAndTheBestLevelGoesFirst) {
    Rig rig;
    QueueSpec q;
    q.name = "complaints";
    q.skill = "complaints";
    q.widen = {{20 * kSecond, 2}};
    ASSERT_TRUE(rig.acd->AddQueue(q));
    rig.Agent("general", {{"complaints", 2}});
    rig.Agent("nobody", {{"sales", 1}});
    rig.Join("complaints", rig.Caller(1));
    EXPECT_TRUE(rig.offers.empty()) << "a level-2 agent before 20 s";
    rig.Run(20 * kSecond);
    ASSERT_EQ(rig.OfferedTo(), (std::vector<std::string>{"general"}));
    // With a senior ready from the start, the senior takes the call.
    Rig second;
    ASSERT_TRUE(second.acd->AddQueue(q));
    second.Agent("general", {{"complaints", 2}});
    second.Agent("senior", {{"complaints", 1}});
    second.Run(25 * kSecond);
    second.Join("complaints", second.Caller(1));
    EXPECT_EQ(second.OfferedTo(), (std::vector<std::string>{"senior"}));
}

TEST(Acd, AnOfferNotAnsweredInTimeGoesToTheNextAgent) {
    Rig rig;
    QueueSpec q = Sales();
    q.offer_timeout = 15 * kSecond;
    ASSERT_TRUE(rig.acd->AddQueue(q));
    rig.Agent("anna");
    rig.Run(kSecond);
    rig.Agent("boris");
    rig.Join("sales", rig.Caller(1));
    rig.Run(15 * kSecond);
    EXPECT_EQ(rig.OfferedTo(), (std::vector<std::string>{"anna", "boris"}));
    EXPECT_EQ(rig.workforce.Find("anna")->now.state, State::kReady);
    EXPECT_EQ(rig.workforce.Find("anna")->missed, 1);
    EXPECT_EQ(rig.acd->Stats("sales")->offers_missed, 1);
    // Boris does not answer either: back to anna, who was tried before.
    rig.Run(15 * kSecond);
    EXPECT_EQ(rig.OfferedTo(), (std::vector<std::string>{"anna", "boris", "anna"}));
}

TEST(Acd, ADeskThatDisconnectsWhileOfferedPassesTheCallerToTheNextAgentAtOnce) {
    Rig rig(true);
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    rig.Agent("anna");
    rig.Run(kSecond);
    rig.Agent("boris");
    rig.Run(5 * kSecond);
    rig.Join("sales", rig.Caller(1));
    ASSERT_EQ(rig.OfferedTo(), (std::vector<std::string>{"anna"}));
    rig.workforce.Heartbeat("boris", rig.loop.Now() + 5 * kSecond);
    rig.Run(5 * kSecond);
    // Anna's tab closed at the start: 10 s later her desk is gone.
    auto lost = rig.workforce.CheckPresence(kT0 + 11 * kSecond + 1);
    ASSERT_EQ(lost.size(), 1u);
    rig.Run(0);
    EXPECT_EQ(rig.OfferedTo(), (std::vector<std::string>{"anna", "boris"}));
    EXPECT_FALSE(rig.acd->Accept(rig.offers[0].offer)) << "never connected to an absent desk";
    rig.Answer("boris");
    EXPECT_EQ(rig.acd->Stats("sales")->answered, 1);
}

TEST(Acd, RingAllOffersEveryoneAndTheFirstToAnswerTakesTheCall) {
    Rig rig;
    QueueSpec q = Sales();
    q.strategy = Strategy::kRingAll;
    ASSERT_TRUE(rig.acd->AddQueue(q));
    for (const char* a : {"anna", "boris", "vera"})
        rig.Agent(a);
    rig.Join("sales", rig.Caller(1));
    ASSERT_EQ(rig.offers.size(), 3u);
    rig.Answer("boris");
    EXPECT_EQ(rig.cancelled.size(), 2u);
    EXPECT_EQ(rig.workforce.Find("anna")->now.state, State::kReady);
    EXPECT_EQ(rig.workforce.Find("vera")->now.state, State::kReady);
    EXPECT_EQ(rig.workforce.Find("boris")->now.state, State::kOnCall);
    EXPECT_EQ(rig.acd->Stats("sales")->answered, 1);
}

TEST(Acd, ACallerWhoWaitsTooLongLeavesByTheExitRoute) {
    Rig rig;
    QueueSpec q = Sales();
    q.max_wait = 120 * kSecond;
    q.exit_route = "voicemail";
    ASSERT_TRUE(rig.acd->AddQueue(q));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "training", rig.loop.Now()));
    rig.Join("sales", rig.Caller(1));
    rig.Run(119 * kSecond);
    EXPECT_TRUE(rig.exits.empty());
    rig.Run(kSecond);
    ASSERT_EQ(rig.exits.size(), 1u);
    EXPECT_EQ(rig.exits[0].reason, "max_wait");
    EXPECT_EQ(rig.acd->Stats("sales")->exits.at("max_wait"), 1);
    EXPECT_FALSE(rig.acd->Waiting(1));
}

TEST(Acd, NobodyLoggedInRefusesTheCallerOrLetsThemWaitAsTheQueueSays) {
    Rig rig;
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    auto refused = rig.acd->Join("sales", rig.Caller(1));
    ASSERT_TRUE(refused);
    EXPECT_EQ(*refused, JoinOutcome::kRefusedEmpty);
    EXPECT_EQ(rig.acd->Stats("sales")->refused, 1);
    QueueSpec patient = Sales();
    patient.name = "patient";
    patient.join_when_empty = true;
    patient.leave_when_empty = false;
    ASSERT_TRUE(rig.acd->AddQueue(patient));
    rig.Join("patient", rig.Caller(2));
    EXPECT_TRUE(rig.acd->Waiting(2));
    rig.Agent("anna");
    rig.Run(0);
    EXPECT_EQ(rig.OfferedTo(), (std::vector<std::string>{"anna"}));
    EXPECT_EQ(rig.acd->Join("nowhere", rig.Caller(3)).error().key, "routing.no_queue");
}

TEST(Acd, CallersLeaveWhenTheLastAgentOfTheirQueueLogsOut) {
    Rig rig;
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "lunch", rig.loop.Now()));
    rig.Join("sales", rig.Caller(1));
    rig.Join("sales", rig.Caller(2));
    ASSERT_TRUE(rig.workforce.Logout("anna", rig.loop.Now()));
    rig.Run(0);
    ASSERT_EQ(rig.exits.size(), 2u);
    EXPECT_EQ(rig.exits[0].reason, "empty");
}

TEST(Acd, AbandonsAreCountedWithShortOnesApartAndBothServiceLevels) {
    Rig rig;
    QueueSpec q = Sales();
    q.sl_threshold = 20 * kSecond;
    ASSERT_TRUE(rig.acd->AddQueue(q));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "lunch", rig.loop.Now()));
    rig.Join("sales", rig.Caller(1));
    rig.Join("sales", rig.Caller(2));
    rig.Join("sales", rig.Caller(3));
    rig.Run(3 * kSecond);
    rig.acd->Hangup(1);  // 3 s: a short abandon
    rig.Run(27 * kSecond);
    rig.acd->Hangup(2);  // 30 s
    ASSERT_TRUE(rig.workforce.SetReady("anna", rig.loop.Now()));
    rig.Run(0);
    rig.Answer("anna");  // caller 3 after 30 s
    const QueueStats& s = *rig.acd->Stats("sales");
    EXPECT_EQ(s.abandoned, 2);
    EXPECT_EQ(s.short_abandoned, 1);
    EXPECT_EQ(s.abandoned_within, 1);
    EXPECT_EQ(s.answered, 1);
    EXPECT_EQ(s.answered_within, 0);
    EXPECT_DOUBLE_EQ(s.ServiceLevel(), 0.0);
    EXPECT_DOUBLE_EQ(s.ServiceLevelWithAbandons(), 1.0 / 3.0);
    EXPECT_EQ(s.longest_wait_ms, 30 * kSecond);
}

TEST(Acd, ACallbackKeepsItsPlaceAndIsOfferedAsACallback) {
    Rig rig;
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "lunch", rig.loop.Now()));
    rig.Join("sales", rig.Caller(1));
    rig.Run(10 * kSecond);
    rig.Join("sales", rig.Caller(2));
    rig.acd->ChooseCallback(1);
    EXPECT_EQ(rig.acd->Position(1), 1);
    EXPECT_EQ(rig.acd->Stats("sales")->callbacks, 1);
    ASSERT_TRUE(rig.workforce.SetReady("anna", rig.loop.Now()));
    rig.Run(0);
    ASSERT_EQ(rig.offers.size(), 1u);
    EXPECT_EQ(rig.offers[0].call, 1u);
    EXPECT_TRUE(rig.offers[0].callback);
}

TEST(Acd, AnAgentOfTwoQueuesServesTheCallerRankedFirstOfBoth) {
    Rig rig;
    QueueSpec a = Sales(), b = Sales();
    b.name = "support";
    ASSERT_TRUE(rig.acd->AddQueue(a));
    ASSERT_TRUE(rig.acd->AddQueue(b));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "lunch", rig.loop.Now()));
    rig.Join("support", rig.Caller(1));
    rig.Run(kSecond);
    rig.Join("sales", rig.Caller(2));
    ASSERT_TRUE(rig.workforce.SetReady("anna", rig.loop.Now()));
    rig.Run(0);
    ASSERT_EQ(rig.offers.size(), 1u);
    EXPECT_EQ(rig.offers[0].queue, "support");
}

TEST(Acd, TheEstimatedWaitDoesNotGrowUnlessAHigherPriorityCallerGoesAhead) {
    Rig rig;
    ASSERT_TRUE(rig.acd->AddQueue(Sales()));
    rig.Agent("anna");
    ASSERT_TRUE(rig.workforce.Pause("anna", "lunch", rig.loop.Now()));
    for (CallId c = 1; c <= 3; ++c)
        rig.Join("sales", rig.Caller(c));
    const Millis first = *rig.acd->EstimatedWait(3);
    rig.acd->HandleTime("sales", 600 * kSecond);  // calls grow long: the raw estimate rises
    EXPECT_LE(*rig.acd->EstimatedWait(3), first);
    rig.Join("sales", rig.Caller(4, 2));  // a VIP goes ahead of 3
    EXPECT_EQ(rig.acd->Position(3), 4);
    EXPECT_GT(*rig.acd->EstimatedWait(3), first);
}

// Random arrivals, hang-ups, answers and agents coming and going: every
// caller ends exactly once (answered, abandoned or by an exit), no agent is
// ever offered two callers, and no caller rings two agents (but ring-all).
TEST(Acd, RandomTrafficLosesNoCallerAndNeverDoublesAnOffer) {
    Rig rig;
    QueueSpec q = Sales();
    q.max_wait = 300 * kSecond;
    q.offer_timeout = 10 * kSecond;
    q.skill = "sales";
    q.widen = {{15 * kSecond, 2}};
    ASSERT_TRUE(rig.acd->AddQueue(q));
    for (int i = 0; i < 30; ++i)
        rig.Agent("a" + std::to_string(i), {{"sales", 1 + i % 2}});
    std::mt19937_64 rng(3);
    std::set<CallId> open;
    int64_t ended_by_us = 0;
    std::map<std::string, uint64_t> ringing;  // agent -> offer seen and not yet answered
    for (CallId call = 1; call <= 3000; ++call) {
        rig.Run(static_cast<Millis>(rng() % 3000));
        auto joined = rig.acd->Join("sales", rig.Caller(call, static_cast<int>(rng() % 3 == 0)));
        ASSERT_TRUE(joined);
        rig.loop.RunUntil(rig.loop.Now());
        if (*joined == JoinOutcome::kJoined) open.insert(call);
        // Some callers hang up; some offers are answered.
        if (rng() % 10 == 0 && !open.empty()) {
            CallId gone = *std::next(open.begin(), static_cast<long>(rng() % open.size()));
            if (rig.acd->Waiting(gone)) {
                rig.acd->Hangup(gone);
                ++ended_by_us;
            }
        }
        for (const auto& o : rig.offers) {
            if (rig.workforce.Find(o.agent)->now.state == State::kOffered &&
                rig.workforce.Find(o.agent)->now.offer == o.offer && rng() % 2 == 0) {
                rig.Answer(o.agent, static_cast<Millis>(30 + rng() % 200) * kSecond);
            }
        }
        for (const agents::AgentInfo& a : rig.workforce.All()) {
            ASSERT_LE(a.now.state == State::kOffered ? 1 : 0, 1);
            if (a.now.state == State::kOffered) {
                ASSERT_TRUE(rig.workforce.FindOffer(a.now.offer)) << a.spec.id;
            }
        }
        if (rng() % 50 == 0) {
            const std::string who = "a" + std::to_string(rng() % 30);
            const auto st = rig.workforce.Find(who)->now.state;
            if (st == State::kReady) (void)rig.workforce.Pause(who, "lunch", rig.loop.Now());
            if (st == State::kPaused) (void)rig.workforce.SetReady(who, rig.loop.Now());
        }
    }
    rig.Run(3600 * kSecond);
    for (const auto& o : rig.offers) {
        if (rig.workforce.Find(o.agent)->now.state == State::kOffered) rig.Answer(o.agent);
    }
    rig.Run(3600 * kSecond);
    const QueueStats& s = *rig.acd->Stats("sales");
    int64_t exits = 0;
    for (const auto& [reason, n] : s.exits)
        exits += n;
    EXPECT_EQ(s.offered,
              s.answered + s.abandoned + exits + static_cast<int64_t>(rig.acd->WaitingIn("sales")));
    EXPECT_EQ(s.abandoned, ended_by_us);
    EXPECT_EQ(rig.acd->WaitingIn("sales"), 0u);
    EXPECT_GT(s.answered, 500);
    // Each caller was offered to one agent at a time.
    std::map<CallId, std::vector<std::pair<Millis, std::string>>> by_call;
    for (const auto& o : rig.offers)
        by_call[o.call].emplace_back(o.at, o.agent);
    for (const auto& [call, list] : by_call) {
        for (size_t i = 1; i < list.size(); ++i)
            ASSERT_GT(list[i].first, list[i - 1].first) << "caller " << call << " rang two at once";
    }
}

}  // namespace
}  // namespace callbase::routing
