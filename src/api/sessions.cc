#include "api/sessions.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace callbase::api {

std::string RandomToken() {
    std::array<unsigned char, 32> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    std::string out;
    out.reserve(64);
    for (unsigned char b : bytes)
        out += fmt::format("{:02x}", b);
    return out;
}

bool SameSecret(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Sessions::Shard& Sessions::ShardOf(std::string_view token) {
    const char c = token.empty() ? '0' : token.front();
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
    return shards_[static_cast<size_t>(digit)];
}

std::pair<std::string, Session> Sessions::Create(int64_t user_id, const std::string& user,
                                                 security::Role role) {
    const UnixSeconds now = clock_.Now();
    Session s{user_id, user, role, RandomToken(), now, now};
    std::string token = RandomToken();
    Shard& shard = ShardOf(token);
    std::lock_guard lock(shard.mutex);
    // Drop the expired ones now and then, so that the table does not grow.
    if (shard.sessions.size() % 64 == 63) {
        std::erase_if(shard.sessions, [&](const auto& entry) {
            return now - entry.second.last_seen >= limits_.idle ||
                   now - entry.second.created_at >= limits_.absolute;
        });
    }
    shard.sessions[token] = s;
    return {token, s};
}

Result<Session> Sessions::Find(const std::string& token) {
    const UnixSeconds now = clock_.Now();
    Shard& shard = ShardOf(token);
    std::lock_guard lock(shard.mutex);
    auto it = shard.sessions.find(token);
    if (it == shard.sessions.end()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"session.not_found", "you are not logged in (or the server was restarted)",
                        "log in again"});
    }
    Session& s = it->second;
    if (now - s.created_at >= limits_.absolute) {
        shard.sessions.erase(it);
        return Fail(ErrorCode::kNotFound,
                    Msg{"session.too_long",
                        "the session ended: sessions last at most {hours} hours", "log in again"},
                    {{"hours", std::to_string(limits_.absolute / 3600)}});
    }
    if (now - s.last_seen >= limits_.idle) {
        shard.sessions.erase(it);
        return Fail(
            ErrorCode::kNotFound,
            Msg{"session.idle", "the session ended after {minutes} minutes without activity",
                "log in again"},
            {{"minutes", std::to_string(limits_.idle / 60)}});
    }
    s.last_seen = now;
    return s;
}

bool Sessions::Has(const std::string& token) {
    const UnixSeconds now = clock_.Now();
    Shard& shard = ShardOf(token);
    std::lock_guard lock(shard.mutex);
    auto it = shard.sessions.find(token);
    return it != shard.sessions.end() && now - it->second.created_at < limits_.absolute;
}

void Sessions::Remove(const std::string& token) {
    Shard& shard = ShardOf(token);
    std::lock_guard lock(shard.mutex);
    shard.sessions.erase(token);
}

void Sessions::RemoveUser(int64_t user_id) {
    for (Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        std::erase_if(shard.sessions,
                      [&](const auto& entry) { return entry.second.user_id == user_id; });
    }
}

size_t Sessions::Count() {
    size_t n = 0;
    for (Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        n += shard.sessions.size();
    }
    return n;
}

std::optional<int64_t> RequestLimiter::Take(const std::string& address, double now_seconds) {
    if (per_second_ <= 0) return std::nullopt;
    Shard& shard = shards_[std::hash<std::string>{}(address) % shards_.size()];
    std::lock_guard lock(shard.mutex);
    const double burst = 2.0 * per_second_;
    auto [it, added] = shard.buckets.try_emplace(address, Bucket{burst, now_seconds});
    Bucket& b = it->second;
    b.tokens = std::min(burst, b.tokens + (now_seconds - b.at) * per_second_);
    b.at = now_seconds;
    if (b.tokens < 1) {
        return static_cast<int64_t>(std::ceil((1 - b.tokens) / per_second_));
    }
    b.tokens -= 1;
    return std::nullopt;
}

std::optional<int64_t> LoginLimiter::Attempt(const std::string& address) {
    const UnixSeconds now = clock_.Now();
    std::lock_guard lock(mutex_);
    auto& times = attempts_[address];
    while (!times.empty() && now - times.front() >= 60)
        times.pop_front();
    if (static_cast<int>(times.size()) >= per_minute_) return 60 - (now - times.front());
    times.push_back(now);
    return std::nullopt;
}

}  // namespace callbase::api
