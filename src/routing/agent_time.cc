#include "routing/agent_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace callbase::routing {

using nlohmann::json;

namespace {

// Ends the open spells of one operator (or of all, `agent` empty) at `at`,
// never before they began.
Result<int64_t> Close(store::Store& store, const std::string& agent, int64_t at) {
    if (agent.empty()) {
        return store.Exec(
            "UPDATE agent_states SET ended_at = CASE WHEN started_at > $1 THEN started_at ELSE "
            "$1 END WHERE ended_at IS NULL",
            {at});
    }
    return store.Exec(
        "UPDATE agent_states SET ended_at = CASE WHEN started_at > $1 THEN started_at ELSE $1 "
        "END WHERE agent = $2 AND ended_at IS NULL",
        {at, agent});
}

}  // namespace

Result<void> AgentLog::Enter(const std::string& agent, int64_t campaign, std::string_view state,
                             std::string_view reason, int64_t at_ms) {
    const bool offline = state == "offline";
    if (state != "paused") reason = {};
    auto it = open_.find(agent);
    if (it == open_.end() ? offline
                          : (it->second.campaign == campaign && it->second.state == state &&
                             it->second.reason == reason)) {
        return {};
    }
    // Whatever is open for the operator ends here (the spell this log opened,
    // or one a stopped server left), and the next begins: one transaction,
    // one write to the disk per change on serve's loop.
    open_.erase(agent);
    if (auto begun = store_.Begin(); !begun) return begun;
    auto closed = Close(store_, agent, at_ms);
    Result<int64_t> added = 0;
    if (closed && !offline) {
        added = store_.Exec(
            "INSERT INTO agent_states (agent, campaign_id, state, reason, started_at) VALUES ($1, "
            "$2, $3, $4, $5)",
            {agent, campaign, std::string(state), std::string(reason), at_ms});
    }
    if (!closed || !added) {
        (void)store_.Rollback();
        return std::unexpected(!closed ? closed.error() : added.error());
    }
    if (auto done = store_.Commit(); !done) return done;
    if (!offline) open_[agent] = Open{campaign, std::string(state), std::string(reason)};
    return {};
}

Result<void> AgentLog::Missed(const std::string& agent) {
    auto it = open_.find(agent);
    if (it == open_.end() || it->second.state != "on_call") return {};
    auto done = store_.Exec(
        "UPDATE agent_states SET state = 'ringing' WHERE agent = $1 AND ended_at IS NULL AND "
        "state = 'on_call'",
        {agent});
    if (!done) return std::unexpected(done.error());
    it->second.state = "ringing";
    return {};
}

Result<void> AgentLog::CloseAll(int64_t at_ms) {
    open_.clear();
    if (auto closed = Close(store_, "", at_ms); !closed) return std::unexpected(closed.error());
    return {};
}

Result<int64_t> AgentLog::CloseLeftOpen() {
    open_.clear();
    return store_.Exec("UPDATE agent_states SET ended_at = started_at WHERE ended_at IS NULL", {});
}

int64_t AgentTime::PausedMs() const {
    int64_t total = 0;
    for (const auto& [reason, ms] : paused_ms)
        total += ms;
    return total;
}

double AgentTime::Occupancy() const {
    const int64_t available = ready_ms + rang_ms + on_call_ms + wrap_up_ms;
    return available > 0
               ? static_cast<double>(on_call_ms + wrap_up_ms) / static_cast<double>(available)
               : 0.0;
}

Result<std::vector<AgentSpell>> LoadAgentSpells(store::Store& store, int64_t from, int64_t to,
                                                const std::vector<std::string>& agents) {
    const std::set<std::string> only(agents.begin(), agents.end());
    std::vector<AgentSpell> out;
    auto read = store.ForEach(
        "SELECT agent, state, reason, started_at, ended_at FROM agent_states WHERE started_at < "
        "$1 AND (ended_at IS NULL OR ended_at > $2) ORDER BY started_at, id",
        {to, from}, [&](const store::Row& row) {
            std::string agent = row.Text(0);
            if (!only.empty() && !only.contains(agent)) return true;
            out.push_back({std::move(agent), row.Text(1), row.Text(2), row.Int(3),
                           row.IsNull(4) ? 0 : row.Int(4)});
            return true;
        });
    if (!read) return std::unexpected(read.error());
    return out;
}

std::vector<std::string> PauseQueueLog(const std::vector<AgentSpell>& spells, int64_t from,
                                       int64_t to) {
    std::vector<std::pair<int64_t, std::string>> lines;
    for (const AgentSpell& s : spells) {
        if (s.state != "paused") continue;
        if (s.started_ms >= from && s.started_ms < to) {
            lines.emplace_back(s.started_ms, fmt::format("{}|NONE|NONE|Agent/{}|PAUSEALL|{}",
                                                         s.started_ms / 1000, s.agent, s.reason));
        }
        if (s.ended_ms != 0 && s.ended_ms >= from && s.ended_ms < to) {
            lines.emplace_back(s.ended_ms, fmt::format("{}|NONE|NONE|Agent/{}|UNPAUSEALL|{}",
                                                       s.ended_ms / 1000, s.agent, s.reason));
        }
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [at, line] : lines)
        out.push_back(std::move(line));
    return out;
}

Result<std::vector<AgentTime>> LoadAgentTime(store::Store& store, int64_t from, int64_t to,
                                             int64_t now, const std::vector<std::string>& agents) {
    auto spells = LoadAgentSpells(store, from, to, agents);
    if (!spells) return std::unexpected(spells.error());
    std::map<std::string, AgentTime> by_agent;
    for (const AgentSpell& s : *spells) {
        const int64_t begin = std::max(s.started_ms, from);
        const int64_t end = std::min(s.ended_ms == 0 ? now : s.ended_ms, to);
        if (end <= begin) continue;
        AgentTime& t = by_agent[s.agent];
        t.agent = s.agent;
        if (s.state == "ready")
            t.ready_ms += end - begin;
        else if (s.state == "ringing")
            t.rang_ms += end - begin;
        else if (s.state == "on_call")
            t.on_call_ms += end - begin;
        else if (s.state == "wrap_up")
            t.wrap_up_ms += end - begin;
        else
            t.paused_ms[s.reason] += end - begin;
    }
    std::vector<AgentTime> out;
    for (auto& [agent, t] : by_agent)
        out.push_back(std::move(t));
    return out;
}

json AgentTimeJson(const std::vector<AgentTime>& time) {
    auto seconds = [](int64_t ms) { return static_cast<double>(ms) / 1000.0; };
    json out = json::array();
    for (const AgentTime& t : time) {
        json paused = json::object();
        for (const auto& [reason, ms] : t.paused_ms)
            paused[reason] = seconds(ms);
        out.push_back({{"agent", t.agent},
                       {"ready_seconds", seconds(t.ready_ms)},
                       {"rang_seconds", seconds(t.rang_ms)},
                       {"on_call_seconds", seconds(t.on_call_ms)},
                       {"wrap_up_seconds", seconds(t.wrap_up_ms)},
                       {"paused_seconds", seconds(t.PausedMs())},
                       {"paused", std::move(paused)},
                       {"occupancy", t.Occupancy()}});
    }
    return out;
}

}  // namespace callbase::routing
