// SIP settings (src/telephony/sip/sip_config.h): the TOML file of
// `callbase serve --telephony sip --sip FILE`.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "telephony/sip/sip_config.h"

using namespace callbase;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::WriteTemp(fuzz::Bytes(data, size), ".toml");
    auto options = telephony::sip::LoadSipConfig(path);
    if (!options && options.error().message.empty()) fuzz::Broken("an error without a message");
    return 0;
}
