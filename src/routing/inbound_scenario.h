// The inbound part of the scenario format (TOML; docs/simulation.md,
// "Inbound days"): a file with an [inbound] table describes a day of callers
// and the queues and teams that serve them (routing/inbound_sim.h). A parse
// error or a wrong key becomes an Error naming the file, the line and the
// key, as for the outbound scenarios (campaigns/scenario_file.h).
//
// Plain functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "routing/inbound_sim.h"

namespace callbase::routing {

// The day a scenario file describes, or nullopt when it has no [inbound]
// table (an outbound scenario: campaigns::LoadScenario reads it). A file
// with both [inbound] and [campaign] (a blended day) is refused for now.
Result<std::optional<InboundDay>> LoadInboundScenario(const std::string& path);
Result<std::optional<InboundDay>> ParseInboundScenario(std::string_view text,
                                                       const std::string& name);

}  // namespace callbase::routing
