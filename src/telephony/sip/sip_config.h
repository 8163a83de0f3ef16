// The SIP settings file (TOML) that `callbase serve --telephony sip` reads:
// our address, RTP ports, the trunk, recordings. docs/telephony.md gives
// every key; examples/sip/ has a Russian trunk and the test's loopback one.
#pragma once

#include <string>

#include "core/error.h"
#include "telephony/sip/sip_telephony.h"

namespace callbase::telephony::sip {

// Reads and checks the file; errors name file:line and the key. Relative
// paths in it (recordings, password_file) are taken from the file's folder.
Result<SipOptions> LoadSipConfig(const std::string& path);

}  // namespace callbase::telephony::sip
