// The abandon limit holds in every rolling window, not only over the run
// (issue 19, item 11): each scenario of examples/scenarios/windows/ — the
// first minutes of each morning, the answer rate jumping up after a quiet
// hour and falling again, operators called away at once, teams of 5 and 10,
// 500 agents, a 24-hour window across nights, centers from Moscow to
// Vladivostok — run at two seeds with predictive pacing, and every window of
// the campaign's length that holds 100 answered calls checked. The same
// check makes `callbase simulate` exit 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "campaigns/scenario.h"

namespace callbase::campaigns {
namespace {

std::vector<std::string> WindowScenarios() {
    std::vector<std::string> names;
    for (const auto& entry :
         std::filesystem::directory_iterator(CALLBASE_SOURCE_DIR "/examples/scenarios/windows")) {
        if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

struct Case {
    std::string scenario;
    uint64_t seed = 1;
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.scenario << " seed " << c.seed;
}

class EveryWindow : public testing::TestWithParam<Case> {};

TEST_P(EveryWindow, HoldsTheAbandonLimit) {
    const Case& c = GetParam();
    auto s = LoadScenario(std::string(CALLBASE_SOURCE_DIR "/examples/scenarios/windows/") +
                          c.scenario + ".toml");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->dialer.pacing.mode, Pacing::kPredictive);
    s->seed = c.seed;
    RunResult r = campaigns::Run(*s);
    const double limit = s->dialer.pacing.abandon_limit;
    EXPECT_GT(r.window.windows, 1000) << "too few windows to say anything";
    EXPECT_EQ(r.window.over_limit, 0)
        << "worst window " << r.window.worst * 100 << " % (" << r.window.worst_abandoned << " of "
        << r.window.worst_answered << ", ending at " << r.window.worst_end << ")";
    EXPECT_LE(r.window.worst, limit);
    EXPECT_LE(r.stats.AbandonRate(), limit);
    EXPECT_GT(r.stats.abandoned, 0) << "a predictive dialer that never abandons is not pacing";
    EXPECT_EQ(r.Violations(), 0);
}

std::vector<Case> Cases() {
    std::vector<Case> out;
    for (const auto& name : WindowScenarios()) {
        for (uint64_t seed : {1, 2})
            out.push_back({name, seed});
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, EveryWindow, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                             std::string name =
                                 info.param.scenario + "_seed" + std::to_string(info.param.seed);
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace callbase::campaigns
