// Users (R-SEC-1): a name, a role, an argon2id password hash (libsodium), and
// for the roles that need it (admin, analyst, dpo) a TOTP second factor (RFC
// 6238: HMAC-SHA1, 30-second steps, six digits, one step of clock drift
// either way). Five failed logins in a row lock the account for 15 minutes.
// Disabled users cannot log in; users are never deleted (the audit log names
// them).
//
// What a login answers tells nothing it should not (docs/security.md,
// "Login"): a wrong password and a wrong or missing code give the same
// answer; a name that is no user gets the same answers as one that is,
// locked after the same number of tries (counted in login_failures), and
// costs the same password hashing. Each try takes its place in the failure
// count with one UPDATE before the password is checked, so that concurrent
// tries (on any number of servers) check at most kMaxFailedLogins passwords.
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "security/permissions.h"
#include "store/store.h"

namespace callbase::security {

constexpr int kMaxFailedLogins = 5;
constexpr int64_t kLockout = 15 * 60;
constexpr size_t kMinPasswordLength = 10;

struct User {
    int64_t id = 0;
    std::string name;
    Role role = Role::kOperator;
    bool totp_enabled = false;
    int failed_logins = 0;
    std::optional<UnixSeconds> locked_until, disabled_at;
    UnixSeconds created_at = 0;
};

class Users {
public:
    Users(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    Result<int64_t> Add(const std::string& name, Role role, const std::string& password);
    Result<void> SetPassword(const std::string& name, const std::string& password);
    Result<void> SetRole(const std::string& name, Role role);
    Result<void> Disable(const std::string& name);
    // Lets a disabled user log in again (`callbase user enable`, the API's
    // POST /api/v1/users/{name}/enable), with the password and second factor
    // they had. kNotFound for no such user, kConflict for one not disabled.
    Result<void> Enable(const std::string& name);
    Result<User> Find(const std::string& name);
    // By id (a session's user, checked on each request); kNotFound for none.
    Result<User> FindById(int64_t id);
    Result<std::vector<User>> List();
    // Users that may log in (not disabled).
    Result<int64_t> CountActive();

    // Starts TOTP enrolment: a new secret (base32) that the authenticator app
    // takes; TOTP is on once ConfirmTotp() gets a right code from it.
    Result<std::string> BeginTotp(const std::string& name);
    Result<void> ConfirmTotp(const std::string& name, const std::string& code);

    // Checks the password (and the TOTP code when the user has TOTP on, or
    // must have it: a role that needs TOTP without it enrolled is refused
    // unless `enrolling`). Counts failures and locks; resets on success.
    // With `spend_code` the code is taken once: its step is stored
    // (users.totp_last_step) and a code of that step or an earlier one is
    // refused afterwards (the API's logins; the CLI reads CALLBASE_TOTP for
    // each command of a script and does not spend it).
    Result<User> Authenticate(const std::string& name, const std::string& password,
                              const std::string& totp_code, bool enrolling = false,
                              bool spend_code = false);
    // Ends a lock and clears the failure count (`callbase user unlock`, the
    // API's POST /api/v1/users/{name}/unlock). kNotFound for no such user.
    Result<void> Unlock(const std::string& name);
    // Takes away the user's second factor (a lost phone): the secret is
    // cleared and TOTP is off, so a role that needs one sets up a new one on
    // its next login, with its password (POST /api/v1/totp). kNotFound for no
    // such user, kConflict when the user has no second factor to reset.
    Result<void> ResetTotp(const std::string& name);

private:
    store::Store& store_;
    const Clock& clock_;
};

// RFC 4648 base32 without padding, and back (spaces and case ignored).
std::string Base32Encode(std::span<const unsigned char> bytes);
std::optional<std::vector<unsigned char>> Base32Decode(std::string_view text);
// The RFC 6238 code for a secret at a time (HMAC-SHA1, 30 s steps).
std::string TotpCode(std::span<const unsigned char> secret, UnixSeconds at, int digits = 6);
// A code is good for the current step and one step before or after.
bool TotpMatches(std::span<const unsigned char> secret, std::string_view code, UnixSeconds at);
// The step (Unix seconds / 30) a good code belongs to (the latest when more
// match), else nullopt. Every step is compared, in constant time.
std::optional<int64_t> TotpStep(std::span<const unsigned char> secret, std::string_view code,
                                UnixSeconds at);
// otpauth://totp/callbase:NAME?secret=...&issuer=callbase, for the authenticator app.
std::string TotpUri(const std::string& name, const std::string& secret_base32);

}  // namespace callbase::security
