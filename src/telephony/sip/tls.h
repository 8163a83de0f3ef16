// SIP over TLS: which certificates callbase takes from the far end
// (docs/telephony.md, "Encryption: TLS and SRTP").
//
// libre 1.1.0's SIP transport opens TLS connections but checks neither the
// far end's certificate nor its name, and sends no server name (SNI). SipTls
// owns the TLS context given to libre's transport and does those checks
// itself, in OpenSSL's verify callback, for each connection callbase opens:
// the connection's address tells which trunk or phone it is for; that peer's
// rules say what passes —
//   - the chain up to a trusted CA (the peer's `ca` file, else the system's),
//   - the peer's name (a DNS or IP subjectAltName; `host`),
//   - a pin: the SHA-256 of the provider's certificate; a pin with no CA
//     file trusts that certificate alone (a provider's self-signed one).
// A refused certificate ends the handshake; the INVITE fails with EPROTO
// and the reason is logged (one line, what to change). Connections made to
// us (phones, providers calling in) are TLS servers and show our
// certificate; their own are not asked for.
//
// Runs on the SIP thread only (libre's).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

struct tls;

namespace callbase::telephony::sip {

// What a peer's certificate must satisfy.
struct TlsPeer {
    std::string what;     // "trunk main", "operator olga's phone": for log lines
    std::string address;  // the peer's "host[:port]" as configured (its URI's)
    std::string host;     // the name or IP its certificate must carry; "" = none
    std::string ca_file;  // PEM CAs to trust; "" = the system's
    std::string pin;      // SHA-256 of its certificate, upper-case hex, no colons
    bool verify = true;   // false: encrypted, but any certificate is taken
    bool phone = false;   // an operator's phone: never taken for a trunk
};

// "AB:cd:..." or "abcd..." → "ABCD..." (64 hex digits), or an error.
Result<std::string> ParsePin(std::string_view text);

class SipTls {
public:
    // `certificate` and `key` are PEM files (the key may be in the
    // certificate's file: give it twice or leave `key` empty); without them
    // callbase can call out over TLS but takes no TLS connections. `refused`
    // is told of each certificate refused, in a line for the log.
    static Result<std::unique_ptr<SipTls>> Make(const std::string& certificate,
                                                const std::string& key, std::vector<TlsPeer> peers,
                                                std::function<void(const std::string&)> refused);
    ~SipTls();
    SipTls(const SipTls&) = delete;
    SipTls& operator=(const SipTls&) = delete;

    struct tls* context() const;  // for sip_transp_add(…, SIP_TRANSP_TLS, …)

    struct State;  // the verify callback's

private:
    SipTls() = default;
    struct tls* tls_ = nullptr;
    std::unique_ptr<State> state_;
};

}  // namespace callbase::telephony::sip
