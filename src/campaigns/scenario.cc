#include "campaigns/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <random>
#include <set>
#include <unordered_map>

#include "campaigns/scenario_file.h"
#include "compliance/attempts.h"

namespace callbase::campaigns {
namespace {

using telephony::Rng;
constexpr Millis kHourMs = 3'600'000;
constexpr int64_t kDay = 86'400;

// A region per UTC offset, for the invented numbers and caller IDs.
std::string RegionOf(int offset) {
    switch (offset) {
        case 120:
            return "Калининградская область";
        case 180:
            return "Москва";
        case 240:
            return "Самарская область";
        case 300:
            return "Свердловская область";
        case 360:
            return "Омская область";
        case 420:
            return "Новосибирская область";
        case 480:
            return "Иркутская область";
        case 540:
            return "Республика Саха (Якутия)";
        case 600:
            return "Приморский край";
        case 660:
            return "Магаданская область";
        case 720:
            return "Камчатский край";
        default:
            return {};
    }
}

// Distinct invented mobile numbers: +79XXXXXXXXX from a permutation of i.
std::string InventedNumber(int64_t i, int64_t salt) {
    int64_t body = (i * 7919 + 12345 + salt) % 1'000'000'000;
    return fmt::format("+79{:09d}", body);
}

template <typename T>
const T& Weighted(const std::vector<std::pair<T, double>>& options, double u) {
    double total = 0;
    for (const auto& o : options)
        total += o.second;
    u *= total;
    for (const auto& o : options) {
        if (u < o.second) return o.first;
        u -= o.second;
    }
    return options.back().first;
}

int32_t DayOf(UnixSeconds t, int offset_minutes) {
    int64_t local = t + int64_t{offset_minutes} * 60;
    return static_cast<int32_t>(local / kDay - (local % kDay < 0 ? 1 : 0));
}

// Re-checks every call record after the fact: the number's state is rebuilt
// from the scenario's truth and the records before it, and the dial gate
// asked again; the campaign's own rules (its attempt cap, no redial within
// 72 h of an abandoned call or after a reached one, the caller-ID caps) are
// counted here. A record that breaks a rule is a violation.
class RecordCheck {
public:
    RecordCheck(const Scenario& s, const World& w, const DialerOptions& options)
        : scenario_(s), world_(w), options_(options), per_lead_(w.states.size()) {
        for (const auto& id : w.caller_ids) {
            caps_[id.number] = id.daily_cap > 0 ? id.daily_cap : s.pool.daily_cap;
        }
        for (size_t i = 0; i < w.leads.size(); ++i)
            index_.emplace(w.leads[i].contact_id, i);
    }

