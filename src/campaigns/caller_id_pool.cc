#include "campaigns/caller_id_pool.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

namespace callbase::campaigns {

CallerIdPool::CallerIdPool(std::vector<CallerId> numbers, PoolOptions options) : options_(options) {
    numbers_.reserve(numbers.size());
    for (auto& id : numbers) {
        index_.emplace(id.number, numbers_.size());
        numbers_.push_back(Entry{std::move(id)});
    }
}

void CallerIdPool::Roll(int32_t day) {
    if (day == day_) return;
    day_ = day;
    open_.clear();
    open_by_region_.clear();
    for (size_t i = 0; i < numbers_.size(); ++i) {
        numbers_[i].calls = 0;
        numbers_[i].warned = false;
        Put(i);
    }
}

void CallerIdPool::Take(size_t i) {
    Rank rank = RankOf(i);
    open_.erase(rank);
    if (auto it = open_by_region_.find(numbers_[i].id.region); it != open_by_region_.end()) {
        it->second.erase(rank);
    }
}

void CallerIdPool::Put(size_t i) {
    if (numbers_[i].calls >= CapOf(numbers_[i])) return;
    Rank rank = RankOf(i);
    open_.insert(rank);
    if (!numbers_[i].id.region.empty()) open_by_region_[numbers_[i].id.region].insert(rank);
}

int CallerIdPool::CapOf(const Entry& e) const {
    return e.id.daily_cap > 0 ? e.id.daily_cap : options_.daily_cap;
}

int CallerIdPool::WarnAt(int cap) const {
    // The epsilon keeps 0.9 * 70 (63.000000000000007 in binary) at 63.
    double at = std::ceil(options_.warn_share * cap - 1e-9);
    return std::max(1, static_cast<int>(at));
}

std::optional<CallerIdPick> CallerIdPool::Pick(std::string_view callee_region, int32_t day) {
    Roll(day);
    const std::set<Rank>* from = &open_;
    if (options_.local_presence && !callee_region.empty()) {
        auto it = open_by_region_.find(std::string(callee_region));
        if (it != open_by_region_.end() && !it->second.empty()) from = &it->second;
    }
    if (from->empty()) return std::nullopt;
    const size_t i = std::get<2>(*from->begin());
    Take(i);
    Entry& best = numbers_[i];
    best.calls += 1;
    best.last_used = ++picks_;
    Put(i);
    CallerIdPick pick;
    pick.number = best.id.number;
    pick.local = !callee_region.empty() && best.id.region == callee_region;
    pick.calls_today = best.calls;
    pick.cap = CapOf(best);
    if (!best.warned && best.calls >= WarnAt(pick.cap)) {
        best.warned = true;
        pick.near_cap = true;
    }
    return pick;
}

void CallerIdPool::Count(std::string_view number, int32_t day, int calls) {
    auto it = index_.find(std::string(number));
    if (it == index_.end() || calls <= 0 || day < day_) return;
    Roll(day);
    Take(it->second);
    numbers_[it->second].calls += calls;
    Put(it->second);
}

std::vector<CallerIdUsage> CallerIdPool::Report(int32_t day) const {
    std::vector<CallerIdUsage> report;
    report.reserve(numbers_.size());
    for (const auto& e : numbers_) {
        CallerIdUsage u;
        u.number = e.id.number;
        u.region = e.id.region;
        u.calls = CallsOn(e, day);
        u.cap = CapOf(e);
        u.near_cap = u.calls >= WarnAt(u.cap);
        report.push_back(std::move(u));
    }
    return report;
}

int CallerIdPool::Remaining(int32_t day) const {
    int remaining = 0;
    for (const auto& e : numbers_)
        remaining += std::max(0, CapOf(e) - CallsOn(e, day));
    return remaining;
}

}  // namespace callbase::campaigns
