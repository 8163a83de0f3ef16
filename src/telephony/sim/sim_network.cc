#include "telephony/sim/sim_network.h"

#include <algorithm>
#include <cmath>

namespace callbase::telephony {
namespace {

constexpr Millis kDayMs = 86'400'000;

uint64_t Fnv1a(std::string_view text, uint64_t salt) {
    uint64_t h = 0xcbf29ce484222325ULL ^ salt;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

Millis Ms(double seconds) {
    return static_cast<Millis>(std::llround(seconds * 1000.0));
}

double Normal(Rng& rng) {
    double u1 = std::max(rng.Uniform(), 1e-300);
    double u2 = rng.Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace

double Distribution::Mean() const {
    switch (kind) {
        case Kind::kFixed:
            return a;
        case Kind::kUniform:
            return (a + b) / 2;
        case Kind::kExponential:
        case Kind::kLognormal:
            return a;
    }
    return a;
}

double Distribution::Draw(Rng& rng) const {
    switch (kind) {
        case Kind::kFixed:
            return a;
        case Kind::kUniform:
            return a + (b - a) * rng.Uniform();
        case Kind::kExponential:
            return -a * std::log(1.0 - rng.Uniform());
        case Kind::kLognormal: {
            if (a <= 0) return 0;
            double s2 = std::log(1.0 + (b * b) / (a * a));
            double mu = std::log(a) - s2 / 2;
            return std::exp(mu + std::sqrt(s2) * Normal(rng));
        }
    }
    return a;
}

double Population::AnswerRateAt(Millis at) const {
    if (answer_rate.empty()) return 0;
    Millis local = at + Millis{clock_utc_offset_minutes} * 60'000;
    int minute = static_cast<int>(((local % kDayMs) + kDayMs) % kDayMs / 60'000);
    double rate = answer_rate.front().second;
    for (const auto& [from, value] : answer_rate) {
        if (from > minute) break;
        rate = value;
    }
    return rate;
}

SimNetwork::SimNetwork(SimLoop& loop, Population population, uint64_t seed)
    : loop_(loop), population_(std::move(population)), seed_(seed) {}

bool SimNetwork::NumberIs(const std::string& number, uint64_t salt, double share) const {
    Rng rng(Fnv1a(number, seed_ ^ salt));
    return rng.Uniform() < share;
}

SimNetwork::Call* SimNetwork::Find(CallId id) {
    auto it = calls_.find(id);
    return it == calls_.end() ? nullptr : &it->second;
}

void SimNetwork::Schedule(CallId id, uint64_t step, Millis at, Event event, bool ends_call,
                          std::optional<uint64_t> media) {
    event.call = id;
    loop_.At(at, [this, id, step, ends_call, media, event = std::move(event)]() mutable {
        Call* call = Find(id);
        if (call == nullptr || call->step != step) return;  // hung up or moved on
        if (media && call->media != *media) return;
        if (ends_call) calls_.erase(id);
        event.at = loop_.Now();
        if (handler_) handler_(event);
    });
}

CallId SimNetwork::Originate(const Dial& dial) {
    const CallId id = next_id_++;
    const Population& pop = population_;
    uint32_t attempt = attempts_[dial.number]++;
    Call& call = calls_[id];
    call.rng = Rng(Fnv1a(dial.number, seed_) ^ (uint64_t{attempt} * 0x9e3779b97f4a7c15ULL));
    call.machine = NumberIs(dial.number, 0x6d616368, pop.machine);
    Rng& rng = call.rng;
    const Millis now = loop_.Now();

    // Draw everything in a fixed order so that a dial's fate does not depend
    // on which branch an earlier draw took.
    double u_answer = rng.Uniform();
    double u_kind = rng.Uniform();
    double ring = pop.ring_time.Draw(rng);
    double quick = 0.5 + 2.5 * rng.Uniform();
    double ringing_at = 0.3 + 1.2 * rng.Uniform();

    Event event;
    Millis end = 0;
    if (NumberIs(dial.number, 0x696e76, pop.invalid)) {
        event.kind = EventKind::kInvalid;
        event.cause = 404;
        end = now + Ms(quick);
    } else if (u_answer < pop.AnswerRateAt(now) && Ms(ring) < dial.ring_timeout) {
        event.kind = EventKind::kAnswered;
        end = now + Ms(ring);
    } else if (u_kind < pop.busy) {
        event.kind = EventKind::kBusy;
        event.cause = 486;
        end = now + Ms(quick);
    } else if (u_kind < pop.busy + pop.failed) {
        event.kind = EventKind::kFailed;
        event.cause = 503;
        end = now + Ms(quick);
    } else if (u_kind < pop.busy + pop.failed + pop.rejected) {
        event.kind = EventKind::kRejected;
        event.cause = 603;
        end = now + std::min(dial.ring_timeout, Ms(ring));
    } else {
        event.kind = EventKind::kNoAnswer;
        event.cause = 480;
        end = now + dial.ring_timeout;
    }
    Millis ringing = now + Ms(ringing_at);
    if (ringing < end && event.kind != EventKind::kInvalid && event.kind != EventKind::kFailed &&
        event.kind != EventKind::kBusy) {
        Schedule(id, 0, ringing, Event{.kind = EventKind::kRinging}, false);
    }
    if (event.kind == EventKind::kAnswered) {
        loop_.At(end, [this, id] {
            Call* c = Find(id);
            if (c == nullptr || c->state != State::kRinging) return;
            c->state = State::kWaiting;
            ++c->step;
            Wait(id, *c);
            if (handler_)
                handler_(Event{.call = id, .kind = EventKind::kAnswered, .at = loop_.Now()});
        });
    } else {
        Schedule(id, 0, end, std::move(event), true);
    }
    return id;
}

// An answered callee who hears nobody hangs up when their patience runs out.
void SimNetwork::Wait(CallId id, Call& call) {
    double patience = call.machine ? population_.machine_talk.Draw(call.rng)
                                   : population_.patience.Draw(call.rng);
    Schedule(id, call.step, loop_.Now() + Ms(patience), Event{.kind = EventKind::kHungUp}, true);
}

void SimNetwork::AgentAnswers(const std::string& agent, bool answers) {
    if (answers)
        unanswering_.erase(agent);
    else
        unanswering_.insert(agent);
}

void SimNetwork::Bridge(CallId id, std::string_view agent) {
    Call* call = Find(id);
    if (call == nullptr) return;
    if (unanswering_.contains(std::string(agent))) {
        // The caller waits on as before (their patience runs): the step stays.
        Schedule(id, call->step, loop_.Now() + agent_ring,
                 Event{.kind = EventKind::kAgentMissed, .cause = 408}, false);
        return;
    }
    call->state = State::kTalking;
    ++call->step;
    const Distribution& talk = call->machine ? population_.machine_talk : population_.talk_time;
    Schedule(id, call->step, loop_.Now() + Ms(talk.Draw(call->rng)),
             Event{.kind = EventKind::kHungUp}, true);
}

void SimNetwork::Unbridge(CallId id) {
    Call* call = Find(id);
    if (call == nullptr || call->state != State::kTalking) return;
    // Back in a line: the conversation's end is off, the caller's patience runs.
    call->state = State::kWaiting;
    ++call->step;
    Wait(id, *call);
}

bool SimNetwork::Consult(CallId id, std::string_view agent) {
    Call* call = Find(id);
    if (call == nullptr || call->state != State::kTalking) return false;
    const uint64_t consult = ++call->consult;
    const bool answers = !unanswering_.contains(std::string(agent));
    loop_.At(loop_.Now() + (answers ? consult_answer : agent_ring), [this, id, consult, answers] {
        Call* c = Find(id);
        if (c == nullptr || c->consult != consult || !handler_) return;
        handler_(Event{.call = id,
                       .kind = answers ? EventKind::kConsultAnswered : EventKind::kConsultEnded,
                       .at = loop_.Now(),
                       .cause = answers ? 0 : 408});
    });
    return true;
}

void SimNetwork::EndConsult(CallId id, ConsultStep /*step*/) {
    if (Call* call = Find(id)) ++call->consult;
}

void SimNetwork::Play(CallId id, std::string_view prompt) {
    Call* call = Find(id);
    if (call == nullptr) return;
    double length = static_cast<double>(prompt.size()) * population_.prompt_ms_per_char / 1000.0;
    if (EarlyRinging(*call)) {
        Schedule(id, call->step, loop_.Now() + Ms(length), Event{.kind = EventKind::kPromptDone},
                 false, ++call->media);
        return;
    }
    call->state = State::kPrompt;
    ++call->step;
    double u = call->rng.Uniform();
    if (call->machine || u < population_.hangup_in_prompt) {
        double at = length * call->rng.Uniform();
        Schedule(id, call->step, loop_.Now() + Ms(at), Event{.kind = EventKind::kHungUp}, true);
        return;
    }
    Schedule(id, call->step, loop_.Now() + Ms(length), Event{.kind = EventKind::kPromptDone},
             false);
}

void SimNetwork::Collect(CallId id, int max_digits, Millis timeout) {
    Call* call = Find(id);
    if (call == nullptr) return;
    const bool early = EarlyRinging(*call);
    if (!early) {
        call->state = State::kCollecting;
        ++call->step;
    }
    double total = 0;
    for (const auto& [key, weight] : population_.keys)
        total += weight;
    double u = call->rng.Uniform() * total;
    std::string keys;
    for (const auto& [key, weight] : population_.keys) {
        keys = key;
        if (u < weight) break;
        u -= weight;
    }
    if (static_cast<int>(keys.size()) > max_digits) keys.resize(static_cast<size_t>(max_digits));
    Millis at = keys.empty() ? timeout : std::min(timeout, Ms(1.0 + 3.0 * call->rng.Uniform()));
    Schedule(id, call->step, loop_.Now() + at, Event{.kind = EventKind::kDigits, .digits = keys},
             false, early ? std::optional<uint64_t>(++call->media) : std::nullopt);
}

CallId SimNetwork::Offer(std::string from, std::string to, Millis patience) {
    const CallId id = next_id_++;
    Call& call = calls_[id];
    call.rng = Rng(Fnv1a(from, seed_ ^ id));
    Schedule(id, 0, loop_.Now(),
             Event{.kind = EventKind::kIncoming, .from = std::move(from), .to = std::move(to)},
             false);
    Schedule(id, 0, loop_.Now() + patience, Event{.kind = EventKind::kHungUp}, true);
    return id;
}

void SimNetwork::Answer(CallId id) {
    Call* call = Find(id);
    if (call == nullptr || call->state != State::kRinging) return;
    call->state = State::kWaiting;
    ++call->step;
    Wait(id, *call);
    Schedule(id, call->step, loop_.Now(), Event{.kind = EventKind::kAnswered}, false);
}

bool SimNetwork::EarlyMedia(CallId id) {
    if (!early_media) return false;
    if (Call* call = Find(id); call != nullptr && call->state == State::kRinging)
        call->early = true;
    return true;
}

void SimNetwork::Hangup(CallId id) {
    calls_.erase(id);
}

}  // namespace callbase::telephony
