// The PostgreSQL backend of Store (libpq), for installations that outgrow one
// file. libpq is used only inside src/store/. One connection; not thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "store/store.h"

namespace callbase::store {

// Connects to a postgresql:// URL.
Result<std::unique_ptr<Store>> OpenPostgres(std::string_view url);

}  // namespace callbase::store
