#include "api/read_volume.h"

#include <algorithm>
#include <tuple>

namespace callbase::api {
namespace {

constexpr int64_t kHourMinutes = 60, kDayMinutes = 24 * 60;

}  // namespace

std::optional<ReadVolume::Over> ReadVolume::Check(const std::string& user, UnixSeconds now,
                                                  const Limits& limits) {
    if (limits.per_hour <= 0 && limits.per_day <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = users_.find(user);
    if (it == users_.end()) return std::nullopt;
    User& u = it->second;
    const int64_t minute = now / 60;
    while (!u.minutes.empty() && u.minutes.front().minute <= minute - kDayMinutes)
        u.minutes.pop_front();
    for (const auto& [limit, span, rule, window] :
         {std::tuple{limits.per_hour, kHourMinutes, "contacts_read_per_hour", "60 minutes"},
          std::tuple{limits.per_day, kDayMinutes, "contacts_read_per_day", "24 hours"}}) {
        if (limit <= 0) continue;
        int64_t read = 0;
        for (const Minute& m : u.minutes)
            if (m.minute > minute - span) read += m.contacts;
        if (read < limit) continue;
        Over over{read, limit, rule, window, 60, false};
        // The moment the oldest reads of the window have left it so that
        // the count is under the limit again.
        int64_t left = read;
        for (const Minute& m : u.minutes) {
            if (m.minute <= minute - span) continue;
            left -= m.contacts;
            if (left < limit) {
                over.retry_after = std::max<int64_t>(1, (m.minute + span) * 60 - now);
                break;
            }
        }
        if (now >= u.alerted_until) {
            over.first = true;
            u.alerted_until = now + span * 60;
        }
        return over;
    }
    return std::nullopt;
}

void ReadVolume::Add(const std::string& user, UnixSeconds now, int64_t contacts) {
    if (contacts <= 0) return;
    std::lock_guard lock(mutex_);
    User& u = users_[user];
    const int64_t minute = now / 60;
    if (!u.minutes.empty() && u.minutes.back().minute == minute) {
        u.minutes.back().contacts += contacts;
    } else {
        u.minutes.push_back({minute, contacts});
    }
}

}  // namespace callbase::api
