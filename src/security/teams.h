// Teams (R-SEC-1: "a supervisor sees their own team's numbers and statistics
// and reassigns contacts between operators"): a user belongs to at most one
// team (users.team_id). A supervisor with a team sees the contacts assigned
// to the team's members and the unassigned pool, and assigns only to the
// team's members; of the campaigns, they see the figures of the calls the
// team's members took, their call records and their live states only. A
// supervisor without a team sees the whole base and every figure, as before
// teams existed (a small center needs no teams). api/scope.h applies this.
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::security {

struct Team {
    int64_t id = 0;
    std::string name;
    std::vector<std::string> members;  // user names, sorted
};

class Teams {
public:
    Teams(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    Result<int64_t> Add(const std::string& name, const std::string& actor);
    Result<std::vector<Team>> List();
    // Puts a user in a team (by name); "" takes them out of any.
    Result<void> SetMember(const std::string& user, const std::string& team);
    // The team of a user (by id), if any.
    Result<std::optional<int64_t>> TeamOf(int64_t user_id);
    // The ids of a team's members.
    Result<std::vector<int64_t>> MemberIds(int64_t team_id);
    // A team (by id) with its members' names; NotFound for an unknown id.
    Result<Team> Get(int64_t team_id);

private:
    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::security
