#include "store/postgres_store.h"

namespace callbase::store {

Result<std::unique_ptr<Store>> OpenPostgres(std::string_view) {
    return Fail(ErrorCode::kInternal, "PostgreSQL backend not built yet");
}

}  // namespace callbase::store
