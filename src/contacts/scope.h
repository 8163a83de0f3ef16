// Which contacts a person may see at all (R-SEC-1, seed 004: "an operator
// works only the numbers assigned to them for the current task"). A Scope is
// the one restriction every read of contacts applies when it is given
// (ContactBook::Restrict: search, count, the card, the screen pop and every
// change by id); a contact outside it reads as one that does not exist, so
// that its existence is not revealed. Who gets which scope is decided above
// (api/scope.h), from the role, the team and the desk.
//
// Plain values; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contacts/filter.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

struct Scope {
    // Contacts assigned to one of these users (contacts.assigned_to).
    std::vector<int64_t> assignees;
    // And the contacts assigned to nobody: the pool a team's supervisor
    // hands out.
    bool unassigned = false;
    // An operator's own work, by their user name: their callbacks not yet
    // done, and the contacts of the calls they had since `calls_since`
    // (Unix seconds).
    std::string agent;
    int64_t calls_since = 0;
    // The leads of the campaigns they work: each campaign's segment.
    std::vector<Filter> segments;
    // Single contacts: the call on their desk.
    std::vector<int64_t> contacts;
};

// A condition over `contacts c` (no WHERE) and its parameters, numbered from
// first_param ($N); the same SqlWhere as ToSql gives for a filter.
Result<SqlWhere> ScopeSql(const Scope& scope, int64_t now, int first_param,
                          const store::Cipher* cipher);

// Whether contact `id` is in the scope (one query).
Result<bool> InScope(store::Store& store, const Scope& scope, int64_t now, int64_t id);

}  // namespace callbase::contacts
