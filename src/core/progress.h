// A progress bar for long work, drawn on stderr only when stderr is a terminal
// (so that pipes and CI logs stay clean).
//
// Not thread-safe: one owner updates it. Redraws at most ten times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace callbase {

class Progress {
public:
    // total is in the caller's units (bytes, rows); 0 means unknown.
    Progress(std::string label, uint64_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void Update(uint64_t done);
    void Finish();
    bool enabled() const { return enabled_; }

private:
    void Draw(uint64_t done);

    std::string label_;
    uint64_t total_;
    bool enabled_;
    bool finished_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace callbase
