// SimNetwork: a discrete-event telephone network of simulated callees, the
// Telephony a campaign runs against when nothing may really be dialed
// (ARCHITECTURE.md, principle 2).
//
// A Population describes the callees: the answer probability by time of day
// (a step function on the call center's clock), how the unanswered dials
// split into busy, rejected, failed and no answer, the shares of invalid
// numbers and of answering machines (both fixed per number), and the
// distributions of ring time, talk time, a machine's greeting and a callee's
// patience while waiting in silence for an agent. For robots: the keys people
// press and how many hang up during a prompt.
//
// Deterministic: every draw for a dial comes from a generator seeded by
// (seed, number, attempt of that number), so a run is the same for a seed
// whatever the order of dials, and two pacing modes dialing the same number
// for the same time meet the same callee.
//
// Runs on its SimLoop's thread, like the campaign that uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "telephony/sim/sim_loop.h"
#include "telephony/telephony.h"

namespace callbase::telephony {

// SplitMix64: a tiny, fast generator with a 64-bit state, so that every
// simulated call can own one.
class Rng {
public:
    explicit Rng(uint64_t seed = 0) : state_(seed) {}
    uint64_t Next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)

private:
    uint64_t state_;
};

// A non-negative duration in seconds.
struct Distribution {
    enum class Kind { kFixed, kUniform, kExponential, kLognormal };
    Kind kind = Kind::kFixed;
    double a = 0;  // fixed: the value; uniform: min; exponential, lognormal: the mean
    double b = 0;  // uniform: max; lognormal: the standard deviation

    static Distribution Fixed(double v) { return {Kind::kFixed, v, 0}; }
    static Distribution Uniform(double lo, double hi) { return {Kind::kUniform, lo, hi}; }
    static Distribution Exponential(double mean) { return {Kind::kExponential, mean, 0}; }
    static Distribution Lognormal(double mean, double sd) { return {Kind::kLognormal, mean, sd}; }
    double Mean() const;
    double Draw(Rng& rng) const;
};

struct Population {
    // (minute of the day on the call center's clock, answer probability),
    // ascending; the first entry also holds before its minute.
    std::vector<std::pair<int, double>> answer_rate = {{0, 0.30}};
    int clock_utc_offset_minutes = 180;
    // Shares of the unanswered dials; the rest ring out (no answer).
    double busy = 0.25;
    double rejected = 0.05;
    double failed = 0.01;
    // Shares of numbers.
    double invalid = 0.03;
    double machine = 0.08;

    Distribution ring_time = Distribution::Lognormal(8, 4);  // until a callee answers
    Distribution talk_time = Distribution::Exponential(120);
    Distribution machine_talk = Distribution::Uniform(1, 4);
    Distribution patience = Distribution::Exponential(8);

    // Robots: the keys pressed at a question, with weights ("" = none pressed).
    std::vector<std::pair<std::string, double>> keys = {{"1", 0.45}, {"2", 0.35}, {"", 0.2}};
    double hangup_in_prompt = 0.08;  // per prompt
    double prompt_ms_per_char = 65;

    double AnswerRateAt(Millis at) const;
};

class SimNetwork final : public Telephony {
public:
    SimNetwork(SimLoop& loop, Population population, uint64_t seed);

    void OnEvent(Handler handler) override { handler_ = std::move(handler); }
    CallId Originate(const Dial& dial) override;
    void Bridge(CallId call, std::string_view agent) override;
    void Unbridge(CallId call) override;
    // The colleague's phone answers consult_answer later (kConsultAnswered),
    // or, for one AgentAnswers says does not, rings out after agent_ring
    // (kConsultEnded, 408). The caller's conversation runs on meanwhile.
    bool Consult(CallId call, std::string_view agent) override;
    void EndConsult(CallId call, ConsultStep step) override;
    void Play(CallId call, std::string_view prompt) override;
    void Collect(CallId call, int max_digits, Millis timeout) override;
    void Answer(CallId call) override;
    void Hangup(CallId call) override;
    // With early_media on, an incoming call still ringing hears prompts and
    // presses keys before the answer; the caller's patience runs on.
    bool EarlyMedia(CallId call) override;
    bool early_media = false;  // off: as callbase simulate's days assume

    // An incoming call: `from` calls `to` now (the incoming event follows on
    // the loop). The caller hangs up after `patience` unless answered first;
    // once answered, they behave as an answered callee does.
    CallId Offer(std::string from, std::string to, Millis patience);

    // An operator whose phone does not take calls (stepped away, the phone
    // off): a Bridge to them rings for agent_ring, the caller still waiting
    // with their patience, then kAgentMissed (cause 408) says so.
    void AgentAnswers(const std::string& agent, bool answers);
    Millis agent_ring = 20'000;
    Millis consult_answer = 2'000;

    // The population can change mid-run (a scenario's answer rate falls).
    Population& population() { return population_; }
    size_t Live() const { return calls_.size(); }
    uint64_t Dials() const { return next_id_ - 1; }

private:
    enum class State { kRinging, kWaiting, kTalking, kPrompt, kCollecting };
    struct Call {
        State state = State::kRinging;
        uint64_t step = 0;  // bumped on each change: stale timers see a new value
        bool machine = false;
        bool early = false;    // ringing with early media: prompts and keys before the answer
        uint64_t media = 0;    // bumped on each prompt or collect of early media
        uint64_t consult = 0;  // bumped on each consultation and its end
        Rng rng;
    };
    // Sends `event` at `at` if the call is still at `step` then (and at
    // early-media step `media`, when given).
    void Schedule(CallId id, uint64_t step, Millis at, Event event, bool ends_call,
                  std::optional<uint64_t> media = std::nullopt);
    bool EarlyRinging(const Call& call) const {
        return call.early && call.state == State::kRinging;
    }
    Call* Find(CallId id);
    bool NumberIs(const std::string& number, uint64_t salt, double share) const;
    void Wait(CallId id, Call& call);

    SimLoop& loop_;
    Population population_;
    uint64_t seed_;
    Handler handler_;
    CallId next_id_ = 1;
    std::unordered_map<CallId, Call> calls_;
    std::unordered_map<std::string, uint32_t> attempts_;  // per number
    std::unordered_set<std::string> unanswering_;         // AgentAnswers(.., false)
};

}  // namespace callbase::telephony
