#include "security/users.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>

namespace callbase::security {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

Result<void> CheckPassword(const std::string& password) {
    if (password.size() < kMinPasswordLength) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"password.too_short", "the password is too short ({length} characters)",
                        "use at least {min} characters; a phrase of a few words is easiest"},
                    {{"length", std::to_string(password.size())},
                     {"min", std::to_string(kMinPasswordLength)}});
    }
    return {};
}

Result<std::string> HashPassword(const std::string& password) {
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        return Fail(ErrorCode::kInternal, "out of memory hashing the password");
    }
    return std::string(out.data());
}

User FromRow(const store::Row& r) {
    User u;
    u.id = r.Int(0);
    u.name = r.Text(1);
    u.role = ParseRole(r.Text(2)).value_or(Role::kOperator);
    u.totp_enabled = r.Int(3) != 0;
    u.failed_logins = static_cast<int>(r.Int(4));
    if (!r.IsNull(5)) u.locked_until = r.Int(5);
    if (!r.IsNull(6)) u.disabled_at = r.Int(6);
    u.created_at = r.Int(7);
    return u;
}

constexpr const char* kColumns =
    "id, name, role, totp_enabled, failed_logins, locked_until, disabled_at, created_at";

Error NoUser(const std::string& name) {
    return Error{ErrorCode::kNotFound, fmt::format("no user named {}", name),
                 "see `callbase user list`"};
}

}  // namespace

std::string Base32Encode(std::span<const unsigned char> bytes) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += kBase32[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::vector<unsigned char>> Base32Decode(std::string_view text) {
    std::vector<unsigned char> out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == ' ' || c == '=' || c == '-') continue;
        char up = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        size_t v = kBase32.find(up);
        if (v == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<unsigned char>((buffer >> (bits - 8)) & 0xFF));
            bits -= 8;
        }
    }
    return out;
}

std::string TotpCode(std::span<const unsigned char> secret, UnixSeconds at, int digits) {
    uint64_t counter = static_cast<uint64_t>(at / 30);
    std::array<unsigned char, 8> message;
    for (int i = 7; i >= 0; --i) {
        message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
        counter >>= 8;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
    unsigned int mac_size = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(),
         mac.data(), &mac_size);
    const size_t offset = mac[mac_size - 1] & 0x0F;
    const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                            (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                            static_cast<uint32_t>(mac[offset + 3]);
    uint32_t modulo = 1;
    for (int i = 0; i < digits; ++i)
        modulo *= 10;
    return fmt::format("{:0{}}", binary % modulo, digits);
}

bool TotpMatches(std::span<const unsigned char> secret, std::string_view code, UnixSeconds at) {
    return TotpStep(secret, code, at).has_value();
}

std::optional<int64_t> TotpStep(std::span<const unsigned char> secret, std::string_view code,
                                UnixSeconds at) {
    if (code.size() != 6) return std::nullopt;
    std::optional<int64_t> match;
    for (int step = -1; step <= 1; ++step) {
        std::string want = TotpCode(secret, at + step * 30);
        // Compare every step in constant time, and all of them.
        if (sodium_memcmp(want.data(), code.data(), 6) == 0) match = at / 30 + step;
    }
    return match;
}

std::string TotpUri(const std::string& name, const std::string& secret_base32) {
    return fmt::format("otpauth://totp/callbase:{}?secret={}&issuer=callbase&digits=6&period=30",
                       name, secret_base32);
}

Result<int64_t> Users::Add(const std::string& name, Role role, const std::string& password) {
    if (name.empty() || name.size() > 64 || name.find_first_of(" \t\r\n:/") != std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"user.bad_name", "bad user name '{name}'",
                        "use 1-64 characters without spaces, ':' or '/'"},
                    {{"name", name}});
    }
    if (auto ok = CheckPassword(password); !ok) return std::unexpected(ok.error());
    auto hash = HashPassword(password);
    if (!hash) return std::unexpected(hash.error());
    const UnixSeconds now = clock_.Now();
    auto id = store_.QueryValue(
        "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ($1, $2, "
        "$3, $4, $4) RETURNING id",
        {name, std::string(RoleId(role)), *hash, now});
    if (!id && id.error().code == ErrorCode::kConflict) {
        return Fail(ErrorCode::kConflict,
                    Msg{"user.exists", "user {name} exists already",
                        "pick another name, or change that user with `callbase user "
                        "role|passwd`"},
                    {{"name", name}});
    }
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<User> Users::Find(const std::string& name) {
    auto rows = store_.Query(fmt::format("SELECT {} FROM users WHERE name = $1", kColumns), {name});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::unexpected(NoUser(name));
    return FromRow(rows->front());
}

