#include "routing/acd.h"

#include <algorithm>
#include <limits>

namespace callbase::routing {

double QueueStats::ServiceLevel() const {
    return answered > 0 ? static_cast<double>(answered_within) / static_cast<double>(answered) : 0;
}

double QueueStats::ServiceLevelWithAbandons() const {
    const int64_t all = answered + abandoned;
    return all > 0
               ? static_cast<double>(answered_within + abandoned_within) / static_cast<double>(all)
               : 0;
}

double QueueStats::AverageSpeedOfAnswerSeconds() const {
    return answered > 0
               ? static_cast<double>(answered_wait_ms) / 1000.0 / static_cast<double>(answered)
               : 0;
}

Acd::Acd(telephony::Loop& loop, agents::Workforce& workforce, Hooks hooks,
         std::unique_ptr<QueueStore> store)
    : loop_(loop), workforce_(workforce), hooks_(std::move(hooks)), store_(std::move(store)) {
    workforce_.AddListener([this](const agents::AgentInfo& a, agents::State from) {
        const agents::State to = a.now.state;
        if (from == agents::State::kOffered && to != agents::State::kOnCall) {
            // The offer ended without an answer (the desk went away): the
            // caller goes on to the next agent at once.
            auto it = agent_offer_.find(a.spec.id);
            if (it != agent_offer_.end()) {
                const uint64_t offer = it->second;
                loop_.At(loop_.Now(), [this, offer] { Decline(offer, false); });
            }
        }
        if (to == agents::State::kOffline || from == agents::State::kOffline) {
            logins_changed_ = true;  // the queues' logged-in counts, for the join and leave rules
        }
        if (to == agents::State::kReady || to == agents::State::kOffline ||
            from == agents::State::kOffline) {
            ScheduleDispatch();
        }
    });
}

Result<void> Acd::AddQueue(QueueSpec spec) {
    if (spec.name.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"routing.queue_no_name", "a queue needs a name", "e.g. sales, support"});
    }
    if (queues_.contains(spec.name)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"routing.queue_exists", "queue '{queue}' is defined twice",
                        "give each queue its own name"},
                    {{"queue", spec.name}});
    }
    QueueState q;
    q.member_pos = MemberPositionsOf(spec);
    std::sort(spec.widen.begin(), spec.widen.end());
    q.spec = std::move(spec);
    std::string name = q.spec.name;
    queues_.emplace(std::move(name), std::move(q));
    return {};
}

const QueueSpec* Acd::Queue(std::string_view name) const {
    auto it = queues_.find(name);
    return it == queues_.end() ? nullptr : &it->second.spec;
}

MemberPositions MemberPositionsOf(const QueueSpec& queue) {
    MemberPositions out;
    for (size_t i = 0; i < queue.members.size(); ++i)
        out.emplace(queue.members[i], static_cast<int>(i));
    return out;
}

int MaxLevel(const QueueSpec& queue, Millis waited) {
    int level = queue.first_level;
    for (const auto& [after, upto] : queue.widen) {
        if (waited >= after) level = std::max(level, upto);
    }
    return level;
}

std::optional<int> QueueLevel(const QueueSpec& queue, const MemberPositions& members,
                              const agents::AgentSpec& agent, Millis waited) {
    if (!queue.members.empty() && !members.contains(agent.id)) return std::nullopt;
    if (queue.skill.empty()) return 1;
    for (const agents::Skill& s : agent.skills) {
        if (s.name == queue.skill) {
            if (s.level > MaxLevel(queue, waited)) return std::nullopt;
            return s.level;
        }
    }
    return std::nullopt;
}

std::optional<int> Acd::Eligible(const QueueState& q, const agents::AgentInfo& a,
                                 Millis waited) const {
    if (!a.Takes(agents::Work::kInbound)) return std::nullopt;
    return QueueLevel(q.spec, q.member_pos, a.spec, waited);
}

