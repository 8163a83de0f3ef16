#include "campaigns/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <future>
#include <unordered_map>

#include "campaigns/demo_base.h"
#include "campaigns/diagnosis.h"
#include "campaigns/dialer.h"
#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "contacts/contact_book.h"
#include "core/json_text.h"
#include "ivr/script.h"
#include "phone/clean.h"
#include "routing/inbound_report.h"
#include "routing/menu.h"
#include "routing/routing_book.h"

namespace callbase::campaigns {
namespace {

using nlohmann::json;
using telephony::CallId;

// The loop's time as a Clock: what the books and the gate see.
class LoopClock final : public Clock {
public:
    explicit LoopClock(const telephony::Loop& loop) : loop_(loop) {}
    UnixSeconds Now() const override { return loop_.Now() / 1000; }

private:
    const telephony::Loop& loop_;
};

// Several campaigns share one network: each gets a line that hears only
// the events of its own calls. Incoming calls belong to nobody until the
// runner gives them to a campaign (`incoming`).
class Exchange {
public:
    explicit Exchange(telephony::Telephony& network) : network_(network) {
        network_.OnEvent([this](const telephony::Event& e) {
            auto it = owners_.find(e.call);
            if (it == owners_.end()) {
                if (e.kind == telephony::EventKind::kIncoming) {
                    if (incoming) {
                        incoming(e);
                    } else {
                        network_.Hangup(e.call);
                    }
                }
                return;
            }
            auto handler = it->second;
            if (telephony::IsFinalFailure(e.kind) || e.kind == telephony::EventKind::kHungUp) {
                owners_.erase(it);
            }
            if (*handler) (*handler)(e);
        });
    }
    telephony::Telephony& network() { return network_; }
    void Own(CallId call, std::shared_ptr<telephony::Telephony::Handler> handler) {
        owners_[call] = std::move(handler);
    }
    void Release(CallId call) { owners_.erase(call); }
    std::function<void(const telephony::Event&)> incoming;

private:
    telephony::Telephony& network_;
    std::unordered_map<CallId, std::shared_ptr<telephony::Telephony::Handler>> owners_;
};

class Line final : public telephony::Telephony {
public:
    explicit Line(Exchange& exchange)
        : exchange_(exchange), handler_(std::make_shared<Handler>()) {}
    // Events still on their way to this line's calls go nowhere.
    ~Line() override { *handler_ = nullptr; }
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;
    void OnEvent(Handler handler) override { *handler_ = std::move(handler); }
    CallId Originate(const telephony::Dial& dial) override {
        CallId id = exchange_.network().Originate(dial);
        exchange_.Own(id, handler_);
        return id;
    }
    void Bridge(CallId call, std::string_view agent) override {
        exchange_.network().Bridge(call, agent);
    }
    void Play(CallId call, std::string_view prompt) override {
        exchange_.network().Play(call, prompt);
    }
    void Collect(CallId call, int max_digits, telephony::Millis timeout) override {
        exchange_.network().Collect(call, max_digits, timeout);
    }
    void Answer(CallId call) override { exchange_.network().Answer(call); }
    bool EarlyMedia(CallId call) override { return exchange_.network().EarlyMedia(call); }
    // (Every verb the dialer uses goes on to the network: a verb left to the
    // port's default here would do nothing in `serve` — music on hold did
    // not reach SIP callers until the desk's hold showed it.)
    void Hold(CallId call, bool music) override { exchange_.network().Hold(call, music); }
    void Unbridge(CallId call) override { exchange_.network().Unbridge(call); }
    bool Monitor(CallId call, std::string_view supervisor, telephony::MonitorMode mode) override {
        return exchange_.network().Monitor(call, supervisor, mode);
    }
    bool Consult(CallId call, std::string_view agent) override {
        return exchange_.network().Consult(call, agent);
    }
    void EndConsult(CallId call, telephony::ConsultStep step) override {
        exchange_.network().EndConsult(call, step);
    }
    // An incoming call's events come to this line from now on.
    void Take(CallId call) { exchange_.Own(call, handler_); }
    void Hangup(CallId call) override {
        exchange_.Release(call);
        exchange_.network().Hangup(call);
    }
    void Reject(CallId call, int status) override {
        exchange_.Release(call);
        exchange_.network().Reject(call, status);
    }

private:
    Exchange& exchange_;
    std::shared_ptr<Handler> handler_;
};

Error NotInCampaign(const std::string& agent) {
    return Coded(ErrorCode::kConflict,
                 Msg{"agent.no_campaign", "{agent} is not working a campaign",
                     "join a running campaign first"},
                 {{"agent", agent}});
}

}  // namespace

struct CampaignRunner::Active {
    CampaignSpec spec;
    std::unique_ptr<ivr::Script> script;  // a robot's, when the campaign names one
    std::unique_ptr<CallerIdPool> pool;
    std::unique_ptr<StoreGate> gate;
    std::unique_ptr<Line> line;
    std::unique_ptr<Dialer> dialer;
    std::unordered_map<uint64_t, int64_t> call_rows;  // dialer's record id -> campaign_calls.id
    std::deque<json> points;                          // the live charts
    int64_t leads = 0;
    bool dialing = false;
    compliance::CallingRules rules;  // as loaded when the campaign started here
    std::map<int, int64_t> offsets;  // the callees' UTC offsets -> leads
};

struct CampaignRunner::Parts {
    std::unique_ptr<LoopClock> clock;  // the network's time: the gate, the pool's days
    SystemClock system;                // people's time unless the options give one
    std::unique_ptr<Exchange> exchange;
};

CampaignRunner::CampaignRunner(RunnerOptions options) : options_(std::move(options)) {}

const Clock& CampaignRunner::Wall() const {
    return options_.clock ? *options_.clock : parts_->system;
}

CampaignRunner::~CampaignRunner() {
    Stop();
}

Result<void> CampaignRunner::Start() {
    auto store = options_.open_store();
    if (!store) return std::unexpected(store.error());
    store_ = std::move(*store);
    // A demo base's numbers may be real people's: never over a real network.
    if (options_.real_network) {
        auto demo = IsDemoBase(*store_);
        if (!demo) return std::unexpected(demo.error());
        if (*demo) return std::unexpected(DemoBaseRefusal(options_.network_name));
    }
    const Millis now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    // Records a stopped server left open (kill -9, a crash, a power cut) are
    // closed before anything dials, so that each lead's past is whole.
    {
        auto closed = CampaignBook(*store_, Wall()).CloseInterrupted(now);
        if (!closed) return std::unexpected(closed.error());
        if (*closed > 0) {
            fmt::print(stderr,
                       "campaigns: {} call record(s) left open when the server last stopped are "
                       "closed as interrupted\n",
                       *closed);
        }
    }
    agent_log_ = std::make_unique<routing::AgentLog>(*store_);
    if (auto left = agent_log_->CloseLeftOpen(); !left) {
        return std::unexpected(left.error());
    } else if (*left > 0) {
        fmt::print(stderr,
                   "agents: {} operator state(s) left open when the server last stopped end "
                   "where they began\n",
                   *left);
    }
    loop_ = std::make_unique<telephony::SimLoop>(now);
    if (options_.real_network) {
        options_.speed = 1.0;
        auto real = options_.real_network(
            [loop = loop_.get()](std::function<void()> fn) { loop->Post(std::move(fn)); });
        if (!real) return std::unexpected(real.error());
        network_ = std::move(*real);
    } else {
        network_ =
            std::make_unique<telephony::SimNetwork>(*loop_, options_.population, options_.seed);
    }
    parts_ = std::make_unique<Parts>();
    parts_->clock = std::make_unique<LoopClock>(*loop_);
    parts_->exchange = std::make_unique<Exchange>(*network_);
    parts_->exchange->incoming = [this](const telephony::Event& e) { Incoming(e); };
    thread_ = std::thread([this] {
        // Signals are the process's business (serve waits for SIGTERM): none here.
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, nullptr);
        std::function<void()> poll = [this, &poll] {
            Poll();
            loop_->At(loop_->Now() + options_.poll, poll);
        };
        std::function<void()> sample = [this, &sample] {
            Sample();
            loop_->At(loop_->Now() + options_.sample, sample);
        };
        std::function<void()> board = [this, &board] {
            PublishBoard();
            loop_->At(loop_->Now() + 1'000, board);
        };
        poll();
        board();
        loop_->At(loop_->Now() + options_.sample, sample);
        // Runs until Stop(); a century is "until stopped".
        loop_->RunPaced(loop_->Now() + Millis{100} * 365 * 86'400'000, options_.speed);
        // Calls still going on are hung up and closed as interrupted (SIGTERM).
        for (auto& [id, a] : active_)
            a->dialer->Interrupt();
        active_.clear();
        // The operators' spells end with the server.
        if (auto closed = agent_log_->CloseAll(loop_->Now()); !closed) {
            fmt::print(stderr, "agents: the operators' states could not be closed ({})\n",
                       closed.error().message);
        }
    });
    return {};
}

void CampaignRunner::Stop() {
    if (!thread_.joinable()) return;
    loop_->Stop();
    thread_.join();
}

void CampaignRunner::Refresh() {
    if (loop_) loop_->Post([this] { Poll(); });
}

Result<void> CampaignRunner::OnLoop(std::function<Result<void>()> fn) {
    if (!loop_ || !thread_.joinable()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"campaign.no_runner", "campaigns are not running in this server"});
    }
    auto done = std::make_shared<std::promise<Result<void>>>();
    auto answer = done->get_future();
    loop_->Post([fn = std::move(fn), done] { done->set_value(fn()); });
    if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        return Fail(ErrorCode::kInternal, "the campaign loop did not answer");
    }
    return answer.get();
}

