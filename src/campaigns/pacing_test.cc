// The predictive pacer's safeguards for the abandon limit in every rolling
// window (pacing.h): the expected overflow it bounds, the budget a window
// still has, the rate it aims at for small windows and after a burst, the
// fast model that takes over when the answer rate jumps up, and the check
// of a quiet spell's lines against the recent high answer rate.
#include "campaigns/pacing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace callbase::campaigns {
namespace {

constexpr Millis kSecond = 1'000;
constexpr Millis kMinute = 60 * kSecond;

// E[max(0, X − s)] by summing the normal density on a fine grid.
double NumericOverflow(double mean, double variance, double supply) {
    const double sd = std::sqrt(variance);
    double sum = 0;
    const double step = sd / 2000;
    for (double x = supply; x < mean + 12 * sd; x += step) {
        const double k = (x - mean) / sd;
        sum +=
            (x - supply) * std::exp(-0.5 * k * k) / (sd * std::sqrt(2 * std::numbers::pi)) * step;
    }
    return sum;
}

TEST(Pacing, ExpectedOverflowIsTheNormalTailBeyondTheOperators) {
    for (auto [mean, variance, supply] :
         {std::tuple{10.0, 9.0, 12.0}, std::tuple{30.0, 20.0, 25.0}, std::tuple{5.0, 4.0, 15.0}}) {
        EXPECT_NEAR(ExpectedOverflow(mean, variance, supply),
                    NumericOverflow(mean, variance, supply), 1e-3)
            << mean << " " << variance << " " << supply;
    }
    EXPECT_DOUBLE_EQ(ExpectedOverflow(7, 0, 5), 2.0);  // no spread: the plain excess
    EXPECT_DOUBLE_EQ(ExpectedOverflow(4, 0, 5), 0.0);
}

PacingOptions Predictive() {
    PacingOptions o;
    o.mode = Pacing::kPredictive;
    o.warmup_dials = 200;
    return o;
}

// A model that has seen `dials` dials answered at `rate`, rung 8 s if
// answered and 25 s if not, resolving from `from` one every 100 ms.
Millis Learn(Pacer& pacer, int dials, double rate, Millis from) {
    int answered = 0;
    Millis t = from;
    for (int i = 0; i < dials; ++i) {
        const bool a = answered < rate * (i + 1);
        answered += a ? 1 : 0;
        t += 100;
        pacer.Resolved(t, a ? 8 * kSecond : 25 * kSecond, a);
    }
    return t;
}

PacingView Idle(Millis now, int ready) {
    PacingView v;
    v.now = now;
    v.ready = ready;
    return v;
}

TEST(Pacing, AWindowWithoutAnsweredCallsDialsOnlyForOperatorsFreeNow) {
    Pacer pacer(Predictive());
    Millis t = Learn(pacer, 2000, 0.3, 0);
    // The first minutes of a day: no answered call in the window, no budget.
    EXPECT_EQ(pacer.Decide(Idle(t, 10)), 10);
    // A full hour of answered calls without an abandon earns the budget.
    for (int i = 0; i < 2000; ++i)
        pacer.AnsweredCall(t - 30 * kMinute + i * 900, false);
    EXPECT_GT(pacer.Decide(Idle(t, 10)), 10);
}

// Blended operators: incoming calls take an operator the moment they come.
// Dialing keeps back the operators that the calls expected while a line
// rings and waits would take, but for a small chance; none without them.
TEST(Pacing, IncomingCallsExpectedWhileALineRingsKeepOperatorsBack) {
    EXPECT_EQ(IncomingReserve(0, 10, 0.0225), 0);
    // 60 an hour over 10 s: a mean of 1/6; one arrives with a chance of
    // 15 %, two with 1.2 %.
    EXPECT_EQ(IncomingReserve(60.0 / 3600, 10, 0.0225), 1);
    EXPECT_EQ(IncomingReserve(60.0 / 3600, 10, 0.2), 0);
    EXPECT_EQ(IncomingReserve(1.0, 10, 0.0225), 17) << "Poisson(10): P(N > 17) = 1.4 %";
    Pacer progressive(PacingOptions{.mode = Pacing::kProgressive});
    PacingView v = Idle(0, 10);
    EXPECT_EQ(progressive.Decide(v), 10);
    v.incoming_per_second = 300.0 / 3600;
    const int kept =
        IncomingReserve(v.incoming_per_second, progressive.model().MeanTimeToAnswer() + 2, 0.0225);
    EXPECT_GE(kept, 2);
    EXPECT_EQ(progressive.Decide(v), 10 - kept);
    // Predictive counts them as demand: fewer lines than without them.
    Pacer pacer(Predictive());
    Millis t = Learn(pacer, 2000, 0.3, 0);
    for (int i = 0; i < 2000; ++i)
        pacer.AnsweredCall(t - 30 * kMinute + i * 900, false);
    PacingView quiet = Idle(t, 20), busy = Idle(t, 20);
    busy.incoming_per_second = 600.0 / 3600;
    EXPECT_LT(pacer.Decide(busy), pacer.Decide(quiet));
}

TEST(Pacing, AWindowThatHasSpentItsAbandonsTurnsProgressive) {
    Pacer pacer(Predictive());
    Millis t = Learn(pacer, 2000, 0.3, 0);
    for (int i = 0; i < 1000; ++i)
        pacer.AnsweredCall(t - 30 * kMinute + i * 1000, i % 50 == 0 && i < 1450);
    // 1000 answered, 20 abandoned: 10 left of 30, predictive.
    EXPECT_GT(pacer.Decide(Idle(t, 10)), 10);
    for (int i = 0; i < 9; ++i)
        pacer.AnsweredCall(t, true);
    // 29 of 1009 × 3 % = 30.27: fewer than two abandons left.
    EXPECT_EQ(pacer.Decide(Idle(t, 10)), 10);
    // An hour later they have left the window.
    for (int i = 0; i < 2000; ++i)
        pacer.AnsweredCall(t + 61 * kMinute + i * 900, false);
    EXPECT_GT(pacer.Decide(Idle(t + 61 * kMinute + 2000 * 900, 10)), 10);
}

TEST(Pacing, ASmallWindowAimsFarBelowTheLimitAndALargeOneNearTheSetPoint) {
    const PacingOptions o = Predictive();
    auto rate_for = [&](int answered) {
        Pacer pacer(o);
        for (int i = 0; i < answered; ++i)
            pacer.AnsweredCall(i * 1000, false);
        return pacer.TargetRate(answered * 1000);
    };
    const double set_point = o.abandon_limit * o.abandon_set_point;
    // Five operators answer about 120 calls an hour: 3 % is 3.6 abandons, so
    // the pacer aims at well under one an hour.
    EXPECT_LT(rate_for(120), 0.25 * o.abandon_limit);
    EXPECT_GT(rate_for(3000), 0.6 * o.abandon_limit);
    EXPECT_LE(rate_for(3000), set_point);
    EXPECT_LT(rate_for(120), rate_for(500));
    EXPECT_LT(rate_for(500), rate_for(3000));
}

TEST(Pacing, ABurstOfAbandonsLowersTheRateForAsLongAsItStaysInTheWindow) {
    Pacer calm(Predictive()), burst(Predictive());
    for (int i = 0; i < 3000; ++i) {
        calm.AnsweredCall(i * 1200, false);
        burst.AnsweredCall(i * 1200, false);
    }
    const Millis t = 3000 * 1200;
    for (int i = 0; i < 60; ++i)
        burst.AnsweredCall(t, true);  // two thirds of the window's 90 at once
    EXPECT_LT(burst.TargetRate(t), 0.8 * calm.TargetRate(t));
    // Half an hour later the burst is still in the windows to come ...
    for (int i = 0; i < 1500; ++i) {
        calm.AnsweredCall(t + i * 1200, false);
        burst.AnsweredCall(t + i * 1200, false);
    }
    const Millis later = t + 30 * kMinute;
    EXPECT_LT(burst.TargetRate(later), 0.95 * calm.TargetRate(later));
    // ... and once the window's length has passed it is forgotten.
    for (int i = 1500; i < 3100; ++i) {
        calm.AnsweredCall(t + i * 1200, false);
        burst.AnsweredCall(t + i * 1200, false);
    }
    const Millis gone = t + 3100 * 1200;
    EXPECT_NEAR(burst.TargetRate(gone), calm.TargetRate(gone), 1e-9);
}

TEST(Pacing, TheFastModelTakesOverWhenTheAnswerRateJumpsUp) {
    Pacer pacer(Predictive());
    Millis t = Learn(pacer, 3000, 0.08, 0);
    EXPECT_EQ(&pacer.Current(), &pacer.model());
    EXPECT_NEAR(pacer.Current().AnswerChance(0), 0.08, 0.01);
    t = Learn(pacer, 100, 0.35, t);
    EXPECT_NE(&pacer.Current(), &pacer.model())
        << "the slow model still says " << pacer.model().AnswerChance(0);
    EXPECT_GT(pacer.Current().AnswerChance(0), 0.2);
    // Noise around a steady rate does not switch it.
    Pacer steady(Predictive());
    Millis u = Learn(steady, 3000, 0.3, 0);
    Learn(steady, 150, 0.33, u);
    EXPECT_EQ(&steady.Current(), &steady.model());
}

TEST(Pacing, AQuietSpellKeepsFewerLinesInFlightWhenTheRateWasHigherLately) {
    // Two pacers at the same quiet 8 % answer rate; one saw 30 % an hour ago.
    Pacer remembers(Predictive()), fresh(Predictive());
    Millis t = Learn(remembers, 20'000, 0.30, 0);  // ~33 minutes at 30 %
    t = Learn(remembers, 20'000, 0.08, t);
    Learn(fresh, 40'000, 0.08, 0);
    EXPECT_NEAR(remembers.RecentHighAnswerRate(), 0.30, 0.01);
    auto decide = [&](Pacer& p) {
        for (int i = 0; i < 3000; ++i)
            p.AnsweredCall(t - 50 * kMinute + i * 1000, false);
        PacingView v = Idle(t, 20);
        return p.Decide(v);
    };
    const int quiet_with_history = decide(remembers);
    const int quiet_alone = decide(fresh);
    EXPECT_LT(quiet_with_history, quiet_alone);
    EXPECT_GE(quiet_with_history, 20);  // never fewer than the operators free now
}

}  // namespace
}  // namespace callbase::campaigns
