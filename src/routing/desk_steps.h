// What operators did on a call from the desk (docs/routing.md, "Call
// controls"): the spells it was on hold, the transfers that passed it on and
// the conferences it had. Kept on the call's record, in the route column's
// JSON as "holds", "transfers" and "conferences" beside "missed", for the
// call's history, the reports' hold time and transfers, and Asterisk's
// BLINDTRANSFER and ATTENDEDTRANSFER queue_log lines.
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
    // blind: the caller goes at once, nobody announced; attended: the
    // operator talked with the colleague first (a consultation).
    std::string mode = "blind";
    int64_t at = 0;         // Unix ms
    int64_t talked_ms = 0;  // the operator's own talk on it (from the voices) until then
    bool operator==(const Transfer&) const = default;
};

// Three talking together: the operator, the caller and the colleague the
// operator consulted.
struct Conference {
    std::string agent;  // the operator who made it
    std::string with;   // the colleague
    int64_t at = 0;     // Unix ms
    int64_t ms = 0;     // how long all three talked
    bool operator==(const Conference&) const = default;
};

struct DeskSteps {
    std::vector<HoldSpell> holds;
    std::vector<Transfer> transfers;
    std::vector<Conference> conferences;
    bool empty() const { return holds.empty() && transfers.empty() && conferences.empty(); }
    int64_t HoldMs() const;
    bool operator==(const DeskSteps&) const = default;
};

// Adds "holds": [{"agent", "at", "ms"}], "transfers": [{"from", "to",
// "mode", "at", "talked_ms"}] and "conferences": [{"agent", "with", "at",
// "ms"}] to a route object, each only when not empty.
void AddDeskSteps(nlohmann::json& route, const DeskSteps& steps);
// Those members of a stored route object; entries without an operator skipped.
DeskSteps ParseDeskSteps(const nlohmann::json& route);

}  // namespace callbase::routing