void CampaignRunner::DeskOpened(const std::string& agent) {
    std::lock_guard lock(mutex_);
    ++desks_[agent].open;
}

void CampaignRunner::DeskClosed(const std::string& agent) {
    std::lock_guard lock(mutex_);
    Desk& d = desks_[agent];
    d.open = std::max(0, d.open - 1);
    if (d.open == 0) d.closed = std::chrono::steady_clock::now();
}

// On the loop: ready operators whose desks have all been gone for the grace
// are paused, the reason logged and shown when they come back.
void CampaignRunner::CheckDesks() {
    std::vector<std::string> gone;
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        for (const auto& [agent, d] : desks_) {
            if (d.open == 0 && now - d.closed >= options_.desk_grace) gone.push_back(agent);
        }
    }
    for (const std::string& agent : gone) {
        Active* a = ActiveOf(agent);
        if (a == nullptr) continue;
        for (const auto& v : a->dialer->Agents()) {
            if (v.id != agent || v.state != AgentState::kReady || v.leaving_until != 0) continue;
            // The reason first: the pause's state event logs the spell with it.
            pause_reasons_[agent] = "desk_gone";
            if (a->dialer->SetPaused(agent, "desk_gone")) {
                fmt::print(stderr,
                           "agent {}: the desk has been gone for {} ms (tab closed or network "
                           "lost): paused, reason desk_gone\n",
                           agent, options_.desk_grace.count());
                PublishAgent(agent);
            }
        }
    }
}

// The routing book as it stands now: read with the campaigns' states, so that
// `callbase routing …` and the API steer calls within a poll. A base that
// cannot be read keeps the routing last read, and says so once.
void CampaignRunner::LoadRouting() {
    routing::RoutingBook book(*store_, Wall(), "serve");
    auto router = book.LoadRouter();
    auto queues = router ? book.Queues() : std::unexpected(router.error());
    auto profiles = queues ? book.AgentProfiles() : std::unexpected(queues.error());
    if (!profiles) {
        if (routing_error_ != profiles.error().message) {
            routing_error_ = profiles.error().message;
            fmt::print(stderr,
                       "inbound: the routing book could not be read ({}); calls are "
                       "routed as it was last read\n",
                       routing_error_);
        }
        return;
    }
    routing_error_.clear();
    router_ = std::move(*router);
    std::map<std::string, std::shared_ptr<InboundQueue>> kept;
    for (auto& q : *queues) {
        auto it = queues_.find(q.name);
        if (it != queues_.end()) {
            it->second->Set(std::move(q));
            kept.insert(*it);
        } else {
            const std::string name = q.name;
            kept.emplace(name, std::make_shared<InboundQueue>(std::move(q)));
        }
    }
    queues_ = std::move(kept);
    std::map<std::string, agents::AgentSpec> read;
    for (auto& p : *profiles) {
        const std::string name = p.id;
        read.emplace(name, std::move(p));
    }
    if (read != profiles_) {
        profiles_ = std::move(read);
        for (const auto& [agent, campaign] : agent_campaign_)
            ApplyProfile(agent);
    }
}

void CampaignRunner::ApplyProfile(const std::string& agent) {
    auto c = agent_campaign_.find(agent);
    if (c == agent_campaign_.end()) return;
    auto a = active_.find(c->second);
    if (a == active_.end()) return;
    auto p = profiles_.find(agent);
    a->second->dialer->SetProfile(p != profiles_.end() ? p->second
                                                       : agents::AgentSpec{.id = agent});
}

void CampaignRunner::Poll() {
    CheckDesks();
    LoadRouting();
    CampaignBook book(*store_, Wall());
    auto all = book.List();
    if (!all) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = all.error();
        return;
    }
    for (const auto& spec : *all) {
        auto it = active_.find(spec.id);
        if (spec.state == "running") {
            if (it == active_.end()) {
                if (auto r = Activate(spec); !r) {
                    std::lock_guard lock(mutex_);
                    if (!error_) error_ = r.error();
                }
            } else if (!it->second->dialing) {
                it->second->spec.state = spec.state;
                it->second->dialer->Start();
                it->second->dialing = true;
            }
        } else if (it != active_.end() && it->second->dialing) {
            it->second->spec.state = spec.state;
            it->second->dialer->Pause();
            it->second->dialing = false;
            PublishLive(*it->second);
        } else if (it != active_.end() && spec.state == "stopped" &&
                   it->second->dialer->LiveCalls() == 0) {
            for (const auto& a : it->second->dialer->Agents())
                agent_campaign_.erase(a.id);
            for (const auto& a : it->second->dialer->Agents())
                PublishAgent(a.id);
            active_.erase(it);
            std::lock_guard lock(mutex_);
            live_.erase(spec.id);
            changed_.notify_all();
        }
    }
}

