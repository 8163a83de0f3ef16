// SimLoop: the simulated clock and its timers, for the network simulator and
// every campaign that runs against it.
//
// Timers run in time order (equal times in the order they were set). RunUntil
// jumps from one timer to the next as fast as the machine allows; RunPaced
// keeps simulated time in step with the wall clock (times `speed`), so that
// people can work a simulated campaign in the browser. Post() and Stop() are
// the only calls safe from other threads: posted work runs on the loop's
// thread at the current simulated time, before the next timer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "telephony/telephony.h"

namespace callbase::telephony {

class SimLoop final : public Loop {
public:
    explicit SimLoop(Millis start) : now_(start) {}

    Millis Now() const override { return now_; }
    void At(Millis when, std::function<void()> fn) override;

    // Runs every timer due at or before `until`, then stands at `until`.
    void RunUntil(Millis until);
    // Like RunUntil, in step with the wall clock. Returns at `until` or on Stop().
    void RunPaced(Millis until, double speed);
    void Post(std::function<void()> fn);
    void Stop();

    size_t Pending() const { return timers_.size(); }
    uint64_t TimersRun() const { return timers_run_; }

private:
    struct Timer {
        Millis at;
        uint64_t seq;
        std::function<void()> fn;
    };
    bool RunNext(Millis until);  // false when no timer is due by `until`
    void RunPosted();

    Millis now_;
    uint64_t seq_ = 0;
    uint64_t timers_run_ = 0;
    std::vector<Timer> timers_;  // a min-heap on (at, seq)

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::function<void()>> posted_;  // GUARDED_BY(mutex_)
    std::atomic<bool> stop_{false};
};

}  // namespace callbase::telephony
