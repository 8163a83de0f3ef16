// The schema migrations embedded in the binary at build time from
// migrations/<backend>/NNN_name.sql (generated migrations.cc). Migration N is at
// index N-1; both backends have the same count. Immutable; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "store/store.h"

namespace callbase::store {

struct Migration {
    std::string_view name;
    std::string_view sql;
};

const std::vector<Migration>& Migrations(Backend backend);

}  // namespace callbase::store
