// Registration: a trunk's REGISTER client (RFC 3261 §10) on libre's SIP
// stack, for providers that deliver a number's calls only to a registered
// account.
//
// It registers our Contact for the account (the address of record) at the
// registrar, answers a digest challenge (401/407) with the trunk's login,
// refreshes the binding at 85 % of the time the registrar granted, and after
// a failure (no answer, 403, 503, …) tries again with a backoff: the first
// retry after `retry_seconds`, doubling up to 30 minutes, never before a
// Retry-After the registrar asked for. A 423 (interval too brief) is followed
// at once with the registrar's Min-Expires. Every change of state is a log
// line that says what to do; the state itself (status()) is readable from any
// thread, for /healthz, /metrics and the admin page.
//
// libre is used on the SIP thread only: construct, Start, Unregister and
// destroy the object there.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "telephony/telephony.h"

struct sip;

namespace callbase::telephony::sip {

struct RegistrationSettings {
    std::string trunk;      // the trunk's name, for log lines
    std::string registrar;  // the request URI, "sip:host[:port][;transport=tcp]"
    std::string aor;        // To and From: "sip:user@domain"
    std::string contact_user;
    // "ip:port" written in our Contact; empty: the address the stack sends from.
    std::string contact_host;
    std::string outbound_proxy;  // a route ("sip:10.0.0.1;lr"), empty for none
    std::string auth_user, password;
    int expires = 600;       // asked for, in seconds
    int retry_seconds = 30;  // the first retry after a failure; doubled up to 1800
    // While registered, an OPTIONS this often keeps a NAT's binding open; one
    // left unanswered registers again at once. 0: none.
    int keepalive_seconds = 0;
};

enum class RegistrationState {
    kRegistering,  // the first REGISTER is out, no answer yet
    kRegistered,   // the registrar took the binding; refreshed before it lapses
    kFailed,       // the last attempt failed; another is due at next_attempt
};
std::string_view RegistrationStateId(RegistrationState state);  // "registering", ...

struct RegistrationStatus {
    RegistrationState state = RegistrationState::kRegistering;
    // Why the last attempt failed, as a code the UI translates: "auth" (the
    // login or password is wrong), "forbidden" (403), "not_found" (no such
    // account), "unavailable" (503 or 5xx), "timeout" (no answer), "network"
    // (could not be sent), "refused" (another final response); "" when it
    // did not fail.
    std::string problem;
    int status = 0;               // the last final response's code; 0 when none came
    std::string detail;           // its status line, or the error, for the log and the page
    Millis registered_until = 0;  // when the binding lapses unless refreshed; 0: none
    Millis next_attempt = 0;      // when the next REGISTER goes (refresh or retry)
    int granted = 0;              // the seconds the registrar granted last
    int64_t registrations = 0;    // REGISTERs the registrar accepted (refreshes too)
    int64_t failures = 0;         // attempts that failed, in all
    int64_t failures_in_row = 0;  // since the last success
};

// The wait before retry `n` (1 the first) after failures: `first` seconds
// doubled each time, at most 1800, never less than `retry_after`, in ms
// (before the jitter the client adds).
int64_t RegistrationBackoffMs(int first, int64_t n, int retry_after);

class Registration {
public:
    Registration(struct ::sip* stack, RegistrationSettings settings,
                 std::function<void(const std::string&)> log);
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    // Sends the first REGISTER; the client keeps itself registered from then on.
    void Start();
    // Removes our binding (Expires: 0), best effort, and stops refreshing.
    void Unregister();

    RegistrationStatus status() const;  // any thread
    const RegistrationSettings& settings() const { return settings_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    RegistrationSettings settings_;
};

}  // namespace callbase::telephony::sip
