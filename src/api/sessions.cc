#include "api/sessions.h"

#include <fmt/format.h>
#include <sodium.h>

#include <array>

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

std::pair<std::string, Session> Sessions::Create(int64_t user_id, const std::string& user,
                                                 security::Role role) {
    const UnixSeconds now = clock_.Now();
    Session s{user_id, user, role, RandomToken(), now, now};
    std::string token = RandomToken();
    std::lock_guard lock(mutex_);
    // Drop the expired ones now and then, so that the table does not grow.
    if (sessions_.size() % 256 == 255) {
        std::erase_if(sessions_, [&](const auto& entry) {
            return now - entry.second.last_seen >= limits_.idle ||
                   now - entry.second.created_at >= limits_.absolute;
        });
    }
    sessions_[token] = s;
    return {token, s};
}

Result<Session> Sessions::Find(const std::string& token) {
    const UnixSeconds now = clock_.Now();
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) {
        return Fail(ErrorCode::kNotFound, "you are not logged in (or the server was restarted)",
                    "log in again");
    }
    Session& s = it->second;
    if (now - s.created_at >= limits_.absolute) {
        sessions_.erase(it);
        return Fail(ErrorCode::kNotFound,
                    fmt::format("the session ended: sessions last at most {} hours",
                                limits_.absolute / 3600),
                    "log in again");
    }
    if (now - s.last_seen >= limits_.idle) {
        sessions_.erase(it);
        return Fail(
            ErrorCode::kNotFound,
            fmt::format("the session ended after {} minutes without activity", limits_.idle / 60),
            "log in again");
    }
    s.last_seen = now;
    return s;
}

void Sessions::Remove(const std::string& token) {
    std::lock_guard lock(mutex_);
    sessions_.erase(token);
}

void Sessions::RemoveUser(int64_t user_id) {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& entry) { return entry.second.user_id == user_id; });
}

size_t Sessions::Count() {
    std::lock_guard lock(mutex_);
    return sessions_.size();
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