Result<void> CampaignRunner::Activate(const CampaignSpec& spec) {
    const Clock& clock = *parts_->clock;
    CampaignBook book(*store_, Wall());
    auto leads = book.Leads(spec, *options_.cleaner);
    if (!leads) return std::unexpected(leads.error());
    auto rules = compliance::LoadRules(*store_);
    if (!rules) return std::unexpected(rules.error());
    auto a = std::make_unique<Active>();
    a->spec = spec;
    a->leads = static_cast<int64_t>(leads->size());
    a->rules = *rules;
    a->offsets = CalleeOffsets(*leads, rules->default_utc_offset_minutes);
    a->pool = std::make_unique<CallerIdPool>(spec.caller_ids,
                                             PoolOptions{spec.daily_cap, 0.9, spec.local_presence});
    const int offset = options_.center_utc_offset_minutes;
    const Millis now = loop_->Now();
    const auto day = static_cast<int32_t>((now / 1000 + int64_t{offset} * 60) / 86400);
    auto counts = book.CallerIdCalls(spec.id, day, offset);
    if (!counts) return std::unexpected(counts.error());
    for (const auto& [number, calls] : *counts)
        a->pool->Count(number, day, calls);
    auto catalog = std::make_shared<std::shared_ptr<compliance::RegistryCatalog>>();
    compliance::RegistryCheck check = [this, catalog,
                                       dir = options_.registry_dir](const std::string& e164) {
        return compliance::CatalogCheck(*store_, dir, *catalog)(e164);
    };
    a->gate = std::make_unique<StoreGate>(*store_, clock, *rules, std::move(check),
                                          RegistriesChecked(*store_, options_.registry_dir),
                                          "campaign:" + std::to_string(spec.id),
                                          /*record=*/static_cast<bool>(options_.real_network));
    a->line = std::make_unique<Line>(*parts_->exchange);
    DialerOptions dialer_options = OptionsOf(spec, offset);
    if (options_.cleaner != nullptr) {
        dialer_options.complete_lead = [cleaner = options_.cleaner](Lead& lead) {
            const phone::CleanResult found = cleaner->Clean(lead.e164);
            lead.utc_offset_minutes = found.utc_offset_minutes;
            lead.phone_region = found.region;
        };
    }
    if (auto trunk = CheckTrunk(spec); !trunk) return std::unexpected(trunk.error());
    if (spec.pacing == Pacing::kRobot && !spec.robot_script.empty()) {
        // Checked again: the file may have changed since the campaign was made.
        auto script = ivr::LoadScript(spec.robot_script);
        if (!script) return std::unexpected(script.error());
        for (const auto& problem : ivr::CheckRobotScript(*script)) {
            if (problem.error) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"campaign.script_problem", "campaign #{id}: {where}: {problem}",
                                "fix the script (`callbase ivr check FILE`) and start it again"},
                            {{"id", std::to_string(spec.id)},
                             {"where", problem.where},
                             {"problem", problem.message}});
            }
        }
        a->script = std::make_unique<ivr::Script>(std::move(*script));
        dialer_options.script = a->script.get();
    }
    dialer_options.workforce = &workforce_;
    dialer_options.queue_store = &lines_;
    dialer_options.line = fmt::format("campaign:{}", spec.id);
    a->dialer = std::make_unique<Dialer>(*loop_, *a->line, *a->gate, *a->pool, std::move(*leads),
                                         std::move(dialer_options));
    // Each lead goes on from its calls in earlier runs: attempts, retries, closed.
    auto past = book.PastCallsOf(spec.id);
    if (!past) return std::unexpected(past.error());
    for (const auto& [contact, calls] : *past)
        a->dialer->Resume(contact, calls);
    Active* raw = a.get();
    auto failed = [this](const Error& e) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = e;
    };
    const std::string network = options_.real_network ? options_.network_name : "sim";
    a->dialer->OnCallOpened([this, raw, network, failed](const CallRecord& r) {
        CampaignBook book(*store_, Wall());
        auto id = book.OpenCall(r, network);
        if (!id) return failed(id.error());
        raw->call_rows[r.id] = *id;
    });
    a->dialer->OnCallProgress([this, raw, failed](const CallRecord& r) {
        auto row = raw->call_rows.find(r.id);
        if (row == raw->call_rows.end()) return;
        CampaignBook book(*store_, Wall());
        if (auto ok = book.UpdateCall(row->second, r); !ok) failed(ok.error());
    });
    a->dialer->OnCall([this, raw, network, failed](const CallRecord& r) {
        CampaignBook book(*store_, Wall());
        const bool real = static_cast<bool>(options_.real_network);
        auto row = raw->call_rows.find(r.id);
        if (row != raw->call_rows.end()) {
            if (auto ok = book.CloseCall(row->second, r); !ok) return failed(ok.error());
        } else {
            // Its opening was not written (the base failed then): the whole record now.
            auto id = book.WriteCall(r, network);
            if (!id) return failed(id.error());
            raw->call_rows[r.id] = *id;
        }
        // What a robot did on a simulated call stays in the record; on a real
        // one it reaches the contact's card and the stop-list.
        if (!real || r.robot_actions.empty()) return;
        auto skipped = book.ApplyRobotActions(r);
        if (!skipped) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = skipped.error();
            return;
        }
        for (const auto& line : *skipped)
            fmt::print(stderr, "campaign #{}: {}\n", r.campaign_id, line);
    });
    a->dialer->OnDisposition([this, raw](const Disposition& d) {
        auto row = raw->call_rows.find(d.call);
        if (row == raw->call_rows.end()) return;
        CampaignBook book(*store_, Wall());
        if (auto r = book.WriteDisposition(row->second, d); !r) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = r.error();
        }
    });
    a->dialer->OnRefused([id = spec.id](const std::string& agent, const Error& e) {
        fmt::print(stderr,
                   "campaign #{}: operator {} was not given the move the campaign asked for: {} "
                   "(the workforce keeps an operator to one call at a time)\n",
                   id, agent, e.message);
    });
    a->dialer->OnCallbackLost([id = spec.id](const CallRecord& r) {
        fmt::print(stderr,
                   "campaign #{}: the server stops before the callback {} chose was placed: "
                   "it keeps its place in line when the campaign runs again within a day\n",
                   id, r.number);
    });
    a->dialer->OnAgentEvent([this, id = spec.id](const AgentEvent& e) {
        if (e.kind == std::string_view("callback") && e.lead != nullptr) {
            fmt::print(stderr, "inbound: operator {} calls back {}, whose turn in line came\n",
                       e.agent, e.lead->e164);
        } else if (e.kind == std::string_view("callback_held") && e.lead != nullptr) {
            fmt::print(stderr,
                       "inbound: the callback to {} is held back by the dial gate; it is dialed "
                       "when the gate allows (callbase why {})\n",
                       e.lead->e164, e.lead->e164);
        }
        if (e.kind == std::string_view("missed")) {
            // The reason before the pause's state event, which logs the spell with it.
            pause_reasons_[e.agent] = "no_answer";
            if (agent_log_) {
                if (auto kept = agent_log_->Missed(e.agent); !kept) {
                    fmt::print(stderr,
                               "agent {}: the missed call's ring could not be written to the "
                               "base ({}); the reports count it as talk\n",
                               e.agent, kept.error().message);
                }
            }
            fmt::print(stderr,
                       "agent {}: the phone did not take the call ({}): paused, reason "
                       "no_answer; the caller goes first to the next free operator\n",
                       e.agent,
                       e.cause == 408 ? std::string("it rang out")
                       : e.cause != 0 ? fmt::format("SIP {}", e.cause)
                                      : std::string("not reached"));
            return;
        }
        if (e.kind == std::string_view("state") && e.state == AgentState::kOffline) {
            if (auto it = agent_campaign_.find(e.agent);
                it != agent_campaign_.end() && it->second == id) {
                agent_campaign_.erase(it);
            }
        }
        PublishAgent(e.agent);
    });
    if (options_.real_network) {
        if (auto kept = RestoreCallbacks(book, spec.id, *a->dialer); !kept) return kept;
    }
    a->dialer->Start();
    a->dialing = true;
    PublishLive(*a);
    active_[spec.id] = std::move(a);
    return {};
}

// Callers who pressed 1 keep their place across a restart: each incoming
// record of the campaign closed as "callback" within the last day, whose
// caller nobody has called back since, is a place in line again — its queue,
// its arrival —, called back when its turn comes. An older one is said, once
// a start, for a call by hand (a promise kept days late is a surprise).
Result<void> CampaignRunner::RestoreCallbacks(CampaignBook& book, int64_t campaign,
                                              Dialer& dialer) {
    constexpr Millis kKeep = 24 * 3600 * 1000;
    const Millis now = loop_->Now();
    auto pending = book.PendingCallbacks(campaign, now - 7 * kKeep);
    if (!pending) return std::unexpected(pending.error());
    for (StoredCall& c : *pending) {
        if (c.started < now - kKeep) {
            fmt::print(stderr,
                       "campaign #{}: {} chose a callback more than a day ago and was never "
                       "called back: call them back by hand\n",
                       campaign, c.number);
            continue;
        }
        campaigns::Incoming in;
        in.number = c.number;
        in.did = c.caller_id;
        in.contact_id = c.contact_id;
        in.route = c.route;
        in.reason = c.route_reason;
        in.reason_params = c.route_params;
        in.menu_answers = c.menu_answers;
        in.arrived = c.started;
        std::string line = "the campaign's operators";
        if (auto route = routing::ParseRoute(c.route);
            route && route->target == routing::Target::kQueue) {
            if (auto q = queues_.find(route->name); q != queues_.end()) in.queue = q->second;
            line = "queue " + route->name;
        }
        fmt::print(stderr,
                   "inbound: {} chose a callback before the server stopped: their place in line "
                   "({}) is kept\n",
                   c.number, line);
        dialer.RestoreCallback(std::move(in));
    }
    return {};
}

