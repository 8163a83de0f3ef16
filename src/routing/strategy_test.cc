// Each strategy against a reference written the plain way (a loop over the
// candidates with every rule spelled out), on thousands of random sets of
// agents with ties in idle time, calls and talk time and several skill levels.
#include "routing/strategy.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace callbase::routing {
namespace {

// The reference: first the best level, then the strategy's key, then the
// longest idle, then the lowest member position.
const agents::AgentInfo* Reference(Strategy s, const std::vector<Candidate>& all, int& last_member,
                                   std::mt19937_64& rng) {
    int best = 100;
    for (const Candidate& c : all)
        if (c.level < best) best = c.level;
    std::vector<Candidate> tier;
    for (const Candidate& c : all)
        if (c.level == best) tier.push_back(c);
    auto before = [&](const Candidate& a, const Candidate& b, int64_t ka, int64_t kb) {
        if (ka != kb) return ka < kb;
        if (a.agent->idle_since != b.agent->idle_since)
            return a.agent->idle_since < b.agent->idle_since;
        return a.member < b.member;
    };
    auto key = [&](const Candidate& c) -> int64_t {
        switch (s) {
            case Strategy::kFixedOrder:
                return c.member;
            case Strategy::kRoundRobin:
                return c.member > last_member ? c.member : c.member + 1'000'000;
            case Strategy::kFewestCalls:
                return c.agent->calls;
            case Strategy::kLeastTalk:
                return c.agent->talk_ms;
            default:
                return 0;
        }
    };
    if (s == Strategy::kRandom) {
        // Sorted by idle, then member; one drawn uniformly.
        for (size_t i = 0; i < tier.size(); ++i)
            for (size_t j = i + 1; j < tier.size(); ++j)
                if (before(tier[j], tier[i], 0, 0)) std::swap(tier[i], tier[j]);
        std::uniform_int_distribution<size_t> pick(0, tier.size() - 1);
        return tier[pick(rng)].agent;
    }
    const Candidate* chosen = &tier[0];
    for (const Candidate& c : tier)
        if (before(c, *chosen, key(c), key(*chosen))) chosen = &c;
    if (s == Strategy::kRoundRobin) last_member = chosen->member;
    return chosen->agent;
}

TEST(Strategy, EveryStrategyChoosesAsTheReferenceOnRandomAgents) {
    std::mt19937_64 rng(11);
    for (Strategy s : {Strategy::kLongestIdle, Strategy::kRoundRobin, Strategy::kFixedOrder,
                       Strategy::kFewestCalls, Strategy::kLeastTalk, Strategy::kRandom}) {
        StrategyMemory memory;
        memory.random.seed(99);
        std::mt19937_64 reference_rng(99);
        int last_member = -1;
        for (int round = 0; round < 5000; ++round) {
            std::deque<agents::AgentInfo> agents;
            std::vector<Candidate> candidates;
            const int n = 1 + static_cast<int>(rng() % 12);
            std::vector<int> members(20);
            for (int i = 0; i < 20; ++i)
                members[i] = i;
            std::shuffle(members.begin(), members.end(), rng);
            for (int i = 0; i < n; ++i) {
                agents::AgentInfo a;
                a.spec.id = "a" + std::to_string(members[i]);
                a.idle_since = static_cast<agents::Millis>(rng() % 5) * 1000;  // many ties
                a.calls = static_cast<int64_t>(rng() % 4);
                a.talk_ms = static_cast<agents::Millis>(rng() % 3) * 60'000;
                agents.push_back(a);
                candidates.push_back({&agents.back(), 1 + static_cast<int>(rng() % 2), members[i]});
            }
            auto got = Pick(s, candidates, memory);
            ASSERT_EQ(got.size(), 1u);
            const agents::AgentInfo* want = Reference(s, candidates, last_member, reference_rng);
            ASSERT_EQ(got[0]->spec.id, want->spec.id)
                << StrategyId(s) << " round " << round << " of " << n << " candidates";
        }
    }
}

TEST(Strategy, RingAllOffersEveryAgentOfTheBestLevelLongestIdleFirst) {
    std::deque<agents::AgentInfo> a(4);
    a[0].spec.id = "senior-late";
    a[0].idle_since = 300;
    a[1].spec.id = "senior-early";
    a[1].idle_since = 100;
    a[2].spec.id = "junior";
    a[2].idle_since = 0;
    a[3].spec.id = "senior-mid";
    a[3].idle_since = 200;
    StrategyMemory m;
    auto got =
        Pick(Strategy::kRingAll, {{&a[0], 1, 0}, {&a[1], 1, 1}, {&a[2], 2, 2}, {&a[3], 1, 3}}, m);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0]->spec.id, "senior-early");
    EXPECT_EQ(got[1]->spec.id, "senior-mid");
    EXPECT_EQ(got[2]->spec.id, "senior-late");
}

TEST(Strategy, RoundRobinGoesOnAfterTheLastOneAndWrapsAround) {
    std::deque<agents::AgentInfo> a(3);
    for (int i = 0; i < 3; ++i)
        a[i].spec.id = "m" + std::to_string(i);
    std::vector<Candidate> all{{&a[0], 1, 0}, {&a[1], 1, 1}, {&a[2], 1, 2}};
    StrategyMemory m;
    std::string seen;
    for (int i = 0; i < 5; ++i)
        seen += Pick(Strategy::kRoundRobin, all, m)[0]->spec.id + " ";
    EXPECT_EQ(seen, "m0 m1 m2 m0 m1 ");
    // m2 busy: after m1 comes m0.
    auto got = Pick(Strategy::kRoundRobin, {{&a[0], 1, 0}, {&a[1], 1, 1}}, m);
    EXPECT_EQ(got[0]->spec.id, "m0");
}

TEST(Strategy, NamesReadBack) {
    for (Strategy s :
         {Strategy::kLongestIdle, Strategy::kRoundRobin, Strategy::kFixedOrder,
          Strategy::kFewestCalls, Strategy::kLeastTalk, Strategy::kRandom, Strategy::kRingAll}) {
        EXPECT_EQ(ParseStrategy(StrategyId(s)), s);
    }
    EXPECT_FALSE(ParseStrategy("rrmemory"));
}

}  // namespace
}  // namespace callbase::routing
