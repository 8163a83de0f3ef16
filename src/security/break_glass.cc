#include "security/break_glass.h"

#include <fmt/format.h>

#include "security/audit.h"

namespace callbase::security {
namespace {

constexpr const char* kColumns =
    "id, user_name, reason, seconds, requested_at, approved_by, approved_at, ends_at, ended_at, "
    "ended_by";

BreakGlass FromRow(const store::Row& r) {
    BreakGlass b;
    b.id = r.Int(0);
    b.user = r.Text(1);
    b.reason = r.Text(2);
    b.seconds = r.Int(3);
    b.requested_at = r.Int(4);
    b.approved_by = r.Text(5);
    b.approved_at = r.OptInt(6);
    b.ends_at = r.OptInt(7);
    b.ended_at = r.OptInt(8);
    b.ended_by = r.Text(9);
    return b;
}

std::string Duration(int64_t seconds) {
    if (seconds % 3600 == 0) return fmt::format("{} h", seconds / 3600);
    if (seconds % 60 == 0) return fmt::format("{} min", seconds / 60);
    return fmt::format("{} s", seconds);
}

}  // namespace

std::string BreakGlass::State(UnixSeconds now) const {
    if (ended_at) return "ended";
    if (!approved_at) return "pending";
    return ends_at && *ends_at > now ? "active" : "expired";
}

Result<int64_t> BreakGlassAccess::Request(const std::string& user, Role role,
                                          const std::string& reason, int64_t seconds) {
    if (role != Role::kAdmin) {
        return Fail(ErrorCode::kConflict,
                    Msg{"break_glass.not_admin",
                        "{name} ({role}) cannot ask for break-glass access: it is the "
                        "administrator's way to see business data for a support case",
                        "your role already shows what it may see; see `callbase user permissions`"},
                    {{"name", user}, {"role", std::string(RoleId(role))}});
    }
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"break_glass.no_reason", "say why break-glass access is needed",
                        "give a reason naming the support case, e.g. --reason \"ticket 4711: "
                        "the card of a caller does not open\""});
    }
    if (seconds <= 0 || seconds > kBreakGlassMaxSeconds) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"break_glass.bad_length",
                        "a break-glass access of {seconds} seconds is not allowed",
                        "ask for 1 second up to {most} ({most_seconds} seconds)"},
                    {{"seconds", std::to_string(seconds)},
                     {"most", Duration(kBreakGlassMaxSeconds)},
                     {"most_seconds", std::to_string(kBreakGlassMaxSeconds)}});
    }
    auto id = store_.QueryValue(
        "INSERT INTO break_glass (user_name, reason, seconds, requested_at) VALUES ($1, $2, $3, "
        "$4) RETURNING id",
        {user, reason, seconds, clock_.Now()});
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<BreakGlass> BreakGlassAccess::Get(int64_t id) {
    auto rows =
        store_.Query(fmt::format("SELECT {} FROM break_glass WHERE id = $1", kColumns), {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"break_glass.no_request", "no break-glass request #{id}",
                        "see `callbase access break-glass list`"},
                    {{"id", std::to_string(id)}});
    }
    return FromRow(rows->front());
}

Result<BreakGlass> BreakGlassAccess::Approve(int64_t id, const std::string& approver,
                                             Role approver_role, const std::string& source) {
    if (approver_role != Role::kDpo) {
        return Fail(ErrorCode::kConflict,
                    Msg{"break_glass.not_dpo", "{name} ({role}) cannot approve break-glass access",
                        "the data-protection officer (dpo) approves it"},
                    {{"name", approver}, {"role", std::string(RoleId(approver_role))}});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto b = Get(id);
    if (!b) return std::unexpected(b.error());
    const UnixSeconds now = clock_.Now();
    if (b->State(now) != "pending") {
        return Fail(
            ErrorCode::kConflict,
            Msg{"break_glass.decided", "break-glass request #{id} is {break_glass_state} already",
                "the admin asks again for a new one"},
            {{"id", std::to_string(id)}, {"break_glass_state", b->State(now)}});
    }
    if (b->user == approver) {
        return Fail(ErrorCode::kConflict,
                    Msg{"break_glass.own_request",
                        "{name} asked for break-glass #{id} and cannot approve it"},
                    {{"name", approver}, {"id", std::to_string(id)}});
    }
    auto ok = store_.Exec(
        "UPDATE break_glass SET approved_by = $1, approved_at = $2, ends_at = $3 WHERE id = $4 "
        "AND approved_at IS NULL AND ended_at IS NULL",
        {approver, now, now + b->seconds, id});
    if (!ok) return std::unexpected(ok.error());
    // The reason stays out of the log: it may name a person, and the log is
    // append-only. The request (break-glass:ID) holds it.
    AuditLog log(store_, clock_);
    auto logged = log.AppendWithin({approver, "break_glass", "break-glass granted",
                                    fmt::format("break-glass:{},user:{}", id, b->user), source,
                                    fmt::format("{} sees as a supervisor for {}, until {}", b->user,
                                                Duration(b->seconds), now + b->seconds)});
    if (!logged) return std::unexpected(logged.error());
    if (auto done = tx->Commit(); !done) return std::unexpected(done.error());
    return Get(id);
}

Result<BreakGlass> BreakGlassAccess::End(int64_t id, const std::string& by, Role by_role) {
    auto b = Get(id);
    if (!b) return std::unexpected(b.error());
    if (b->user != by && by_role != Role::kDpo) {
        return Fail(
            ErrorCode::kConflict,
            Msg{"break_glass.not_yours", "break-glass #{id} is {owner}'s: {name} cannot end it",
                "the admin who asked or the dpo ends it"},
            {{"id", std::to_string(id)}, {"owner", b->user}, {"name", by}});
    }
    const UnixSeconds now = clock_.Now();
    const std::string state = b->State(now);
    if (state != "pending" && state != "active") {
        return Fail(ErrorCode::kConflict,
                    Msg{"break_glass.over", "break-glass #{id} is {break_glass_state} already"},
                    {{"id", std::to_string(id)}, {"break_glass_state", state}});
    }
    auto ok = store_.Exec(
        "UPDATE break_glass SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL",
        {now, by, id});
    if (!ok) return std::unexpected(ok.error());
    return Get(id);
}

Result<std::vector<BreakGlass>> BreakGlassAccess::List(int64_t limit) {
    auto rows = store_.Query(
        fmt::format("SELECT {} FROM break_glass ORDER BY id DESC LIMIT $1", kColumns), {limit});
    if (!rows) return std::unexpected(rows.error());
    std::vector<BreakGlass> out;
    for (const auto& r : *rows)
        out.push_back(FromRow(r));
    return out;
}

Result<std::optional<BreakGlass>> BreakGlassAccess::Open(const std::string& user) {
    auto rows = store_.Query(
        fmt::format("SELECT {} FROM break_glass WHERE user_name = $1 AND approved_at IS NOT NULL "
                    "AND ended_at IS NULL AND ends_at > $2 ORDER BY ends_at DESC LIMIT 1",
                    kColumns),
        {user, clock_.Now()});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<BreakGlass>();
    return std::optional<BreakGlass>(FromRow(rows->front()));
}

Result<Role> ViewingRole(store::Store& store, const Clock& clock, const std::string& user,
                         Role role) {
    if (role != Role::kAdmin) return role;
    auto open = BreakGlassAccess(store, clock).Open(user);
    if (!open) return std::unexpected(open.error());
    return *open ? Role::kSupervisor : role;
}

}  // namespace callbase::security
