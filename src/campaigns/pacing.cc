#include "campaigns/pacing.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace callbase::campaigns {
namespace {

constexpr double kPriorAnswerChance = 0.25;
constexpr int64_t kModelMinDials = 50;
constexpr double kGain = 0.02;
// The share of the window's remaining abandons that the calls in flight may
// put at risk (their expected abandons).
constexpr double kBudgetShare = 0.25;
// The target rate leaves room for kSpread standard deviations of a window's
// abandon count, whose variance is kBurst times a Poisson one (bursts).
constexpr double kSpread = 2.5;
constexpr double kBurst = 3.0;
// A quiet spell's lines in flight: at kJumpAbove × the recent high answer
// rate, their overflow kJumpZ standard deviations up must fit kJumpShare of
// the budget.
constexpr double kJumpShare = 0.15;
constexpr double kJumpZ = 2.0;
constexpr double kJumpAbove = 1.15;
constexpr Millis kPeriod = 1'800'000;            // the recent high is the best half-hour ...
constexpr Millis kHighLookback = 3 * 3'600'000;  // ... of the last three hours
constexpr int64_t kPeriodMinDials = 100;

}  // namespace

std::string_view PacingId(Pacing pacing) {
    switch (pacing) {
        case Pacing::kPreview:
            return "preview";
        case Pacing::kProgressive:
            return "progressive";
        case Pacing::kPredictive:
            return "predictive";
        case Pacing::kRatio:
            return "ratio";
        case Pacing::kRobot:
            return "robot";
    }
    return "?";
}

std::optional<Pacing> ParsePacing(std::string_view text) {
    for (Pacing p : {Pacing::kPreview, Pacing::kProgressive, Pacing::kPredictive, Pacing::kRatio,
                     Pacing::kRobot}) {
        if (PacingId(p) == text) return p;
    }
    return std::nullopt;
}

void AnswerModel::Resolved(Millis rang_for, bool answered) {
    weight_ /= decay_;
    if (weight_ > 1e100) {
        for (double& v : alive_)
            v /= weight_;
        for (double& v : answered_)
            v /= weight_;
        weight_ = 1.0;
    }
    int last = static_cast<int>(std::clamp<Millis>(rang_for / 1000, 0, kBins - 1));
    for (int b = 0; b <= last; ++b)
        alive_[b] += weight_;
    if (answered) {
        for (int b = 0; b <= last; ++b)
            answered_[b] += weight_;
    }
    ++resolved_;
}

double AnswerModel::AnswerChance(Millis ringing_for) const {
    if (resolved_ < kModelMinDials) return kPriorAnswerChance;
    int b = static_cast<int>(std::clamp<Millis>(ringing_for / 1000, 0, kBins - 1));
    if (alive_[b] <= 0) return 0;
    return answered_[b] / alive_[b];
}

double AnswerModel::MeanTimeToAnswer() const {
    if (resolved_ < kModelMinDials || answered_[0] <= 0) return 8.0;
    double sum = 0.5;
    for (int b = 1; b < kBins; ++b)
        sum += answered_[b] / answered_[0];
    return sum;
}

void Pacer::Dialed(Millis at) {
    if (options_.mode == Pacing::kRobot) recent_dials_.push_back(at);
}

void Pacer::Resolved(Millis now, Millis rang_for, bool answered) {
    model_.Resolved(rang_for, answered);
    fast_.Resolved(rang_for, answered);
    const Millis period = now - now % kPeriod;
    if (periods_.empty() || periods_.back().start != period) periods_.push_back({period, 0, 0});
    ++periods_.back().dials;
    periods_.back().answered += answered ? 1 : 0;
    while (periods_.front().start <= now - kHighLookback)
        periods_.pop_front();
}

double Pacer::RecentHighAnswerRate() const {
    double high = 0;
    for (const Period& p : periods_) {
        if (p.dials >= kPeriodMinDials) high = std::max(high, double(p.answered) / double(p.dials));
    }
    return high;
}

