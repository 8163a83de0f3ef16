// The shipped numbering plan and a Cleaner over it, loaded once per test
// process and shared by every test that cleans numbers. Test-only; the Cleaner
// is immutable, so tests may share it.
#pragma once

#include "phone/clean.h"
#include "phone/numbering_plan.h"

namespace callbase::testing {

// Aborts the test binary with the loader's message if data/ cannot be read.
const phone::NumberingPlan& TestPlan();
const phone::Cleaner& TestCleaner();

}  // namespace callbase::testing
