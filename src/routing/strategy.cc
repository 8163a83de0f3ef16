#include "routing/strategy.h"

#include <algorithm>
#include <tuple>

namespace callbase::routing {

std::string_view StrategyId(Strategy strategy) {
    switch (strategy) {
        case Strategy::kLongestIdle:
            return "longest_idle";
        case Strategy::kRoundRobin:
            return "round_robin";
        case Strategy::kFixedOrder:
            return "fixed_order";
        case Strategy::kFewestCalls:
            return "fewest_calls";
        case Strategy::kLeastTalk:
            return "least_talk";
        case Strategy::kRandom:
            return "random";
        case Strategy::kRingAll:
            return "ring_all";
    }
    return "?";
}

std::optional<Strategy> ParseStrategy(std::string_view text) {
    for (Strategy s :
         {Strategy::kLongestIdle, Strategy::kRoundRobin, Strategy::kFixedOrder,
          Strategy::kFewestCalls, Strategy::kLeastTalk, Strategy::kRandom, Strategy::kRingAll}) {
        if (StrategyId(s) == text) return s;
    }
    return std::nullopt;
}

std::vector<const agents::AgentInfo*> Pick(Strategy strategy, std::vector<Candidate> candidates,
                                           StrategyMemory& memory) {
    std::vector<const agents::AgentInfo*> out;
    if (candidates.empty()) return out;
    // The best tier only.
    int best = candidates.front().level;
    for (const Candidate& c : candidates)
        best = std::min(best, c.level);
    std::erase_if(candidates, [best](const Candidate& c) { return c.level != best; });
    auto idle_then_member = [](const Candidate& c) {
        return std::tuple(c.agent->idle_since, c.member);
    };
    auto by = [&](auto key) {
        return *std::min_element(candidates.begin(), candidates.end(),
                                 [&](const Candidate& a, const Candidate& b) {
                                     return std::tuple(key(a), idle_then_member(a)) <
                                            std::tuple(key(b), idle_then_member(b));
                                 });
    };
    Candidate chosen;
    switch (strategy) {
        case Strategy::kLongestIdle:
            chosen = by([](const Candidate&) { return 0; });
            break;
        case Strategy::kFixedOrder:
            chosen = by([](const Candidate& c) { return c.member; });
            break;
        case Strategy::kRoundRobin:
            // The next member after the last one offered, wrapping around.
            chosen = by([&](const Candidate& c) {
                return c.member > memory.last_member ? c.member : c.member + (1 << 20);
            });
            memory.last_member = chosen.member;
            break;
        case Strategy::kFewestCalls:
            chosen = by([](const Candidate& c) { return c.agent->calls; });
            break;
        case Strategy::kLeastTalk:
            chosen = by([](const Candidate& c) { return c.agent->talk_ms; });
            break;
        case Strategy::kRandom: {
            std::sort(candidates.begin(), candidates.end(),
                      [&](const Candidate& a, const Candidate& b) {
                          return idle_then_member(a) < idle_then_member(b);
                      });
            std::uniform_int_distribution<size_t> pick(0, candidates.size() - 1);
            chosen = candidates[pick(memory.random)];
            break;
        }
        case Strategy::kRingAll:
            std::sort(candidates.begin(), candidates.end(),
                      [&](const Candidate& a, const Candidate& b) {
                          return idle_then_member(a) < idle_then_member(b);
                      });
            for (const Candidate& c : candidates)
                out.push_back(c.agent);
            return out;
    }
    out.push_back(chosen.agent);
    return out;
}

}  // namespace callbase::routing