namespace {

// What a caller hears for the built-in messages (`message:no_route`, …);
// any other message's text is spoken as written.
std::string MessageText(const std::string& name) {
    if (name == "no_route") {
        return "Здравствуйте! Этот номер сейчас не обслуживается. Пожалуйста, позвоните нам "
               "позже.";
    }
    if (name == "no_agents") {
        return "Здравствуйте! Сейчас нет свободных операторов. Пожалуйста, позвоните нам позже.";
    }
    if (name == "closed") return "Здравствуйте! Сейчас мы не работаем. Позвоните нам позже.";
    return name;
}

}  // namespace

// The operator campaign to offer a call to, among the agents `only` (all
// when empty) who take incoming calls and whom `queue` (if any) allows: the
// one of the agent the queue's strategy chooses among the ready ones of every
// campaign (fixed order: the first member, whichever campaign they work in;
// without a queue, the one ready longest); with nobody ready, the one with the
// most agents at work (the caller rings until one is free); none when no such
// agent is logged in.
CampaignRunner::Active* CampaignRunner::CampaignFor(const std::vector<std::string>& only,
                                                    const InboundQueue* queue, Millis waited) {
    if (queue != nullptr) {
        std::vector<routing::Candidate> candidates;
        std::map<const agents::AgentInfo*, Active*> campaign_of;
        for (auto& [id, a] : active_) {
            if (a->spec.pacing == Pacing::kRobot || a->spec.state != "running") continue;
            const size_t before = candidates.size();
            a->dialer->QueueCandidates(*queue, only, waited, candidates);
            for (size_t i = before; i < candidates.size(); ++i)
                campaign_of[candidates[i].agent] = a.get();
        }
        // The campaign's dialer chooses again among its own and remembers the
        // choice: the queue's memory is not moved on twice.
        routing::StrategyMemory memory = queue->memory;
        const auto picked = routing::Pick(queue->DeskStrategy(), std::move(candidates), memory);
        if (!picked.empty()) return campaign_of.at(picked.front());
    }
    Active* best = nullptr;
    std::optional<Millis> best_since;
    int best_working = 0;
    for (auto& [id, a] : active_) {
        if (a->spec.pacing == Pacing::kRobot || a->spec.state != "running") continue;
        const auto since = a->dialer->LongestReadySince(only, queue);
        const int working = a->dialer->AgentsWorking(only, queue);
        if (working == 0) continue;
        const bool better =
            since ? (!best_since || *since < *best_since) : (!best_since && working > best_working);
        if (best == nullptr || better) {
            best = a.get();
            best_since = since;
            best_working = working;
        }
    }
    return best;
}

// A call to the center's numbers (docs/routing.md). The routing book decides:
// the rules by caller (black list, VIP, complaints), then the number's route.
// With no number in the routing book yet, every call goes to whichever
// operator campaign has an agent free, as before routing was configured.
void CampaignRunner::Incoming(const telephony::Event& e) {
    campaigns::Incoming incoming{.number = e.from, .did = e.to, .arrived = loop_->Now()};
    std::string e164;
    if (options_.cleaner != nullptr && options_.cleaner->ToE164(e.from, &e164)) {
        incoming.number = e164;
        contacts::ContactBook book(*store_, Wall(), "inbound");
        auto found = book.FindByPhone(e164);
        if (!found) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = found.error();
        } else if (*found) {
            incoming.contact_id = (*found)->id;
        }
    }
    if (options_.cleaner != nullptr && options_.cleaner->ToE164(e.to, &e164)) incoming.did = e164;
    if (!router_ || router_->Numbers().empty()) {
        Active* best = CampaignFor({});
        if (best == nullptr) {
            fmt::print(stderr,
                       "inbound: the call from {} to {} is refused: no operator campaign is "
                       "running with operators at work\n",
                       e.from, e.to);
            parts_->exchange->network().Hangup(e.call);
            return;
        }
        best->line->Take(e.call);
        best->dialer->Offer(e.call, std::move(incoming));
        return;
    }
    routing::StoreCallerFacts facts(*store_);
    routing::Decision d = router_->Decide(incoming.number, incoming.did, facts, Wall().Now());
    if (facts.error()) {
        fmt::print(stderr,
                   "inbound: the caller's lists could not be read ({}); routed without them\n",
                   facts.error()->message);
    }
    incoming.reason = d.reason;
    incoming.reason_params = d.reason_params;
    incoming.priority = d.priority;
    Follow(e.call, std::move(incoming), d.route, d.fallback, 0);
}

// Sends the call where `route` says; `fallback` is where a personal manager's
// caller goes when the manager is not free.
void CampaignRunner::Follow(CallId call, campaigns::Incoming incoming, const routing::Route& route,
                            const routing::Route& fallback, int hops) {
    const std::string where = fmt::format("the call from {} to {}", incoming.number, incoming.did);
    auto& network = parts_->exchange->network();
    if (hops > 8) {
        fmt::print(stderr, "inbound: {}: its routes go round in a loop ({}); it hears a message\n",
                   where, routing::RouteText(route));
        Speak(call, incoming, "no_route");
        return;
    }
    switch (route.target) {
        case routing::Target::kReject: {
            const int status = route.name == "403" ? 403 : 603;
            fmt::print(stderr, "inbound: {} is refused with {} ({})\n", where, status,
                       incoming.reason);
            // A call a menu answered can only be hung up.
            if (incoming.answered_by_menu) {
                network.Hangup(call);
            } else {
                network.Reject(call, status);
            }
            NoteUnqueued(incoming, fmt::format("reject:{}", status));
            return;
        }
        case routing::Target::kMessage:
            fmt::print(stderr, "inbound: {} hears the message '{}' ({})\n", where, route.name,
                       incoming.reason);
            // The black list's message ends with 603 (declined), as its
            // refusal would; any other with 480 (temporarily unavailable).
            Speak(call, incoming, route.name, incoming.reason == "black_list" ? 603 : 480);
            return;
        case routing::Target::kExtension:
            if (auto next = router_->Extension(route.name)) {
                Follow(call, std::move(incoming), *next, fallback, hops + 1);
                return;
            }
            fmt::print(stderr, "inbound: {}: extension {} has no route; it hears a message\n",
                       where, route.name);
            Speak(call, incoming, "no_route");
            return;
        case routing::Target::kIvr:
            Menu(call, std::move(incoming), route.name, hops);
            return;
        case routing::Target::kAgent: {
            // The personal manager if they are free now, else where the rule says.
            Active* a = CampaignFor({route.name});
            if (a != nullptr && a->dialer->LongestReadySince({route.name})) {
                incoming.route = routing::RouteText(route);
                incoming.agents = {route.name};
                a->line->Take(call);
                a->dialer->Offer(call, std::move(incoming));
                return;
            }
            if (fallback.name.empty()) {
                fmt::print(stderr, "inbound: {}: operator {} is not free; it hears a message\n",
                           where, route.name);
                Speak(call, incoming, "no_agents");
                return;
            }
            Follow(call, std::move(incoming), fallback, {}, hops + 1);
            return;
        }
        case routing::Target::kQueue: {
            auto found = queues_.find(route.name);
            const std::shared_ptr<InboundQueue> queue =
                found != queues_.end() ? found->second : nullptr;
            Active* a = CampaignFor({}, queue.get(), loop_->Now() - incoming.arrived);
            if (a == nullptr) {
                // Nobody of the queue is at work: its exit, else a message.
                if (queue && !queue->spec.exit_route.empty()) {
                    if (auto exit = routing::ParseRoute(queue->spec.exit_route)) {
                        fmt::print(stderr,
                                   "inbound: {}: nobody of queue {} is at work; it goes to {}\n",
                                   where, route.name, queue->spec.exit_route);
                        Follow(call, std::move(incoming), *exit, {}, hops + 1);
                        return;
                    }
                }
                fmt::print(stderr,
                           "inbound: {}: nobody of queue {} is at work; it hears a message\n",
                           where, route.name);
                Speak(call, incoming, "no_agents");
                return;
            }
            incoming.route = routing::RouteText(route);
            incoming.queue = queue;
            if (queue) {
                // The queue's max wait, then its exit route (another queue, a
                // message…) with the caller still on the line.
                incoming.max_wait = queue->spec.max_wait;
                if (auto exit = routing::ParseRoute(queue->spec.exit_route);
                    exit && queue->spec.max_wait > 0) {
                    campaigns::Incoming next = incoming;
                    next.agents.clear();
                    next.queue = nullptr;
                    next.route.clear();
                    next.requeued = true;
                    incoming.on_max_wait = [this, call, next = std::move(next), exit = *exit,
                                            queue = route.name, hops]() mutable {
                        fmt::print(stderr,
                                   "inbound: the call from {} to {} waited the most queue {} "
                                   "allows; it goes to {}\n",
                                   next.number, next.did, queue, routing::RouteText(exit));
                        Follow(call, std::move(next), exit, {}, hops + 1);
                    };
                }
            }
            a->line->Take(call);
            a->dialer->Offer(call, std::move(incoming));
            return;
        }
    }
}

