#include "api/read_volume.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace callbase::api {
namespace {

constexpr int64_t kHourMinutes = 60, kDayMinutes = 24 * 60;
// How often Flush drops the rows that have left the longest window.
constexpr int64_t kPruneEveryMinutes = 10;

}  // namespace

Result<std::vector<ReadVolume::Minute>> ReadVolume::ReadOthers(store::Store& db,
                                                               const std::string& user,
                                                               int64_t minute) {
    auto rows = db.Query(
        "SELECT minute, CAST(SUM(contacts) AS BIGINT) FROM contact_reads "
        "WHERE actor = $1 AND minute > $2 AND writer <> $3 GROUP BY minute ORDER BY minute",
        {user, minute - kDayMinutes, writer_});
    if (!rows) return std::unexpected(rows.error());
    std::vector<Minute> out;
    out.reserve(rows->size());
    for (const auto& row : *rows)
        out.push_back({row.Int(0), row.Int(1)});
    return out;
}

Result<bool> ReadVolume::FirstRefusal(store::Store& db, const std::string& user, UnixSeconds now,
                                      int64_t window_seconds) {
    // Taken by one writer only, however many refuse at once.
    auto taken = db.Exec(
        "INSERT INTO contact_read_alerts (actor, alerted_until) VALUES ($1, $2) "
        "ON CONFLICT (actor) DO UPDATE SET alerted_until = excluded.alerted_until "
        "WHERE contact_read_alerts.alerted_until <= $3",
        {user, now + window_seconds, now});
    if (!taken) return std::unexpected(taken.error());
    UnixSeconds until = now + window_seconds;
    if (*taken == 0) {
        auto stored =
            db.QueryValue("SELECT alerted_until FROM contact_read_alerts WHERE actor = $1", {user});
        if (!stored) return std::unexpected(stored.error());
        until = std::get<int64_t>(*stored);
    }
    std::lock_guard lock(mutex_);
    users_[user].alerted_until = until;
    return *taken > 0;
}

Result<std::optional<ReadVolume::Over>> ReadVolume::Check(store::Store& db, const std::string& user,
                                                          UnixSeconds now, const Limits& limits) {
    if (limits.off()) return std::nullopt;
    const int64_t minute = now / 60;
    bool stale = false;
    {
        std::lock_guard lock(mutex_);
        stale = users_[user].others_minute != minute;
    }
    if (stale) {
        // Outside the lock: other users' checks do not wait for the base.
        auto others = ReadOthers(db, user, minute);
        if (!others) return std::unexpected(others.error());
        std::lock_guard lock(mutex_);
        User& u = users_[user];
        u.others = std::move(*others);
        u.others_minute = minute;
    }
    std::unique_lock lock(mutex_);
    User& u = users_[user];
    while (!u.own.empty() && u.own.front().minute <= minute - kDayMinutes)
        u.own.pop_front();
    for (const auto& [limit, span, rule, window] :
         {std::tuple{limits.per_hour, kHourMinutes, "contacts_read_per_hour", "60 minutes"},
          std::tuple{limits.per_day, kDayMinutes, "contacts_read_per_day", "24 hours"}}) {
        if (limit <= 0) continue;
        int64_t read = 0;
        for (const Minute& m : u.own)
            if (m.minute > minute - span) read += m.contacts;
        for (const Minute& m : u.others)
            if (m.minute > minute - span) read += m.contacts;
        if (read < limit) continue;
        Over over{read, limit, rule, window, 60, false};
        // The moment the oldest reads of the window have left it so that the
        // count is under the limit again.
        std::map<int64_t, int64_t> merged;
        for (const Minute& m : u.own)
            if (m.minute > minute - span) merged[m.minute] += m.contacts;
        for (const Minute& m : u.others)
            if (m.minute > minute - span) merged[m.minute] += m.contacts;
        int64_t left = read;
        for (const auto& [at, contacts] : merged) {
            left -= contacts;
            if (left < limit) {
                over.retry_after = std::max<int64_t>(1, (at + span) * 60 - now);
                break;
            }
        }
        if (now >= u.alerted_until) {
            lock.unlock();
            auto first = FirstRefusal(db, user, now, span * 60);
            if (!first) return std::unexpected(first.error());
            over.first = *first;
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
    if (!u.own.empty() && u.own.back().minute == minute) {
        u.own.back().contacts += contacts;
    } else {
        u.own.push_back({minute, contacts});
    }
    owed_[{user, minute}] += contacts;
}

Result<void> ReadVolume::Flush(store::Store& db, UnixSeconds now) {
    const int64_t minute = now / 60;
    decltype(owed_) owed;
    bool prune = false;
    {
        std::lock_guard lock(mutex_);
        owed.swap(owed_);
        prune = minute - pruned_minute_ >= kPruneEveryMinutes;
    }
    auto written = [&]() -> Result<void> {
        for (const auto& [key, contacts] : owed) {
            auto ok = db.Exec(
                "INSERT INTO contact_reads (actor, minute, writer, contacts) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (actor, minute, writer) "
                "DO UPDATE SET contacts = contact_reads.contacts + excluded.contacts",
                {key.first, key.second, writer_, contacts});
            if (!ok) return std::unexpected(ok.error());
        }
        if (!prune) return {};
        if (auto ok =
                db.Exec("DELETE FROM contact_reads WHERE minute <= $1", {minute - kDayMinutes});
            !ok) {
            return std::unexpected(ok.error());
        }
        if (auto ok = db.Exec("DELETE FROM contact_read_alerts WHERE alerted_until < $1", {now});
            !ok) {
            return std::unexpected(ok.error());
        }
        return {};
    }();
    std::lock_guard lock(mutex_);
    if (!written) {
        for (const auto& [key, contacts] : owed)
            owed_[key] += contacts;
        return written;
    }
    if (prune) pruned_minute_ = minute;
    return {};
}

Error ReadRefusal(const std::string& user, const ReadVolume::Over& over,
                  std::string_view export_how) {
    const MessageParams params{{"user", user},
                               {"read", std::to_string(over.read)},
                               {"rule", over.rule},
                               {"limit", std::to_string(over.limit)},
                               {"wait", std::to_string(over.retry_after)},
                               {"export", std::string(export_how)}};
    if (over.rule == "contacts_read_per_hour") {
        return Coded(ErrorCode::kConflict,
                     Msg{"read.limit_hour",
                         "bulk read: {user} has read {read} contacts within 60 minutes, the limit "
                         "{rule} ({limit}); wait {wait} s",
                         "to take a list of contacts out of the base, request an export "
                         "({export}): a supervisor or the dpo approves it. An administrator sets "
                         "the limit in the audit alert rules"},
                     params);
    }
    return Coded(ErrorCode::kConflict,
                 Msg{"read.limit_day",
                     "bulk read: {user} has read {read} contacts within 24 hours, the limit {rule} "
                     "({limit}); wait {wait} s",
                     "to take a list of contacts out of the base, request an export ({export}): a "
                     "supervisor or the dpo approves it. An administrator sets the limit in the "
                     "audit alert rules"},
                 params);
}

std::string BulkReadDetail(const ReadVolume::Over& over) {
    return fmt::format(
        "массовая выгрузка: {} contacts read within {} (limit {}, {}); further reads refused for "
        "{} s",
        over.read, over.window, over.limit, over.rule, over.retry_after);
}

}  // namespace callbase::api
