// Sessions end after idle and absolute time and on logout; tokens are
// random and long; the login limit counts per address within a minute.
#include "api/sessions.h"

#include <gtest/gtest.h>

#include <set>

namespace callbase::api {
namespace {

using security::Role;

TEST(SessionsTest, ASessionLivesWhileUsedAndEndsAfterIdleOrAbsoluteTime) {
    FixedClock clock(1'700'000'000);
    Sessions sessions(clock, {/*idle=*/1800, /*absolute=*/12 * 3600});
    auto [token, created] = sessions.Create(7, "anna", Role::kSupervisor);
    EXPECT_EQ(token.size(), 64u);
    EXPECT_EQ(created.csrf.size(), 64u);
    EXPECT_NE(created.csrf, token);
    // Used every 29 minutes, it lives until the 12th hour.
    for (int i = 0; i < 24; ++i) {
        clock.Advance(1740);
        auto found = sessions.Find(token);
        ASSERT_TRUE(found) << "at step " << i << ": " << found.error().message;
        EXPECT_EQ(found->user, "anna");
    }
    clock.Advance(1740);
    auto ended = sessions.Find(token);
    ASSERT_FALSE(ended);
    EXPECT_NE(ended.error().message.find("at most 12 hours"), std::string::npos);
    EXPECT_EQ(ended.error().key, "session.too_long");
    EXPECT_EQ(ended.error().params, (MessageParams{{"hours", "12"}}));

    auto [idle_token, idle] = sessions.Create(8, "boris", Role::kOperator);
    clock.Advance(1800);
    auto idled = sessions.Find(idle_token);
    ASSERT_FALSE(idled);
    EXPECT_NE(idled.error().message.find("30 minutes without activity"), std::string::npos);
    EXPECT_EQ(idled.error().key, "session.idle");
    EXPECT_EQ(idled.error().params, (MessageParams{{"minutes", "30"}}));
    EXPECT_FALSE(sessions.Find(idle_token)) << "an ended session stays ended";
}

TEST(SessionsTest, LogoutAndRemovingAUserEndTheirSessions) {
    FixedClock clock(1'700'000'000);
    Sessions sessions(clock, {});
    auto [a, sa] = sessions.Create(1, "a", Role::kAdmin);
    auto [b1, sb1] = sessions.Create(2, "b", Role::kOperator);
    auto [b2, sb2] = sessions.Create(2, "b", Role::kOperator);
    EXPECT_EQ(sessions.Count(), 3u);
    sessions.Remove(a);
    EXPECT_FALSE(sessions.Find(a));
    sessions.RemoveUser(2);
    EXPECT_FALSE(sessions.Find(b1));
    EXPECT_FALSE(sessions.Find(b2));
    EXPECT_EQ(sessions.Count(), 0u);
}

TEST(SessionsTest, TokensDoNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(seen.insert(RandomToken()).second);
    EXPECT_TRUE(SameSecret("abc", "abc"));
    EXPECT_FALSE(SameSecret("abc", "abd"));
    EXPECT_FALSE(SameSecret("abc", "ab"));
}

TEST(LoginLimiterTest, TenAMinuteFromOneAddress) {
    FixedClock clock(1'700'000'000);
    LoginLimiter limiter(clock, 10);
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(limiter.Attempt("api:10.0.0.1")) << "attempt " << i + 1;
        clock.Advance(1);
    }
    auto wait = limiter.Attempt("api:10.0.0.1");
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 50) << "the first attempt leaves the window 60 s after it";
    EXPECT_FALSE(limiter.Attempt("api:10.0.0.2")) << "another address has its own count";
    clock.Advance(50);
    EXPECT_FALSE(limiter.Attempt("api:10.0.0.1"));
}

TEST(RequestLimiterTest, ABurstOfTwiceTheRateThenTheRate) {
    RequestLimiter limiter(10);
    double now = 1000.0;
    int taken = 0;
    while (!limiter.Take("api:10.0.0.1", now))
        ++taken;
    EXPECT_EQ(taken, 20) << "the burst is twice the rate";
    auto wait = limiter.Take("api:10.0.0.1", now);
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 1);
    EXPECT_FALSE(limiter.Take("api:10.0.0.2", now)) << "another address has its own bucket";
    now += 0.5;  // five tokens come back in half a second
    for (int i = 0; i < 5; ++i)
        EXPECT_FALSE(limiter.Take("api:10.0.0.1", now)) << i;
    EXPECT_TRUE(limiter.Take("api:10.0.0.1", now));
    RequestLimiter off(0);
    for (int i = 0; i < 10000; ++i)
        ASSERT_FALSE(off.Take("api:10.0.0.1", now));
}

}  // namespace
}  // namespace callbase::api
