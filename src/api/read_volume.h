// How many contacts each user read — search results, cards, screen pops, in
// the API and in the CLI — in the last 60 minutes and 24 hours, against the
// limits of the audit alert rules (contacts_read_per_hour,
// contacts_read_per_day; security/audit_alerts.h). Paging through the base is
// an export that asked no one (issue 17: a service account read every
// contact in 20 requests): over a limit the API answers 429 and the CLI
// refuses (exit 4), and the first refusal of the window writes a bulk_read
// audit record, which the alerts report («массовая выгрузка»).
//
// The counts live in the base (table contact_reads, per user, minute and
// writer), so that they survive a restart and the API, other servers and the
// CLI add up. A ReadVolume is one writer: it keeps what it counted itself in
// memory and reads what the others counted from the base once a minute per
// user (on a user's first read after a start, and in each new minute), so
// the hot path touches the base at most once a minute per user; reads made
// elsewhere are seen within that minute. What it counts is written by Flush:
// the server's audit writer calls it with each batch, in the batch's
// transaction (a count reaches the base with the record of its read); the
// CLI after its one read. The bulk_read record is once per window across
// writers (table contact_read_alerts).
//
// Thread-safe; Check and Flush use the Store they are given (one thread's).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::api {

class ReadVolume {
public:
    struct Limits {
        int64_t per_hour = 0;  // 0: no limit
        int64_t per_day = 0;
        bool off() const { return per_hour <= 0 && per_day <= 0; }
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

    // `writer` names this counter's rows in the base and must be its own (a
    // random token: api::RandomToken).
    explicit ReadVolume(std::string writer) : writer_(std::move(writer)) {}

    // Before a read: the limit the user has reached, if any. May read the
    // base (the others' counts) and, on the first refusal of a window, write
    // to it (contact_read_alerts).
    Result<std::optional<Over>> Check(store::Store& db, const std::string& user, UnixSeconds now,
                                      const Limits& limits);
    // After it: `contacts` more read, owed to the base until the next Flush.
    void Add(const std::string& user, UnixSeconds now, int64_t contacts);
    // Writes the counts owed (one upsert per user and minute) and, every ten
    // minutes, drops rows older than 24 hours; in the caller's transaction
    // when one is open. On an error the counts stay owed.
    Result<void> Flush(store::Store& db, UnixSeconds now);

private:
    struct Minute {
        int64_t minute = 0;  // now / 60
        int64_t contacts = 0;
    };
    struct User {
        std::deque<Minute> own;      // counted here, oldest first, the last 24 hours
        std::vector<Minute> others;  // other writers', as read from the base
        int64_t others_minute = -1;  // the minute `others` was read in
        UnixSeconds alerted_until = 0;
    };
    // The others' counts of the last 24 hours in the base.
    Result<std::vector<Minute>> ReadOthers(store::Store& db, const std::string& user,
                                           int64_t minute);
    // Whether this refusal is the first of its window, across writers.
    Result<bool> FirstRefusal(store::Store& db, const std::string& user, UnixSeconds now,
                              int64_t window_seconds);

    const std::string writer_;
    std::mutex mutex_;
    std::unordered_map<std::string, User> users_;
    std::map<std::pair<std::string, int64_t>, int64_t> owed_;  // (user, minute) -> contacts
    int64_t pruned_minute_ = 0;
};

// The refusal, in Russian and English, the same in the API (the 429's detail)
// and the CLI: who read how many within which window, the limit with its
// figure, when reads resume; the hint names `export_how`, this interface's
// way to ask for an approved export.
Error ReadRefusal(const std::string& user, const ReadVolume::Over& over,
                  std::string_view export_how);
// The detail of the bulk_read audit record.
std::string BulkReadDetail(const ReadVolume::Over& over);

}  // namespace callbase::api
