#include "security/teams.h"

#include <fmt/format.h>

#include <map>

namespace callbase::security {

Result<int64_t> Teams::Add(const std::string& name, const std::string& actor) {
    if (name.empty() || name.size() > 100) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"team.bad_name", "a team needs a name of 1 to 100 characters",
                        "e.g. `callbase team add sales-1`"});
    }
    auto exists = store_.QueryValue("SELECT COUNT(*) FROM teams WHERE name = $1", {name});
    if (!exists) return std::unexpected(exists.error());
    if (store::Row({*exists}).Int(0) > 0) {
        return Fail(ErrorCode::kConflict,
                    Msg{"team.exists", "team {team} exists already", "see `callbase team list`"},
                    {{"team", name}});
    }
    auto id = store_.QueryValue(
        "INSERT INTO teams (name, created_at, created_by) VALUES ($1, $2, $3) RETURNING id",
        {name, clock_.Now(), actor});
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<std::vector<Team>> Teams::List() {
    std::vector<Team> out;
    std::map<int64_t, size_t> at;
    auto ok =
        store_.ForEach("SELECT id, name FROM teams ORDER BY name", {}, [&](const store::Row& r) {
            at[r.Int(0)] = out.size();
            out.push_back({r.Int(0), r.Text(1), {}});
            return true;
        });
    if (!ok) return std::unexpected(ok.error());
    ok = store_.ForEach("SELECT team_id, name FROM users WHERE team_id IS NOT NULL ORDER BY name",
                        {}, [&](const store::Row& r) {
                            if (auto it = at.find(r.Int(0)); it != at.end())
                                out[it->second].members.push_back(r.Text(1));
                            return true;
                        });
    if (!ok) return std::unexpected(ok.error());
    return out;
}

Result<void> Teams::SetMember(const std::string& user, const std::string& team) {
    store::Value team_id;
    if (!team.empty()) {
        auto rows = store_.Query("SELECT id FROM teams WHERE name = $1", {team});
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty()) {
            return Fail(ErrorCode::kNotFound,
                        Msg{"team.no_team", "no team {team}",
                            "add it with `callbase team add`, or see `callbase team list`"},
                        {{"team", team}});
        }
        team_id = rows->front().Int(0);
    }
    auto n = store_.Exec("UPDATE users SET team_id = $1, updated_at = $2 WHERE name = $3",
                         {team_id, clock_.Now(), user});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"user.no_user", "no user {name}", "see `callbase user list`"},
                    {{"name", user}});
    }
    return {};
}

Result<std::optional<int64_t>> Teams::TeamOf(int64_t user_id) {
    auto rows = store_.Query("SELECT team_id FROM users WHERE id = $1", {user_id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty() || rows->front().IsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(rows->front().Int(0));
}

Result<std::vector<int64_t>> Teams::MemberIds(int64_t team_id) {
    std::vector<int64_t> out;
    auto ok = store_.ForEach("SELECT id FROM users WHERE team_id = $1 ORDER BY id", {team_id},
                             [&](const store::Row& r) {
                                 out.push_back(r.Int(0));
                                 return true;
                             });
    if (!ok) return std::unexpected(ok.error());
    return out;
}

Result<Team> Teams::Get(int64_t team_id) {
    auto rows = store_.Query("SELECT name FROM teams WHERE id = $1", {team_id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"team.no_id", "no team #{id}", "see `callbase team list`"},
                    {{"id", std::to_string(team_id)}});
    }
    Team team{team_id, rows->front().Text(0), {}};
    auto ok = store_.ForEach("SELECT name FROM users WHERE team_id = $1 ORDER BY name", {team_id},
                             [&](const store::Row& r) {
                                 team.members.push_back(r.Text(0));
                                 return true;
                             });
    if (!ok) return std::unexpected(ok.error());
    return team;
}

}  // namespace callbase::security
