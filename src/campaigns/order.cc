#include "campaigns/order.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "contacts/field_registry.h"
#include "contacts/status.h"
#include "contacts/text.h"

namespace callbase::campaigns {
namespace {

constexpr int64_t kDay = 86400;

constexpr std::string_view kRuleHint =
    "write a filter condition, a colon and an integer weight, e.g. status=new:100 or "
    "field:Сумма>10000:80";

Error BadRule(std::string_view text, std::string_view why, std::string_view hint) {
    return Error{ErrorCode::kInvalidInput, fmt::format("priority rule '{}': {}", text, why),
                 std::string(hint)};
}

// The weight after the last colon: an optional '-' and digits, nothing else.
std::optional<int> ParseWeight(std::string_view text) {
    std::string s = contacts::Trim(text);
    std::string_view digits = s;
    if (digits.starts_with('-')) digits.remove_prefix(1);
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int weight = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), weight);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return weight;
}

// -1, 0 or 1.
template <typename T>
int Compare(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

// Applies a comparison operator to a three-way result.
bool Holds(std::string_view op, int cmp) {
    if (op == "=") return cmp == 0;
    if (op == "!=") return cmp != 0;
    if (op == ">=") return cmp >= 0;
    if (op == "<=") return cmp <= 0;
    if (op == ">") return cmp > 0;
    if (op == "<") return cmp < 0;
    return false;
}

bool ContainsFolded(std::string_view haystack, std::string_view needle) {
    return contacts::FoldCase(haystack).find(contacts::FoldCase(needle)) != std::string::npos;
}

bool EqualsFolded(std::string_view a, std::string_view b) {
    return contacts::FoldCase(a) == contacts::FoldCase(b);
}

// The lead's value of a custom field; names compare case-insensitively, as in
// the base.
const std::string* FindField(const Lead& lead, std::string_view name) {
    if (auto it = lead.fields.find(name); it != lead.fields.end()) return &it->second;
    std::string folded = contacts::FoldCase(name);
    for (const auto& [key, value] : lead.fields) {
        if (contacts::FoldCase(key) == folded) return &value;
    }
    return nullptr;
}

// When the lead was last in touch; a lead never contacted counts from the day
// it was added (COALESCE(last_interaction_at, created_at) in contacts::ToSql).
UnixSeconds LastTouch(const Lead& lead) {
    return lead.last_contact_at.value_or(lead.added_at);
}

std::string CanonicalStatus(std::string_view status) {
    if (auto parsed = contacts::ParseStatus(status))
        return std::string(contacts::StatusId(*parsed));
    return std::string(status);
}

// region, source: = and != exact, ~ a case-insensitive substring.
bool MatchText(std::string_view op, std::string_view have, std::string_view want) {
    if (op == "~") return ContainsFolded(have, want);
    if (op == "=") return have == want;
    if (op == "!=") return have != want;
    return false;
}

bool MatchField(const contacts::FilterTerm& term, const Lead& lead) {
    const std::string* have = FindField(lead, std::string_view(term.key).substr(6));
    // The base finds no value row for a missing field: only != holds.
    if (!have) return term.op == "!=";
    if (term.op == "~") return ContainsFolded(*have, term.value);
    if (auto want = contacts::NormalizeNumber(term.value)) {
        if (auto number = contacts::NormalizeNumber(*have)) {
            return Holds(term.op, Compare(std::stod(*number), std::stod(*want)));
        }
        return Holds(term.op, Compare<std::string_view>(*have, term.value));
    }
    if (auto want = contacts::NormalizeDate(term.value)) {
        std::string date = contacts::NormalizeDate(*have).value_or(*have);
        return Holds(term.op, Compare(date, *want));
    }
    // Text: = and != ignore case (as the base's field comparison does).
    if (term.op == "=" || term.op == "!=") {
        return EqualsFolded(*have, term.value) == (term.op == "=");
    }
    return Holds(term.op, Compare<std::string_view>(*have, term.value));
}

bool MatchAdded(std::string_view op, UnixSeconds added_at, std::string_view date) {
    // A date means the whole UTC day, as in contacts::ToSql.
    int64_t day = contacts::DateToUnix(date);
    if (op == "=") return added_at >= day && added_at < day + kDay;
    if (op == "!=") return added_at < day || added_at >= day + kDay;
    if (op == ">=") return added_at >= day;
    if (op == ">") return added_at >= day + kDay;
    if (op == "<=") return added_at < day + kDay;
    if (op == "<") return added_at < day;
    return false;
}

bool MatchIdle(std::string_view op, UnixSeconds last, std::string_view days_text, UnixSeconds now) {
    // Whole days since the last touch, with the bounds of contacts::ToSql.
    int64_t days = 0;
    auto [end, ec] = std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
    if (ec != std::errc() || end != days_text.data() + days_text.size()) return false;
    int64_t edge = now - days * kDay;  // last <= edge  <=>  idle >= days
    if (op == ">=") return last <= edge;
    if (op == ">") return last <= edge - kDay;
    if (op == "<=") return last > edge - kDay;
    if (op == "<") return last > edge;
    if (op == "=") return last <= edge && last > edge - kDay;
    if (op == "!=") return last > edge || last <= edge - kDay;
    return false;
}

// The sequential key of one lead, compared by CompareKeys().
struct SortKey {
    bool missing = false;  // no value: last in either direction
    int rank = 0;          // status position; for fields 0 number, 1 date, 2 text
    int64_t integer = 0;
    double number = 0;
    std::string text;
};

SortKey KeyOf(const Lead& lead, std::string_view by) {
    SortKey key;
    if (by == "id") {
        key.integer = lead.contact_id;
    } else if (by == "added") {
        key.integer = lead.added_at;
    } else if (by == "idle") {
        // Ascending is most idle first: the oldest last touch.
        key.integer = LastTouch(lead);
    } else if (by == "status") {
        // The order of the status list (new, in_progress, callback, ...);
        // unknown statuses after it, by text.
        const auto& all = contacts::AllStatuses();
        std::string id = CanonicalStatus(lead.status);
        key.rank = static_cast<int>(all.size());
        for (size_t i = 0; i < all.size(); ++i) {
            if (contacts::StatusId(all[i]) == id) key.rank = static_cast<int>(i);
        }
        key.text = id;
    } else if (by == "source" || by == "region") {
        const std::string& value = by == "source" ? lead.source : lead.region;
        key.missing = value.empty();
        key.text = contacts::FoldCase(value);
    } else if (by.starts_with("field:")) {
        const std::string* value = FindField(lead, by.substr(6));
        key.missing = value == nullptr || contacts::Trim(*value).empty();
        if (!key.missing) {
            if (auto number = contacts::NormalizeNumber(*value)) {
                key.rank = 0;
                key.number = std::stod(*number);
            } else if (auto date = contacts::NormalizeDate(*value)) {
                key.rank = 1;
                key.text = *date;
            } else {
                key.rank = 2;
                key.text = contacts::FoldCase(*value);
            }
        }
    }
    return key;
}

// Three-way comparison of two keys in ascending order, ignoring `missing`.
int CompareKeys(const SortKey& a, const SortKey& b) {
    if (int c = Compare(a.rank, b.rank)) return c;
    if (int c = Compare(a.integer, b.integer)) return c;
    if (int c = Compare(a.number, b.number)) return c;
    return Compare(a.text, b.text);
}

}  // namespace

