// Pacing: how many numbers to dial now (R-OUT-2).
//
//   preview      the operator asks for the next card, reads it, then dials
//   progressive  one line per ready operator: nobody answers into silence
//   predictive   more lines than ready operators, from the measured answer
//                rate and ring times and from the operators about to finish
//                their wrap-up, so that abandoned calls (answered, no operator
//                within 2 s) stay at or under the limit (3 %) of answered calls
//   ratio        a constant number of lines per ready operator: the baseline
//                the predictive mode is measured against (simulate --sweep)
//   robot        no operators: limits on simultaneous calls and calls a second
//
// Predictive, in short: the AnswerModel learns, from recent dials, the chance
// that a call still ringing after d seconds will be answered, and the mean
// time to answer. Each decision adds up the answers expected from the calls
// ringing now, plus the callers already waiting, and compares them with the
// operators free now or by the time a new call would be answered; it dials
// while expected answers plus a safety margin (z standard deviations) fit.
// z is steered by the abandon rate itself: up by (1 − s) on each abandon,
// down by s on each answered call served, which holds the rate at the set
// point s (75 % of the limit).
//
// The limit holds in every rolling window, not only on average: the
// abandons the window can still take (limit × answered calls in it −
// abandoned ones) are a budget, and the expected abandons of every call in
// flight (the overflow of the expected answers over the operators, under a
// normal approximation) may use only a share of it. An empty window — the
// first minutes of a day — has no budget, so the day starts progressive and
// turns predictive as answered calls earn it. The rate aimed at is lower
// while the window holds few answered calls (small teams, early morning),
// where a couple of abandons are already a large share. A fast model (150
// dials) takes over when the answer rate jumps up, and in a quiet spell the
// calls in flight must also fit a share of the budget at the highest answer
// rate of the last three hours, so that the rate jumping back does not flood
// the operators with answers dialed for the quiet rate.
//
// Blended operators also take the center's incoming calls, which take an
// operator the moment they arrive (docs/routing.md, "Operators' skills"):
// the calls expected to arrive before a dialed call is answered and its
// abandon wait runs out are demand like the answers expected (Poisson, so
// their variance is their mean), and progressive dialing — the warm-up and
// a spent budget included — keeps back the operators that those arrivals
// take but rarely (IncomingReserve).
//
// Not synchronized: one per campaign, on the campaign's thread.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "telephony/telephony.h"

namespace callbase::campaigns {

using telephony::Millis;

enum class Pacing { kPreview, kProgressive, kPredictive, kRatio, kRobot };
std::string_view PacingId(Pacing pacing);
std::optional<Pacing> ParsePacing(std::string_view text);

// The chance that a dial still ringing after d seconds is answered, from
// recent dials (counts decay so that a change in the answer rate shows within
// about a thousand dials).
class AnswerModel {
public:
    static constexpr int kBins = 64;  // seconds; longer rings share the last bin

    // memory: the dials after which an old dial's weight has fallen to 1/e.
    explicit AnswerModel(double memory = 1500) : decay_(1.0 - 1.0 / memory), memory_(memory) {}

    void Resolved(Millis rang_for, bool answered);
    double AnswerChance(Millis ringing_for) const;  // prior before enough dials
    double MeanTimeToAnswer() const;                // seconds, of the answered ones
    int64_t Dials() const { return resolved_; }
    double Memory() const { return memory_; }

private:
    double decay_;
    double memory_;
    std::array<double, kBins> alive_{};     // dials unresolved after b seconds
    std::array<double, kBins> answered_{};  // ... and later answered
    double weight_ = 1.0;                   // decay as a growing weight, renormalized
    int64_t resolved_ = 0;
};

// What a pacing decision looks at.
struct PacingView {
    Millis now = 0;
    int ready = 0;                      // ready operators without a call on the way to them
    int waiting = 0;                    // answered calls waiting for an operator
    std::vector<Millis> ringing_since;  // start of every call still ringing
    // Operators who will be ready soon, with when: those in wrap-up (its end)
    // and, estimated, those talking (their start of talk).
    std::vector<Millis> wrap_ends;
    std::vector<Millis> talk_starts;
    double mean_talk_seconds = 120;
    Millis wrap_up = 10'000;
    int live_calls = 0;  // robots: every call not yet over
    // Blended operators: calls to the center that come to them, per second
    // (recent), each taking an operator the moment it arrives.
    double incoming_per_second = 0;
    Millis abandon_wait = 2'000;
};

struct PacingOptions {
    Pacing mode = Pacing::kProgressive;
    double ratio = 1.0;  // kRatio
    double abandon_limit = 0.03;
    double abandon_set_point = 0.75;  // share of the limit the controller aims at
    Millis abandon_window = 3'600'000;
    int robot_max_calls = 30;
    double robot_calls_per_second = 5;
    int warmup_dials = 200;  // predictive dials progressively until it has seen these
};

// Operators to keep back from dialing for incoming calls: the fewest r
// such that more than r incoming calls arrive within `seconds` with a chance
// of at most `risk` (Poisson arrivals at `per_second`). 0 with none.
int IncomingReserve(double per_second, double seconds, double risk);

// E[max(0, X − supply)] for X normal with this mean and variance: the
// expected answered calls that find no operator.
double ExpectedOverflow(double mean, double variance, double supply);

class Pacer {
public:
    explicit Pacer(PacingOptions options) : options_(options) {}

    // How many new dials to place now.
    int Decide(const PacingView& view);

    // Outcomes feed the model and the controller.
    void Resolved(Millis now, Millis rang_for, bool answered);
    // The highest answer rate of the recent past (half-hours of the last
    // three hours): what a quiet spell's in-flight calls are checked against.
    double RecentHighAnswerRate() const;
    void AnsweredCall(Millis at, bool abandoned);
    // An answered call counted as connected was abandoned after all (the
    // operator's phone did not take it and nobody else was free in time).
    void AbandonedAfterAll(Millis at);
    void Dialed(Millis at);

    double WindowAbandonRate(Millis now);
    // Abandons the rolling window can still take: limit × answered − abandoned.
    double AbandonBudget(Millis now);
    // The abandon rate to aim at: the set point, lower while the window holds
    // few answered calls and while a burst of abandons stays in it.
    double TargetRate(Millis now);
    double Z() const { return z_; }
    const AnswerModel& model() const { return model_; }
    // The model the decision uses: the slow one, or the fast one when it has
    // seen the answer rate jump up beyond the slow one's noise.
    const AnswerModel& Current() const;
    const PacingOptions& options() const { return options_; }

private:
    int Predictive(const PacingView& view);
    // One line per free operator, less the incoming calls' reserve.
    int Progressive(const PacingView& view) const;

    PacingOptions options_;
    AnswerModel model_;
    AnswerModel fast_{150};
    struct Period {
        Millis start = 0;
        int64_t dials = 0;
        int64_t answered = 0;
    };
    std::deque<Period> periods_;  // half-hours, the last three hours
    double z_ = 2.5;              // a careful start: the controller lowers it as calls are served
    // The rolling window: when each answered call (abandoned or not) and each
    // abandon came, oldest first.
    std::deque<Millis> answered_;
    std::deque<Millis> abandons_;
    std::deque<Millis> recent_dials_;  // robots: the last second's dials
};

}  // namespace callbase::campaigns