    void Add(const CallRecord& r) {
        const size_t i = index_.at(r.contact_id);
        PerLead& p = per_lead_[i];
        compliance::NumberState state = world_.states[i];
        state.attempts.insert(state.attempts.end(), p.attempts.begin(), p.attempts.end());
        std::sort(state.attempts.begin(), state.attempts.end());
        if (static_cast<int>(p.failed_days.size()) >= compliance::kFailedDaysToInactive) {
            state.inactive = true;
        }
        UnixSeconds at = r.started / 1000;
        auto d = compliance::DialGate::Check(state, options_.purpose, at, scenario_.rules);
        for (const auto& reason : d.reasons) {
            ++violations_[std::string(compliance::DenyReasonId(reason.reason))];
        }
        if (p.reached) ++violations_["redial_after_reached"];
        if (p.abandoned_at && at < *p.abandoned_at + options_.abandon_no_redial_seconds) {
            ++violations_["redial_within_72h_of_abandon"];
        }
        if (++p.campaign_attempts > options_.max_attempts) ++violations_["campaign_attempt_cap"];
        int32_t day = DayOf(at, options_.center_utc_offset_minutes);
        if (++caller_id_calls_[{r.caller_id, day}] > caps_[r.caller_id]) {
            ++violations_["caller_id_cap"];
        }
        p.attempts.push_back(at);
        if (r.outcome == "abandoned") p.abandoned_at = r.ended / 1000;  // 72 h from its end
        if (r.outcome == "answered") p.reached = true;
        if (IsFailedOutcome(r.outcome)) {
            int32_t local = DayOf(
                at, state.utc_offset_minutes.value_or(scenario_.rules.default_utc_offset_minutes));
            if (std::find(p.failed_days.begin(), p.failed_days.end(), local) ==
                p.failed_days.end()) {
                p.failed_days.push_back(local);
            }
        } else {
            p.failed_days.clear();
        }
    }
    const std::map<std::string, int64_t>& violations() const { return violations_; }

private:
    struct PerLead {
        std::vector<UnixSeconds> attempts;
        std::vector<int32_t> failed_days;
        std::optional<UnixSeconds> abandoned_at;
        bool reached = false;
        int campaign_attempts = 0;
    };
    const Scenario& scenario_;
    const World& world_;
    const DialerOptions& options_;
    std::vector<PerLead> per_lead_;
    std::map<std::pair<std::string, int32_t>, int> caller_id_calls_;
    std::unordered_map<std::string, int> caps_;
    std::unordered_map<int64_t, size_t> index_;  // contact id -> lead
    std::map<std::string, int64_t> violations_;
};

// Every window of the campaign's length that ends at an answered call and
// holds at least WindowCheck::kMinCalls answered calls (fewer say little): the worst
// one, and how many were over the limit.
WindowCheck CheckWindows(std::vector<std::pair<Millis, bool>>& answered, Millis window,
                         double limit) {
    std::sort(answered.begin(), answered.end());
    WindowCheck check;
    size_t first = 0;
    int64_t abandoned = 0;
    for (size_t i = 0; i < answered.size(); ++i) {
        abandoned += answered[i].second;
        while (answered[first].first <= answered[i].first - window) {
            abandoned -= answered[first].second;
            ++first;
        }
        const auto n = static_cast<int64_t>(i - first + 1);
        if (n < WindowCheck::kMinCalls) continue;
        ++check.windows;
        const double rate = double(abandoned) / double(n);
        if (rate > limit + 1e-12) ++check.over_limit;
        if (rate > check.worst) {
            check.worst = rate;
            check.worst_end = answered[i].first;
            check.worst_answered = n;
            check.worst_abandoned = abandoned;
        }
    }
    return check;
}

}  // namespace

int64_t RunResult::Violations() const {
    int64_t n = 0;
    for (const auto& [rule, count] : violations)
        n += count;
    return n;
}

Result<Scenario> LoadScenario(const std::string& path) {
    return ReadScenarioFile(path);
}

Result<Scenario> ParseScenario(std::string_view text, const std::string& name) {
    return ReadScenarioText(text, name);
}

World MakeWorld(const Scenario& s) {
    World w;
    Rng rng(s.seed * 0x9e3779b97f4a7c15ULL + 17);
    const LeadMix& mix = s.leads;
    const UnixSeconds start = s.start / 1000;
    const UnixSeconds end = start + int64_t{s.days} * kDay;
    w.registries_checked = "rkn-refusals v12, operator-refusals v3";
    w.leads.reserve(static_cast<size_t>(mix.count));
    w.states.reserve(static_cast<size_t>(mix.count));
    for (int64_t i = 0; i < mix.count; ++i) {
        Lead lead;
        lead.contact_id = i + 1;
        lead.e164 = InventedNumber(i, static_cast<int64_t>(s.seed % 1000));
        int offset = Weighted(mix.utc_offsets, rng.Uniform());
        compliance::NumberState state;
        if (rng.Uniform() >= mix.unknown_zone) {
            lead.utc_offset_minutes = offset;
            state.utc_offset_minutes = offset;
            lead.phone_region = RegionOf(offset);
        }
        lead.region = lead.phone_region;
        lead.added_at = start - static_cast<int64_t>(rng.Uniform() * 365) * kDay;
        if (rng.Uniform() < mix.stop_list) state.stops.push_back({});
        if (rng.Uniform() < mix.not_now) {
            state.stops.push_back({compliance::StopCategory::kNotNow,
                                   start + static_cast<int64_t>(rng.Uniform() * 30 * kDay)});
        }
        if (rng.Uniform() < mix.registry) {
            state.registries.push_back(rng.Uniform() < 0.5 ? "rkn-refusals" : "operator-refusals");
        }
        if (rng.Uniform() < mix.consent) {
            compliance::ConsentRecord c{s.dialer.purpose,
                                        start - static_cast<int64_t>(rng.Uniform() * 400) * kDay,
                                        std::nullopt};
            if (rng.Uniform() < mix.revoked) {
                c.revoked_at =
                    c.obtained_at +
                    static_cast<int64_t>(rng.Uniform() * static_cast<double>(end - c.obtained_at));
            }
            state.consents.push_back(c);
        }
        state.deletion_pending = rng.Uniform() < mix.deletion;
        state.inactive = rng.Uniform() < mix.inactive;
        if (rng.Uniform() < mix.dialed_before) {
            state.attempts.push_back(start - static_cast<int64_t>(rng.Uniform() * 3 * kDay));
        }
        w.leads.push_back(std::move(lead));
        w.states.push_back(std::move(state));
    }
    // Caller IDs spread over the regions as the leads are.
    for (int i = 0; i < s.caller_ids; ++i) {
        int offset = Weighted(mix.utc_offsets, rng.Uniform());
        w.caller_ids.push_back(CallerId{InventedNumber(i, 500'000'000), RegionOf(offset), 0});
    }
    return w;
}

RunResult Run(const Scenario& s, const RunOptions& run) {
    auto wall_start = std::chrono::steady_clock::now();
    RunResult result = RunWorld(s, MakeWorld(s), run);
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return result;
}

RunResult RunWorld(const Scenario& s, World world, const RunOptions& run) {
    auto wall_start = std::chrono::steady_clock::now();
    telephony::SimLoop loop(s.start);
    telephony::SimNetwork network(loop, s.population, s.seed);
    MemoryGate gate(s.rules, world.registries_checked);
    gate.Reserve(world.states.size());
    for (size_t i = 0; i < world.states.size(); ++i) {
        gate.Set(world.leads[i].contact_id, world.states[i]);
    }
    CallerIdPool pool(world.caller_ids, s.pool);
    DialerOptions options = s.dialer;
    if (run.pacing) options.pacing = *run.pacing;
    options.script = s.script.get();
    options.simulated_agents = true;
    options.schedule_start_minute = 0;
    options.schedule_end_minute = 24 * 60;
    RunResult result;
    RecordCheck check(s, world, options);  // before the leads move to the dialer
    Dialer dialer(loop, network, gate, pool, std::move(world.leads), options);

    std::vector<std::pair<Millis, bool>> answered;  // when, abandoned
    dialer.OnCall([&](const CallRecord& r) {
        if (r.inbound) return;  // incoming calls: outside the campaign's figures
        if (run.check) check.Add(r);
        if (r.answered != 0) {
            bool reached = options.pacing.mode == Pacing::kRobot ? r.outcome == "answered"
                                                                 : r.bridged != 0 && !r.short_call;
            if (reached) ++result.contacts_reached;
            answered.emplace_back(r.answered, r.outcome == "abandoned");
        }
        if (run.on_call) run.on_call(r);
    });
    const bool robot = options.pacing.mode == Pacing::kRobot;
    std::vector<std::string> agents;
    if (!robot) {
        for (int i = 1; i <= s.agents; ++i) {
            agents.push_back(fmt::format("agent-{:03d}", i));
            dialer.AddAgent(agents.back());
        }
    }
    for (int day = 0; day < s.days; ++day) {
        Millis t0 = s.start + day * kDay * 1000;
        loop.RunUntil(t0);
        for (const auto& a : agents)
            (void)dialer.SetReady(a);
        dialer.Start();
        // Calls to the center over the dialing hours ([incoming]), for the
        // same operators: Poisson arrivals.
        if (s.incoming_per_hour > 0 && !robot) {
            std::mt19937_64 rng(s.seed * 7919 + static_cast<uint64_t>(day));
            std::exponential_distribution<double> gap(s.incoming_per_hour / 3'600'000.0);
            int n = 0;
            for (Millis at = t0 + static_cast<Millis>(gap(rng)); at < t0 + s.day_length;
                 at += static_cast<Millis>(gap(rng))) {
                std::string from = fmt::format("+7916{:03d}{:04d}", day % 1000, n++ % 10'000);
                loop.At(at, [&network, &dialer, &s, from = std::move(from)] {
                    const telephony::CallId id =
                        network.Offer(from, "+74950000000", s.incoming_patience);
                    dialer.Offer(id, Incoming{.number = from,
                                              .did = "+74950000000",
                                              .max_wait = s.incoming_patience});
                });
            }
        }
        // Operators leaving and coming back during the day ([agents] changes):
        // the last ones in the list leave first, as if called to other work.
        const Millis local = t0 + Millis{options.center_utc_offset_minutes} * 60'000;
        const Millis midnight = t0 - (local % (kDay * 1000) + kDay * 1000) % (kDay * 1000);
        size_t logged_in = agents.size();
        for (const auto& [minute, count] : s.agent_changes) {
            const Millis at = midnight + Millis{minute} * 60'000;
            if (at < t0 || at >= t0 + s.day_length || robot) continue;
            loop.RunUntil(at);
            const auto want = std::min(agents.size(), static_cast<size_t>(count));
            for (; logged_in > want; --logged_in)
                (void)dialer.Logout(agents[logged_in - 1]);
            for (; logged_in < want; ++logged_in)
                (void)dialer.SetReady(agents[logged_in]);
        }
        loop.RunUntil(t0 + s.day_length);
        dialer.Pause();
        // Operators stay until the lines dialed for them have rung out.
        loop.RunUntil(t0 + s.day_length + options.ring_timeout + options.abandon_wait);
        for (const auto& a : agents)
            (void)dialer.Logout(a);
        loop.RunUntil(t0 + s.day_length + kHourMs);
        int32_t cday = DayOf(t0 / 1000, options.center_utc_offset_minutes);
        CallerIdDay cd;
        cd.day = cday;
        int64_t total = 0;
        for (const auto& u : pool.Report(cday)) {
            if (u.calls == 0) continue;
            ++cd.numbers_used;
            total += u.calls;
            cd.max_calls = std::max(cd.max_calls, u.calls);
            cd.near_cap += u.near_cap ? 1 : 0;
        }
        cd.mean_calls = cd.numbers_used ? double(total) / cd.numbers_used : 0;
        result.caller_id_days.push_back(cd);
    }
    result.window =
        CheckWindows(answered, options.pacing.abandon_window, options.pacing.abandon_limit);
    result.max_window_abandon = result.window.worst;
    result.stats = dialer.Stats();
    result.agents = robot ? 0 : s.agents;
    const auto& st = result.stats;
    result.agent_hours =
        static_cast<double>(st.ready_ms + st.talk_ms + st.wrap_ms + st.dialing_ms) / kHourMs;
    result.violations = check.violations();
    result.timers = static_cast<int64_t>(loop.TimersRun());
    result.simulated = loop.Now() - s.start;
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return result;
}

SweepResult Sweep(const Scenario& s, double from, double to, double step,
                  const std::function<void(const SweepPoint&)>& progress) {
    SweepResult out;
    auto at = [&](double ratio) {
        RunOptions run;
        run.check = false;
        PacingOptions pacing = s.dialer.pacing;
        pacing.mode = Pacing::kRatio;
        pacing.ratio = ratio;
        run.pacing = pacing;
        RunResult r = Run(s, run);
        SweepPoint p{ratio, r.stats.Occupancy(), r.stats.AbandonRate(), r.window.worst};
        out.points.push_back(p);
        if (progress) progress(p);
        // Within the limit over the run and in every rolling window, as the
        // predictive mode must be.
        if (p.abandon <= s.dialer.pacing.abandon_limit &&
            p.worst_window <= s.dialer.pacing.abandon_limit + 1e-12 &&
            (!out.best || p.occupancy > out.best->occupancy)) {
            out.best = p;
        }
    };
    for (double r = from; r <= to + 1e-9; r += step)
        at(r);
    if (out.best) {
        double center = out.best->ratio;
        for (double r = center - step + step / 5; r < center + step - 1e-9; r += step / 5) {
            if (std::abs(r - center) > 1e-9 && r > 0) at(r);
        }
    }
    std::sort(out.points.begin(), out.points.end(),
              [](const SweepPoint& a, const SweepPoint& b) { return a.ratio < b.ratio; });
    return out;
}

}  // namespace callbase::campaigns
