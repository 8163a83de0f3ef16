#include "telephony/sim/sim_network.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace callbase::telephony {
namespace {

constexpr Millis kNoon = 1'796'115'600'000;  // 2026-12-01 09:00 UTC = 12:00 Moscow

std::string Number(int i) {
    return "+7916" + std::to_string(1000000 + i);
}

struct Recorder {
    std::vector<Event> events;
    std::map<CallId, std::vector<EventKind>> by_call;
    void Attach(SimNetwork& net) {
        net.OnEvent([this](const Event& e) {
            events.push_back(e);
            by_call[e.call].push_back(e.kind);
        });
    }
};

TEST(SimNetworkTest, TheSameSeedGivesTheSameCallsWhateverTheOrderOfDials) {
    auto run = [](bool reversed) {
        SimLoop loop(kNoon);
        SimNetwork net(loop, Population{}, 42);
        std::map<std::string, std::vector<std::string>> fate;
        std::map<CallId, std::string> number_of;
        net.OnEvent([&](const Event& e) {
            fate[number_of[e.call]].push_back(std::string(EventKindId(e.kind)) + "@" +
                                              std::to_string(e.at));
        });
        for (int k = 0; k < 200; ++k) {
            int i = reversed ? 199 - k : k;
            number_of[net.Originate(Dial{"+74950000000", Number(i), 25'000})] = Number(i);
        }
        loop.RunUntil(kNoon + 60'000);
        return fate;
    };
    auto forward = run(false);
    EXPECT_EQ(forward, run(true));
    EXPECT_EQ(forward.size(), 200u);
}

TEST(SimNetworkTest, OutcomesFollowThePopulationsShares) {
    SimLoop loop(kNoon);
    Population pop;
    pop.invalid = 0.05;
    SimNetwork net(loop, pop, 7);
    Recorder rec;
    rec.Attach(net);
    constexpr int kDials = 20'000;
    for (int i = 0; i < kDials; ++i)
        net.Originate(Dial{"+74950000000", Number(i), 30'000});
    loop.RunUntil(kNoon + 3'600'000);
    std::map<EventKind, int> first_final;
    for (const auto& [call, kinds] : rec.by_call) {
        for (EventKind k : kinds) {
            if (k != EventKind::kRinging) {
                ++first_final[k];
                break;
            }
        }
    }
    double invalid = first_final[EventKind::kInvalid] / double(kDials);
    double answered = first_final[EventKind::kAnswered] / double(kDials);
    EXPECT_NEAR(invalid, 0.05, 0.01);
    // 30 % of the valid dials answer, but a few ring longer than the timeout.
    EXPECT_NEAR(answered / (1 - invalid), 0.30, 0.02);
    EXPECT_GT(first_final[EventKind::kBusy], 0);
    EXPECT_GT(first_final[EventKind::kNoAnswer], 0);
    EXPECT_EQ(net.Live(), 0u) << "every unbridged answered callee hangs up in the end";
}

TEST(SimNetworkTest, TheAnswerRateFollowsTheClockOfTheCallCenter) {
    Population pop;
    pop.answer_rate = {{9 * 60, 0.30}, {13 * 60, 0.15}};
    pop.clock_utc_offset_minutes = 180;
    EXPECT_DOUBLE_EQ(pop.AnswerRateAt(kNoon), 0.30);                  // 12:00
    EXPECT_DOUBLE_EQ(pop.AnswerRateAt(kNoon + 3'600'000), 0.15);      // 13:00
    EXPECT_DOUBLE_EQ(pop.AnswerRateAt(kNoon - 4 * 3'600'000), 0.30);  // 08:00: the first holds
}

TEST(SimNetworkTest, AnAnsweredCalleeTalksWhenBridgedAndGivesUpWhenNot) {
    SimLoop loop(kNoon);
    Population pop;
    pop.invalid = 0;
    pop.machine = 0;
    pop.answer_rate = {{0, 1.0}};
    pop.ring_time = Distribution::Fixed(5);
    pop.patience = Distribution::Fixed(4);
    pop.talk_time = Distribution::Fixed(100);
    SimNetwork net(loop, pop, 1);
    Recorder rec;
    rec.Attach(net);
    CallId bridged = net.Originate(Dial{"+74950000000", Number(1), 25'000});
    CallId left = net.Originate(Dial{"+74950000000", Number(2), 25'000});
    std::map<CallId, Millis> hung_up;
    net.OnEvent([&](const Event& e) {
        if (e.kind == EventKind::kAnswered && e.call == bridged) net.Bridge(e.call, "agent-1");
        if (e.kind == EventKind::kHungUp) hung_up[e.call] = e.at;
    });
    loop.RunUntil(kNoon + 300'000);
    EXPECT_EQ(hung_up[left], kNoon + 5'000 + 4'000);
    EXPECT_EQ(hung_up[bridged], kNoon + 5'000 + 100'000);
}

TEST(SimNetworkTest, NothingIsHeardFromACallHungUpByTheCampaign) {
    SimLoop loop(kNoon);
    SimNetwork net(loop, Population{}, 3);
    Recorder rec;
    rec.Attach(net);
    CallId id = net.Originate(Dial{"+74950000000", Number(5), 25'000});
    net.Hangup(id);
    loop.RunUntil(kNoon + 60'000);
    EXPECT_TRUE(rec.events.empty());
}

TEST(SimNetworkTest, ARobotsQuestionGetsKeysOrSilenceAfterItsPrompt) {
    SimLoop loop(kNoon);
    Population pop;
    pop.invalid = 0;
    pop.machine = 0;
    pop.hangup_in_prompt = 0;
    pop.answer_rate = {{0, 1.0}};
    pop.keys = {{"1", 1.0}};
    SimNetwork net(loop, pop, 9);
    std::vector<std::string> heard;
    net.OnEvent([&](const Event& e) {
        if (e.kind == EventKind::kAnswered) net.Play(e.call, "Здравствуйте, это робот.");
        if (e.kind == EventKind::kPromptDone) net.Collect(e.call, 1, 5'000);
        if (e.kind == EventKind::kDigits) {
            heard.push_back(e.digits);
            net.Hangup(e.call);
        }
    });
    for (int i = 0; i < 20; ++i)
        net.Originate(Dial{"+74950000000", Number(i), 60'000});
    loop.RunUntil(kNoon + 120'000);
    EXPECT_EQ(heard, std::vector<std::string>(20, "1"));
}

TEST(SimLoopTest, PacedRunKeepsStepWithTheWallClockAndRunsPostedWork) {
    SimLoop loop(kNoon);
    int fired = 0;
    for (int i = 1; i <= 10; ++i)
        loop.At(kNoon + i * 1'000, [&] { ++fired; });
    bool posted = false;
    std::thread other([&] { loop.Post([&] { posted = true; }); });
    auto start = std::chrono::steady_clock::now();
    loop.RunPaced(kNoon + 10'000, 50.0);  // 10 simulated seconds in 0.2 s
    auto took = std::chrono::steady_clock::now() - start;
    other.join();
    EXPECT_EQ(fired, 10);
    EXPECT_TRUE(posted);
    EXPECT_GE(took, std::chrono::milliseconds(180));
    EXPECT_LT(took, std::chrono::seconds(2));
    EXPECT_EQ(loop.Now(), kNoon + 10'000);
}

}  // namespace
}  // namespace callbase::telephony
