// Why a campaign dials nothing, and what a campaign about to start will run
// into (issue 18, "nothing fails silently").
//
// DiagnoseStall() looks at a running campaign — its settings, the calling
// rules, the moment and the call center's UTC offset, and what is known of
// its leads, agents and caller IDs — and returns every reason it cannot dial
// now, each a Finding: a code and its parameters, which the web UI and the
// CLI put into words ("campaign.stall.day_off" {weekday: "sat", allowed:
// "mon-fri"} is «Сегодня суббота: правила разрешают звонить пн–пт»). An empty
// list: nothing holds the campaign back that these figures show.
//
// CheckBeforeStart() gives the warnings a supervisor should read before
// starting a campaign (codes "campaign.warning.*"): an empty segment, rules
// that allow no day, a schedule that never meets the rules' window for the
// callees' time zones. Warnings never forbid the start.
//
// The calling rules' window and weekdays are the callee's local time
// (compliance/gate.h); the campaign's schedule is the call center's clock.
// Both functions are pure: safe from any thread, tested without a server.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "campaigns/campaign_book.h"
#include "compliance/gate.h"
#include "core/clock.h"

namespace callbase::campaigns {

struct Finding {
    std::string code;                           // "campaign.stall.day_off"
    std::map<std::string, std::string> params;  // {"weekday": "sat", "allowed": "mon-fri"}
    bool operator==(const Finding&) const = default;
};

// What is known of a campaign's leads, agents and caller IDs; a figure left
// unknown (nullopt) is not judged.
struct StallFigures {
    std::optional<int64_t> segment;     // contacts in the segment with a callable number
    std::optional<int64_t> leads_left;  // leads not yet closed (reached, given up)
    // Leads whose last answer from the dial gate was a refusal, by reason
    // (compliance::DenyReasonId), closed ones included.
    std::map<std::string, int64_t> held;
    // Operators ready, on a call or in wrap-up (not paused, not offline).
    std::optional<int> agents_working;
    std::optional<int> agents_logged_in;          // operators in the campaign (not offline)
    std::optional<int64_t> caller_id_calls_left;  // calls the pool may still make today
    // The callees' UTC offsets (minutes) and how many leads each; empty:
    // the rules' default offset for every lead.
    std::map<int, int64_t> callee_offsets;
};

std::vector<Finding> DiagnoseStall(const CampaignSpec& spec, const compliance::CallingRules& rules,
                                   UnixSeconds now, int center_utc_offset_minutes,
                                   const StallFigures& figures);

// `segment`: contacts the segment selects now; `callee_offsets` as above.
std::vector<Finding> CheckBeforeStart(const CampaignSpec& spec,
                                      const compliance::CallingRules& rules, int64_t segment,
                                      int center_utc_offset_minutes,
                                      const std::map<int, int64_t>& callee_offsets = {});

// The callees' offsets of a list of leads (unknown: the rules' default).
std::map<int, int64_t> CalleeOffsets(const std::vector<Lead>& leads, int default_offset_minutes);

// A finding in English, for the CLI and logs: "today is Saturday: the calling
// rules allow calls Mon-Fri; change the rules (callbase rules set) or wait
// until Mon 09:00".
std::string FindingText(const Finding& finding);

// [{"code": ..., "params": {...}}, ...]: the API's and --json's form.
nlohmann::json FindingsJson(const std::vector<Finding>& findings);

// "mon-fri", "mon,wed,sat", "every day", "no day" for a rules' weekday mask.
std::string WeekdaysText(uint8_t weekdays);

}  // namespace callbase::campaigns
