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

namespace {

// Whether an outcome is a failure for the inactivity rule; none when unknown.
std::optional<bool> Failed(const std::string& outcome) {
    if (outcome == "answered") return false;
    if (outcome == "busy" || outcome == "no_answer" || outcome == "failed" ||
        outcome == "invalid" || outcome == "rejected") {
        return true;
    }
    return std::nullopt;
}

Error UnknownOutcome(const std::string& outcome) {
    return Coded(ErrorCode::kInvalidInput,
                 Msg{"attempt.unknown_outcome", "unknown outcome {outcome}",
                     "use answered, busy, no_answer, failed, invalid or rejected"},
                 {{"outcome", outcome}});
}

}  // namespace

Result<AttemptResult> Attempts::Record(const std::string& e164, UnixSeconds at,
                                       const std::string& outcome,
                                       std::optional<int> utc_offset_minutes,
                                       const std::string& actor) {
    const auto failed = Failed(outcome);
    if (!failed) return std::unexpected(UnknownOutcome(outcome));
    const std::string key = store::PhoneKey(store_, e164);
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id = store_.QueryValue(
        "INSERT INTO call_attempts (e164, at, outcome, failed, utc_offset, recorded_by) VALUES "
        "($1, $2, $3, $4, $5, $6) RETURNING id",
        {key, at, outcome, int64_t{*failed ? 1 : 0}, store::Nullable(utc_offset_minutes), actor});
    if (!id) return std::unexpected(id.error());
    auto result = ApplyInactivity(key, store::Row({*id}).Int(0));
    if (!result) return result;
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return result;
}

Result<int64_t> Attempts::Begin(const std::string& e164, UnixSeconds at,
                                std::optional<int> utc_offset_minutes, const std::string& actor) {
    auto id = store_.QueryValue(
        "INSERT INTO call_attempts (e164, at, outcome, failed, utc_offset, recorded_by) VALUES "
        "($1, $2, 'dialing', 0, $3, $4) RETURNING id",
        {store::PhoneKey(store_, e164), at, store::Nullable(utc_offset_minutes), actor});
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<AttemptResult> Attempts::Complete(int64_t id, const std::string& outcome) {
    const auto failed = Failed(outcome);
    if (!failed && outcome != "interrupted") return std::unexpected(UnknownOutcome(outcome));
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto key = store_.Query("SELECT e164 FROM call_attempts WHERE id = $1", {id});
    if (!key) return std::unexpected(key.error());
    if (key->empty()) {
        return Fail(ErrorCode::kNotFound, Msg{"attempt.not_found", "attempt #{id} does not exist"},
                    {{"id", std::to_string(id)}});
    }
    auto set = store_.Exec("UPDATE call_attempts SET outcome = $1, failed = $2 WHERE id = $3",
                           {outcome, int64_t{failed.value_or(false) ? 1 : 0}, id});
    if (!set) return std::unexpected(set.error());
    auto result = ApplyInactivity(key->front().Text(0), id);
    if (!result) return result;
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return result;
}

Result<int64_t> Attempts::CloseInterrupted() {
    auto n = store_.Exec(
        "UPDATE call_attempts SET outcome = 'interrupted', failed = 0 WHERE outcome = 'dialing'");
    if (!n) return std::unexpected(n.error());
    return static_cast<int64_t>(*n);
}

Result<AttemptResult> Attempts::ApplyInactivity(const std::string& key, int64_t id) {
    AttemptResult result;
    result.id = id;
    // Failures after the last answered call and after a reactivation, by the
    // callee's local day. A dial in progress or interrupted is neither.
    auto rows = store_.Query(
        "SELECT at, utc_offset FROM call_attempts WHERE e164 = $1 AND failed = 1 AND at > "
        "COALESCE((SELECT MAX(at) FROM call_attempts WHERE e164 = $1 AND outcome = 'answered'), "
        "-1) AND at > COALESCE((SELECT MAX(reviewed_at) FROM inactive_review WHERE e164 = $1 AND "
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
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"inactive.unknown_decision", "unknown decision {decision}",
                        "use reactivate or keep"},
                    {{"decision", decision}});
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
        return Fail(ErrorCode::kNotFound,
                    Msg{"inactive.not_listed", "{phone} is not on the review list",
                        "see `callbase inactive list`"},
                    {{"phone", e164}});
    }
    if (decision == "reactivate") {
        auto ok = store_.Exec("UPDATE phones SET inactive = 0 WHERE e164 = $1", {key});
        if (!ok) return std::unexpected(ok.error());
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return {};
}

}  // namespace callbase::compliance