Result<PriorityRule> ParsePriorityRule(std::string_view text, const phone::Cleaner& cleaner) {
    const MessageParams rule{{"rule", std::string(text)}};
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"priority_rule.no_weight", "priority rule '{rule}': the weight is missing",
                        "write a filter condition, a colon and an integer weight, e.g. "
                        "status=new:100 or field:Сумма>10000:80"},
                    rule);
    }
    auto weight = ParseWeight(text.substr(colon + 1));
    if (!weight) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"priority_rule.bad_weight",
                "priority rule '{rule}': '{weight}' after the last colon is not an "
                "integer weight",
                "write a filter condition, a colon and an integer weight, e.g. "
                "status=new:100 or field:Сумма>10000:80"},
            {{"rule", std::string(text)}, {"weight", contacts::Trim(text.substr(colon + 1))}});
    }
    std::string expr = contacts::Trim(text.substr(0, colon));
    if (expr.empty()) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"priority_rule.no_condition", "priority rule '{rule}': the condition is missing",
                "write a filter condition, a colon and an integer weight, e.g. "
                "status=new:100 or field:Сумма>10000:80"},
            rule);
    }
    auto filter = contacts::ParseFilter({expr}, cleaner);
    if (!filter) {
        // The filter's own code goes with it: a screen shows what is wrong with
        // the condition in the user's language.
        Error e = BadRule(text, filter.error().message,
                          fmt::format("{}; {}", kRuleHint, filter.error().hint));
        e.key = filter.error().key;
        e.params = filter.error().params;
        return std::unexpected(std::move(e));
    }
    if (filter->terms.size() != 1) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"priority_rule.one_condition",
                        "priority rule '{rule}': a rule takes exactly one condition",
                        "write a filter condition, a colon and an integer weight, e.g. "
                        "status=new:100 or field:Сумма>10000:80"},
                    rule);
    }
    const contacts::FilterTerm& term = filter->terms[0];
    if (term.key == "name" || term.key == "email") {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"priority_rule.not_on_lead",
                        "priority rule '{rule}': a lead does not carry the contact's {key}; a "
                        "rule may look at status, tag, region, source, phone, added, idle or "
                        "field:<name>",
                        "write a filter condition, a colon and an integer weight, e.g. "
                        "status=new:100 or field:Сумма>10000:80"},
                    {{"rule", std::string(text)}, {"key", term.key}});
    }
    if ((term.key == "added" || term.key == "idle") && term.op == "~") {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"priority_rule.no_contains", "priority rule '{rule}': '~' does not work with {key}",
                "write a filter condition, a colon and an integer weight, e.g. "
                "status=new:100 or field:Сумма>10000:80"},
            {{"rule", std::string(text)}, {"key", term.key}});
    }
    return PriorityRule{std::move(filter->terms[0]), *weight, std::string(text)};
}