double Pacer::TargetRate(Millis now) {
    (void)WindowAbandonRate(now);
    const double n = static_cast<double>(answered_.size());
    if (n < 1) return 0;
    // The windows to come: the one ending τ from now still holds the abandons
    // younger than W − τ, and the answered calls of the next τ (the answered
    // count taken as steady) share what the limit leaves of it. Their x
    // expected abandons plus kSpread standard deviations of that count
    // (abandons come in bursts, so the variance is kBurst times a Poisson
    // one) must fit. A burst of abandons thus slows the rate for as long as
    // it stays in the window, and a window of few answered calls (a small
    // team, the first minutes of a day) aims low, where two abandons are
    // already a large share.
    const double b = kSpread * std::sqrt(kBurst);
    const auto window = static_cast<double>(options_.abandon_window);
    double rate = options_.abandon_limit * options_.abandon_set_point;
    for (double share : {0.125, 0.25, 0.5, 0.75, 1.0}) {
        const Millis younger = now - static_cast<Millis>(window * (1.0 - share));
        const auto staying = static_cast<double>(
            abandons_.end() - std::lower_bound(abandons_.begin(), abandons_.end(), younger));
        const double room = std::max(0.0, options_.abandon_limit * n - staying);
        const double y = (-b + std::sqrt(b * b + 4 * room)) / 2;
        rate = std::min(rate, y * y / (n * share));
    }
    return rate;
}

void Pacer::AnsweredCall(Millis at, bool abandoned) {
    double s = TargetRate(at);
    z_ += kGain * (abandoned ? (1.0 - s) : -s);
    z_ = std::clamp(z_, 0.0, 4.0);
    answered_.push_back(at);
    if (abandoned) abandons_.push_back(at);
}

void Pacer::AbandonedAfterAll(Millis at) {
    z_ = std::clamp(z_ + kGain, 0.0, 4.0);  // -s counted before, 1 - s now
    abandons_.push_back(at);
}

double Pacer::WindowAbandonRate(Millis now) {
    const Millis start = now - options_.abandon_window;
    while (!answered_.empty() && answered_.front() < start)
        answered_.pop_front();
    while (!abandons_.empty() && abandons_.front() < start)
        abandons_.pop_front();
    return answered_.empty()
               ? 0.0
               : static_cast<double>(abandons_.size()) / static_cast<double>(answered_.size());
}

int IncomingReserve(double per_second, double seconds, double risk) {
    const double mean = per_second * seconds;
    if (mean <= 0) return 0;
    // P(N > r) = 1 − Σ_{k ≤ r} e^{−mean} mean^k / k!
    double term = std::exp(-mean), below = term;
    int r = 0;
    while (1.0 - below > risk && r < 10'000) {
        ++r;
        term *= mean / r;
        below += term;
    }
    return r;
}

int Pacer::Progressive(const PacingView& view) const {
    const int ringing = static_cast<int>(view.ringing_since.size());
    // One line per free operator, less those the incoming calls expected
    // while the lines ring and wait may take.
    const double seconds =
        Current().MeanTimeToAnswer() + static_cast<double>(view.abandon_wait) / 1000.0;
    const int reserve = IncomingReserve(view.incoming_per_second, seconds,
                                        options_.abandon_limit * options_.abandon_set_point);
    return std::max(0, view.ready - view.waiting - ringing - reserve);
}

int Pacer::Decide(const PacingView& view) {
    const int ringing = static_cast<int>(view.ringing_since.size());
    switch (options_.mode) {
        case Pacing::kPreview:
            return 0;
        case Pacing::kProgressive:
            return Progressive(view);
        case Pacing::kRatio:
            return std::max(0, static_cast<int>(std::floor(options_.ratio * view.ready)) - ringing);
        case Pacing::kRobot: {
            double cps = std::max(options_.robot_calls_per_second, 0.001);
            Millis span = std::max<Millis>(1000, static_cast<Millis>(1000.0 / cps));
            while (!recent_dials_.empty() && recent_dials_.front() <= view.now - span) {
                recent_dials_.pop_front();
            }
            int per_span = std::max(1, static_cast<int>(std::floor(cps * span / 1000.0)));
            int by_rate = per_span - static_cast<int>(recent_dials_.size());
            int by_lines = options_.robot_max_calls - view.live_calls;
            return std::max(0, std::min(by_rate, by_lines));
        }
        case Pacing::kPredictive:
            return Predictive(view);
    }
    return 0;
}

