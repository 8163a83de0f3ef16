// SavedFilters: a user's searches kept under names (issue 18, section 3) —
// the filter expressions of a search (filter.h), saved and opened again.
//
// Each user has their own: the owner is the acting user and the class never
// reads another's. Saving under a name the user already used replaces that
// filter. The expressions are kept as a JSON array, sealed on an encrypted
// base (a filter may name a person or hold a number); they are not parsed
// here, the search parses them when the filter is used.
//
// Ownership and threads: borrows the Store& and Clock& (both must outlive
// it); one per thread, like the Store. Each write is one statement.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

struct SavedFilter {
    int64_t id = 0;
    std::string name;
    std::vector<std::string> expressions;
    int64_t created_at = 0, updated_at = 0;
};

class SavedFilters {
public:
    // A name is at most this long (characters as UTF-8 bytes).
    static constexpr size_t kMaxNameBytes = 200;
    // A user keeps at most this many.
    static constexpr int64_t kMaxPerUser = 200;

    SavedFilters(store::Store& store, const Clock& clock, std::string owner)
        : store_(store), clock_(clock), owner_(std::move(owner)) {}

    // The owner's filters by name.
    Result<std::vector<SavedFilter>> List();
    // Saves (or replaces) the filter `name`; the name is trimmed and must not
    // be empty. Returns it as kept.
    Result<SavedFilter> Save(std::string_view name, const std::vector<std::string>& expressions);
    // Removes the owner's filter `id`; NotFound when the owner has none by
    // that id (another user's filter is not theirs to remove).
    Result<void> Remove(int64_t id);

private:
    store::Store& store_;
    const Clock& clock_;
    std::string owner_;
};

}  // namespace callbase::contacts
