#include "campaigns/pacing.h"

#include <algorithm>
#include <cmath>

namespace callbase::campaigns {
namespace {

constexpr double kDecay = 1.0 - 1.0 / 1500.0;  // per resolved dial
constexpr double kPriorAnswerChance = 0.25;
constexpr int64_t kModelMinDials = 50;
constexpr double kGain = 0.02;

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
    weight_ /= kDecay;
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

void Pacer::AnsweredCall(Millis at, bool abandoned) {
    double s = options_.abandon_limit * options_.abandon_set_point;
    z_ += kGain * (abandoned ? (1.0 - s) : -s);
    z_ = std::clamp(z_, -1.0, 4.0);
    window_.emplace_back(at, abandoned);
    if (abandoned) ++window_abandoned_;
}

double Pacer::WindowAbandonRate(Millis now) {
    while (!window_.empty() && window_.front().first < now - options_.abandon_window) {
        if (window_.front().second) --window_abandoned_;
        window_.pop_front();
    }
    return window_.empty() ? 0.0 : window_abandoned_ / static_cast<double>(window_.size());
}

int Pacer::Decide(const PacingView& view) {
    const int ringing = static_cast<int>(view.ringing_since.size());
    switch (options_.mode) {
        case Pacing::kPreview:
            return 0;
        case Pacing::kProgressive:
            return std::max(0, view.ready - view.waiting - ringing);
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

int Pacer::Predictive(const PacingView& view) {
    const int ringing = static_cast<int>(view.ringing_since.size());
    if (model_.Dials() < options_.warmup_dials) {
        return std::max(0, view.ready - view.waiting - ringing);
    }
    // Callers expected to need an operator: those waiting, and the expected
    // answers among the calls ringing now.
    double demand = view.waiting;
    double variance = 0;
    for (Millis since : view.ringing_since) {
        double p = model_.AnswerChance(view.now - since);
        demand += p;
        variance += p * (1 - p);
    }
    // Operators free now or by the time a new call is answered.
    const bool over = WindowAbandonRate(view.now) > options_.abandon_limit;
    double supply = view.ready;
    if (!over) {
        Millis horizon = view.now + static_cast<Millis>(model_.MeanTimeToAnswer() * 1000);
        for (Millis end : view.wrap_ends) {
            if (end <= horizon) supply += 1;
        }
        double talk_left = static_cast<double>(horizon - view.now - view.wrap_up) / 1000.0;
        if (talk_left > 0 && view.mean_talk_seconds > 0) {
            supply += static_cast<double>(view.talk_starts.size()) *
                      (1 - std::exp(-talk_left / view.mean_talk_seconds));
        }
    }
    const double z = over ? std::max(z_, 1.0) : z_;
    const double p = std::max(model_.AnswerChance(0), 0.01);
    int n = 0;
    const int cap = static_cast<int>(10 * (supply + 1) / p);
    while (n < cap) {
        double d = demand + (n + 1) * p;
        double v = variance + (n + 1) * p * (1 - p);
        if (d + z * std::sqrt(v) > supply) break;
        ++n;
    }
    return n;
}

}  // namespace callbase::campaigns