Result<Order> ParseOrder(std::string_view by, const std::vector<std::string>& rules,
                         const phone::Cleaner& cleaner) {
    Order order;
    std::string_view key = by;
    while (!key.empty() && key.front() == ' ')
        key.remove_prefix(1);
    if (key.starts_with('-')) {
        order.descending = true;
        key.remove_prefix(1);
    }
    std::string trimmed = contacts::Trim(key);
    std::string folded = contacts::FoldCase(trimmed);
    if (folded.starts_with("field:")) {
        std::string name = contacts::Trim(std::string_view(trimmed).substr(6));
        if (name.empty()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"order.no_field_name", "order '{order}': field name missing",
                            "order by one of id, added, idle, status, source, region, "
                            "field:<name>; put '-' in front for descending, e.g. -added"},
                        {{"order", std::string(by)}});
        }
        order.by = "field:" + name;
    } else if (folded == "id" || folded == "added" || folded == "idle" || folded == "status" ||
               folded == "source" || folded == "region") {
        order.by = folded;
    } else {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"order.unknown_key", "order '{order}': cannot order by '{key}'",
                        "order by one of id, added, idle, status, source, region, "
                        "field:<name>; put '-' in front for descending, e.g. -added"},
                    {{"order", std::string(by)}, {"key", std::string(trimmed)}});
    }
    for (const auto& text : rules) {
        auto rule = ParsePriorityRule(text, cleaner);
        if (!rule) return std::unexpected(rule.error());
        order.rules.push_back(std::move(*rule));
    }
    return order;
}

bool Matches(const contacts::FilterTerm& term, const Lead& lead, UnixSeconds now) {
    const std::string& op = term.op;
    if (term.key == "status") {
        bool same = CanonicalStatus(lead.status) == term.value;
        return op == "=" ? same : op == "!=" && !same;
    }
    if (term.key == "tag") {
        bool has = std::any_of(lead.tags.begin(), lead.tags.end(), [&](const std::string& tag) {
            return EqualsFolded(tag, term.value);
        });
        return op == "=" ? has : op == "!=" && !has;
    }
    if (term.key == "phone") {
        bool same = lead.e164 == term.value;
        return op == "=" ? same : op == "!=" && !same;
    }
    if (term.key == "region") return MatchText(op, lead.region, term.value);
    if (term.key == "source") return MatchText(op, lead.source, term.value);
    if (term.key == "added") return MatchAdded(op, lead.added_at, term.value);
    if (term.key == "idle") return MatchIdle(op, LastTouch(lead), term.value, now);
    if (term.key.starts_with("field:")) return MatchField(term, lead);
    // name, email: a lead does not carry them; as a missing value, only != holds.
    return op == "!=";
}

int Score(const Lead& lead, const std::vector<PriorityRule>& rules, UnixSeconds now) {
    int score = 0;
    for (const auto& rule : rules) {
        if (Matches(rule.term, lead, now)) score += rule.weight;
    }
    return score;
}

void SortLeads(std::vector<Lead>& leads, const Order& order, UnixSeconds now) {
    struct Entry {
        int score = 0;
        SortKey key;
        size_t index = 0;
    };
    std::vector<Entry> entries(leads.size());
    for (size_t i = 0; i < leads.size(); ++i) {
        entries[i].score = order.rules.empty() ? 0 : Score(leads[i], order.rules, now);
        entries[i].key = KeyOf(leads[i], order.by);
        entries[i].index = i;
    }
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.key.missing != b.key.missing) return b.key.missing;
        if (!a.key.missing) {
            int c = CompareKeys(a.key, b.key);
            if (order.descending) c = -c;
            if (c != 0) return c < 0;
        }
        return leads[a.index].contact_id < leads[b.index].contact_id;
    });
    std::vector<Lead> sorted;
    sorted.reserve(leads.size());
    for (const auto& e : entries)
        sorted.push_back(std::move(leads[e.index]));
    leads = std::move(sorted);
}

}  // namespace callbase::campaigns
