// What operators did on a call from the desk (docs/routing.md, "Call
// controls"): the spells it was on hold and the transfers that passed it on.
// Kept on the call's record, in the route column's JSON as "holds" and
// "transfers" beside "missed", for the call's history, the reports' hold time
// and transfers, and Asterisk's BLINDTRANSFER queue_log line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace callbase::routing {

struct HoldSpell {
    std::string agent;  // who put the caller on hold
    int64_t at = 0;     // Unix ms
    int64_t ms = 0;     // how long; a spell open when the call ended ends with it
    bool operator==(const HoldSpell&) const = default;
};

struct Transfer {
    std::string from;  // the operator who passed the call on
    // Where to: "agent:olga" or "queue:sales".
    std::string to;
    std::string mode = "blind";  // blind: the caller goes at once, nobody announced
    int64_t at = 0;              // Unix ms
    int64_t talked_ms = 0;       // the operator's own talk on it (from the voices) until then
    bool operator==(const Transfer&) const = default;
};

struct DeskSteps {
    std::vector<HoldSpell> holds;
    std::vector<Transfer> transfers;
    bool empty() const { return holds.empty() && transfers.empty(); }
    int64_t HoldMs() const;
    bool operator==(const DeskSteps&) const = default;
};

// Adds "holds": [{"agent", "at", "ms"}] and "transfers": [{"from", "to",
// "mode", "at", "talked_ms"}] to a route object, each only when not empty.
void AddDeskSteps(nlohmann::json& route, const DeskSteps& steps);
// Those members of a stored route object; entries without an operator skipped.
DeskSteps ParseDeskSteps(const nlohmann::json& route);

}  // namespace callbase::routing
