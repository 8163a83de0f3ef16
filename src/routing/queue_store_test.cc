// The queue store (queue_store.h): the order callers are served in, lines
// kept apart, a caller taken once, and a place given back keeping its turn.
#include "routing/queue_store.h"

#include <gtest/gtest.h>

#include <vector>

namespace callbase::routing {
namespace {

Place At(const char* line, CallId call, Millis rank, int priority = 0) {
    return Place{.line = line,
                 .entry = Entry{.call = call,
                                .caller = "+7916000000" + std::to_string(call),
                                .priority = priority},
                 .rank = rank};
}

std::vector<CallId> Calls(const QueueStore& store, std::string_view line) {
    std::vector<CallId> out;
    store.Each(line, [&](const Place& p) {
        out.push_back(p.entry.call);
        return true;
    });
    return out;
}

TEST(QueueStore, ServesByRankThenByArrivalAndKeepsLinesApart) {
    MemoryQueueStore store;
    ASSERT_TRUE(store.Add(At("sales", 1, 100)));
    ASSERT_TRUE(store.Add(At("sales", 2, 50)));  // a head start: goes first
    ASSERT_TRUE(store.Add(At("support", 3, 75)));
    ASSERT_TRUE(store.Add(At("sales", 4, 100)));  // same rank as 1: after it
    EXPECT_EQ(Calls(store, "sales"), (std::vector<CallId>{2, 1, 4}));
    EXPECT_EQ(Calls(store, "support"), (std::vector<CallId>{3}));
    EXPECT_EQ(Calls(store, {}), (std::vector<CallId>{2, 3, 1, 4}));
    EXPECT_EQ(store.Count("sales"), 3u);
    EXPECT_EQ(store.Count("support"), 1u);
    EXPECT_EQ(store.Count("billing"), 0u);
    EXPECT_EQ(store.Count({}), 4u);
    EXPECT_TRUE(Calls(store, "billing").empty());

    int seen = 0;  // Each stops when told
    store.Each({}, [&](const Place&) { return ++seen < 2; });
    EXPECT_EQ(seen, 2);
}

TEST(QueueStore, ACallerIsInOneLineAtATimeAndTakenOnce) {
    MemoryQueueStore store;
    ASSERT_TRUE(store.Add(At("sales", 7, 10)));
    EXPECT_FALSE(store.Add(At("support", 7, 5))) << "already waiting";
    EXPECT_EQ(store.Count("support"), 0u);
    ASSERT_NE(store.Find(7), nullptr);
    EXPECT_EQ(store.Find(7)->line, "sales");
    EXPECT_EQ(store.Find(7)->entry.caller, "+79160000007");

    EXPECT_TRUE(store.Take(7));
    EXPECT_FALSE(store.Take(7)) << "a second taker gets nothing";
    EXPECT_EQ(store.Find(7), nullptr);
    EXPECT_EQ(store.Count("sales"), 0u);
    EXPECT_TRUE(store.Add(At("support", 7, 5))) << "gone from the line, it may join another";
}

TEST(QueueStore, APlaceGivenBackWithItsSeqKeepsItsTurn) {
    MemoryQueueStore store;
    for (CallId call : {1, 2, 3})
        ASSERT_TRUE(store.Add(At("line", call, 0)));
    // The second caller chooses a callback: the place goes to a new id.
    Place kept = *store.Find(2);
    ASSERT_TRUE(store.Take(2));
    kept.entry.call = 20;
    ASSERT_TRUE(store.Add(kept));
    EXPECT_EQ(Calls(store, "line"), (std::vector<CallId>{1, 20, 3}));

    EXPECT_TRUE(store.MarkCallback(3));
    EXPECT_FALSE(store.MarkCallback(3)) << "marked once";
    EXPECT_FALSE(store.MarkCallback(99));
    EXPECT_TRUE(store.Find(3)->entry.callback);
    EXPECT_EQ(Calls(store, "line"), (std::vector<CallId>{1, 20, 3})) << "marking keeps the place";
}

}  // namespace
}  // namespace callbase::routing
