// Login sessions of the HTTP API, kept in memory (a restart logs everyone
// out): a random 256-bit token in an HttpOnly cookie, a CSRF token that every
// changing request must echo in X-CSRF-Token, an idle expiry (30 minutes
// without a request) and an absolute one (12 hours after login). And the
// login rate limit: at most 10 attempts a minute from one address.
//
// Thread-safe: the io threads share one Sessions and one LoginLimiter.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "security/permissions.h"

namespace callbase::api {

struct Session {
    int64_t user_id = 0;
    std::string user;
    security::Role role = security::Role::kOperator;
    std::string csrf;
    UnixSeconds created_at = 0, last_seen = 0;
};

class Sessions {
public:
    struct Limits {
        int64_t idle = 30 * 60;
        int64_t absolute = 12 * 3600;
    };
    Sessions(const Clock& clock, Limits limits) : clock_(clock), limits_(limits) {}

    // A new session; returns its token (for the cookie) and the session.
    std::pair<std::string, Session> Create(int64_t user_id, const std::string& user,
                                           security::Role role);
    // The session of a token, touched (its idle time restarts). kNotFound
    // when there is none, with a message that says whether it expired.
    Result<Session> Find(const std::string& token);
    // Whether a token's session is there and within its absolute limit, not
    // touching it (an open feed does not keep its session alive).
    bool Has(const std::string& token);
    void Remove(const std::string& token);
    // Ends every session of a user (disabled, role changed).
    void RemoveUser(int64_t user_id);
    size_t Count();

private:
    // Sessions in shards by their token's first hex digit, so that requests
    // of different sessions rarely wait for one another's lock.
    struct Shard {
        std::mutex mutex;
        std::map<std::string, Session, std::less<>> sessions;
    };
    Shard& ShardOf(std::string_view token);

    const Clock& clock_;
    Limits limits_;
    std::array<Shard, 16> shards_;
};

class LoginLimiter {
public:
    LoginLimiter(const Clock& clock, int per_minute) : clock_(clock), per_minute_(per_minute) {}
    // Counts an attempt from `address`; the seconds to wait when over the
    // limit (the attempt is then not counted), else nullopt.
    std::optional<int64_t> Attempt(const std::string& address);

private:
    const Clock& clock_;
    int per_minute_;
    std::mutex mutex_;
    std::map<std::string, std::deque<UnixSeconds>> attempts_;
};

// Requests a second from one address (a token bucket: `per_second` sustained,
// twice that in a burst); 0 turns it off. Thread-safe, sharded by address.
class RequestLimiter {
public:
    explicit RequestLimiter(int per_second) : per_second_(per_second) {}
    // Takes a token for `address` at `now_seconds` (a steady clock, fractions
    // allowed); the seconds to wait when there is none, else nullopt.
    std::optional<int64_t> Take(const std::string& address, double now_seconds);
    int per_second() const { return per_second_; }

private:
    struct Bucket {
        double tokens = 0, at = 0;
    };
    struct Shard {
        std::mutex mutex;
        std::map<std::string, Bucket, std::less<>> buckets;
    };
    int per_second_;
    std::array<Shard, 16> shards_;
};

// 32 random bytes as 64 hex digits (libsodium).
std::string RandomToken();
// Equal in time that does not depend on where they differ.
bool SameSecret(const std::string& a, const std::string& b);

}  // namespace callbase::api
