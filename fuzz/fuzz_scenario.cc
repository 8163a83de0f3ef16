// Campaign scenarios (src/campaigns/scenario_file.h): the TOML a campaign is
// described in, as `callbase campaign simulate|run FILE` reads it.
#include <cstdint>
#include <string>

#include "campaigns/scenario_file.h"
#include "fuzz/fuzz_util.h"

using namespace callbase;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto scenario = campaigns::ReadScenarioText(fuzz::Bytes(data, size), "fuzz.toml");
    if (!scenario && scenario.error().message.empty()) fuzz::Broken("an error without a message");
    return 0;
}
