#include "security/access_review.h"

#include <fmt/format.h>

#include <ctime>
#include <map>

#include "security/break_glass.h"
#include "security/users.h"

namespace callbase::security {
namespace {

std::string Iso(std::optional<UnixSeconds> t) {
    if (!t) return "";
    std::time_t tt = static_cast<std::time_t>(*t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// A CSV field (RFC 4180), safe for spreadsheets: text that a spreadsheet
// would take for a formula starts with an apostrophe.
std::string Field(std::string s) {
    if (!s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos)
        s = "'" + s;
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

Result<void> RecordPermissionUse(store::Store& store, const std::string& user,
                                 std::string_view permission, UnixSeconds at) {
    auto ok = store.Exec(
        "INSERT INTO permission_use (user_name, permission, last_used_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (user_name, permission) DO UPDATE SET last_used_at = excluded.last_used_at "
        "WHERE permission_use.last_used_at < excluded.last_used_at",
        {user, std::string(permission), at});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Result<std::vector<ReviewedUser>> AccessReview(store::Store& store, const Clock& clock) {
    const UnixSeconds now = clock.Now();
    auto users = Users(store, clock).List();
    if (!users) return std::unexpected(users.error());
    std::map<std::string, UnixSeconds> logins;
    auto ok =
        store.ForEach("SELECT actor, MAX(at) FROM audit_log WHERE action = 'login' GROUP BY actor",
                      {}, [&](const store::Row& r) {
                          logins[r.Text(0)] = r.Int(1);
                          return true;
                      });
    if (!ok) return std::unexpected(ok.error());
    std::map<std::pair<std::string, std::string>, UnixSeconds> used;
    ok = store.ForEach("SELECT user_name, permission, last_used_at FROM permission_use", {},
                       [&](const store::Row& r) {
                           used[{r.Text(0), r.Text(1)}] = r.Int(2);
                           return true;
                       });
    if (!ok) return std::unexpected(ok.error());
    std::map<std::string, std::string> teams;
    ok = store.ForEach("SELECT u.name, t.name FROM users u JOIN teams t ON t.id = u.team_id", {},
                       [&](const store::Row& r) {
                           teams[r.Text(0)] = r.Text(1);
                           return true;
                       });
    if (!ok) return std::unexpected(ok.error());

    std::vector<ReviewedUser> out;
    for (const User& u : *users) {
        ReviewedUser r;
        r.name = u.name;
        r.role = std::string(RoleId(u.role));
        r.state = u.disabled_at                               ? "disabled"
                  : (u.locked_until && *u.locked_until > now) ? "locked"
                                                              : "active";
        r.team = teams.count(u.name) ? teams[u.name] : "";
        r.totp = u.totp_enabled;
        r.created_at = u.created_at;
        if (auto it = logins.find(u.name); it != logins.end()) r.last_login = it->second;
        auto open = BreakGlassAccess(store, clock).Open(u.name);
        if (!open) return std::unexpected(open.error());
        if (*open) r.break_glass_until = (*open)->ends_at;
        for (Permission p : AllPermissions()) {
            if (!Allowed(u.role, p)) continue;
            ReviewedRight right{std::string(PermissionId(p)), std::nullopt, true};
            if (auto it = used.find({u.name, right.permission}); it != used.end()) {
                right.last_used = it->second;
                right.unused = now - it->second > kUnusedAfter;
            }
            r.rights.push_back(std::move(right));
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::string AccessReviewCsv(const std::vector<ReviewedUser>& users) {
    std::string out =
        "user,role,state,team,totp,created_at,last_login,permission,last_used,unused_90_days\r\n";
    for (const auto& u : users) {
        const std::string head =
            fmt::format("{},{},{},{},{},{},{}", Field(u.name), u.role, u.state, Field(u.team),
                        u.totp ? "on" : "off", Iso(u.created_at), Iso(u.last_login));
        if (u.rights.empty()) out += head + ",,,\r\n";
        for (const auto& r : u.rights) {
            out += fmt::format("{},{},{},{}\r\n", head, r.permission, Iso(r.last_used),
                               r.unused ? "yes" : "no");
        }
    }
    return out;
}

}  // namespace callbase::security