// Notes a call that never reached a queue (refused, or given a message
// instead) for the inbound report; a caller who waited in a queue already has
// their record there.
void CampaignRunner::NoteUnqueued(const campaigns::Incoming& incoming, const std::string& route) {
    if (incoming.requeued) return;
    auto noted = routing::RecordUnqueued(
        *store_, routing::UnqueuedCall{
                     .at = loop_->Now(),
                     .caller = incoming.number,
                     .did = incoming.did,
                     .route = route,
                     .reason = incoming.reason,
                     .network = options_.real_network ? options_.network_name : "sim",
                 });
    if (!noted) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = noted.error();
    }
}

// Says the message (a built-in one by its name, or the text as written) and
// ends the call. A caller not yet answered hears it before the answer, as
// early media (docs/telephony.md), and is refused with `refuse` after it —
// never answered, never charged; where the network gives no early media, the
// call is answered for the message and hung up after it.
void CampaignRunner::Speak(CallId call, const campaigns::Incoming& incoming,
                           const std::string& message, int refuse) {
    NoteUnqueued(incoming, "message:" + message);
    const std::string text = MessageText(message);
    auto& network = parts_->exchange->network();
    const bool early = !incoming.answered_by_menu && network.EarlyMedia(call);
    auto handler = std::make_shared<telephony::Telephony::Handler>();
    *handler = [this, call, text, early, refuse](const telephony::Event& e) {
        auto& net = parts_->exchange->network();
        if (e.kind == telephony::EventKind::kAnswered) {
            net.Play(call, text);
        } else if (e.kind == telephony::EventKind::kPromptDone ||
                   e.kind == telephony::EventKind::kHungUp) {
            parts_->exchange->Release(call);
            if (early && e.kind == telephony::EventKind::kPromptDone) {
                net.Reject(call, refuse);
            } else {
                net.Hangup(call);
            }
        }
    };
    parts_->exchange->Own(call, handler);
    // A menu answered it already, or it hears the message before the answer.
    if (incoming.answered_by_menu || early) {
        network.Play(call, text);
    } else {
        network.Answer(call);
    }
}

// Answers the call and walks the caller through menu `name`, a file of the
// scripts folder (docs/ivr.md, "Menus for incoming calls"). Where the menu
// ends, the call goes on: to a queue or an extension (Follow, the agent put
// through without a second answer), or the menu's goodbye and a hang-up. The
// caller's way through is kept for the IVR-menu report, the answers go with
// the call to the agent's card and the call record. A menu that cannot be
// read or is wrong for the routing book as it stands is said in the log and
// the caller hears a message, never silence.
void CampaignRunner::Menu(CallId call, campaigns::Incoming incoming, const std::string& name,
                          int hops) {
    struct MenuCall {
        ivr::Script script;
        std::unique_ptr<ivr::Walk> walk;
        ivr::Walk::Step step;
        routing::MenuVisit visit;
        campaigns::Incoming incoming;
        std::string recording;
        bool over = false;
    };
    auto m = std::make_shared<MenuCall>();
    m->visit = routing::MenuVisit{.at = loop_->Now(), .menu = name, .did = incoming.did};
    const std::string where = fmt::format("the call from {} to {}", incoming.number, incoming.did);
    auto keep = [this](const routing::MenuVisit& visit) {
        if (auto kept = routing::RecordMenuVisit(*store_, visit); !kept) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = kept.error();
        }
    };
    std::vector<std::string> queues;
    for (const auto& [q, spec] : queues_)
        queues.push_back(q);
    auto script = routing::LoadMenu(options_.scripts_dir, name, *router_, queues);
    if (!script) {
        fmt::print(stderr, "inbound: {}: menu {} cannot be served ({}); it hears a message\n",
                   where, name, script.error().message);
        m->visit.ended = loop_->Now();
        m->visit.outcome = "failed";
        keep(m->visit);
        Speak(call, incoming, "no_route");
        return;
    }
    m->script = std::move(*script);
    m->walk = std::make_unique<ivr::Walk>(m->script, [this](std::string_view digits) {
        return router_ && router_->Extension(digits).has_value();
    });
    incoming.menu = name;
    m->recording = incoming.recording;  // an earlier menu's answer began it
    m->incoming = std::move(incoming);
    // Where the walk ends: the visit is kept, then the call goes on.
    auto finish = [this, call, m, hops, keep, where](std::string outcome) {
        m->over = true;
        m->visit.ended = loop_->Now();
        m->visit.node = m->step.node;
        m->visit.outcome = outcome;
        keep(m->visit);
        parts_->exchange->Release(call);
        auto& net = parts_->exchange->network();
        if (outcome == "caller_hung_up") {
            net.Hangup(call);
            NoteUnqueued(m->incoming, "ivr:" + m->visit.menu);
            return;
        }
        auto route = routing::ParseRoute(outcome);
        if (!route || outcome == "hangup") {
            fmt::print(stderr, "inbound: {}: menu {} said goodbye at '{}'\n", where, m->visit.menu,
                       m->step.node);
            net.Hangup(call);
            NoteUnqueued(m->incoming, "ivr:" + m->visit.menu);
            return;
        }
        fmt::print(stderr, "inbound: {}: menu {} sends it to {}\n", where, m->visit.menu, outcome);
        campaigns::Incoming next = std::move(m->incoming);
        next.answered_by_menu = true;
        for (const auto& [question, answer] : m->visit.answers)
            next.menu_answers[question] = answer;
        next.recording = m->recording;
        Follow(call, std::move(next), *route, {}, hops + 1);
    };
    // What the current step says is played; then keys are collected, or the
    // walk ends where its actions say.
    auto next = [this, call, m, finish] {
        auto& net = parts_->exchange->network();
        if (!m->step.said.empty()) {
            std::string prompt;
            for (const auto& text : m->step.said)
                prompt += (prompt.empty() ? "" : " ") + text;
            net.Play(call, prompt);
        } else if (m->step.waiting) {
            net.Collect(call, m->step.max_digits, Millis{m->step.timeout_seconds} * 1000);
        } else {
            std::string outcome = "hangup";
            for (const ivr::Action& a : m->step.actions) {
                if (a.kind == ivr::ActionKind::kQueue) outcome = "queue:" + a.value;
                if (a.kind == ivr::ActionKind::kExtension) outcome = "extension:" + a.value;
            }
            finish(outcome);
        }
    };
    // A new step of the walk: its answers are kept, then it goes on.
    auto go = [m, next](ivr::Walk::Step step) {
        for (const auto& [k, v] : step.answers)
            m->visit.answers[k] = v;
        m->step = std::move(step);
        next();
    };
    auto handler = std::make_shared<telephony::Telephony::Handler>();
    *handler = [m, go, next, finish](const telephony::Event& e) {
        if (m->over) return;
        switch (e.kind) {
            case telephony::EventKind::kAnswered:
                m->recording = e.recording;
                go(m->walk->Start());
                break;
            case telephony::EventKind::kPromptDone:
                m->step.said.clear();  // said: on to the keys or the end
                next();
                break;
            case telephony::EventKind::kDigits: {
                const std::string node = m->step.node;
                ivr::Walk::Step step = m->walk->Keys(e.digits);
                m->visit.steps.push_back(routing::MenuStep{.node = node,
                                                           .keys = e.digits,
                                                           .heard = step.heard,
                                                           .repeated = step.repeated});
                go(std::move(step));
                break;
            }
            case telephony::EventKind::kHungUp:
                finish("caller_hung_up");
                break;
            default:
                break;
        }
    };
    parts_->exchange->Own(call, handler);
    // A call an earlier menu answered (its queue's exit, or an extension,
    // leads here) is not answered again: no answer would come.
    if (m->incoming.answered_by_menu) {
        go(m->walk->Start());
    } else {
        parts_->exchange->network().Answer(call);
    }
}