int Acd::LoggedIn(QueueState& q) {
    if (logins_changed_) {
        for (auto& [name, queue] : queues_)
            queue.logged_in = -1;
        logins_changed_ = false;
    }
    if (q.logged_in < 0) q.logged_in = AgentsOf(q.spec).first;
    return q.logged_in;
}

std::pair<int, int> Acd::AgentsOf(const QueueSpec& spec) const {
    const QueueState& q = queues_.find(spec.name)->second;
    const Millis now = loop_.Now();
    int logged = 0, ready = 0;
    for (const agents::AgentInfo& a : workforce_.All()) {
        if (a.now.state == agents::State::kOffline) continue;
        // Logged in counts every level the queue may ever reach.
        if (!Eligible(q, a, std::numeric_limits<Millis>::max() / 2)) continue;
        ++logged;
        if (workforce_.Available(a, agents::Work::kInbound, now)) ++ready;
    }
    return {logged, ready};
}

Result<JoinOutcome> Acd::Join(const std::string& queue, Entry entry) {
    auto it = queues_.find(queue);
    if (it == queues_.end()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"routing.no_queue", "no queue '{queue}'", "define the queue first"},
                    {{"queue", queue}});
    }
    QueueState& q = it->second;
    const Millis now = loop_.Now();
    entry.joined = entry.joined == 0 ? now : entry.joined;
    if (!q.spec.join_when_empty && LoggedIn(q) == 0) {
        ++q.stats.refused;
        return JoinOutcome::kRefusedEmpty;
    }
    const CallId call = entry.call;
    const Millis joined = entry.joined;
    const Millis rank = joined - static_cast<Millis>(entry.priority) * q.spec.priority_step;
    const int priority = entry.priority;
    if (!store_->Add(Place{.line = queue, .entry = std::move(entry), .rank = rank})) {
        return Fail(ErrorCode::kConflict,
                    Msg{"routing.already_waiting", "the call is waiting in a queue already",
                        "a caller waits in one queue at a time"});
    }
    ++q.stats.offered;
    waiting_.emplace(call, Waiter{});
    // Callers of lower priority already waiting behind whom this one goes.
    if (priority > 0) {
        store_->Each(queue, [&](const Place& other) {
            if (other.rank > rank && other.entry.priority < priority)
                ++waiting_.at(other.entry.call).higher_since;
            return true;
        });
    }
    if (q.spec.max_wait > 0) {
        loop_.At(joined + q.spec.max_wait, [this, call] {
            if (waiting_.contains(call)) Exit(call, "max_wait");
        });
    }
    for (const auto& [after, level] : q.spec.widen) {
        loop_.At(joined + after, [this, call] {
            if (waiting_.contains(call)) Dispatch();
        });
    }
    Dispatch();
    return JoinOutcome::kJoined;
}

void Acd::Leave(CallId call, bool cancel_offers) {
    auto it = waiting_.find(call);
    if (it == waiting_.end()) return;
    const Millis now = loop_.Now();
    for (uint64_t offer : it->second.offers) {
        const std::optional<agents::Offer> o = Forget(offer);
        (void)workforce_.Withdraw(offer, now, false);
        if (cancel_offers && o && hooks_.cancel) hooks_.cancel(*o);
    }
    (void)store_->Take(call);
    waiting_.erase(it);
}

void Acd::Exit(CallId call, std::string_view reason) {
    auto it = waiting_.find(call);
    if (it == waiting_.end()) return;
    const Place& place = PlaceOf(call);
    QueueState& q = queues_.at(place.line);
    ++q.stats.exits[std::string(reason)];
    const Entry entry = place.entry;
    q.stats.longest_wait_ms = std::max(q.stats.longest_wait_ms, loop_.Now() - entry.joined);
    Leave(call, true);
    if (hooks_.exit) hooks_.exit(q.spec, entry, reason);
    ScheduleDispatch();
}

