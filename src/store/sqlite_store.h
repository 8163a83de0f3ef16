// The SQLite backend of Store: the embedded default (./callbase.db), in WAL mode
// with foreign keys on. SQLite is used only inside src/store/.
// One connection; not thread-safe (see store.h).
#pragma once

#include <memory>
#include <string_view>

#include "store/store.h"

namespace callbase::store {

// Opens (creating if needed) the SQLite file at path.
Result<std::unique_ptr<Store>> OpenSqlite(std::string_view path);

}  // namespace callbase::store