CampaignRunner::Active* CampaignRunner::ActiveOf(const std::string& agent) {
    auto it = agent_campaign_.find(agent);
    if (it == agent_campaign_.end()) return nullptr;
    auto a = active_.find(it->second);
    return a == active_.end() ? nullptr : a->second.get();
}

Result<void> CampaignRunner::Join(const std::string& agent, int64_t campaign) {
    return OnLoop([this, agent, campaign]() -> Result<void> {
        auto it = active_.find(campaign);
        if (it == active_.end()) Poll();
        it = active_.find(campaign);
        if (it == active_.end()) {
            return Fail(ErrorCode::kConflict,
                        Msg{"campaign.not_running", "campaign #{id} is not running",
                            "a supervisor starts it first"},
                        {{"id", std::to_string(campaign)}});
        }
        if (it->second->spec.pacing == Pacing::kRobot) {
            return Fail(ErrorCode::kConflict,
                        Msg{"campaign.robot_no_operators",
                            "campaign #{id} is a robot campaign: it has no operators"},
                        {{"id", std::to_string(campaign)}});
        }
        if (Active* current = ActiveOf(agent); current && current != it->second.get()) {
            // A call here first: its disposition belongs to this campaign.
            if (const agents::AgentInfo* held = workforce_.Find(agent);
                held != nullptr && (held->now.state == agents::State::kOnCall ||
                                    held->now.state == agents::State::kWrapUp)) {
                return Fail(ErrorCode::kConflict,
                            Msg{"agent.busy_leave", "agent '{agent}' is {agent_state}",
                                "finish the call and record its disposition first"},
                            {{"agent", agent},
                             {"agent_state", std::string(agents::StateId(held->now.state))}});
            }
            auto left = current->dialer->Logout(agent);
            if (!left) return left;
        }
        const auto before = agent_campaign_.find(agent);
        const std::optional<int64_t> was =
            before == agent_campaign_.end() ? std::nullopt : std::optional(before->second);
        agent_campaign_[agent] = campaign;
        it->second->dialer->AddAgent(agent);
        ApplyProfile(agent);
        const auto reason = pause_reasons_.find(agent);
        auto paused = it->second->dialer->SetPaused(
            agent, reason == pause_reasons_.end() ? std::string() : reason->second);
        if (!paused) {  // busy in the campaign before: they stay there
            if (was)
                agent_campaign_[agent] = *was;
            else
                agent_campaign_.erase(agent);
        }
        PublishAgent(agent);
        return paused;
    });
}

Result<void> CampaignRunner::Leave(const std::string& agent) {
    return OnLoop([this, agent]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        // On a call or in wrap-up the agent leaves once the call is closed
        // (the disposition still goes to this campaign); the offline event
        // then lets go of them.
        auto r = a->dialer->Logout(agent);
        for (const auto& v : a->dialer->Agents()) {
            if (v.id == agent && v.state == AgentState::kOffline) agent_campaign_.erase(agent);
        }
        PublishAgent(agent);
        return r;
    });
}

Result<void> CampaignRunner::AgentCall(const std::string& agent,
                                       Result<void> (Dialer::*action)(const std::string&)) {
    return OnLoop([this, agent, action]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        auto r = (a->dialer.get()->*action)(agent);
        PublishAgent(agent);
        return r;
    });
}

Result<void> CampaignRunner::Ready(const std::string& agent) {
    return AgentCall(agent, &Dialer::SetReady);
}
Result<void> CampaignRunner::Pause(const std::string& agent, const std::string& reason) {
    return OnLoop([this, agent, reason]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        const auto before = pause_reasons_.find(agent);
        const std::optional<std::string> kept =
            before == pause_reasons_.end() ? std::nullopt : std::optional(before->second);
        pause_reasons_[agent] = reason;
        auto r = a->dialer->SetPaused(agent, reason);
        if (!r) {
            if (kept)
                pause_reasons_[agent] = *kept;
            else
                pause_reasons_.erase(agent);
        }
        PublishAgent(agent);
        return r;
    });
}
Result<void> CampaignRunner::Hangup(const std::string& agent) {
    return AgentCall(agent, &Dialer::HangupByAgent);
}
Result<void> CampaignRunner::DialCard(const std::string& agent) {
    return AgentCall(agent, &Dialer::DialCard);
}

Result<void> CampaignRunner::Hold(const std::string& agent, bool on) {
    return OnLoop([this, agent, on]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        auto r = a->dialer->HoldByAgent(agent, on);
        PublishAgent(agent);
        return r;
    });
}

Result<void> CampaignRunner::Transfer(const std::string& agent, const std::string& to_agent,
                                      const std::string& to_queue) {
    return OnLoop([this, agent, to_agent, to_queue]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        Result<void> r;
        if (!to_queue.empty()) {
            auto queue = queues_.find(to_queue);
            if (queue == queues_.end()) {
                return Fail(ErrorCode::kNotFound,
                            Msg{"transfer.queue_unknown", "there is no queue '{queue}'",
                                "choose one of the queues the list shows"},
                            {{"queue", to_queue}});
            }
            r = a->dialer->TransferToQueue(agent, to_queue, queue->second);
        } else {
            r = a->dialer->TransferToAgent(agent, to_agent);
        }
        if (r) {
            fmt::print(stderr, "agent {}: transferred the call to {}\n", agent,
                       to_queue.empty() ? "operator " + to_agent : "queue " + to_queue);
        }
        PublishAgent(agent);
        if (!to_agent.empty()) PublishAgent(to_agent);
        return r;
    });
}

Result<void> CampaignRunner::Consult(const std::string& agent, const std::string& to) {
    return OnLoop([this, agent, to]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        auto r = a->dialer->ConsultAgent(agent, to);
        if (r)
            fmt::print(stderr, "agent {}: consults operator {}, the caller on hold\n", agent, to);
        PublishAgent(agent);
        PublishAgent(to);
        return r;
    });
}

Result<void> CampaignRunner::EndConsult(const std::string& agent, telephony::ConsultStep step) {
    return OnLoop([this, agent, step]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        std::string with;
        for (const auto& v : a->dialer->Agents())
            if (v.id == agent) with = v.consult_with;
        auto r = a->dialer->EndConsultByAgent(agent, step);
        if (r) {
            fmt::print(stderr, "agent {}: {} with operator {}\n", agent,
                       step == telephony::ConsultStep::kComplete     ? "put the caller through"
                       : step == telephony::ConsultStep::kConference ? "a conference"
                                                                     : "the consultation ended",
                       with);
        }
        PublishAgent(agent);
        if (!with.empty()) PublishAgent(with);
        return r;
    });
}

