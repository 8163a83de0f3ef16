// A phone that rang for a call and did not take it (docs/routing.md, "A phone
// that does not answer"): kept on the call's record, in the route column's
// JSON as "missed", for Asterisk's RINGNOANSWER queue_log line and the
// reports' missed calls per operator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace callbase::routing {

struct MissedRing {
    std::string agent;
    int64_t at = 0;    // Unix ms: the call reached the operator (card, then the phone's ring)
    int64_t rang = 0;  // ms until the phone gave up: rang out, refused, not reached
    int cause = 0;     // SIP: 408 rang out, 486 refused…; 0 not reached
    bool operator==(const MissedRing&) const = default;
};

// [{"agent", "at", "rang_ms", "cause"}]
nlohmann::json MissedRingsJson(const std::vector<MissedRing>& missed);
// The "missed" member of a stored route object; none when it has none, and
// entries without an agent skipped (a route written by an older version).
std::vector<MissedRing> ParseMissedRings(const nlohmann::json& route);

}  // namespace callbase::routing
