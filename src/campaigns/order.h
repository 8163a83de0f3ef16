// The order in which a campaign calls its leads (R-OUT-1, seed 002):
// sequential by a field, or by priority rules. A rule is a filter condition
// and a weight; a lead's score is the sum of the weights of the rules it
// matches; higher scores are called first and equal scores keep the
// sequential order.
//
// A rule is written as a filter expression (contacts/filter.h), a colon and
// an integer weight: "status=new:100", "source=Сайт-визитка:50",
// "field:Сумма последнего заказа>10000:80", "idle>30:70" (last contact more
// than 30 days ago). The weight is after the last colon.
//
// Pure functions over plain values; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "campaigns/lead.h"
#include "contacts/filter.h"
#include "core/clock.h"
#include "core/error.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::campaigns {

struct PriorityRule {
    contacts::FilterTerm term;
    int weight = 0;
    std::string text;  // as written, for display
};

struct Order {
    // The sequential order: "id" (the order contacts were added), "added",
    // "idle", "status", "source", "region" or "field:<name>"; ascending unless
    // descending. "idle" ascending is the most idle first (the oldest last
    // contact; a lead never contacted counts from when it was added, as the
    // idle filter does); "status" follows the status list (new, in_progress,
    // callback, decided, refused, inactive). A lead without a source, region
    // or field value comes after those with one in either direction.
    std::string by = "id";
    bool descending = false;
    std::vector<PriorityRule> rules;  // empty: purely sequential
};

// "EXPR:WEIGHT". Errors name the text and say what to write. name and email
// are refused: a lead does not carry them.
Result<PriorityRule> ParsePriorityRule(std::string_view text, const phone::Cleaner& cleaner);
// "id", "added", ... optionally prefixed with '-' for descending.
Result<Order> ParseOrder(std::string_view by, const std::vector<std::string>& rules,
                         const phone::Cleaner& cleaner);

// Whether the lead satisfies one filter condition at `now` (idle and added
// count days from now). Numbers compare as numbers, dates (YYYY-MM-DD) as
// dates, text exactly for = and != and case-insensitively for ~. The meaning
// is that of contacts::ToSql: tags and field names ignore case, so does = on a
// text field, a missing field matches only !=, and idle counts a lead never
// contacted from when it was added.
bool Matches(const contacts::FilterTerm& term, const Lead& lead, UnixSeconds now);
int Score(const Lead& lead, const std::vector<PriorityRule>& rules, UnixSeconds now);

// Sorts in place: by score (highest first) when there are rules, then by the
// sequential order, then by contact id. Stable and deterministic.
void SortLeads(std::vector<Lead>& leads, const Order& order, UnixSeconds now);

}  // namespace callbase::campaigns
