#include "compliance/attempts.h"

#include <fmt/format.h>

#include <set>

namespace callbase::compliance {
namespace {

int64_t LocalDay(int64_t t, int offset_minutes) {
    int64_t local = t + int64_t{offset_minutes} * 60;
    return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

}  // namespace

Result<AttemptResult> Attempts::Record(const std::string& e164, UnixSeconds at,
                                       const std::string& outcome,
                                       std::optional<int> utc_offset_minutes,
                                       const std::string& actor) {
    bool failed = true;
    if (outcome == "answered") {
        failed = false;
    } else if (outcome != "busy" && outcome != "no_answer" && outcome != "failed" &&
               outcome != "invalid" && outcome != "rejected") {
        return Fail(ErrorCode::kInvalidInput, fmt::format("unknown outcome {}", outcome),
                    "use answered, busy, no_answer, failed, invalid or rejected");
    }
    const std::string key = store::PhoneKey(store_, e164);
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id = store_.QueryValue(
        "INSERT INTO call_attempts (e164, at, outcome, failed, utc_offset, recorded_by) VALUES "
        "($1, $2, $3, $4, $5, $6) RETURNING id",
        {key, at, outcome, int64_t{failed ? 1 : 0}, store::Nullable(utc_offset_minutes), actor});
    if (!id) return std::unexpected(id.error());
    AttemptResult result;
    result.id = store::Row({*id}).Int(0);
    // Failures after the last answered call and after a reactivation, by the
    // callee's local day.
    auto rows = store_.Query(
        "SELECT at, utc_offset FROM call_attempts WHERE e164 = $1 AND failed = 1 AND at > "
        "COALESCE((SELECT MAX(at) FROM call_attempts WHERE e164 = $1 AND failed = 0), -1) AND "
        "at > COALESCE((SELECT MAX(reviewed_at) FROM inactive_review WHERE e164 = $1 AND "
        "decision = 'reactivate'), -1)",
        {key});
    if (!rows) return std::unexpected(rows.error());
    std::set<int64_t> days;
    for (const auto& r : *rows)
        days.insert(LocalDay(r.Int(0), r.IsNull(1) ? 180 : static_cast<int>(r.Int(1))));
    result.failed_days = static_cast<int>(days.size());
    if (result.failed_days >= kFailedDaysToInactive) {
        auto open = store_.QueryValue(
            "SELECT COUNT(*) FROM inactive_review WHERE e164 = $1 AND reviewed_at IS NULL", {key});
        if (!open) return std::unexpected(open.error());
        if (store::Row({*open}).Int(0) == 0) {
            auto ok = store_.Exec("UPDATE phones SET inactive = 1 WHERE e164 = $1", {key});
            if (!ok) return std::unexpected(ok.error());
            // A number reviewed earlier comes back to the list.
            auto removed = store_.Exec("DELETE FROM inactive_review WHERE e164 = $1", {key});
            if (!removed) return std::unexpected(removed.error());
            auto listed =
                store_.Exec("INSERT INTO inactive_review (e164, since, reason) VALUES ($1, $2, $3)",
                            {key, clock_.Now(),
                             fmt::format("{} failed attempts on {} different days", rows->size(),
                                         result.failed_days)});
            if (!listed) return std::unexpected(listed.error());
            result.became_inactive = true;
        }
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return result;
}

Result<std::vector<ReviewItem>> Attempts::ReviewList(bool pending_only) {
    auto rows = store_.Query(
        "SELECT e164, since, reason, reviewed_at, reviewed_by, decision FROM inactive_review "
        "WHERE reviewed_at IS NULL OR $1 = 0 ORDER BY since, e164",
        {int64_t{pending_only ? 1 : 0}});
    if (!rows) return std::unexpected(rows.error());
    std::vector<ReviewItem> out;
    for (const auto& r : *rows) {
        auto e164 = store::PhoneOf(store_, r.Text(0));
        if (!e164) return std::unexpected(e164.error());
        ReviewItem item{std::move(*e164), r.Int(1), r.Text(2), std::nullopt, r.Text(4), r.Text(5)};
        if (!r.IsNull(3)) item.reviewed_at = r.Int(3);
        out.push_back(std::move(item));
    }
    return out;
}

Result<void> Attempts::Review(const std::string& e164, const std::string& decision,
                              const std::string& actor) {
    if (decision != "reactivate" && decision != "keep") {
        return Fail(ErrorCode::kInvalidInput, fmt::format("unknown decision {}", decision),
                    "use reactivate or keep");
    }
    const std::string key = store::PhoneKey(store_, e164);
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto changed = store_.Exec(
        "UPDATE inactive_review SET reviewed_at = $1, reviewed_by = $2, decision = $3 WHERE "
        "e164 = $4 AND reviewed_at IS NULL",
        {clock_.Now(), actor, decision, key});
    if (!changed) return std::unexpected(changed.error());
    if (*changed == 0) {
        return Fail(ErrorCode::kNotFound, fmt::format("{} is not on the review list", e164),
                    "see `callbase inactive list`");
    }
    if (decision == "reactivate") {
        auto ok = store_.Exec("UPDATE phones SET inactive = 0 WHERE e164 = $1", {key});
        if (!ok) return std::unexpected(ok.error());
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return {};
}

}  // namespace callbase::compliance