Result<std::string> CampaignRunner::TransferTargets(const std::string& agent) {
    auto out = std::make_shared<json>();
    auto r = OnLoop([this, agent, out]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        json agents = json::array();
        for (const auto& v : a->dialer->Agents()) {
            if (v.id == agent || v.state == AgentState::kOffline) continue;
            agents.push_back({{"agent", v.id}, {"state", AgentStateId(v.state)}});
        }
        json queues = json::array();
        for (const auto& [name, queue] : queues_)
            queues.push_back({{"queue", name}});
        *out = {{"agents", agents}, {"queues", queues}};
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return JsonText(*out);
}

Result<void> CampaignRunner::Monitor(const std::string& supervisor, const std::string& agent,
                                     telephony::MonitorMode mode) {
    return OnLoop([this, supervisor, agent, mode]() -> Result<void> {
        Active* a = ActiveOf(agent);
        std::optional<CallId> call = a != nullptr ? a->dialer->TalkingCall(agent) : std::nullopt;
        if (!call) {
            if (mode == telephony::MonitorMode::kOff) {
                monitoring_.erase(agent);
                return {};
            }
            return Fail(ErrorCode::kConflict,
                        Msg{"monitor.not_on_call", "operator '{agent}' is not on a call now",
                            "the call may have just ended: choose an operator whose state is "
                            "«on a call»"},
                        {{"agent", agent}});
        }
        if (!options_.real_network) {
            return Fail(ErrorCode::kConflict,
                        Msg{"monitor.no_network",
                            "listening in needs the real telephone network: this server runs "
                            "the simulator",
                            "start the server with --telephony sip (docs/telephony.md)"});
        }
        auto& network = parts_->exchange->network();
        if (!network.Monitor(*call, supervisor, mode)) {
            return Fail(ErrorCode::kConflict,
                        Msg{"monitor.no_phone",
                            "supervisor '{supervisor}' has no phone in the "
                            "SIP settings",
                            "add a line under [agents] in the SIP settings: {supervisor} = "
                            "\"sip:…\", then restart the server"},
                        {{"supervisor", supervisor}});
        }
        fmt::print(stderr, "supervisor {}: {} operator {}'s call{}\n", supervisor,
                   mode == telephony::MonitorMode::kOff       ? "stopped listening to"
                   : mode == telephony::MonitorMode::kListen  ? "listens to"
                   : mode == telephony::MonitorMode::kWhisper ? "whispers on"
                                                              : "barges in on",
                   agent,
                   mode == telephony::MonitorMode::kListen && !options_.announce_monitoring
                       ? " (not announced)"
                       : "");
        if (mode == telephony::MonitorMode::kOff) {
            monitoring_.erase(agent);
        } else {
            monitoring_[agent] = Monitoring{*call, supervisor, mode};
        }
        PublishAgent(agent);
        return {};
    });
}

Result<void> CampaignRunner::Dispose(const std::string& agent, Disposition disposition) {
    return OnLoop([this, agent, d = std::move(disposition)]() mutable -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        // Checked here, so that the operator hears of a mistake and the call
        // stays open for a corrected disposition.
        CampaignBook book(*store_, Wall());
        if (auto ok = book.CheckDisposition(d); !ok) return ok;
        for (const auto& v : a->dialer->Agents()) {
            if (v.id == agent && d.callback_at && v.contact_id == 0 && !v.inbound.from.empty()) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"disposition.callback_no_card_inbound",
                                "the caller is not in the base, so a callback has no card to go on",
                                "record the disposition without a callback time, then add the "
                                "caller as a contact and schedule the callback on their card"});
            }
        }
        auto r = a->dialer->Dispose(agent, std::move(d));
        PublishAgent(agent);
        return r;
    });
}

