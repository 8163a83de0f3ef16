// Operators' time on both backends: spells written as the states change
// (one row per change, none for a state repeated), cut to the period asked
// for, summed per operator into occupancy and pause time by reason; spells a
// stopped server left open make up no time.
#include "routing/agent_time.h"

#include <gtest/gtest.h>

#include "support/test_store.h"

namespace callbase::routing {
namespace {

class AgentTimeTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
    }
    int64_t Rows() {
        auto n = db_->QueryValue("SELECT COUNT(*) FROM agent_states", {});
        return n ? store::Row({*n}).Int(0) : -1;
    }
    std::unique_ptr<store::Store> db_;
};

TEST_P(AgentTimeTest, SpellsSumIntoOccupancyAndPausesByReasonWithinThePeriod) {
    AgentLog log(*db_);
    ASSERT_TRUE(log.Enter("anna", 1, "paused", "", 0));  // joined: paused, no reason
    ASSERT_TRUE(log.Enter("anna", 1, "ready", "", 1'000));
    ASSERT_TRUE(log.Enter("anna", 1, "paused", "lunch", 5'000));
    ASSERT_TRUE(log.Enter("anna", 1, "paused", "lunch", 6'000));  // the same: no new row
    ASSERT_TRUE(log.Enter("anna", 1, "ready", "", 65'000));
    ASSERT_TRUE(log.Enter("anna", 1, "on_call", "", 70'000));
    ASSERT_TRUE(log.Enter("anna", 1, "wrap_up", "", 100'000));
    ASSERT_TRUE(log.Enter("anna", 1, "paused", "break", 110'000));
    ASSERT_TRUE(log.Enter("anna", 1, "offline", "", 120'000));
    ASSERT_TRUE(log.Enter("anna", 1, "offline", "", 125'000));  // nothing open: nothing to do
    EXPECT_EQ(Rows(), 7);
    ASSERT_TRUE(log.Enter("boris", 2, "ready", "", 0));  // still ready

    auto all = LoadAgentTime(*db_, 0, 200'000, 150'000);
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 2u);
    const AgentTime& anna = (*all)[0];
    EXPECT_EQ(anna.agent, "anna");
    EXPECT_EQ(anna.ready_ms, 4'000 + 5'000);
    EXPECT_EQ(anna.on_call_ms, 30'000);
    EXPECT_EQ(anna.wrap_up_ms, 10'000);
    EXPECT_EQ(anna.paused_ms.at("lunch"), 60'000);
    EXPECT_EQ(anna.paused_ms.at("break"), 10'000);
    EXPECT_EQ(anna.paused_ms.at(""), 1'000);
    EXPECT_EQ(anna.PausedMs(), 71'000);
    EXPECT_DOUBLE_EQ(anna.Occupancy(), 40'000.0 / 49'000.0);
    EXPECT_EQ((*all)[1].ready_ms, 150'000) << "an open spell counts until now";

    // Cut to the period: [50 s, 80 s) holds 15 s of lunch, 5 s ready, 10 s on a call.
    auto part = LoadAgentTime(*db_, 50'000, 80'000, 150'000, {"anna"});
    ASSERT_TRUE(part);
    ASSERT_EQ(part->size(), 1u) << "only the operators asked for";
    EXPECT_EQ((*part)[0].paused_ms.at("lunch"), 15'000);
    EXPECT_EQ((*part)[0].ready_ms, 5'000);
    EXPECT_EQ((*part)[0].on_call_ms, 10'000);
    EXPECT_EQ((*part)[0].wrap_up_ms, 0);

    // The pauses as Asterisk's queue_log: each start and end in the period.
    auto spells = LoadAgentSpells(*db_, 0, 200'000);
    ASSERT_TRUE(spells);
    EXPECT_EQ(spells->size(), 8u);
    EXPECT_EQ(
        PauseQueueLog(*spells, 0, 200'000),
        (std::vector<std::string>{
            "0|NONE|NONE|Agent/anna|PAUSEALL|", "1|NONE|NONE|Agent/anna|UNPAUSEALL|",
            "5|NONE|NONE|Agent/anna|PAUSEALL|lunch", "65|NONE|NONE|Agent/anna|UNPAUSEALL|lunch",
            "110|NONE|NONE|Agent/anna|PAUSEALL|break",
            "120|NONE|NONE|Agent/anna|UNPAUSEALL|break"}));
    EXPECT_EQ(PauseQueueLog(*spells, 50'000, 100'000),
              (std::vector<std::string>{"65|NONE|NONE|Agent/anna|UNPAUSEALL|lunch"}))
        << "a pause begun before the period ends in it";

    const nlohmann::json j = AgentTimeJson(*part);
    EXPECT_EQ(j[0]["paused"]["lunch"], 15.0);
    EXPECT_EQ(j[0]["paused_seconds"], 15.0);
    EXPECT_DOUBLE_EQ(j[0]["occupancy"].get<double>(), 10.0 / 15.0);
}

// A phone that rang for a call and did not take it: the ring is not talk.
// It counts as time there for calls, as ready does, so occupancy is not
// raised by a phone that rings out; the spell after it (the pause) is as
// before, and a later answered call is on a call again.
TEST_P(AgentTimeTest, TheRingOfAMissedCallIsNotTalk) {
    AgentLog log(*db_);
    ASSERT_TRUE(log.Enter("olga", 1, "ready", "", 0));
    ASSERT_TRUE(log.Enter("olga", 1, "on_call", "", 10'000));  // the card, then the phone rings
    ASSERT_TRUE(log.Missed("olga"));                           // ... and rings out
    ASSERT_TRUE(log.Enter("olga", 1, "paused", "no_answer", 30'000));
    ASSERT_TRUE(log.Missed("olga")) << "no call open: nothing to do";
    ASSERT_TRUE(log.Enter("olga", 1, "ready", "", 40'000));
    ASSERT_TRUE(log.Enter("olga", 1, "on_call", "", 50'000));
    ASSERT_TRUE(log.Enter("olga", 1, "wrap_up", "", 80'000));
    ASSERT_TRUE(log.Enter("olga", 1, "offline", "", 90'000));
    ASSERT_TRUE(log.Missed("nobody")) << "an operator never seen: nothing to do";

    auto t = LoadAgentTime(*db_, 0, 100'000, 100'000);
    ASSERT_TRUE(t) << t.error().message;
    ASSERT_EQ(t->size(), 1u);
    const AgentTime& olga = (*t)[0];
    EXPECT_EQ(olga.rang_ms, 20'000);
    EXPECT_EQ(olga.on_call_ms, 30'000) << "only the answered call is talk";
    EXPECT_EQ(olga.ready_ms, 20'000);
    EXPECT_EQ(olga.wrap_up_ms, 10'000);
    EXPECT_EQ(olga.paused_ms.at("no_answer"), 10'000);
    EXPECT_EQ(olga.paused_ms.count(""), 0u) << "the ring is not a pause either";
    EXPECT_DOUBLE_EQ(olga.Occupancy(), 40'000.0 / 80'000.0);
    const nlohmann::json j = AgentTimeJson(*t);
    EXPECT_EQ(j[0]["rang_seconds"], 20.0);
    EXPECT_EQ(j[0]["on_call_seconds"], 30.0);
}

TEST_P(AgentTimeTest, ASpellAStoppedServerLeftOpenMakesUpNoTime) {
    {
        AgentLog before(*db_);
        ASSERT_TRUE(before.Enter("anna", 1, "ready", "", 1'000));
        ASSERT_TRUE(before.Enter("boris", 1, "on_call", "", 2'000));
        ASSERT_TRUE(before.Enter("vera", 1, "paused", "lunch", 2'000));
        ASSERT_TRUE(before.CloseAll(3'000));  // vera's lunch and the others end at the stop
        ASSERT_TRUE(before.Enter("vera", 1, "ready", "", 4'000));
    }  // the server dies with vera ready
    AgentLog after(*db_);
    auto closed = after.CloseLeftOpen();
    ASSERT_TRUE(closed);
    EXPECT_EQ(*closed, 1);
    ASSERT_TRUE(after.Enter("vera", 1, "ready", "", 900'000));  // back much later
    auto t = LoadAgentTime(*db_, 0, 1'000'000, 901'000);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->size(), 3u);
    EXPECT_EQ((*t)[0].ready_ms, 2'000);
    EXPECT_EQ((*t)[1].on_call_ms, 1'000);
    EXPECT_EQ((*t)[2].paused_ms.at("lunch"), 1'000);
    EXPECT_EQ((*t)[2].ready_ms, 1'000) << "the down time is not counted as ready";
}

INSTANTIATE_TEST_SUITE_P(Backends, AgentTimeTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::routing