double ExpectedOverflow(double mean, double variance, double supply) {
    if (variance <= 1e-12) return std::max(0.0, mean - supply);
    const double sd = std::sqrt(variance);
    const double k = (supply - mean) / sd;
    const double pdf = std::exp(-0.5 * k * k) / std::sqrt(2 * std::numbers::pi);
    const double tail = 0.5 * std::erfc(k / std::numbers::sqrt2);
    return std::max(0.0, sd * pdf - (supply - mean) * tail);
}

const AnswerModel& Pacer::Current() const {
    if (fast_.Dials() < kModelMinDials || model_.Dials() < kModelMinDials) return model_;
    const double slow = model_.AnswerChance(0);
    const double noise = std::sqrt(std::max(slow * (1 - slow), 0.01) / fast_.Memory());
    return fast_.AnswerChance(0) > slow + 2.5 * noise ? fast_ : model_;
}

double Pacer::AbandonBudget(Millis now) {
    (void)WindowAbandonRate(now);  // drops what left the window
    return options_.abandon_limit * static_cast<double>(answered_.size()) -
           static_cast<double>(abandons_.size());
}

int Pacer::Predictive(const PacingView& view) {
    const int progressive = Progressive(view);
    if (model_.Dials() < options_.warmup_dials) return progressive;
    // The abandons the window can still take, less one always kept back for
    // the calls in flight. An abandon stays in the window for its whole
    // length, so what is dialed now may spend only a share of it; with less
    // than two abandons left, dial only for operators free now, which cannot
    // abandon.
    const double budget = AbandonBudget(view.now) - 1.0;
    if (budget < 1.0) return progressive;
    // Callers expected to need an operator: those waiting, and the expected
    // answers among the calls ringing now.
    double demand = view.waiting;
    double variance = 0;
    const AnswerModel& model = Current();
    for (Millis since : view.ringing_since) {
        double p = model.AnswerChance(view.now - since);
        demand += p;
        variance += p * (1 - p);
    }
    // Incoming calls expected before a new call is answered and has waited
    // its abandon wait: each takes an operator.
    const double incoming =
        view.incoming_per_second *
        (model.MeanTimeToAnswer() + static_cast<double>(view.abandon_wait) / 1000);
    demand += incoming;
    variance += incoming;
    // Operators free now or by the time a new call is answered.
    double supply = view.ready;
    Millis horizon = view.now + static_cast<Millis>(model.MeanTimeToAnswer() * 1000);
    for (Millis end : view.wrap_ends) {
        if (end <= horizon) supply += 1;
    }
    double talk_left = static_cast<double>(horizon - view.now - view.wrap_up) / 1000.0;
    if (talk_left > 0 && view.mean_talk_seconds > 0) {
        supply += static_cast<double>(view.talk_starts.size()) *
                  (1 - std::exp(-talk_left / view.mean_talk_seconds));
    }
    const double risk = kBudgetShare * budget;
    const double rate = TargetRate(view.now);
    const double p = std::max(model.AnswerChance(0), 0.01);
    // The same calls, were the answer rate to jump back to its recent high.
    const double jump = std::max(1.0, kJumpAbove * RecentHighAnswerRate() / p);
    double demand_high = view.waiting + incoming, variance_high = incoming;
    if (jump > 1.0) {
        for (Millis since : view.ringing_since) {
            double q = std::min(1.0, jump * model.AnswerChance(view.now - since));
            demand_high += q;
            variance_high += q * (1 - q);
        }
    }
    const double p_high = std::min(1.0, jump * p);
    int n = 0;
    const int cap = static_cast<int>(10 * (supply + 1) / p);
    while (n < cap) {
        double d = demand + (n + 1) * p;
        double v = variance + (n + 1) * p * (1 - p);
        if (d + z_ * std::sqrt(v) > supply) break;
        const double overflow = ExpectedOverflow(d, v, supply);
        if (overflow > risk || overflow > rate * d) break;
        if (jump > 1.0) {
            // The overflow the jump would bring, at a high quantile.
            const double dh = demand_high + (n + 1) * p_high;
            const double vh = variance_high + (n + 1) * p_high * (1 - p_high);
            if (dh + kJumpZ * std::sqrt(vh) - supply > kJumpShare * budget) break;
        }
        ++n;
    }
    return std::max(n, progressive);
}

}  // namespace callbase::campaigns