Result<int64_t> CampaignRunner::NextCard(const std::string& agent) {
    auto contact = std::make_shared<int64_t>(0);
    auto r = OnLoop([this, agent, contact]() -> Result<void> {
        Active* a = ActiveOf(agent);
        if (a == nullptr) return std::unexpected(NotInCampaign(agent));
        auto lead = a->dialer->NextCard(agent);
        if (!lead) return std::unexpected(lead.error());
        *contact = lead->contact_id;
        PublishAgent(agent);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return *contact;
}

void CampaignRunner::PublishAgent(const std::string& agent) {
    json j{{"agent", agent}, {"campaign", nullptr}, {"state", "offline"}, {"now", loop_->Now()}};
    if (Active* a = ActiveOf(agent)) {
        j["campaign"] = a->spec.id;
        j["campaign_name"] = a->spec.name;
        j["pacing"] = PacingId(a->spec.pacing);
        j["script"] = a->spec.script;
        for (const auto& v : a->dialer->Agents()) {
            if (v.id != agent) continue;
            j["state"] = AgentStateId(v.state);
            j["since"] = v.since;
            j["contact_id"] = v.contact_id ? json(v.contact_id) : json(nullptr);
            auto row = a->call_rows.find(v.call);
            j["call"] = row == a->call_rows.end() ? json(nullptr) : json(row->second);
            j["disposition_due"] = v.disposition_due;
            // The desk's controls: the call is through (hold, transfer), held since.
            j["put_through"] = v.put_through;
            j["held_since"] = v.held_since ? json(v.held_since) : json(nullptr);
            // The desk's consultation: whom this agent consults, or who
            // consults them; answered yet; all three together.
            j["consult"] = nullptr;
            if (!v.consult_with.empty() || !v.consulted_by.empty()) {
                j["consult"] = {{"with", v.consult_with.empty() ? v.consulted_by : v.consult_with},
                                {"role", v.consult_with.empty() ? "colleague" : "operator"},
                                {"answered", v.consult_answered},
                                {"conference", v.conference}};
            }
            // A supervisor on this call, as the site's rule announces it.
            j["monitored"] = nullptr;
            if (auto m = monitoring_.find(agent); m != monitoring_.end()) {
                const std::optional<CallId> now = a->dialer->TalkingCall(agent);
                if (now != m->second.call) {
                    monitoring_.erase(m);  // that call is over: so is its monitoring
                } else if (m->second.mode != telephony::MonitorMode::kListen ||
                           options_.announce_monitoring) {
                    j["monitored"] = {{"by", m->second.supervisor},
                                      {"mode", telephony::MonitorModeId(m->second.mode)}};
                }
            }
            // A reason lasts while its pause does, or is still to begin (asked
            // for on a call, the pause begins after it): ready ends it.
            // (A pausing operator stays ready until the lines dialed for them
            // have rung out: leaving_until.)
            if (v.state == AgentState::kReady && v.leaving_until == 0) pause_reasons_.erase(agent);
            j["pause_reason"] = PauseReasonShown(agent, v.state);
            const auto reason = pause_reasons_.find(agent);
            LogState(agent, a->spec.id, v.state,
                     reason == pause_reasons_.end() ? std::string() : reason->second);
            j["leaving_until"] = v.leaving_until ? json(v.leaving_until) : json(nullptr);
            if (v.inbound.from.empty()) {
                j["inbound"] = nullptr;
            } else {
                // The card before the answer: who calls, the number dialed, the
                // route's reason (vip; complaints with their count) and since when
                // the caller has waited (the loop's "now" is beside it).
                j["inbound"] = {{"from", v.inbound.from},
                                {"to", v.inbound.to},
                                {"route", v.inbound.route},
                                {"reason", v.inbound.reason},
                                {"reason_params", v.inbound.reason_params.empty()
                                                      ? json::object()
                                                      : json(v.inbound.reason_params)},
                                {"arrived", v.inbound.arrived},
                                // What the caller answered in the menu on the way.
                                {"menu_answers", v.inbound.menu_answers.empty()
                                                     ? json::object()
                                                     : json(v.inbound.menu_answers)}};
            }
        }
    }
    if (j["state"] == "offline") LogState(agent, 0, AgentState::kOffline, {});
    std::lock_guard lock(mutex_);
    Published& p = agents_[agent];
    std::string text = JsonText(j);
    if (text != p.json) {
        p.json = std::move(text);
        ++p.version;
        changed_.notify_all();
    }
}

// Why a paused operator is paused, for the desk and the wallboard; null when
// not paused or paused without a reason.
json CampaignRunner::PauseReasonShown(const std::string& agent, AgentState state) const {
    if (state != AgentState::kPaused) return nullptr;
    const auto reason = pause_reasons_.find(agent);
    return reason == pause_reasons_.end() || reason->second.empty() ? json(nullptr)
                                                                    : json(reason->second);
}

// The operator's state into the base's spells (routing::AgentLog), for
// occupancy and pause time in the reports. A failed write is said and the
// call goes on: the reports miss the spell, nobody's call does.
void CampaignRunner::LogState(const std::string& agent, int64_t campaign, AgentState state,
                              const std::string& reason) {
    if (state == AgentState::kOffline) pause_reasons_.erase(agent);
    if (!agent_log_) return;
    if (auto r = agent_log_->Enter(agent, campaign, AgentStateId(state), reason, loop_->Now());
        !r) {
        fmt::print(stderr,
                   "agent {}: the state {} could not be written to the base ({}); the reports "
                   "will miss it\n",
                   agent, AgentStateId(state), r.error().message);
    }
}

void CampaignRunner::PublishLive(Active& a) {
    const DialerStats st = a.dialer->Stats();
    json agents = json::array();
    std::map<std::string, int> by_state;
    for (const auto& v : a.dialer->Agents()) {
        agents.push_back({{"agent", v.id}, {"state", AgentStateId(v.state)}, {"since", v.since}});
        ++by_state[std::string(AgentStateId(v.state))];
    }
    const int offset = options_.center_utc_offset_minutes;
    const auto day = static_cast<int32_t>((loop_->Now() / 1000 + int64_t{offset} * 60) / 86400);
    json ids = json::array();
    for (const auto& u : a.pool->Report(day)) {
        ids.push_back({{"caller_id", u.number},
                       {"calls", u.calls},
                       {"cap", u.cap},
                       {"near_cap", u.near_cap}});
    }
    json j{{"campaign", a.spec.id},
           {"name", a.spec.name},
           {"state", a.spec.state},
           {"pacing", PacingId(a.spec.pacing)},
           {"now", loop_->Now()},
           {"leads", a.leads},
           {"leads_left", a.dialer->LeadsLeft()},
           {"attempts", st.attempts},
           {"answered", st.answered},
           {"bridged", st.bridged},
           {"abandoned", st.abandoned},
           {"abandon_rate", st.AbandonRate()},
           {"window_abandon_rate", a.dialer->WindowAbandonRate()},
           {"abandon_limit", a.spec.abandon_limit},
           {"occupancy", st.Occupancy()},
           {"live_calls", a.dialer->LiveCalls()},
           {"outcomes", st.outcomes},
           {"denials", st.denials},
           {"short_calls", st.short_calls},
           {"robot_keys", st.robot_keys},
           {"robot_hangup_steps", st.robot_hangup_steps},
           {"inbound", st.inbound},
           {"inbound_answered", st.inbound_answered},
           {"inbound_abandoned", st.inbound_abandoned},
           {"agents", agents},
           {"agents_by_state", by_state},
           {"caller_ids", ids},
           {"points", json(std::vector<json>(a.points.begin(), a.points.end()))}};
    // Why it dials nothing, when it does not (campaigns/diagnosis.h).
    StallFigures figures;
    figures.segment = a.leads;
    figures.leads_left = static_cast<int64_t>(a.dialer->LeadsLeft());
    figures.held = a.dialer->HeldByGate();
    figures.agents_working = by_state["ready"] + by_state["on_call"] + by_state["wrap_up"];
    figures.agents_logged_in = a.dialer->AgentsWorking();
    figures.caller_id_calls_left = a.pool->Remaining(day);
    figures.callee_offsets = a.offsets;
    j["stall"] = FindingsJson(DiagnoseStall(a.spec, a.rules, loop_->Now() / 1000, offset, figures));
    std::lock_guard lock(mutex_);
    Published& p = live_[a.spec.id];
    p.json = JsonText(j);
    ++p.version;
    changed_.notify_all();
}

void CampaignRunner::Sample() {
    for (auto& [id, a] : active_) {
        const DialerStats st = a->dialer->Stats();
        a->points.push_back({{"t", loop_->Now()},
                             {"attempts", st.attempts},
                             {"answered", st.answered},
                             {"abandon_rate", a->dialer->WindowAbandonRate()},
                             {"occupancy", st.Occupancy()}});
        while (a->points.size() > 360)
            a->points.pop_front();
        PublishLive(*a);
    }
}

std::pair<uint64_t, std::string> CampaignRunner::AgentJson(const std::string& agent) {
    std::lock_guard lock(mutex_);
    auto it = agents_.find(agent);
    if (it == agents_.end()) {
        return {0, JsonText(json{{"agent", agent}, {"campaign", nullptr}, {"state", "offline"}})};
    }
    return {it->second.version, it->second.json};
}

std::optional<std::pair<uint64_t, std::string>> CampaignRunner::LiveJson(int64_t campaign) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(campaign);
    if (it == live_.end()) return std::nullopt;
    return std::pair{it->second.version, it->second.json};
}

void CampaignRunner::WaitAgent(const std::string& agent, uint64_t seen,
                               std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
        auto it = agents_.find(agent);
        return it != agents_.end() && it->second.version != seen;
    });
}

void CampaignRunner::PublishBoard() {
    json agents = json::array();
    json waiting = json::array();
    for (const auto& [id, a] : active_) {
        for (const auto& v : a->dialer->Agents()) {
            if (v.state == AgentState::kOffline) continue;
            // The calls they take and their skills (no profile: blended, none).
            const auto profile = profiles_.find(v.id);
            json work = routing::AgentProfileJson(
                profile != profiles_.end() ? profile->second : agents::AgentSpec{.id = v.id});
            agents.push_back({{"agent", v.id},
                              {"state", AgentStateId(v.state)},
                              {"since", v.since},
                              {"pause_reason", PauseReasonShown(v.id, v.state)},
                              {"campaign", id},
                              {"campaign_name", a->spec.name},
                              {"blend", work["blend"]},
                              {"skills", work["skills"]}});
        }
        for (const auto& card : a->dialer->WaitingCalls()) {
            waiting.push_back({{"route", card.route},
                               {"reason", card.reason},
                               {"arrived", card.arrived},
                               {"callback", card.callback}});
        }
    }
    json j{{"now", loop_->Now()}, {"agents", std::move(agents)}, {"waiting", std::move(waiting)}};
    std::lock_guard lock(mutex_);
    board_.json = JsonText(j);
    ++board_.version;
    changed_.notify_all();
}

std::pair<uint64_t, std::string> CampaignRunner::BoardJson() {
    std::lock_guard lock(mutex_);
    return {board_.version, board_.json};
}

void CampaignRunner::WaitBoard(uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return board_.version != seen; });
}

void CampaignRunner::WaitLive(int64_t campaign, uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
        auto it = live_.find(campaign);
        return it != live_.end() && it->second.version != seen;
    });
}

Result<void> CampaignRunner::CheckTrunk(const CampaignSpec& spec) const {
    if (spec.trunk.empty() || !options_.real_network || !network_) return {};
    std::vector<std::string> names;
    for (const auto& t : network_->Trunks())
        names.push_back(t.name);
    if (std::find(names.begin(), names.end(), spec.trunk) != names.end()) return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"campaign.trunk_unknown",
                    "campaign #{id} dials through trunk \"{trunk}\", which the server's SIP "
                    "settings do not have (its trunks: {trunks})",
                    "edit the campaign to name one of them, or add [trunks.{trunk}] to the SIP "
                    "settings and restart the server"},
                {{"id", std::to_string(spec.id)},
                 {"trunk", spec.trunk},
                 {"trunks", fmt::format("{}", fmt::join(names, ", "))}});
}

std::vector<telephony::TrunkStatus> CampaignRunner::Trunks() const {
    return network_ ? network_->Trunks() : std::vector<telephony::TrunkStatus>{};
}

std::optional<Error> CampaignRunner::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

}  // namespace callbase::campaigns