void Acd::Hangup(CallId call) {
    auto it = waiting_.find(call);
    if (it == waiting_.end()) return;
    const Place& place = PlaceOf(call);
    QueueState& q = queues_.at(place.line);
    const Millis waited = loop_.Now() - place.entry.joined;
    ++q.stats.abandoned;
    if (waited < q.spec.short_abandon) ++q.stats.short_abandoned;
    if (waited <= q.spec.sl_threshold) ++q.stats.abandoned_within;
    q.stats.longest_wait_ms = std::max(q.stats.longest_wait_ms, waited);
    Leave(call, true);
    ScheduleDispatch();
}

void Acd::ChooseCallback(CallId call) {
    if (!store_->MarkCallback(call)) return;
    ++queues_.at(PlaceOf(call).line).stats.callbacks;
}

std::optional<agents::Offer> Acd::Forget(uint64_t offer) {
    auto it = open_.find(offer);
    if (it == open_.end()) return std::nullopt;
    agents::Offer o = std::move(it->second);
    open_.erase(it);
    agent_offer_.erase(o.agent);
    return o;
}

Result<void> Acd::Accept(uint64_t offer) {
    auto open = open_.find(offer);
    if (open == open_.end()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"routing.offer_gone", "the caller offered is no longer waiting",
                        "the caller hung up or another agent took the call"});
    }
    const CallId call = open->second.call;
    const Millis now = loop_.Now();
    if (auto accepted = workforce_.Accept(offer, now); !accepted) {
        // The desk went away meanwhile: the offer is lost, try the next agent.
        Decline(offer, false);
        return accepted;
    }
    (void)Forget(offer);
    std::erase(waiting_.at(call).offers, offer);
    const Place& place = PlaceOf(call);
    QueueState& q = queues_.at(place.line);
    const Millis waited = now - place.entry.joined;
    ++q.stats.answered;
    q.stats.answered_wait_ms += waited;
    if (waited <= q.spec.sl_threshold) ++q.stats.answered_within;
    q.stats.longest_wait_ms = std::max(q.stats.longest_wait_ms, waited);
    Leave(call, true);  // ring-all: the others stop ringing
    ScheduleDispatch();
    return {};
}

void Acd::Decline(uint64_t offer, bool missed) {
    const std::optional<agents::Offer> o = Forget(offer);
    if (!o) return;
    (void)workforce_.Withdraw(offer, loop_.Now(), missed);
    auto it = waiting_.find(o->call);
    if (it == waiting_.end()) return;
    std::erase(it->second.offers, offer);
    it->second.tried.insert(o->agent);
    if (missed) ++queues_.at(PlaceOf(o->call).line).stats.offers_missed;
    if (hooks_.cancel) hooks_.cancel(*o);
    ScheduleDispatch();
}

void Acd::ScheduleDispatch() {
    if (dispatch_scheduled_) return;
    dispatch_scheduled_ = true;
    loop_.At(loop_.Now(), [this] {
        dispatch_scheduled_ = false;
        Dispatch();
    });
}

void Acd::Offered(CallId call, const agents::Offer& offer) {
    waiting_.at(call).offers.push_back(offer.id);
    open_[offer.id] = offer;
    agent_offer_[offer.agent] = offer.id;
    const Place& place = PlaceOf(call);
    QueueState& q = queues_.at(place.line);
    loop_.At(loop_.Now() + q.spec.offer_timeout, [this, id = offer.id] {
        if (open_.contains(id)) Decline(id, true);
    });
    if (hooks_.offer) hooks_.offer(q.spec, place.entry, offer);
}

