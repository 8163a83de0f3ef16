// How many contacts each user read through the API — search results, cards,
// screen pops — in the last 60 minutes and 24 hours, against the limits of
// the audit alert rules (contacts_read_per_hour, contacts_read_per_day;
// security/audit_alerts.h). Paging through the base is an export that asked
// no one (issue 17: a service account read every contact in 20 requests):
// over a limit the API answers 429 and writes a bulk_read audit record,
// which the alerts report («массовая выгрузка»).
//
// Counts are kept in memory, by the minute, per user; a restart starts them
// over (the audit log keeps what was read). Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace callbase::api {

class ReadVolume {
public:
    struct Limits {
        int64_t per_hour = 0;  // 0: no limit
        int64_t per_day = 0;
    };
    // A limit reached: how many were read in its window, which limit, and
    // when enough of them will have aged out for the next read.
    struct Over {
        int64_t read = 0, limit = 0;
        std::string rule;    // contacts_read_per_hour or contacts_read_per_day
        std::string window;  // "60 minutes", "24 hours"
        int64_t retry_after = 0;
        bool first = false;  // the first refusal of this window: write the alert
    };

    // Before a read: the limit the user has reached, if any.
    std::optional<Over> Check(const std::string& user, UnixSeconds now, const Limits& limits);
    // After it: `contacts` more read.
    void Add(const std::string& user, UnixSeconds now, int64_t contacts);

private:
    struct Minute {
        int64_t minute = 0;  // now / 60
        int64_t contacts = 0;
    };
    struct User {
        std::deque<Minute> minutes;  // oldest first, the last 24 hours
        UnixSeconds alerted_until = 0;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, User> users_;
};

}  // namespace callbase::api
