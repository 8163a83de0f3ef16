// A demo base (`callbase init --demo`, scripts/demo): its contacts' numbers
// are invented inside real ranges of the numbering plan, so that cards show a
// real region, operator and time zone — and so they may belong to real
// people. A demo base is marked in its settings ("demo_base"), for good: no
// command takes the mark away, and the campaign runner refuses to start a
// real network (a SIP trunk) on a marked base, so nothing in it is ever
// dialed for real. The simulated network dials it as any base.
//
// Plain functions over the Store: same thread rules as the Store.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::campaigns {

Result<bool> IsDemoBase(store::Store& store);
// Marks the base a demo base (again is harmless).
Result<void> MarkDemoBase(store::Store& store, const Clock& clock, const std::string& actor);

// The refusal the runner gives for a real network on a demo base.
Error DemoBaseRefusal(std::string_view network);

}  // namespace callbase::campaigns
