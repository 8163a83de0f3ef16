// Queue strategies: which ready agent a waiting caller is offered to
// (docs/routing.md, "Strategies"). The peers of Asterisk app_queue's
// leastrecent, rrmemory, linear, fewestcalls, random and ringall, and of
// mod_callcenter's tiers: among the agents eligible for a caller, only those
// of the best (lowest) skill level are considered; the strategy picks among
// them.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "agents/workforce.h"

namespace callbase::routing {

enum class Strategy {
    kLongestIdle,  // the agent idle longest since their last call (default)
    kRoundRobin,   // members in order, starting after the one offered last
    kFixedOrder,   // members in order from the first: try the senior first
    kFewestCalls,  // the fewest calls taken since login
    kLeastTalk,    // the least talk time since login
    kRandom,
    kRingAll,  // every eligible agent at once; the first to accept takes it
};
std::string_view StrategyId(Strategy strategy);
std::optional<Strategy> ParseStrategy(std::string_view text);

// An agent a caller may be offered to now.
struct Candidate {
    const agents::AgentInfo* agent = nullptr;
    int level = 1;   // the agent's level in the queue's skill (1 is the best)
    int member = 0;  // position in the queue's member list (round robin, fixed order)
};

// What round robin remembers between calls, per queue.
struct StrategyMemory {
    int last_member = -1;
    std::mt19937_64 random{1};
};

// The agents to offer to, best first: one for every strategy but ring-all.
// Ties break by longest idle, then by member position.
std::vector<const agents::AgentInfo*> Pick(Strategy strategy, std::vector<Candidate> candidates,
                                           StrategyMemory& memory);

}  // namespace callbase::routing
