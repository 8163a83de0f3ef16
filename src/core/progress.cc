#include "core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace callbase {

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
    Finish();
}

void Progress::Update(uint64_t done) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    Draw(done);
}

void Progress::Draw(uint64_t done) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (total_ > 0) {
        double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
        int filled = static_cast<int>(frac * 30);
        double eta = frac > 0 ? secs / frac - secs : 0;
        fmt::print(stderr, "\r{} [{:=<{}}{: <{}}] {:5.1f}%  {:.0f}s left ", label_, "", filled, "",
                   30 - filled, frac * 100, eta);
    } else {
        fmt::print(stderr, "\r{} {} done, {:.0f}s ", label_, done, secs);
    }
    std::fflush(stderr);
}

void Progress::Finish() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
}

}  // namespace callbase
