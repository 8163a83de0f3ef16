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
// point s (80 % of the limit); over the limit in the rolling window it dials
// only for operators free now.
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

    void Resolved(Millis rang_for, bool answered);
    double AnswerChance(Millis ringing_for) const;  // prior before enough dials
    double MeanTimeToAnswer() const;                // seconds, of the answered ones
    int64_t Dials() const { return resolved_; }

private:
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

class Pacer {
public:
    explicit Pacer(PacingOptions options) : options_(options) {}

    // How many new dials to place now.
    int Decide(const PacingView& view);

    // Outcomes feed the model and the controller.
    void Resolved(Millis rang_for, bool answered) { model_.Resolved(rang_for, answered); }
    void AnsweredCall(Millis at, bool abandoned);
    void Dialed(Millis at);

    double WindowAbandonRate(Millis now);
    double Z() const { return z_; }
    const AnswerModel& model() const { return model_; }
    const PacingOptions& options() const { return options_; }

private:
    int Predictive(const PacingView& view);

    PacingOptions options_;
    AnswerModel model_;
    double z_ = 2.5;  // a careful start: the controller lowers it as calls are served
    std::deque<std::pair<Millis, bool>> window_;  // answered calls: when, abandoned
    int window_abandoned_ = 0;
    std::deque<Millis> recent_dials_;  // robots: the last second's dials
};

}  // namespace callbase::campaigns