void Acd::Dispatch() {
    if (dispatching_) return;
    dispatching_ = true;
    const Millis now = loop_.Now();
    // The leave rule: callers of a queue whose last agent logged out. Only a
    // login or a logout can change it, so it is looked at after one.
    std::vector<CallId> leaving;
    const bool logins_changed = logins_changed_;
    for (auto& [name, q] : queues_) {
        if (!logins_changed) break;
        if (q.spec.leave_when_empty && LoggedIn(q) == 0 && WaitingIn(name) > 0) {
            store_->Each(name, [&](const Place& p) {
                if (!p.entry.callback) leaving.push_back(p.entry.call);
                return true;
            });
        }
    }
    dispatching_ = false;
    for (CallId call : leaving)
        Exit(call, "empty");
    dispatching_ = true;

    std::vector<const agents::AgentInfo*> free = workforce_.Available(agents::Work::kInbound, now);
    std::vector<std::pair<CallId, agents::Offer>> made;
    store_->Each({}, [&](const Place& place) {
        if (free.empty()) return false;
        const CallId call = place.entry.call;
        Waiter& w = waiting_.at(call);
        if (!w.offers.empty()) return true;  // ringing an agent already
        QueueState& q = queues_.at(place.line);
        const Millis waited = now - place.entry.joined;
        std::vector<Candidate> candidates;
        auto gather = [&](bool skip_tried) {
            candidates.clear();
            for (const agents::AgentInfo* a : free) {
                if (skip_tried && w.tried.contains(a->spec.id)) continue;
                auto level = Eligible(q, *a, waited);
                if (!level) continue;
                auto pos = q.member_pos.find(a->spec.id);
                const int member = pos != q.member_pos.end()
                                       ? pos->second
                                       : static_cast<int>(a - workforce_.All().data());
                candidates.push_back({a, *level, member});
            }
        };
        gather(true);
        if (candidates.empty() && !w.tried.empty()) {
            // Every eligible agent was tried: start over.
            w.tried.clear();
            gather(false);
        }
        for (const agents::AgentInfo* a : Pick(q.spec.strategy, candidates, q.memory)) {
            auto offer = workforce_.TryOffer(a->spec.id, agents::Work::kInbound, call, now);
            if (!offer) continue;  // refused at the door: never doubled
            std::erase(free, a);
            made.emplace_back(call, *offer);
        }
        return true;
    });
    dispatching_ = false;
    // The hooks run after the pass: they may call back into the ACD.
    for (auto& [call, offer] : made) {
        if (waiting_.contains(call)) Offered(call, offer);
    }
}

std::optional<int> Acd::Position(CallId call) const {
    const Place* place = store_->Find(call);
    if (place == nullptr) return std::nullopt;
    int position = 1;
    store_->Each(place->line, [&](const Place& other) {
        if (other.entry.call == call) return false;
        ++position;
        return true;
    });
    return position;
}

std::optional<Millis> Acd::EstimatedWait(CallId call) {
    auto position = Position(call);
    if (!position) return std::nullopt;
    Waiter& w = waiting_.at(call);
    const QueueState& q = queues_.at(PlaceOf(call).line);
    const auto [logged, ready] = AgentsOf(q.spec);
    // Each of the `position` callers up to this one needs an agent to free:
    // one every handle time / agents on average.
    const double serving = std::max(1, logged);
    auto estimate = static_cast<Millis>(q.handle_ms * static_cast<double>(*position) / serving);
    if (*position <= ready) estimate = 0;
    // Never more than last time, unless someone of higher priority went ahead.
    if (w.estimate >= 0 && estimate > w.estimate && w.higher_since == 0) estimate = w.estimate;
    w.estimate = estimate;
    w.higher_since = 0;
    return estimate;
}

void Acd::HandleTime(const std::string& queue, Millis ms) {
    auto it = queues_.find(queue);
    if (it == queues_.end()) return;
    it->second.handle_ms = 0.9 * it->second.handle_ms + 0.1 * static_cast<double>(ms);
}

const QueueStats* Acd::Stats(std::string_view queue) const {
    auto it = queues_.find(queue);
    return it == queues_.end() ? nullptr : &it->second.stats;
}

size_t Acd::WaitingIn(std::string_view queue) const {
    return store_->Count(queue);
}

std::vector<std::string> Acd::Queues() const {
    std::vector<std::string> out;
    for (const auto& [name, q] : queues_)
        out.push_back(name);
    return out;
}

}  // namespace callbase::routing
