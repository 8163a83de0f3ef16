#include "support/test_phone.h"

#include <fmt/format.h>

#include <cstdlib>

namespace callbase::testing {

const phone::NumberingPlan& TestPlan() {
    static const phone::NumberingPlan kPlan = [] {
        auto loaded = phone::NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
        if (!loaded) {
            fmt::print(stderr, "cannot load the numbering plan: {}\n", loaded.error().message);
            std::abort();
        }
        return std::move(*loaded);
    }();
    return kPlan;
}

const phone::Cleaner& TestCleaner() {
    static const phone::Cleaner kCleaner(TestPlan());
    return kCleaner;
}

}  // namespace callbase::testing
