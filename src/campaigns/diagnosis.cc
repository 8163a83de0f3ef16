#include "campaigns/diagnosis.h"

#include <fmt/format.h>

#include <algorithm>

#include "compliance/rules.h"

namespace callbase::campaigns {
namespace {

constexpr int64_t kDay = 86400;
constexpr const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kWeekdayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};

int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct LocalMoment {
    int32_t day = 0;  // days since 1970-01-01
    int weekday = 0;  // 0 = Monday
    int minute = 0;   // after midnight
};

LocalMoment LocalAt(UnixSeconds t, int offset_minutes) {
    const int64_t local = t + int64_t{offset_minutes} * 60;
    LocalMoment m;
    m.day = static_cast<int32_t>(FloorDiv(local, kDay));
    m.minute = static_cast<int>((local - int64_t{m.day} * kDay) / 60);
    m.weekday = static_cast<int>(((m.day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
    return m;
}

std::string Hhmm(int minute) {
    minute = ((minute % 1440) + 1440) % 1440;
    return fmt::format("{:02d}:{:02d}", minute / 60, minute % 60);
}

std::string Span(int from, int to) {
    return fmt::format("{}-{}", Hhmm(from), to == 1440 ? std::string("24:00") : Hhmm(to));
}

std::string Count(int64_t n) {
    return fmt::format("{}", n);
}

bool InWindow(int minute, int from, int to) {
    return minute >= from && minute < to;
}

// Why the rules hold a callee at `offset` now: "" when they do not.
std::string RulesHold(UnixSeconds now, int offset, const compliance::CallingRules& rules) {
    const LocalMoment m = LocalAt(now, offset);
    if (!(rules.weekdays >> m.weekday & 1)) return "day_off";
    if (std::binary_search(rules.holidays.begin(), rules.holidays.end(), m.day)) return "holiday";
    if (!InWindow(m.minute, rules.window_start_minute, rules.window_end_minute)) {
        return "outside_rules_window";
    }
    return "";
}

std::map<int, int64_t> OffsetsOr(const std::map<int, int64_t>& offsets,
                                 const compliance::CallingRules& rules) {
    if (!offsets.empty()) return offsets;
    return {{rules.default_utc_offset_minutes, 1}};
}

// Whether the campaign's schedule (center clock) meets the rules' window of a
// callee `offset` minutes from UTC at some minute of the day.
bool ScheduleMeetsWindow(const CampaignSpec& spec, const compliance::CallingRules& rules,
                         int center_offset, int offset) {
    const int shift = offset - center_offset;
    for (int m = spec.schedule_start_minute; m < spec.schedule_end_minute; ++m) {
        const int local = ((m + shift) % 1440 + 1440) % 1440;
        if (InWindow(local, rules.window_start_minute, rules.window_end_minute)) return true;
    }
    return false;
}

std::string ParamOr(const Finding& f, const std::string& key, const std::string& fallback = "?") {
    auto it = f.params.find(key);
    return it == f.params.end() ? fallback : it->second;
}

std::string WeekdayName(const std::string& id) {
    for (int d = 0; d < 7; ++d) {
        if (id == kWeekdays[d]) return kWeekdayNames[d];
    }
    return id;
}

}  // namespace

std::string WeekdaysText(uint8_t weekdays) {
    weekdays &= 0x7f;
    if (weekdays == 0) return "no day";
    if (weekdays == 0x7f) return "every day";
    // Runs of three or more days as "mon-fri", the rest one by one.
    std::string out;
    for (int d = 0; d < 7;) {
        if (!(weekdays >> d & 1)) {
            ++d;
            continue;
        }
        int end = d;
        while (end + 1 < 7 && (weekdays >> (end + 1) & 1))
            ++end;
        if (!out.empty()) out += ",";
        if (end - d >= 2) {
            out += fmt::format("{}-{}", kWeekdays[d], kWeekdays[end]);
        } else {
            out += kWeekdays[d];
            if (end > d) out += fmt::format(",{}", kWeekdays[end]);
        }
        d = end + 1;
    }
    return out;
}

nlohmann::json FindingsJson(const std::vector<Finding>& findings) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : findings) {
        out.push_back({{"code", f.code}, {"params", f.params}});
    }
    return out;
}

std::map<int, int64_t> CalleeOffsets(const std::vector<Lead>& leads, int default_offset_minutes) {
    std::map<int, int64_t> out;
    for (const Lead& lead : leads)
        ++out[lead.utc_offset_minutes.value_or(default_offset_minutes)];
    return out;
}

std::vector<Finding> DiagnoseStall(const CampaignSpec& spec, const compliance::CallingRules& rules,
                                   UnixSeconds now, int center_offset,
                                   const StallFigures& figures) {
    std::vector<Finding> out;
    if (spec.state != "running") return out;
    const std::string allowed = WeekdaysText(rules.weekdays);
    if ((rules.weekdays & 0x7f) == 0) out.push_back({"campaign.stall.rules_no_days", {}});

    if (figures.segment && *figures.segment == 0) {
        out.push_back({"campaign.stall.segment_empty", {}});
    } else if (figures.leads_left && *figures.leads_left == 0) {
        out.push_back({"campaign.stall.segment_exhausted",
                       {{"segment", Count(figures.segment.value_or(0))}}});
    }

    // The rules, in each callee's local time: a stall when no callee may be
    // called now. The finding speaks of the zone most leads are in.
    bool rules_hold = false;
    if ((rules.weekdays & 0x7f) != 0) {
        const auto offsets = OffsetsOr(figures.callee_offsets, rules);
        std::string held_as;
        int64_t most = -1;
        int most_offset = 0;
        bool any_open = false;
        std::optional<UnixSeconds> resumes;
        for (const auto& [offset, leads] : offsets) {
            const std::string why = RulesHold(now, offset, rules);
            if (why.empty()) {
                any_open = true;
                break;
            }
            if (leads > most) {
                most = leads;
                held_as = why;
                most_offset = offset;
            }
            auto next = compliance::DialGate::NextWindowStart(now, offset, rules);
            if (next && (!resumes || *next < *resumes)) resumes = *next;
        }
        if (!any_open && !held_as.empty()) {
            rules_hold = true;
            const LocalMoment callee = LocalAt(now, most_offset);
            Finding f{"campaign.stall." + held_as,
                      {{"weekday", kWeekdays[callee.weekday]},
                       {"allowed", allowed},
                       {"window", Span(rules.window_start_minute, rules.window_end_minute)},
                       {"callee_time", Hhmm(callee.minute)},
                       {"date", compliance::FormatDay(callee.day)}}};
            if (resumes) {
                const LocalMoment at = LocalAt(*resumes, center_offset);
                f.params["resumes_weekday"] = kWeekdays[at.weekday];
                f.params["resumes_time"] = Hhmm(at.minute);
                f.params["resumes_date"] = compliance::FormatDay(at.day);
            }
            out.push_back(std::move(f));
        }
    }

    // The campaign's own schedule, on the call center's clock.
    const LocalMoment center = LocalAt(now, center_offset);
    if (!InWindow(center.minute, spec.schedule_start_minute, spec.schedule_end_minute)) {
        out.push_back({"campaign.stall.schedule_closed",
                       {{"now", Hhmm(center.minute)},
                        {"schedule", Span(spec.schedule_start_minute, spec.schedule_end_minute)},
                        {"opens", Hhmm(spec.schedule_start_minute)}}});
    }

    if (figures.caller_id_calls_left && *figures.caller_id_calls_left <= 0) {
        out.push_back({"campaign.stall.caller_ids_capped",
                       {{"numbers", Count(static_cast<int64_t>(spec.caller_ids.size()))},
                        {"cap", Count(spec.daily_cap)}}});
    }

    if (spec.pacing != Pacing::kRobot && figures.agents_working && *figures.agents_working == 0) {
        out.push_back({"campaign.stall.no_agents",
                       {{"logged_in", Count(figures.agents_logged_in.value_or(0))}}});
    }

    // Every lead left waits on the dial gate (or none is left and the gate
    // closed some): by reason, most first.
    int64_t held = 0;
    for (const auto& [reason, n] : figures.held)
        held += n;
    const bool all_held = figures.leads_left && held > 0 && held >= *figures.leads_left;
    if (all_held) {
        std::vector<std::pair<std::string, int64_t>> reasons(figures.held.begin(),
                                                             figures.held.end());
        std::stable_sort(reasons.begin(), reasons.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [reason, n] : reasons) {
            // The rules' window is already said above, in words.
            if (rules_hold && reason == "outside_window") continue;
            if (n > 0)
                out.push_back({"campaign.stall.gate", {{"reason", reason}, {"count", Count(n)}}});
        }
    }
    return out;
}

std::vector<Finding> CheckBeforeStart(const CampaignSpec& spec,
                                      const compliance::CallingRules& rules, int64_t segment,
                                      int center_offset,
                                      const std::map<int, int64_t>& callee_offsets) {
    std::vector<Finding> out;
    if (segment == 0) out.push_back({"campaign.warning.segment_empty", {}});
    if ((rules.weekdays & 0x7f) == 0) {
        out.push_back({"campaign.warning.rules_no_days", {}});
        return out;
    }
    const auto offsets = OffsetsOr(callee_offsets, rules);
    int64_t missed = 0, total = 0;
    for (const auto& [offset, leads] : offsets) {
        total += leads;
        if (!ScheduleMeetsWindow(spec, rules, center_offset, offset)) missed += leads;
    }
    const std::string schedule = Span(spec.schedule_start_minute, spec.schedule_end_minute);
    const std::string window = Span(rules.window_start_minute, rules.window_end_minute);
    if (missed > 0 && missed == total) {
        out.push_back({"campaign.warning.schedule_outside_rules",
                       {{"schedule", schedule}, {"window", window}}});
    } else if (missed > 0 && segment > 0) {
        out.push_back({"campaign.warning.schedule_misses_zones",
                       {{"schedule", schedule}, {"window", window}, {"count", Count(missed)}}});
    }
    return out;
}

std::string FindingText(const Finding& f) {
    const std::string& c = f.code;
    auto resumes = [&] {
        if (!f.params.contains("resumes_time")) return std::string();
        return fmt::format(" (calls resume {} {} on the call center's clock)",
                           WeekdayName(ParamOr(f, "resumes_weekday")).substr(0, 3),
                           ParamOr(f, "resumes_time"));
    };
    if (c == "campaign.stall.rules_no_days" || c == "campaign.warning.rules_no_days") {
        return "the calling rules allow no day of the week: set the rules' weekdays (callbase "
               "rules set)";
    }
    if (c == "campaign.stall.segment_empty" || c == "campaign.warning.segment_empty") {
        return "0 contacts in the segment: widen the segment or import contacts";
    }
    if (c == "campaign.stall.segment_exhausted") {
        return fmt::format(
            "every contact of the segment ({}) has been dealt with: nothing is "
            "left to dial; create a new campaign or widen the segment",
            ParamOr(f, "segment"));
    }
    if (c == "campaign.stall.day_off") {
        return fmt::format(
            "today is {}: the calling rules allow calls {}{}; change the rules' "
            "weekdays if this day is allowed",
            WeekdayName(ParamOr(f, "weekday")), ParamOr(f, "allowed"), resumes());
    }
    if (c == "campaign.stall.holiday") {
        return fmt::format(
            "{} is a public holiday in the calling rules: no calls{}; remove the "
            "holiday if calls are allowed",
            ParamOr(f, "date"), resumes());
    }
    if (c == "campaign.stall.outside_rules_window") {
        return fmt::format("it is {} for the callees, outside the rules' calling window {}{}",
                           ParamOr(f, "callee_time"), ParamOr(f, "window"), resumes());
    }
    if (c == "campaign.stall.schedule_closed") {
        return fmt::format(
            "it is {} at the call center, outside the campaign's schedule {}: it "
            "dials from {}",
            ParamOr(f, "now"), ParamOr(f, "schedule"), ParamOr(f, "opens"));
    }
    if (c == "campaign.stall.caller_ids_capped") {
        return fmt::format(
            "every caller ID ({}) has reached its cap of {} calls today: add "
            "numbers to the pool or wait until tomorrow",
            ParamOr(f, "numbers"), ParamOr(f, "cap"));
    }
    if (c == "campaign.stall.no_agents") {
        return fmt::format(
            "no operator is working the campaign ({} logged in, none ready): operators join "
            "it on the Operator desk and press Ready",
            ParamOr(f, "logged_in"));
    }
    if (c == "campaign.stall.gate") {
        return fmt::format("{} contact(s) held by the dial gate: {}", ParamOr(f, "count"),
                           ParamOr(f, "reason"));
    }
    if (c == "campaign.warning.schedule_outside_rules") {
        return fmt::format(
            "the campaign's schedule {} never meets the calling rules' window {} "
            "of its callees: it would dial nobody; change the schedule or the "
            "rules",
            ParamOr(f, "schedule"), ParamOr(f, "window"));
    }
    if (c == "campaign.warning.schedule_misses_zones") {
        return fmt::format(
            "{} contact(s) live where the schedule {} never meets the rules' "
            "window {}: they will not be called",
            ParamOr(f, "count"), ParamOr(f, "schedule"), ParamOr(f, "window"));
    }
    return c;
}

}  // namespace callbase::campaigns
