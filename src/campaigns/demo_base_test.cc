// A demo base is never dialed over a real network: the mark survives, and the
// campaign runner refuses to start a real network on a marked base without
// even making it; an ordinary base gets its network.
#include "campaigns/demo_base.h"

#include <gtest/gtest.h>

#include "campaigns/runner.h"
#include "support/test_store.h"

namespace callbase::campaigns {
namespace {

class DemoBase : public ::testing::TestWithParam<store::Backend> {};

// Starts a runner whose real network only records that it was asked for.
Result<void> StartWithRealNetwork(store::Store& fresh, const Clock& clock, bool& network_made) {
    RunnerOptions ro;
    ro.clock = &clock;
    ro.open_store = [&fresh]() -> Result<std::unique_ptr<store::Store>> {
        auto second = testing::OpenSecondConnection(fresh);
        if (!second) return Fail(ErrorCode::kDatabase, "no second connection");
        return second;
    };
    ro.network_name = "sip";
    ro.real_network = [&network_made](auto) -> Result<std::unique_ptr<telephony::Telephony>> {
        network_made = true;
        return Fail(ErrorCode::kConflict, "the test's trunk is not there");
    };
    CampaignRunner runner(std::move(ro));
    return runner.Start();
}

TEST_P(DemoBase, ARealNetworkIsRefusedOnADemoBaseAndMadeOnAnOrdinaryOne) {
    auto db = testing::OpenFreshStore(GetParam());
    ASSERT_TRUE(db);
    FixedClock clock(1'796'104'800);
    auto before = IsDemoBase(*db);
    ASSERT_TRUE(before);
    EXPECT_FALSE(*before) << "a new base is not a demo base";

    bool made = false;
    auto ordinary = StartWithRealNetwork(*db, clock, made);
    EXPECT_TRUE(made) << "an ordinary base asks for its real network";
    ASSERT_FALSE(ordinary);
    EXPECT_EQ(ordinary.error().message, "the test's trunk is not there");

    ASSERT_TRUE(MarkDemoBase(*db, clock, "demo"));
    ASSERT_TRUE(MarkDemoBase(*db, clock, "demo")) << "marking again is harmless";
    auto after = IsDemoBase(*db);
    ASSERT_TRUE(after);
    EXPECT_TRUE(*after);

    made = false;
    auto demo = StartWithRealNetwork(*db, clock, made);
    EXPECT_FALSE(made) << "the trunk must not even be opened for a demo base";
    ASSERT_FALSE(demo);
    EXPECT_EQ(demo.error().code, ErrorCode::kConflict);
    EXPECT_NE(demo.error().message.find("demo base"), std::string::npos) << demo.error().message;
    EXPECT_NE(demo.error().message.find("(sip)"), std::string::npos) << demo.error().message;
    EXPECT_NE(demo.error().hint.find("--telephony sim"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoBase, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::campaigns
