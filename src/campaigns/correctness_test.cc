// Correctness at scale: a million dials under random rules, stop-lists,
// consents, time zones and registries, none of which may break a rule.
//
// Every call record a run writes is re-evaluated afterwards by the
// IndependentChecker below. The checker is written from the rules' definitions
// (compliance/gate.h, compliance/attempts.h, campaigns/dialer.h,
// campaigns/caller_id_pool.h) and shares no code with the engine: it does not
// call compliance::DialGate, campaigns::MemoryGate or anything else in
// compliance; it reads local dates and weekdays through std::chrono's calendar
// rather than the gate's arithmetic, and counts attempts one by one. It only
// uses the plain structs (NumberState, CallingRules, ...) as data. A bug in the
// gate or the dialer that lets a dial through shows up as a violation here.
//
// The second test feeds the checker hand-made records that break each rule, to
// prove it can fail.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "campaigns/call_record.h"
#include "campaigns/scenario.h"
#include "compliance/gate.h"  // the plain structs only

namespace callbase::campaigns {
namespace {

using compliance::CallingRules;
using compliance::ConsentRecord;
using compliance::NumberState;
using compliance::StopCategory;
using compliance::StopEntry;
using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86'400;
constexpr Millis kHourMs = 3'600'000;

// -------------------------------------------------------------------------
// Time, through std::chrono's calendar.

// A dial's time as the gate is asked about it: Unix seconds, rounded down
// (a dial at 12:00:00.999 is a dial at 12:00:00).
int64_t FloorSeconds(Millis ms) {
    return std::chrono::floor<seconds>(milliseconds{ms}).count();
}

struct Civil {
    int64_t day = 0;     // local date, days since 1970-01-01
    int64_t second = 0;  // seconds since local midnight
    int weekday = 0;     // 0 = Monday ... 6 = Sunday
};

Civil LocalCivil(int64_t t, int offset_minutes) {
    sys_seconds local{seconds{t + int64_t{offset_minutes} * kMinute}};
    sys_days day = std::chrono::floor<days>(local);
    Civil c;
    c.day = day.time_since_epoch().count();
    c.second = (local - sys_seconds{day}).count();
    c.weekday = static_cast<int>(std::chrono::weekday{day}.iso_encoding()) - 1;
    return c;
}

int64_t DayNumber(std::chrono::year_month_day date) {
    return sys_days{date}.time_since_epoch().count();
}

std::string FormatOffset(int offset_minutes) {
    int a = std::abs(offset_minutes);
    return fmt::format("UTC{}{:02d}:{:02d}", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
}

std::string FormatMinute(int minute) {
    return fmt::format("{:02d}:{:02d}", minute / 60, minute % 60);
}

std::string FormatDay(int64_t day) {
    std::chrono::year_month_day ymd{sys_days{days{day}}};
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// "2026-03-02 Mon 10:00:00 UTC+03:00": the moment t on a clock at the offset.
std::string FormatAt(int64_t t, int offset_minutes) {
    static constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                             "Fri", "Sat", "Sun"};
    Civil c = LocalCivil(t, offset_minutes);
    return fmt::format("{} {} {:02d}:{:02d}:{:02d} {}", FormatDay(c.day), kWeekdays[c.weekday],
                       c.second / 3600, c.second / 60 % 60, c.second % 60,
                       FormatOffset(offset_minutes));
}

// -------------------------------------------------------------------------
// The checker.

// The rules a dial must keep, and the checks on the record itself.
enum Rule : int {
    // compliance/gate.h: the dial gate's rules.
    kOutsideWindow,    // callee's local time in [window_start, window_end), allowed weekday,
                       // not a holiday (local dates)
    kStopList,         // do_not_disturb and written_only always; not_now until its date
    kRegistry,         // listed in a refusal registry
    kNoConsent,        // the purpose needs a consent: obtained by t, not revoked by t
    kDeletionPending,  // a deletion request is pending
    kInactive,         // flagged inactive, or 3 failed local days since the last answer
                       // (compliance/attempts.h)
    kAttemptCap,       // max_attempts within any attempt_period (rolling)
    kMinGap,           // min_gap after the last attempt
    // campaigns/dialer.h: the campaign's own rules.
    kAbandon72h,          // no redial within 72 h after an abandoned call
    kAfterReached,        // no redial after a reached (answered) call
    kCampaignAttemptCap,  // max_attempts per lead in the campaign
    // campaigns/caller_id_pool.h: calls per caller ID per call-center day.
    kCallerIdCap,
    // The record itself.
    kUnknownLead,      // contact_id names no lead
    kWrongNumber,      // the number dialed is not the lead's
    kAttemptNumber,    // CallRecord::attempt is not the lead's count of dials
    kUnknownCallerId,  // not one of the campaign's caller IDs
    kUnknownOutcome,
    kOverlappingDial,  // dialed while an earlier call to the number was live
    kRuleCount
};

constexpr std::array<std::string_view, kRuleCount> kRuleIds = {
    "outside_window",
    "stop_list",
    "registry",
    "no_consent",
    "deletion_pending",
    "inactive",
    "attempt_cap",
    "min_gap",
    "redial_within_72h_of_abandon",
    "redial_after_reached",
    "campaign_attempt_cap",
    "caller_id_cap",
    "unknown_lead",
    "wrong_number",
    "attempt_number",
    "unknown_caller_id",
    "unknown_outcome",
    "overlapping_dial",
};

// What the records exercised: a checker that passes records which never came
// near a rule proves little.
struct Coverage {
    int64_t retried = 0;                // dials of a lead dialed before in the campaign
    int64_t after_abandon = 0;          // redials of a number whose call was abandoned
    int64_t prior_attempts = 0;         // dials of a number with attempts before the campaign
    int64_t assumed_offset = 0;         // dials of a number of unknown zone
    int64_t not_now_lapsed = 0;         // dials after a not-now stop had lapsed
    int64_t needed_consent = 0;         // dials for a purpose that needs a consent
    int64_t consent_revoked_later = 0;  // ... on a consent revoked after the dial
    int64_t became_inactive = 0;        // numbers that reached 3 failed local days
    int max_caller_id_day = 0;          // most calls from one caller ID on one day

    void Add(const Coverage& o) {
        retried += o.retried;
        after_abandon += o.after_abandon;
        prior_attempts += o.prior_attempts;
        assumed_offset += o.assumed_offset;
        not_now_lapsed += o.not_now_lapsed;
        needed_consent += o.needed_consent;
        consent_revoked_later += o.consent_revoked_later;
        became_inactive += o.became_inactive;
        max_caller_id_day = std::max(max_caller_id_day, o.max_caller_id_day);
    }
};

// Outcomes that count as a failed attempt for the inactivity rule
// (compliance/attempts.h). "answered" and "abandoned" (a person picked up) are
// not failures and start the count afresh.
bool Failed(std::string_view outcome) {
    return outcome == "busy" || outcome == "no_answer" || outcome == "failed" ||
           outcome == "invalid" || outcome == "rejected";
}

// Re-evaluates call records against the rules, from the truth the scenario
// started with (World: each lead's initial NumberState) and the records before
// each one. Feed it every record of a run; the records of one number must come
// in the order they started. Run's on_call gives records in the order calls
// end, which is the same for one number since its calls never overlap (checked
// too: kOverlappingDial). Keeps a small state per lead, not the records.
class IndependentChecker {
public:
    IndependentChecker(const Scenario& scenario, const World& world)
        : rules_(scenario.rules),
          purpose_(scenario.dialer.purpose),
          campaign_max_attempts_(scenario.dialer.max_attempts),
          no_redial_after_abandon_(scenario.dialer.abandon_no_redial_seconds),
          center_offset_(scenario.dialer.center_utc_offset_minutes),
          world_(world),
          tracks_(world.states.size()) {
        for (size_t k = 0; k < world.caller_ids.size(); ++k) {
            const CallerId& id = world.caller_ids[k];
            caller_ids_.emplace(
                id.number,
                CallerIdCap{k, id.daily_cap > 0 ? id.daily_cap : scenario.pool.daily_cap});
        }
        const auto& free = rules_.purposes_without_consent;
        needs_consent_ = std::find(free.begin(), free.end(), purpose_) == free.end();
    }

    void Add(const CallRecord& r) {
        ++records_;
        ++outcomes_[r.outcome];
        const int64_t t = FloorSeconds(r.started);
        if (r.contact_id < 1 || r.contact_id > static_cast<int64_t>(tracks_.size())) {
            Flag(kUnknownLead, r, t, rules_.default_utc_offset_minutes, "no such lead");
            return;
        }
        const size_t i = static_cast<size_t>(r.contact_id - 1);
        const Lead& lead = world_.leads[i];
        const NumberState& initial = world_.states[i];
        Track& track = tracks_[i];
        // The callee's clock: the number's UTC offset, or the rules' default
        // when its zone is unknown.
        const int offset = initial.utc_offset_minutes.value_or(rules_.default_utc_offset_minutes);
        auto flag = [&](Rule rule, const std::string& detail) { Flag(rule, r, t, offset, detail); };

        if (r.number != lead.e164) flag(kWrongNumber, fmt::format("the lead's is {}", lead.e164));
        const bool failed = Failed(r.outcome);
        if (!failed && r.outcome != "answered" && r.outcome != "abandoned") {
            flag(kUnknownOutcome, "");
        }
        if (track.last_end && r.started < *track.last_end) {
            flag(kOverlappingDial, fmt::format("the previous call ended at {}",
                                               FormatAt(FloorSeconds(*track.last_end), offset)));
        }

        // The calling window (gate.h): the callee's local time of day in
        // [window_start, window_end), on an allowed weekday that is not a
        // public holiday (holidays are the callee's local dates).
        const Civil local = LocalCivil(t, offset);
        const bool weekday_allowed = ((rules_.weekdays >> local.weekday) & 1) != 0;
        const bool holiday = std::find(rules_.holidays.begin(), rules_.holidays.end(), local.day) !=
                             rules_.holidays.end();
        const bool in_hours = local.second >= int64_t{rules_.window_start_minute} * kMinute &&
                              local.second < int64_t{rules_.window_end_minute} * kMinute;
        if (!weekday_allowed || holiday || !in_hours) {
            flag(kOutsideWindow,
                 fmt::format("{}; window {}-{}, weekdays {:07b} (bit 0 = Mon)",
                             holiday            ? "a holiday"
                             : !weekday_allowed ? "a day off"
                                                : "outside the hours",
                             FormatMinute(rules_.window_start_minute),
                             FormatMinute(rules_.window_end_minute), rules_.weekdays));
        }

        // Stop list (gate.h): do_not_disturb and written_only block for good
        // (written_only: e-mail or SMS, never a call); not_now blocks until
        // its date, or for good when it has none.
        bool lapsed_not_now = false;
        for (const StopEntry& s : initial.stops) {
            const bool not_now = s.category == StopCategory::kNotNow;
            if (not_now && s.until && *s.until <= t) {
                lapsed_not_now = true;
                continue;
            }
            flag(kStopList, not_now ? fmt::format("not now until {}",
                                                  s.until ? FormatAt(*s.until, offset) : "ever")
                            : s.category == StopCategory::kWrittenOnly ? "written only"
                                                                       : "do not disturb");
            break;
        }
        if (lapsed_not_now) ++coverage_.not_now_lapsed;

        // Refusal registries (gate.h): a listed number is never called.
        if (!initial.registries.empty()) {
            flag(kRegistry, fmt::format("listed in {}", initial.registries.front()));
        }

        // Consent (gate.h): a purpose not in purposes_without_consent needs a
        // consent for that purpose obtained at or before the dial and not
        // revoked at or before it.
        if (needs_consent_) {
            ++coverage_.needed_consent;
            const ConsentRecord* valid = nullptr;
            for (const ConsentRecord& c : initial.consents) {
                if (c.purpose != purpose_ || c.obtained_at > t) continue;
                if (c.revoked_at && *c.revoked_at <= t) continue;
                valid = &c;
            }
            if (valid == nullptr) {
                std::string held;
                for (const ConsentRecord& c : initial.consents) {
                    held += fmt::format(
                        " [{} obtained {}{}]", c.purpose, FormatAt(c.obtained_at, 0),
                        c.revoked_at ? ", revoked " + FormatAt(*c.revoked_at, 0) : std::string());
                }
                flag(kNoConsent, fmt::format("purpose {}; consents:{}", purpose_,
                                             held.empty() ? " none" : held));
            } else if (valid->revoked_at) {
                ++coverage_.consent_revoked_later;
            }
        }

        // A pending deletion request (gate.h): the number must not be called.
        if (initial.deletion_pending) flag(kDeletionPending, "");

        // Inactivity (attempts.h): flagged before the campaign, or 3 failed
        // attempts on 3 different local days of the callee with no answered
        // call after them, from this campaign's earlier records.
        if (initial.inactive) {
            flag(kInactive, "inactive before the campaign");
        } else if (track.failed_days.size() >= kFailedDaysToInactive) {
            std::string list;
            for (int32_t d : track.failed_days)
                list += fmt::format(" {}", FormatDay(d));
            flag(kInactive, fmt::format("failed attempts on local days{}", list));
        }

        // Attempts (gate.h): fewer than max_attempts in (t - attempt_period, t]
        // before this one, counting attempts before the campaign and this
        // campaign's earlier dials; and at least min_gap after the last one.
        int in_period = 0;
        std::optional<int64_t> last;
        auto count = [&](int64_t a) {
            if (a > t) return;
            if (a > t - rules_.attempt_period) ++in_period;
            if (!last || a > *last) last = a;
        };
        for (int64_t a : initial.attempts)
            count(a);
        for (int64_t a : track.attempts)
            count(a);
        if (rules_.max_attempts > 0 && in_period >= rules_.max_attempts) {
            flag(kAttemptCap,
                 fmt::format("{} attempts in the {:g} days before; the cap is {}", in_period,
                             rules_.attempt_period / double(kDay), rules_.max_attempts));
        }
        if (last && t - *last < rules_.min_gap) {
            flag(kMinGap, fmt::format("{} s after the last attempt at {}; the gap is {} s",
                                      t - *last, FormatAt(*last, offset), rules_.min_gap));
        }
        if (!initial.attempts.empty()) ++coverage_.prior_attempts;

        // Abandoned calls (dialer.h): the number is not dialed again for
        // abandon_no_redial_seconds (72 h), counted here from the end of the
        // abandoned call.
        if (track.abandoned_end) {
            ++coverage_.after_abandon;
            if (t < *track.abandoned_end + no_redial_after_abandon_) {
                flag(kAbandon72h, fmt::format("{:.2f} h after the abandoned call ended at {}",
                                              double(t - *track.abandoned_end) / kHour,
                                              FormatAt(*track.abandoned_end, offset)));
            }
        }

        // A reached lead (an answered call) is done in this campaign (dialer.h).
        if (track.reached) flag(kAfterReached, "the lead was reached before");

        // The campaign's attempt cap per lead (DialerOptions::max_attempts), and
        // the record's own count of them.
        ++track.campaign_attempts;
        if (track.campaign_attempts > 1) ++coverage_.retried;
        if (track.campaign_attempts > campaign_max_attempts_) {
            flag(kCampaignAttemptCap, fmt::format("dial {} of the lead; the campaign allows {}",
                                                  track.campaign_attempts, campaign_max_attempts_));
        }
        if (r.attempt != track.campaign_attempts) {
            flag(kAttemptNumber, fmt::format("the lead's dial {}", track.campaign_attempts));
        }

        // Caller IDs (caller_id_pool.h): at most the number's daily cap (the
        // pool's default when it has none) on one day of the call center's
        // calendar (center_utc_offset_minutes).
        auto id = caller_ids_.find(r.caller_id);
        if (id == caller_ids_.end()) {
            flag(kUnknownCallerId, "");
        } else {
            const int64_t center_day = LocalCivil(t, center_offset_).day;
            const uint64_t key = (uint64_t{id->second.index} << 32) |
                                 static_cast<uint32_t>(static_cast<int32_t>(center_day));
            const int calls = ++caller_id_calls_[key];
            coverage_.max_caller_id_day = std::max(coverage_.max_caller_id_day, calls);
            if (calls > id->second.cap) {
                flag(kCallerIdCap, fmt::format("call {} from it on the center's day {}; cap {}",
                                               calls, FormatDay(center_day), id->second.cap));
            }
        }
        if (!initial.utc_offset_minutes) ++coverage_.assumed_offset;

        // Remember this dial for the ones after it.
        track.attempts.push_back(t);
        track.last_end = r.ended;
        if (failed) {
            auto& fd = track.failed_days;
            const auto day = static_cast<int32_t>(local.day);
            if (std::find(fd.begin(), fd.end(), day) == fd.end()) {
                fd.push_back(day);
                if (fd.size() == kFailedDaysToInactive) ++coverage_.became_inactive;
            }
        } else {
            track.failed_days.clear();  // a person answered
        }
        if (r.outcome == "abandoned") track.abandoned_end = FloorSeconds(r.ended);
        if (r.outcome == "answered") track.reached = true;
    }

    int64_t records() const { return records_; }
    int64_t Violations() const {
        int64_t n = 0;
        for (int64_t c : counts_)
            n += c;
        return n;
    }
    // Rule id -> dials that broke it; only the rules broken.
    std::map<std::string, int64_t> Counts() const {
        std::map<std::string, int64_t> out;
        for (int k = 0; k < kRuleCount; ++k) {
            if (counts_[k] > 0) out[std::string(kRuleIds[k])] = counts_[k];
        }
        return out;
    }
    // Every rule broken, with the first few records that broke it.
    std::string Report() const {
        std::string out;
        for (int k = 0; k < kRuleCount; ++k) {
            if (counts_[k] == 0) continue;
            out += fmt::format("  {}: {} dials\n", kRuleIds[k], counts_[k]);
            for (const std::string& e : examples_[k])
                out += "    " + e + "\n";
        }
        return out.empty() ? "  no violations\n" : out;
    }
    const Coverage& coverage() const { return coverage_; }
    const std::map<std::string, int64_t>& outcomes() const { return outcomes_; }

private:
    static constexpr size_t kFailedDaysToInactive = 3;
    static constexpr size_t kExamples = 3;

    struct Track {
        std::vector<int64_t> attempts;     // this campaign's dials so far, by start
        std::vector<int32_t> failed_days;  // distinct local days since the last answer
        std::optional<int64_t> abandoned_end;
        std::optional<Millis> last_end;
        int campaign_attempts = 0;
        bool reached = false;
    };
    struct CallerIdCap {
        size_t index = 0;
        int cap = 0;
    };

    void Flag(Rule rule, const CallRecord& r, int64_t t, int offset, const std::string& detail) {
        ++counts_[rule];
        if (examples_[rule].size() >= kExamples) return;
        examples_[rule].push_back(fmt::format(
            "record {}: contact {} {} attempt {} outcome {} caller ID {}, started {} = {} at "
            "the callee{}",
            r.id, r.contact_id, r.number, r.attempt, r.outcome, r.caller_id, FormatAt(t, 0),
            FormatAt(t, offset), detail.empty() ? "" : ": " + detail));
    }

    CallingRules rules_;
    std::string purpose_;
    bool needs_consent_ = false;
    int campaign_max_attempts_;
    int64_t no_redial_after_abandon_;
    int center_offset_;
    const World& world_;
    std::vector<Track> tracks_;
    std::unordered_map<std::string, CallerIdCap> caller_ids_;
    std::unordered_map<uint64_t, int> caller_id_calls_;  // (caller ID, center day) -> calls
    int64_t records_ = 0;
    std::array<int64_t, kRuleCount> counts_{};
    std::array<std::vector<std::string>, kRuleCount> examples_;
    std::map<std::string, int64_t> outcomes_;
    Coverage coverage_;
};

// -------------------------------------------------------------------------
// Random scenarios.

enum class Kind { kRobot, kPredictive, kPreview, kCapped };

std::string_view KindName(Kind kind) {
    switch (kind) {
        case Kind::kRobot:
            return "robot";
        case Kind::kPredictive:
            return "predictive";
        case Kind::kPreview:
            return "preview";
        case Kind::kCapped:
            return "robot, caller IDs capped";
    }
    return "?";
}

class Random {
public:
    explicit Random(uint64_t seed) : rng_(seed) {}
    int64_t Int(int64_t lo, int64_t hi) {
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
    }
    double Real(double lo, double hi) {
        return std::uniform_real_distribution<double>(lo, hi)(rng_);
    }
    bool Chance(double p) { return Real(0, 1) < p; }
    template <typename T>
    const T& Pick(const std::vector<T>& v) {
        return v[static_cast<size_t>(Int(0, static_cast<int64_t>(v.size()) - 1))];
    }
    uint64_t Next() { return rng_(); }

private:
    std::mt19937_64 rng_;
};

// A scenario with random rules, lead mix, zones and network. `purpose` is
// given so that both kinds of purpose are sure to run.
Scenario RandomScenario(Random& rnd, Kind kind, int index, const std::string& purpose) {
    Scenario s;
    s.seed = rnd.Next();
    s.name = fmt::format("run {} ({})", index, KindName(kind));

    // Dates: any weekday of some week from March 2026 on; dialing starts
    // between 00:00 and 09:00 UTC and lasts 8 to 14 hours a day, so that the
    // callees' windows (UTC-05:00 ... UTC+12:00) open and close during it.
    const int64_t monday = DayNumber(std::chrono::year{2026} / 3 / 2);
    const int64_t first_day = monday + 7 * rnd.Int(0, 40) + rnd.Int(0, 6);
    s.start = (first_day * kDay + rnd.Int(0, 9 * 60) * kMinute) * 1000;
    s.days = static_cast<int>(rnd.Int(2, 5));
    s.day_length = rnd.Int(8, 14) * kHourMs;

    CallingRules& rules = s.rules;
    rules.window_start_minute = static_cast<int>(rnd.Int(7 * 60, 11 * 60));
    rules.window_end_minute = static_cast<int>(rnd.Int(17 * 60, 22 * 60));
    do {
        rules.weekdays = static_cast<uint8_t>(rnd.Int(0, 127));
    } while (std::popcount(rules.weekdays) < 3);
    rules.holidays.clear();
    for (int64_t n = rnd.Int(0, 3); n > 0; --n) {
        auto h = static_cast<int32_t>(first_day + rnd.Int(-1, s.days));
        if (std::find(rules.holidays.begin(), rules.holidays.end(), h) == rules.holidays.end()) {
            rules.holidays.push_back(h);
        }
    }
    std::sort(rules.holidays.begin(), rules.holidays.end());  // gate.h: ascending
    rules.max_attempts = static_cast<int>(rnd.Int(1, 5));
    rules.attempt_period = rnd.Int(1, 7) * kDay;
    rules.min_gap = rnd.Chance(0.2) ? 0 : rnd.Int(60, 4 * kHour);
    rules.default_utc_offset_minutes =
        rnd.Pick(std::vector<int>{120, 180, 240, 300, 345, 420, 600, 720});

    DialerOptions& d = s.dialer;
    d.campaign_id = index + 1;
    d.purpose = purpose;
    d.max_attempts = static_cast<int>(rnd.Int(1, 5));
    d.center_utc_offset_minutes = rnd.Pick(std::vector<int>{180, 120, 300, 420, 600});
    d.retries.clear();
    for (const char* outcome : {"busy", "no_answer", "rejected", "failed", "abandoned"}) {
        if (!rnd.Chance(0.85)) continue;  // no rule: the lead is closed after that outcome
        int64_t delay = rnd.Chance(0.5) ? rnd.Int(0, 6 * kHour) : rnd.Int(6 * kHour, 48 * kHour);
        d.retries.push_back({outcome, delay});
    }

    LeadMix& mix = s.leads;
    mix.utc_offsets.clear();
    std::vector<int> zones = {-300, 0,   120, 180, 240, 300, 330, 345,
                              360,  420, 480, 540, 570, 600, 660, 720};
    std::shuffle(zones.begin(), zones.end(), std::mt19937_64(rnd.Next()));
    for (int64_t k = 0, n = rnd.Int(2, 7); k < n; ++k)
        mix.utc_offsets.emplace_back(zones[static_cast<size_t>(k)], rnd.Real(0.05, 1.0));
    mix.unknown_zone = rnd.Real(0, 0.15);
    mix.stop_list = rnd.Real(0, 0.3);
    mix.not_now = rnd.Real(0, 0.3);
    mix.registry = rnd.Real(0, 0.3);
    mix.consent = rnd.Real(0.3, 1.0);
    mix.revoked = rnd.Real(0, 0.3);
    mix.deletion = rnd.Real(0, 0.1);
    mix.inactive = rnd.Real(0, 0.1);
    mix.dialed_before = rnd.Real(0, 0.3);

    telephony::Population& pop = s.population;
    pop.clock_utc_offset_minutes = d.center_utc_offset_minutes;
    pop.answer_rate = {{0, rnd.Real(0.15, 0.6)}};
    pop.busy = rnd.Real(0.1, 0.4);
    pop.rejected = rnd.Real(0.01, 0.15);
    pop.failed = rnd.Real(0.005, 0.08);
    pop.invalid = rnd.Real(0.005, 0.06);
    pop.machine = rnd.Real(0, 0.1);
    pop.talk_time = telephony::Distribution::Exponential(rnd.Real(40, 150));
    pop.patience = telephony::Distribution::Exponential(rnd.Real(3, 12));

    s.pool.local_presence = rnd.Chance(0.7);
    PacingOptions& pacing = d.pacing;
    switch (kind) {
        case Kind::kRobot:
            mix.count = rnd.Int(60'000, 100'000);
            pacing.mode = Pacing::kRobot;
            pacing.robot_max_calls = 2000;
            pacing.robot_calls_per_second = 200;
            s.caller_ids = 500;
            s.pool.daily_cap = 5000;
            break;
        case Kind::kPredictive:
            // Abandoned calls, and their redials 72 h later: four days or more,
            // and room for several attempts.
            // Six allowed weekdays and at most one holiday, so that the redials
            // fall on days that may be called.
            mix.count = 40'000;
            s.days = 5;
            s.day_length = 8 * kHourMs;
            s.agents = 80;
            rules.weekdays = static_cast<uint8_t>(0x7F & ~(1 << rnd.Int(0, 6)));
            while (rules.holidays.size() > 1)
                rules.holidays.pop_back();
            pacing.mode = Pacing::kPredictive;
            d.max_attempts = static_cast<int>(rnd.Int(3, 5));
            rules.max_attempts = static_cast<int>(rnd.Int(3, 5));
            rules.attempt_period = rnd.Int(1, 3) * kDay;
            s.caller_ids = 300;
            s.pool.daily_cap = 200;
            break;
        case Kind::kPreview:
            mix.count = 3'000;
            s.agents = 20;
            pacing.mode = Pacing::kPreview;
            s.caller_ids = 50;
            s.pool.daily_cap = 300;
            break;
        case Kind::kCapped:
            // Six caller IDs of 40 calls a day: the pool runs dry every day.
            mix.count = 4'000;
            pacing.mode = Pacing::kRobot;
            pacing.robot_max_calls = 200;
            pacing.robot_calls_per_second = 50;
            s.caller_ids = 6;
            s.pool.daily_cap = 40;
            break;
    }
    return s;
}

std::string Describe(const Scenario& s) {
    const CallingRules& r = s.rules;
    std::string holidays;
    for (int32_t h : r.holidays)
        holidays += fmt::format(" {}", FormatDay(h));
    std::string zones;
    for (const auto& [offset, weight] : s.leads.utc_offsets)
        zones += fmt::format(" {}:{:.2f}", offset, weight);
    return fmt::format(
        "{}: seed {}, start {}, {} days of {} h, purpose {}, {} leads, window {}-{}, weekdays "
        "{:07b} (bit 0 = Mon), holidays [{}], {} attempts per {} days, min gap {} s, default "
        "offset {}, campaign max attempts {}, center offset {}, zones [{}], caller IDs {} x {}",
        s.name, s.seed, FormatAt(s.start / 1000, 0), s.days, s.day_length / kHourMs,
        s.dialer.purpose, s.leads.count, FormatMinute(r.window_start_minute),
        FormatMinute(r.window_end_minute), r.weekdays, holidays, r.max_attempts,
        r.attempt_period / kDay, r.min_gap, r.default_utc_offset_minutes, s.dialer.max_attempts,
        s.dialer.center_utc_offset_minutes, zones, s.caller_ids, s.pool.daily_cap);
}

struct Checked {
    RunResult result;
    int64_t records = 0;
    int64_t violations = 0;
    std::string report;
    Coverage coverage;
    std::map<std::string, int64_t> outcomes;
};

// Runs the scenario and re-checks every record it writes, as it is written.
Checked RunAndCheck(const Scenario& s) {
    const World world = MakeWorld(s);  // the same world Run() makes for itself
    IndependentChecker checker(s, world);
    RunOptions options;
    options.check = false;  // the engine's own re-check uses the gate: not ours
    options.on_call = [&](const CallRecord& r) { checker.Add(r); };
    Checked c;
    c.result = Run(s, options);
    c.records = checker.records();
    c.violations = checker.Violations();
    c.report = checker.Report();
    c.coverage = checker.coverage();
    c.outcomes = checker.outcomes();
    return c;
}

TEST(CampaignCorrectness, MillionDialsUnderRandomRulesBreakNone) {
    constexpr int64_t kTarget = 1'000'000;
    constexpr int kMaxRuns = 40;
    const auto wall_start = std::chrono::steady_clock::now();
    Random rnd(20260302);

    int64_t total = 0;
    std::map<std::string, int64_t> denials, outcomes;
    Coverage coverage;
    std::map<std::string, int64_t> denials_marketing;
    int64_t abandoned_predictive = 0, no_caller_id_capped = 0;
    int max_caller_id_day_capped = 0, cap_capped = 0;

    // First the runs with agents and the capped pool, then robots, the
    // fastest way to volume, until a million dials have been checked.
    int run = 0;
    for (; run < kMaxRuns && total < kTarget; ++run) {
        Kind kind = run == 0   ? Kind::kPredictive
                    : run == 1 ? Kind::kPreview
                    : run == 2 ? Kind::kCapped
                               : Kind::kRobot;
        // Both purposes are sure to run: marketing needs consents, service does not.
        std::string purpose = run % 2 == 0 ? "marketing" : "service";
        Scenario s = RandomScenario(rnd, kind, run, purpose);
        auto started = std::chrono::steady_clock::now();
        Checked c = RunAndCheck(s);
        double seconds_taken =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const DialerStats& st = c.result.stats;
        fmt::print("{}\n  {} dials checked in {:.1f} s, {} violations; denials:", Describe(s),
                   c.records, seconds_taken, c.violations);
        for (const auto& [reason, n] : st.denials)
            fmt::print(" {} {}", reason, n);
        fmt::print("; no caller ID {}\n", st.no_caller_id);

        EXPECT_EQ(c.violations, 0) << Describe(s) << "\n" << c.report;
        // Every dial left a record, and every record was checked.
        EXPECT_EQ(c.records, st.attempts) << Describe(s);
        // Every move of an operator was the workforce's too (the one door).
        EXPECT_EQ(st.workforce_refusals, 0) << Describe(s);

        total += c.records;
        for (const auto& [reason, n] : st.denials) {
            denials[reason] += n;
            if (s.dialer.purpose == "marketing") denials_marketing[reason] += n;
        }
        for (const auto& [outcome, n] : c.outcomes)
            outcomes[outcome] += n;
        coverage.Add(c.coverage);
        if (kind == Kind::kPredictive) abandoned_predictive += st.abandoned;
        if (kind == Kind::kCapped) {
            no_caller_id_capped += st.no_caller_id;
            max_caller_id_day_capped = c.coverage.max_caller_id_day;
            cap_capped = s.pool.daily_cap;
        }
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    fmt::print(
        "total: {} dials in {} runs checked, {:.1f} s; retried {}, after an abandoned call {}, "
        "with attempts before the campaign {}, of unknown zone {}, after a not-now stop lapsed "
        "{}, needing consent {}, on a consent revoked later {}; numbers made inactive {}\n",
        total, run, wall, coverage.retried, coverage.after_abandon, coverage.prior_attempts,
        coverage.assumed_offset, coverage.not_now_lapsed, coverage.needed_consent,
        coverage.consent_revoked_later, coverage.became_inactive);
    ASSERT_GE(total, kTarget);

    // Not vacuous: the gate had something to deny, for every reason ...
    for (const char* reason : {"stop_list", "registry", "outside_window", "deletion_pending",
                               "inactive", "attempt_cap", "too_soon"}) {
        EXPECT_GT(denials[reason], 0) << reason;
    }
    for (const char* reason : {"no_consent", "consent_revoked"}) {
        EXPECT_GT(denials_marketing[reason], 0) << reason << " in marketing runs";
    }
    // ... the records have every outcome ...
    for (const char* outcome :
         {"answered", "busy", "no_answer", "invalid", "rejected", "failed", "abandoned"}) {
        EXPECT_GT(outcomes[outcome], 0) << outcome;
    }
    // ... numbers were retried, some after an abandoned call (72 h later), some
    // had attempts before the campaign, some were of unknown zone, some were
    // dialed after a not-now stop lapsed or on a consent revoked later, and
    // some became inactive on their third failed day ...
    EXPECT_GT(coverage.retried, 0);
    EXPECT_GT(abandoned_predictive, 0);
    EXPECT_GT(coverage.after_abandon, 0);
    EXPECT_GT(coverage.prior_attempts, 0);
    EXPECT_GT(coverage.assumed_offset, 0);
    EXPECT_GT(coverage.not_now_lapsed, 0);
    EXPECT_GT(coverage.needed_consent, 0);
    EXPECT_GT(coverage.consent_revoked_later, 0);
    EXPECT_GT(coverage.became_inactive, 0);
    // ... and the capped pool ran dry: its caller IDs reached their cap.
    EXPECT_GT(no_caller_id_capped, 0);
    EXPECT_EQ(max_caller_id_day_capped, cap_capped);
}

// -------------------------------------------------------------------------
// The checker can fail: hand-made records that break one rule each.

class BrokenDials : public ::testing::Test {
protected:
    using Counts = std::map<std::string, int64_t>;
    static constexpr int kMoscow = 180;

    BrokenDials() {
        // Monday 2 March 2026 .. Friday 6 March; Thursday 5 March a holiday.
        monday_ = DayNumber(std::chrono::year{2026} / 3 / 2);
        s_.rules.window_start_minute = 9 * 60;
        s_.rules.window_end_minute = 20 * 60;
        s_.rules.weekdays = 0b0011111;
        s_.rules.holidays = {static_cast<int32_t>(monday_ + 3)};
        s_.rules.max_attempts = 3;
        s_.rules.attempt_period = 7 * kDay;
        s_.rules.min_gap = 30 * kMinute;
        s_.rules.default_utc_offset_minutes = kMoscow;
        s_.dialer.purpose = "marketing";
        s_.dialer.max_attempts = 5;
        s_.dialer.center_utc_offset_minutes = kMoscow;
        s_.pool.daily_cap = 100;
        w_.caller_ids = {{"+74950000001", "Москва", 0}, {"+74950000002", "Москва", 2}};
    }

    // UTC seconds of a callee's local time on day `day` (0 = the Monday).
    int64_t At(int day, int hour, int minute = 0, int offset = kMoscow) const {
        return (monday_ + day) * kDay + (hour * 60 + minute - offset) * kMinute;
    }
    // A lead that may be called: a consent for marketing, Moscow time.
    NumberState Callable() const {
        NumberState n;
        n.utc_offset_minutes = kMoscow;
        n.consents.push_back({"marketing", At(-100, 12), std::nullopt});
        return n;
    }
    int64_t AddLead(NumberState state) {
        Lead lead;
        lead.contact_id = static_cast<int64_t>(w_.leads.size()) + 1;
        lead.e164 = fmt::format("+7916{:07d}", lead.contact_id);
        lead.utc_offset_minutes = state.utc_offset_minutes;
        w_.leads.push_back(lead);
        w_.states.push_back(std::move(state));
        return lead.contact_id;
    }
    CallRecord Dial(int64_t contact, int64_t at, std::string outcome, int attempt,
                    std::string caller_id = "+74950000001") {
        CallRecord r;
        r.id = ++next_id_;
        r.contact_id = contact;
        r.number = w_.leads[static_cast<size_t>(contact - 1)].e164;
        r.caller_id = std::move(caller_id);
        r.started = at * 1000 + 250;
        r.ended = r.started + 40'000;
        if (outcome == "answered" || outcome == "abandoned") r.answered = r.started + 10'000;
        r.outcome = std::move(outcome);
        r.attempt = attempt;
        return r;
    }
    // A fresh checker over the records; the rules it says were broken.
    Counts Check(const std::vector<CallRecord>& records, const Scenario* s = nullptr) {
        IndependentChecker checker(s ? *s : s_, w_);
        for (const CallRecord& r : records)
            checker.Add(r);
        last_report_ = checker.Report();
        return checker.Counts();
    }

    int64_t monday_ = 0;
    Scenario s_;
    World w_;
    uint64_t next_id_ = 0;
    std::string last_report_;
};

TEST_F(BrokenDials, DialsThatKeepEveryRuleAreNotReported) {
    int64_t a = AddLead(Callable());
    int64_t b = AddLead(Callable());
    NumberState unknown = Callable();
    unknown.utc_offset_minutes.reset();  // Moscow by default
    int64_t c = AddLead(unknown);
    NumberState lapsed = Callable();
    lapsed.stops.push_back({StopCategory::kNotNow, At(1, 0)});
    int64_t d = AddLead(lapsed);
    EXPECT_EQ(Check({
                  Dial(a, At(0, 9, 0), "busy", 1),        // the window opens at 09:00
                  Dial(a, At(0, 9, 30), "no_answer", 2),  // exactly the minimum gap later
                  Dial(a, At(1, 19, 59), "answered", 3),  // the last minute of the window
                  Dial(b, At(0, 10), "abandoned", 1),
                  Dial(b, At(4, 10), "busy", 2),  // 96 h later (Thursday is a holiday)
                  Dial(c, At(0, 10), "busy", 1, "+74950000002"),
                  Dial(c, At(1, 10), "busy", 2, "+74950000002"),  // the cap is per day
                  Dial(d, At(1, 10), "busy", 1),  // the not-now stop lapsed at midnight
              }),
              Counts{})
        << last_report_;
}

TEST_F(BrokenDials, ADialOutsideTheCalleesWindowIsReported) {
    int64_t a = AddLead(Callable());
    NumberState vladivostok = Callable();
    vladivostok.utc_offset_minutes = 600;
    int64_t b = AddLead(vladivostok);
    NumberState unknown = Callable();
    unknown.utc_offset_minutes.reset();
    int64_t c = AddLead(unknown);
    NumberState saturday = Callable();
    int64_t d = AddLead(saturday);
    int64_t e = AddLead(Callable());
    int64_t f = AddLead(Callable());
    EXPECT_EQ(Check({
                  Dial(a, At(0, 3), "busy", 1),  // 03:00 local
                  // 10:00 in Moscow is 17:00 in Vladivostok: fine; 14:00 in Moscow is
                  // 21:00 there: too late.
                  Dial(b, At(0, 10), "busy", 1), Dial(b, At(0, 14), "busy", 2),
                  // Unknown zone: the default offset (Moscow) decides, 08:59 is early.
                  Dial(c, At(0, 8, 59), "busy", 1), Dial(d, At(5, 12), "busy", 1),  // Saturday
                  Dial(e, At(3, 12), "busy", 1),     // Thursday, a holiday
                  Dial(f, At(0, 20, 0), "busy", 1),  // the window's end is exclusive
              }),
              (Counts{{"outside_window", 6}}))
        << last_report_;
}

TEST_F(BrokenDials, ADialToAStopListedNumberIsReported) {
    NumberState dnd = Callable();
    dnd.stops.push_back({StopCategory::kDoNotDisturb, std::nullopt});
    NumberState written = Callable();
    written.stops.push_back({StopCategory::kWrittenOnly, std::nullopt});
    NumberState not_now = Callable();
    not_now.stops.push_back({StopCategory::kNotNow, At(2, 0)});
    int64_t a = AddLead(dnd), b = AddLead(written), c = AddLead(not_now);
    EXPECT_EQ(Check({
                  Dial(a, At(0, 10), "busy", 1), Dial(b, At(0, 10), "busy", 1),
                  Dial(c, At(1, 10), "busy", 1),  // not now until Wednesday
              }),
              (Counts{{"stop_list", 3}}))
        << last_report_;
}

TEST_F(BrokenDials, ADialToARegistryNumberIsReported) {
    NumberState listed = Callable();
    listed.registries.push_back("rkn-refusals");
    int64_t a = AddLead(listed);
    EXPECT_EQ(Check({Dial(a, At(0, 10), "busy", 1)}), (Counts{{"registry", 1}})) << last_report_;
}

TEST_F(BrokenDials, AMarketingDialWithoutAValidConsentIsReported) {
    NumberState none = Callable();
    none.consents.clear();
    NumberState revoked = Callable();
    revoked.consents[0].revoked_at = At(0, 9);
    NumberState later = Callable();
    later.consents[0].obtained_at = At(0, 11);
    NumberState other = Callable();
    other.consents[0].purpose = "survey";
    int64_t a = AddLead(none), b = AddLead(revoked), c = AddLead(later), d = AddLead(other);
    std::vector<CallRecord> records = {
        Dial(a, At(0, 10), "busy", 1), Dial(b, At(0, 10), "busy", 1),  // revoked at 09:00
        Dial(c, At(0, 10), "busy", 1),                                 // obtained at 11:00
        Dial(d, At(0, 10), "busy", 1),  // a consent for another purpose
    };
    EXPECT_EQ(Check(records), (Counts{{"no_consent", 4}})) << last_report_;
    // A service call needs no consent.
    Scenario service = s_;
    service.dialer.purpose = "service";
    EXPECT_EQ(Check(records, &service), Counts{}) << last_report_;
}

TEST_F(BrokenDials, AFourthAttemptWhenTheCapIsThreeIsReported) {
    int64_t a = AddLead(Callable());
    NumberState before = Callable();
    before.attempts = {At(-6, 12), At(-1, 12)};  // two attempts in the last 7 days
    int64_t b = AddLead(before);
    EXPECT_EQ(Check({
                  Dial(a, At(0, 10), "busy", 1), Dial(a, At(0, 14), "busy", 2),
                  Dial(a, At(1, 10), "abandoned", 3),
                  Dial(a, At(4, 11), "busy", 4),  // Friday: 3 attempts since Monday
                  Dial(b, At(0, 10), "busy", 1),  // the third in 7 days
                  Dial(b, At(0, 14), "busy", 2),  // the fourth
              }),
              (Counts{{"attempt_cap", 2}}))
        << last_report_;
}

TEST_F(BrokenDials, ADialWithinTheMinimumGapIsReported) {
    int64_t a = AddLead(Callable());
    NumberState before = Callable();
    before.attempts = {At(0, 9, 50)};  // an attempt before the campaign
    int64_t b = AddLead(before);
    EXPECT_EQ(Check({
                  Dial(a, At(0, 10), "busy", 1),
                  Dial(a, At(0, 10, 10), "busy", 2),
                  Dial(b, At(0, 10), "busy", 1),
              }),
              (Counts{{"min_gap", 2}}))
        << last_report_;
}

TEST_F(BrokenDials, ARedialWithin72HoursOfAnAbandonedCallIsReported) {
    int64_t a = AddLead(Callable());
    EXPECT_EQ(Check({
                  Dial(a, At(0, 10), "abandoned", 1), Dial(a, At(2, 10), "busy", 2),  // 48 h later
              }),
              (Counts{{"redial_within_72h_of_abandon", 1}}))
        << last_report_;
}

TEST_F(BrokenDials, ACallerIdOverItsDailyCapIsReported) {
    int64_t a = AddLead(Callable()), b = AddLead(Callable()), c = AddLead(Callable());
    int64_t d = AddLead(Callable());
    EXPECT_EQ(Check({
                  Dial(a, At(0, 10), "busy", 1, "+74950000002"),  // its cap is 2
                  Dial(b, At(0, 11), "busy", 1, "+74950000002"),
                  Dial(c, At(0, 12), "busy", 1, "+74950000002"),
                  Dial(d, At(0, 12), "busy", 1, "+74959999999"),  // not the campaign's
              }),
              (Counts{{"caller_id_cap", 1}, {"unknown_caller_id", 1}}))
        << last_report_;
}

TEST_F(BrokenDials, DialsToDeletedInactiveOrReachedLeadsAreReported) {
    NumberState deleted = Callable();
    deleted.deletion_pending = true;
    NumberState flagged = Callable();
    flagged.inactive = true;
    int64_t a = AddLead(deleted), b = AddLead(flagged), c = AddLead(Callable());
    int64_t d = AddLead(Callable()), e = AddLead(Callable());
    Scenario loose = s_;  // attempts not capped by the gate here
    loose.rules.max_attempts = 10;
    loose.rules.min_gap = 0;
    loose.dialer.max_attempts = 10;
    EXPECT_EQ(Check(
                  {
                      Dial(a, At(0, 10), "busy", 1),
                      Dial(b, At(0, 10), "busy", 1),
                      // Failed on Monday, Tuesday and Wednesday: inactive on Friday.
                      Dial(c, At(0, 10), "busy", 1),
                      Dial(c, At(1, 10), "no_answer", 2),
                      Dial(c, At(2, 10), "rejected", 3),
                      Dial(c, At(4, 10), "busy", 4),
                      // Two failed days (Monday twice, Tuesday): still callable.
                      Dial(d, At(0, 10), "busy", 1),
                      Dial(d, At(0, 15), "busy", 2),
                      Dial(d, At(1, 10), "busy", 3),
                      Dial(d, At(2, 10), "busy", 4),
                      // Reached on Monday: done.
                      Dial(e, At(0, 10), "answered", 1),
                      Dial(e, At(1, 10), "busy", 2),
                  },
                  &loose),
              (Counts{{"deletion_pending", 1}, {"inactive", 2}, {"redial_after_reached", 1}}))
        << last_report_;
}

TEST_F(BrokenDials, TheCampaignsAttemptCapAndTheRecordsOwnCountAreChecked) {
    int64_t a = AddLead(Callable()), b = AddLead(Callable());
    Scenario two = s_;
    two.dialer.max_attempts = 2;
    EXPECT_EQ(Check(
                  {
                      Dial(a, At(0, 10), "busy", 1), Dial(a, At(1, 10), "abandoned", 2),
                      Dial(a, At(4, 11), "busy", 3),  // over the campaign's 2
                      Dial(b, At(0, 10), "busy", 2),  // the record says 2, it is the first
                  },
                  &two),
              (Counts{{"campaign_attempt_cap", 1}, {"attempt_number", 1}}))
        << last_report_;
}

TEST_F(BrokenDials, ADialWhileTheNumbersLastCallIsLiveIsReported) {
    int64_t a = AddLead(Callable());
    CallRecord first = Dial(a, At(0, 10), "busy", 1);
    CallRecord second = Dial(a, At(0, 10, 0) + 20, "busy", 2);  // 20 s in, of a 40 s call
    EXPECT_EQ(Check({first, second}), (Counts{{"overlapping_dial", 1}, {"min_gap", 1}}))
        << last_report_;
}

// All of the above in one run of the checker, with the report a failing run
// would print: each broken dial is reported under its rule, and the report
// names the records.
TEST_F(BrokenDials, TheCheckerCatchesABrokenDial) {
    NumberState dnd = Callable();
    dnd.stops.push_back({});
    NumberState listed = Callable();
    listed.registries.push_back("operator-refusals");
    NumberState none = Callable();
    none.consents.clear();
    int64_t early = AddLead(Callable()), stop = AddLead(dnd), reg = AddLead(listed);
    int64_t nc = AddLead(none), cap = AddLead(Callable()), gap = AddLead(Callable());
    int64_t ab = AddLead(Callable());
    int64_t x = AddLead(Callable()), y = AddLead(Callable()), z = AddLead(Callable());
    EXPECT_EQ(Check({
                  Dial(early, At(0, 3), "busy", 1),  // 03:00 at the callee
                  Dial(stop, At(0, 10), "busy", 1),  // do not disturb
                  Dial(reg, At(0, 10), "busy", 1),   // in a registry
                  Dial(nc, At(0, 10), "busy", 1),    // marketing without consent
                  Dial(cap, At(0, 10), "busy", 1), Dial(cap, At(0, 11), "busy", 2),
                  Dial(cap, At(0, 12), "busy", 3),
                  Dial(cap, At(0, 13), "busy", 4),  // the 4th when the cap is 3
                  Dial(gap, At(0, 10), "busy", 1),
                  Dial(gap, At(0, 10, 5), "busy", 2),  // 5 minutes after, the gap is 30
                  Dial(ab, At(0, 10), "abandoned", 1),
                  Dial(ab, At(1, 10), "busy", 2),  // 24 h after an abandoned call
                  Dial(x, At(1, 10), "busy", 1, "+74950000002"),
                  Dial(y, At(1, 11), "busy", 1, "+74950000002"),
                  Dial(z, At(1, 12), "busy", 1, "+74950000002"),  // its 3rd call, cap 2
              }),
              (Counts{{"outside_window", 1},
                      {"stop_list", 1},
                      {"registry", 1},
                      {"no_consent", 1},
                      {"attempt_cap", 1},
                      {"min_gap", 1},
                      {"redial_within_72h_of_abandon", 1},
                      {"caller_id_cap", 1}}))
        << last_report_;
    fmt::print("The report of a run with broken dials:\n{}", last_report_);
    EXPECT_NE(last_report_.find("record 1: contact 1 +79160000001 attempt 1 outcome busy"),
              std::string::npos)
        << last_report_;
    EXPECT_NE(last_report_.find("2026-03-02 Mon 03:00:00 UTC+03:00"), std::string::npos)
        << last_report_;
}

}  // namespace
}  // namespace callbase::campaigns
