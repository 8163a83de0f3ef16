// A lead: one number of a campaign's segment, with what the ordering rules,
// the caller-ID pool and the dial gate need to know about it. Plain values,
// copied out of the base (or made up by a simulation scenario).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace callbase::campaigns {

struct Lead {
    int64_t contact_id = 0;
    std::string e164;
    std::optional<int> utc_offset_minutes;  // the callee's; unknown -> the rules' default
    // What a priority rule or the sequential order may look at; the keys of
    // contacts::FilterTerm: status, source, region (the contact's), tag,
    // field:<name>, added, idle.
    std::string status = "new";
    std::string source;
    std::string region;        // the contact's region as written in the base
    std::string phone_region;  // the number's region from the numbering plan (local presence)
    std::vector<std::string> tags;
    std::map<std::string, std::string, std::less<>> fields;  // custom field name -> value
    UnixSeconds added_at = 0;
    std::optional<UnixSeconds> last_contact_at;
};

}  // namespace callbase::campaigns