Result<User> Users::FindById(int64_t id) {
    auto rows = store_.Query(fmt::format("SELECT {} FROM users WHERE id = $1", kColumns), {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"user.no_id", "no user with id {id}", "see `callbase user list`"},
                    {{"id", std::to_string(id)}});
    }
    return FromRow(rows->front());
}

Result<std::vector<User>> Users::List() {
    auto rows = store_.Query(fmt::format("SELECT {} FROM users ORDER BY name", kColumns));
    if (!rows) return std::unexpected(rows.error());
    std::vector<User> out;
    for (const auto& r : *rows)
        out.push_back(FromRow(r));
    return out;
}

Result<int64_t> Users::CountActive() {
    auto n = store_.QueryValue("SELECT COUNT(*) FROM users WHERE disabled_at IS NULL");
    if (!n) return std::unexpected(n.error());
    return store::Row({*n}).Int(0);
}

Result<void> Users::SetPassword(const std::string& name, const std::string& password) {
    if (auto ok = CheckPassword(password); !ok) return ok;
    auto hash = HashPassword(password);
    if (!hash) return std::unexpected(hash.error());
    auto n = store_.Exec(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, "
        "updated_at = $2 WHERE name = $3",
        {*hash, clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return std::unexpected(NoUser(name));
    return {};
}

Result<void> Users::SetRole(const std::string& name, Role role) {
    auto n = store_.Exec("UPDATE users SET role = $1, updated_at = $2 WHERE name = $3",
                         {std::string(RoleId(role)), clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return std::unexpected(NoUser(name));
    return {};
}

Result<void> Users::Disable(const std::string& name) {
    auto n = store_.Exec(
        "UPDATE users SET disabled_at = $1, updated_at = $1 WHERE name = $2 AND disabled_at IS "
        "NULL",
        {clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
        auto u = Find(name);
        if (!u) return std::unexpected(u.error());
        return Fail(ErrorCode::kConflict,
                    Msg{"user.disabled_already", "user {name} is disabled already"},
                    {{"name", name}});
    }
    return {};
}

Result<void> Users::Enable(const std::string& name) {
    auto n = store_.Exec(
        "UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE name = $2 AND disabled_at IS "
        "NOT NULL",
        {clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
        auto u = Find(name);
        if (!u) return std::unexpected(u.error());
        return Fail(ErrorCode::kConflict,
                    Msg{"user.not_disabled", "user {name} is not disabled",
                        "the list of users shows each user's state"},
                    {{"name", name}});
    }
    return {};
}

Result<std::string> Users::BeginTotp(const std::string& name) {
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    std::array<unsigned char, 20> secret;
    randombytes_buf(secret.data(), secret.size());
    std::string encoded = Base32Encode(secret);
    auto n = store_.Exec(
        "UPDATE users SET totp_secret = $1, totp_enabled = 0, updated_at = $2 WHERE name = $3",
        {encoded, clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return std::unexpected(NoUser(name));
    return encoded;
}

Result<void> Users::ConfirmTotp(const std::string& name, const std::string& code) {
    auto secret = store_.Query("SELECT totp_secret FROM users WHERE name = $1", {name});
    if (!secret) return std::unexpected(secret.error());
    if (secret->empty()) return std::unexpected(NoUser(name));
    auto bytes = Base32Decode(secret->front().Text(0));
    if (!bytes || bytes->empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"totp.no_enrolment", "{name} has no TOTP enrolment open",
                        "start one with `callbase user totp NAME`"},
                    {{"name", name}});
    }
    if (!TotpMatches(*bytes, code, clock_.Now())) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"totp.wrong_code", "wrong TOTP code",
                        "type the six digits the authenticator app shows now; check the "
                        "phone's clock"});
    }
    auto n = store_.Exec("UPDATE users SET totp_enabled = 1, updated_at = $1 WHERE name = $2",
                         {clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    return {};
}

namespace {

// A hash of a random password, checked for names that are no user so that
// they cost the same time as a wrong password (made once, on first use).
const std::string& DecoyHash() {
    static const std::string kHash = [] {
        std::array<unsigned char, 16> random{};
        randombytes_buf(random.data(), random.size());
        std::string password(reinterpret_cast<const char*>(random.data()), random.size());
        return HashPassword(password).value_or("");
    }();
    return kHash;
}

// The failure count and lock of one name: a user's row in `users`, any
// other name's in `login_failures`, with the same rules.
struct FailureCount {
    store::Store& store;
    const char* table;  // "users" or "login_failures"
    std::string key_column;
    store::Value key;

    // Takes the next place in the count, unless locked: one statement, so
    // that concurrent tries get distinct places. A lapsed lock starts the
    // count over. nullopt while locked.
    Result<std::optional<int64_t>> Take(UnixSeconds now) {
        auto rows = store.Query(
            fmt::format("UPDATE {0} SET failed_logins = CASE WHEN locked_until IS NULL THEN "
                        "failed_logins + 1 ELSE 1 END, locked_until = NULL{1} WHERE {2} = $1 AND "
                        "(locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins",
                        table, std::string_view(table) == "users" ? "" : ", updated_at = $2",
                        key_column),
            {key, now});
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty()) return std::optional<int64_t>();
        return std::optional<int64_t>(rows->front().Int(0));
    }
    // The try at `place` failed: the last allowed one locks.
    Result<void> Failed(int64_t place, UnixSeconds now) {
        if (place < kMaxFailedLogins) return {};
        auto ok = store.Exec(fmt::format("UPDATE {} SET failed_logins = 0, locked_until = $1 "
                                         "WHERE {} = $2",
                                         table, key_column),
                             {now + kLockout, key});
        if (!ok) return std::unexpected(ok.error());
        return {};
    }
};

}  // namespace

Result<void> Users::Unlock(const std::string& name) {
    auto n = store_.Exec(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE name = $2",
        {clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return std::unexpected(NoUser(name));
    return {};
}

Result<void> Users::ResetTotp(const std::string& name) {
    auto n = store_.Exec(
        "UPDATE users SET totp_secret = '', totp_enabled = 0, totp_last_step = NULL, updated_at = "
        "$1 WHERE name = $2 AND (totp_enabled <> 0 OR totp_secret <> '')",
        {clock_.Now(), name});
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
        auto u = Find(name);
        if (!u) return std::unexpected(u.error());
        return Fail(ErrorCode::kConflict,
                    Msg{"user.no_second_factor", "user {name} has no second factor",
                        "nothing to reset; they set one up on their next login if their role "
                        "needs it"},
                    {{"name", name}});
    }
    return {};
}

Result<User> Users::Authenticate(const std::string& name, const std::string& password,
                                 const std::string& totp_code, bool enrolling, bool spend_code) {
    const UnixSeconds now = clock_.Now();
    // One answer for an unknown name, a wrong password and a wrong or
    // missing code: none of them confirms the others.
    auto refused = [] {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"login.wrong", "wrong user name, password or code",
                        "check them (the code: the six digits of the authenticator app, for "
                        "users who have one); after {tries} wrong tries in a row the name is "
                        "locked for {minutes} minutes"},
                    {{"tries", std::to_string(kMaxFailedLogins)},
                     {"minutes", std::to_string(kLockout / 60)}});
    };
    // One answer for a locked name, whether or not it is a user.
    auto locked = [&](std::optional<UnixSeconds> until) {
        const int64_t left = until && *until > now ? *until - now : kLockout;
        return Fail(ErrorCode::kConflict,
                    Msg{"login.locked",
                        "{name} is locked after {tries} failed logins for {minutes} more "
                        "minute(s)",
                        "wait, or ask an administrator to unlock it (`callbase user unlock "
                        "{name}`)"},
                    {{"name", name},
                     {"tries", std::to_string(kMaxFailedLogins)},
                     {"minutes", std::to_string((left + 59) / 60)}});
    };
    auto rows = store_.Query(
        fmt::format("SELECT {}, password_hash, totp_secret, totp_last_step FROM users WHERE name "
                    "= $1",
                    kColumns),
        {name});
    if (!rows) return std::unexpected(rows.error());

    if (rows->empty()) {
        // Dropped a day after their last try, so that the table does not grow.
        auto pruned =
            store_.Exec("DELETE FROM login_failures WHERE updated_at < $1", {now - 24 * 3600});
        if (!pruned) return std::unexpected(pruned.error());
        auto added = store_.Exec(
            "INSERT INTO login_failures (name, failed_logins, updated_at) VALUES ($1, 0, $2) "
            "ON CONFLICT (name) DO NOTHING",
            {name, now});
        if (!added) return std::unexpected(added.error());
        FailureCount count{store_, "login_failures", "name", name};
        auto place = count.Take(now);
        if (!place) return std::unexpected(place.error());
        if (!*place || **place > kMaxFailedLogins) {
            auto until = store_.QueryValue(
                "SELECT locked_until FROM login_failures WHERE name = $1", {name});
            std::optional<UnixSeconds> at;
            if (until && !store::Row({*until}).IsNull(0)) at = store::Row({*until}).Int(0);
            return locked(at);
        }
        // The same work as a wrong password.
        const std::string& decoy = DecoyHash();
        (void)crypto_pwhash_str_verify(decoy.c_str(), password.data(), password.size());
        if (auto ok = count.Failed(**place, now); !ok) return std::unexpected(ok.error());
        return refused();
    }

    User user = FromRow(rows->front());
    const std::string stored = rows->front().Text(8);
    const std::string secret = rows->front().Text(9);
    const std::optional<int64_t> last_step =
        rows->front().IsNull(10) ? std::nullopt : std::optional<int64_t>(rows->front().Int(10));
    FailureCount count{store_, "users", "id", user.id};
    auto place = count.Take(now);
    if (!place) return std::unexpected(place.error());
    if (!*place || **place > kMaxFailedLogins) {
        // Locked, or concurrent tries took the last places: no check.
        auto user_now = Find(name);
        return locked(user_now ? user_now->locked_until : std::nullopt);
    }
    auto fail = [&]() -> Result<User> {
        if (auto ok = count.Failed(**place, now); !ok) return std::unexpected(ok.error());
        return refused();
    };
    auto succeeded = [&]() -> Result<void> {
        auto ok = store_.Exec(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", {user.id});
        if (!ok) return std::unexpected(ok.error());
        return {};
    };
    if (crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) != 0) {
        return fail();
    }
    // Said only to whoever knows the password.
    if (user.disabled_at) {
        return Fail(ErrorCode::kConflict,
                    Msg{"login.disabled", "user {name} is disabled", "ask an administrator"},
                    {{"name", name}});
    }
    const bool needs_totp = user.totp_enabled || (RoleNeedsTotp(user.role) && !enrolling);
    if (needs_totp) {
        if (!user.totp_enabled) {
            if (auto ok = succeeded(); !ok) return std::unexpected(ok.error());
            return Fail(ErrorCode::kConflict,
                        Msg{"login.needs_totp",
                            "the {role} role needs a second factor and {name} has none yet",
                            "enrol it with `callbase user totp {name}` or on the login page"},
                        {{"role", std::string(RoleId(user.role))}, {"name", name}});
        }
        auto bytes = Base32Decode(secret);
        const std::optional<int64_t> step = bytes ? TotpStep(*bytes, totp_code, now) : std::nullopt;
        if (!step) return fail();
        if (spend_code) {
            // Taken once: the step is stored only if it is later than the last
            // one taken, in one statement, so that two servers cannot both
            // accept the same code.
            if (last_step && *step <= *last_step) return fail();
            auto n = store_.Exec(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL "
                "OR totp_last_step < $1)",
                {*step, user.id});
            if (!n) return std::unexpected(n.error());
            if (*n == 0) return fail();
        }
    }
    if (auto ok = succeeded(); !ok) return std::unexpected(ok.error());
    user.failed_logins = 0;
    user.locked_until.reset();
    return user;
}

}  // namespace callbase::security
