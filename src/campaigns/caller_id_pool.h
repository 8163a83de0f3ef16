// Caller-ID pools (R-OUT-3): the numbers a campaign calls from.
//
// Pick() chooses the number for the next dial: among the pool's numbers that
// are still under their daily cap (default 75 calls a day, the field's 70–80
// for a mobile number), those from the callee's region first when the pool
// has one (local presence), and among those the least used today; ties go to
// the one used least recently, then to pool order. A day is the call center's
// local date (days since 1970-01-01), given by the caller. When every number
// has reached its cap, there is no caller ID and the dial must wait.
//
// A pick that brings a number to warn_share of its cap (default 90 %) says so,
// once per number and day, so that a supervisor sees it coming. Report()
// gives the calls per number for a day.
//
// A pick costs O(log n): the numbers under their cap are kept ranked, per
// region and overall.
//
// Not synchronized: one pool per campaign, used from the campaign's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace callbase::campaigns {

struct CallerId {
    std::string number;  // E.164
    std::string region;  // from the numbering plan; empty when unknown
    int daily_cap = 0;   // 0: the pool's default
};

struct PoolOptions {
    int daily_cap = 75;
    double warn_share = 0.9;
    bool local_presence = true;
};

struct CallerIdPick {
    std::string number;
    bool local = false;     // from the callee's region
    bool near_cap = false;  // this call brought the number to warn_share of its cap
    int calls_today = 0;    // including this one
    int cap = 0;
};

struct CallerIdUsage {
    std::string number;
    std::string region;
    int calls = 0;
    int cap = 0;
    bool near_cap = false;  // at or over warn_share of the cap
};

class CallerIdPool {
public:
    CallerIdPool(std::vector<CallerId> numbers, PoolOptions options = {});

    std::optional<CallerIdPick> Pick(std::string_view callee_region, int32_t day);
    // Counts calls made before this pool existed (from stored call records).
    // Adds to the day's count; a number not in the pool, or a day before the
    // one the pool already counts for that number, is ignored.
    void Count(std::string_view number, int32_t day, int calls);
    std::vector<CallerIdUsage> Report(int32_t day) const;
    // Calls the pool can still make on `day`.
    int Remaining(int32_t day) const;
    size_t size() const { return numbers_.size(); }

private:
    struct Entry {
        CallerId id;
        int calls = 0;           // on day_
        uint64_t last_used = 0;  // pick sequence number, 0 = never
        bool warned = false;
    };
    // The order of choice among numbers under their cap: least used today,
    // then least recently used, then pool order.
    using Rank = std::tuple<int, uint64_t, size_t>;
    Rank RankOf(size_t i) const { return {numbers_[i].calls, numbers_[i].last_used, i}; }
    // Moves the pool to `day`: every count starts afresh. One day is kept:
    // Report() of an earlier day shows none.
    void Roll(int32_t day);
    void Take(size_t i);  // out of the sets of choice, before its rank changes
    void Put(size_t i);   // back in, when still under its cap
    int CallsOn(const Entry& e, int32_t day) const { return day == day_ ? e.calls : 0; }
    int CapOf(const Entry& e) const;
    // The call count at which a number is near its cap (warn_share of it).
    int WarnAt(int cap) const;

    std::vector<Entry> numbers_;
    PoolOptions options_;
    uint64_t picks_ = 0;
    int32_t day_ = INT32_MIN;
    std::set<Rank> open_;  // every number under its cap
    std::unordered_map<std::string, std::set<Rank>> open_by_region_;
    std::unordered_map<std::string, size_t> index_;  // number -> position
};

}  // namespace callbase::campaigns
