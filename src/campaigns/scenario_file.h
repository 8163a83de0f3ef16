// The scenario file format (TOML; docs/simulation.md describes every key).
// The only place that includes toml++: a parse error or a wrong key becomes
// an Error naming the file, the line and the key.
#pragma once

#include <string>
#include <string_view>

#include "campaigns/scenario.h"
#include "core/error.h"

namespace callbase::campaigns {

Result<Scenario> ReadScenarioFile(const std::string& path);
Result<Scenario> ReadScenarioText(std::string_view text, const std::string& name);

}  // namespace callbase::campaigns
