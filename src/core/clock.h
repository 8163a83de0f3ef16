// Time as an injected dependency, so that tests and the simulator control it.
//
// Clock::Now() returns Unix seconds (UTC). SystemClock is safe to share across
// threads; FixedClock is for tests and is not synchronized.
#pragma once

#include <cstdint>

namespace callbase {

using UnixSeconds = int64_t;

// The start of the local day holding `at` on a clock `utc_offset_minutes`
// from UTC (the call center's midnight, as a Unix time).
inline UnixSeconds LocalMidnight(UnixSeconds at, int utc_offset_minutes) {
    const int64_t offset = int64_t{utc_offset_minutes} * 60;
    return (at + offset) / 86'400 * 86'400 - offset;
}

class Clock {
public:
    virtual ~Clock() = default;
    virtual UnixSeconds Now() const = 0;
};

class SystemClock final : public Clock {
public:
    UnixSeconds Now() const override;
};

class FixedClock final : public Clock {
public:
    explicit FixedClock(UnixSeconds now) : now_(now) {}
    UnixSeconds Now() const override { return now_; }
    void Set(UnixSeconds now) { now_ = now; }
    void Advance(int64_t seconds) { now_ += seconds; }

private:
    UnixSeconds now_;
};

}  // namespace callbase
