// Robot scripts (src/ivr/script.h): the YAML loader, `callbase ivr check`
// (CheckScript), and a walk through what loads, as a call would take it.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "ivr/script.h"

using namespace callbase;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto script = ivr::ParseScript(fuzz::Bytes(data, size), "fuzz.yaml");
    if (!script) {
        if (script.error().message.empty()) fuzz::Broken("an error without a message");
        return 0;
    }
    bool errors = false;
    for (const ivr::Problem& p : ivr::CheckScript(*script))
        errors |= p.error;
    if (errors) return 0;  // `ivr check` refuses it; a campaign never runs it
    // A script that passes the check is walked: every key, in turn, then silence.
    ivr::Walk walk(*script);
    ivr::Walk::Step step = walk.Start();
    static const char* kKeys[] = {"1", "2", "0", "9", "*", "#", "12", ""};
    for (int i = 0; i < 64 && !step.ended; ++i) {
        if (step.waiting)
            step = walk.Keys(kKeys[i % std::size(kKeys)]);
        else
            break;
    }
    return 0;
}
