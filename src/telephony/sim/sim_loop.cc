#include "telephony/sim/sim_loop.h"

#include <algorithm>
#include <chrono>

namespace callbase::telephony {
namespace {

struct Later {
    template <typename T>
    bool operator()(const T& a, const T& b) const {
        return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
};

}  // namespace

void SimLoop::At(Millis when, std::function<void()> fn) {
    timers_.push_back(Timer{std::max(when, now_), seq_++, std::move(fn)});
    std::push_heap(timers_.begin(), timers_.end(), Later{});
}

bool SimLoop::RunNext(Millis until) {
    if (timers_.empty() || timers_.front().at > until) return false;
    std::pop_heap(timers_.begin(), timers_.end(), Later{});
    Timer timer = std::move(timers_.back());
    timers_.pop_back();
    now_ = timer.at;
    ++timers_run_;
    timer.fn();
    return true;
}

void SimLoop::RunUntil(Millis until) {
    RunPosted();
    while (RunNext(until)) {
    }
    now_ = std::max(now_, until);
}

void SimLoop::RunPosted() {
    std::vector<std::function<void()>> work;
    {
        std::lock_guard lock(mutex_);
        work.swap(posted_);
    }
    for (auto& fn : work)
        fn();
}

void SimLoop::RunPaced(Millis until, double speed) {
    using WallClock = std::chrono::steady_clock;
    const auto wall_start = WallClock::now();
    const Millis sim_start = now_;
    auto wall_of = [&](Millis sim) {
        auto offset = std::chrono::duration<double, std::milli>((sim - sim_start) / speed);
        return wall_start + std::chrono::duration_cast<WallClock::duration>(offset);
    };
    while (!stop_ && now_ < until) {
        RunPosted();
        Millis next = timers_.empty() ? until : std::min(until, timers_.front().at);
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, wall_of(next), [&] { return stop_ || !posted_.empty(); });
        }
        // Simulated time follows the wall clock, never past the next timer.
        auto elapsed = std::chrono::duration<double, std::milli>(WallClock::now() - wall_start);
        Millis wall_now = sim_start + static_cast<Millis>(elapsed.count() * speed);
        now_ = std::max(now_, std::min(wall_now, next));
        while (RunNext(now_)) {
        }
    }
    RunPosted();
}

void SimLoop::Post(std::function<void()> fn) {
    {
        std::lock_guard lock(mutex_);
        posted_.push_back(std::move(fn));
    }
    wake_.notify_one();
}

void SimLoop::Stop() {
    stop_ = true;
    std::lock_guard lock(mutex_);
    wake_.notify_one();
}

}  // namespace callbase::telephony
