#include "telephony/sip/tls.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

extern "C" {
#define USE_OPENSSL 1  // libre.pc leaves it out; tls_openssl_context needs it
#include <re.h>
}

namespace callbase::telephony::sip {

namespace {

std::string Hex(const unsigned char* md, unsigned n) {
    std::string s;
    for (unsigned i = 0; i < n; ++i)
        s += fmt::format("{:02X}", md[i]);
    return s;
}

std::string OpenSslError() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "no reason given";
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return text;
}

bool IsIp(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// "host[:port]" → host and port (5061, SIP over TLS's, when left out).
std::pair<std::string, uint16_t> SplitAddress(const std::string& address) {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos || address.find(':') != colon) return {address, 5061};
    const int port = std::atoi(address.c_str() + colon + 1);
    return {address.substr(0, colon),
            static_cast<uint16_t>(port > 0 && port < 65536 ? port : 5061)};
}

// libre 1.1.0's TLS connection (tls/openssl/tls_tcp.c, built with
// TLS_BIO_OPAQUE): its write BIO's data. Only read after checking that its
// first field is the very SSL being verified.
struct LibreTlsConn {
    SSL* ssl;
    BIO_METHOD* biomet;
    BIO* sbio_out;
    BIO* sbio_in;
    struct tcp_helper* th;
    struct tcp_conn* tcp;
};

bool PeerOf(SSL* ssl, struct sa* peer) {
    BIO* out = SSL_get_wbio(ssl);
    auto* conn = out != nullptr ? static_cast<LibreTlsConn*>(BIO_get_data(out)) : nullptr;
    if (conn == nullptr || conn->ssl != ssl || conn->tcp == nullptr) return false;
    return tcp_conn_peer_get(conn->tcp, peer) == 0;
}

}  // namespace

Result<std::string> ParsePin(std::string_view text) {
    std::string pin;
    for (char c : text) {
        if (c == ':' || c == ' ') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            pin.clear();
            break;
        }
        pin += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (pin.size() != 64)
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("'{}' is not a SHA-256 fingerprint", text),
                    "write the 64 hex digits `openssl x509 -noout -fingerprint -sha256 -in "
                    "provider.pem` prints, e.g. \"AB:CD:…\"");
    return pin;
}

struct SipTls::State {
    struct Peer {
        TlsPeer rules;
        X509_STORE* store = nullptr;   // its trusted CAs
        std::vector<std::string> ips;  // what its address resolved to
        uint16_t port = 5061;
        bool phone = false;
    };
    std::vector<Peer> peers;
    std::function<void(const std::string&)> refused;

    ~State() {
        for (Peer& p : peers)
            X509_STORE_free(p.store);
    }

    // The peers a connection may be for: those at its address (the port
    // decides between two at one IP); none known there: every trunk (a name
    // that resolved elsewhere since), never a phone.
    std::vector<const Peer*> For(SSL* ssl) const {
        std::vector<const Peer*> exact, same_ip, trunks;
        struct sa sa {};
        char ip[64] = "";
        const bool known = PeerOf(ssl, &sa) && sa_ntop(&sa, ip, sizeof ip) == 0;
        for (const Peer& p : peers) {
            if (!p.phone) trunks.push_back(&p);
            if (!known || std::find(p.ips.begin(), p.ips.end(), ip) == p.ips.end()) continue;
            (p.port == sa_port(&sa) ? exact : same_ip).push_back(&p);
        }
        if (!exact.empty()) return exact;
        if (!same_ip.empty()) return same_ip;
        return trunks;
    }

    // Empty when the certificate passes the peer's rules; else why not.
    static std::string Check(const Peer& peer, X509* leaf, STACK_OF(X509) * chain) {
        const TlsPeer& r = peer.rules;
        if (!r.verify) return "";
        if (!r.pin.empty()) {
            unsigned char md[EVP_MAX_MD_SIZE];
            unsigned n = 0;
            X509_digest(leaf, EVP_sha256(), md, &n);
            const std::string got = Hex(md, n);
            if (got != r.pin)
                return fmt::format("its certificate's SHA-256 is {}, the pin (tls_pin) says {}",
                                   got, r.pin);
        }
        if (r.pin.empty() || !r.ca_file.empty()) {
            X509_STORE_CTX* v = X509_STORE_CTX_new();
            int good = 0;
            if (v != nullptr && X509_STORE_CTX_init(v, peer.store, leaf, chain) == 1) {
                X509_STORE_CTX_set_purpose(v, X509_PURPOSE_SSL_SERVER);
                good = X509_verify_cert(v);
            }
            const int error = v != nullptr ? X509_STORE_CTX_get_error(v) : 0;
            X509_STORE_CTX_free(v);
            ERR_clear_error();
            if (good != 1)
                return fmt::format(
                    "its certificate is not signed by a CA callbase trusts ({}; {})",
                    X509_verify_cert_error_string(error),
                    r.ca_file.empty() ? "the system's CAs" : fmt::format("tls_ca {}", r.ca_file));
        }
        if (!r.host.empty()) {
            const bool ok =
                IsIp(r.host) ? X509_check_ip_asc(leaf, r.host.c_str(), 0) == 1
                             : X509_check_host(leaf, r.host.c_str(), r.host.size(),
                                               X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
            if (!ok) {
                char subject[256] = "";
                X509_NAME_oneline(X509_get_subject_name(leaf), subject, sizeof subject);
                return fmt::format("its certificate ({}) is not made out to {}", subject, r.host);
            }
        }
        return "";
    }
};

namespace {

int Verify(int /*preverified*/, X509_STORE_CTX* store) {
    SSL* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (ssl == nullptr || SSL_is_server(ssl) != 0) return 1;
    // The chain is judged whole at the leaf, by the rules of the peer the
    // connection is for (its own CAs), not by the context's.
    if (X509_STORE_CTX_get_error_depth(store) > 0) return 1;
    auto* state = static_cast<SipTls::State*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (state == nullptr) return 0;
    X509* leaf = X509_STORE_CTX_get_current_cert(store);
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_untrusted(store);
    const std::vector<const SipTls::State::Peer*> peers = state->For(ssl);
    std::string why;
    for (const SipTls::State::Peer* peer : peers) {
        std::string no = SipTls::State::Check(*peer, leaf, chain);
        if (no.empty()) return 1;
        if (why.empty())
            why = fmt::format("{} ({}): {}", peer->rules.what, peer->rules.address, no);
    }
    if (why.empty()) why = "no trunk or phone of the settings is reached over TLS there";
    state->refused(
        fmt::format("sip: TLS certificate refused for {}; the call does not go out. Check the "
                    "trunk's tls_host, "
                    "tls_ca and tls_pin (docs/telephony.md, \"Encryption: TLS and SRTP\")",
                    why));
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
}

void OnHandshake(const SSL* const_ssl, int where, int /*ret*/) {
    if ((where & SSL_CB_HANDSHAKE_START) == 0) return;
    SSL* ssl = const_cast<SSL*>(const_ssl);
    if (SSL_is_server(ssl) != 0) {
        // Phones and providers calling in are not asked for a certificate.
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
        return;
    }
    auto* state = static_cast<SipTls::State*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (state == nullptr) return;
    // The server's name (SNI), which libre 1.1.0 does not send: one peer there.
    const auto peers = state->For(ssl);
    if (peers.size() == 1 && !peers[0]->rules.host.empty() && !IsIp(peers[0]->rules.host))
        SSL_set_tlsext_host_name(ssl, peers[0]->rules.host.c_str());
}

}  // namespace

Result<std::unique_ptr<SipTls>> SipTls::Make(const std::string& certificate, const std::string& key,
                                             std::vector<TlsPeer> peers,
                                             std::function<void(const std::string&)> refused) {
    std::unique_ptr<SipTls> self(new SipTls());
    self->state_ = std::make_unique<State>();
    State& state = *self->state_;
    state.refused = std::move(refused);
    if (int err = tls_alloc(&self->tls_, TLS_METHOD_SSLV23, nullptr, nullptr); err != 0)
        return Fail(ErrorCode::kInternal, fmt::format("TLS: no context: {}", std::strerror(err)),
                    "check that OpenSSL is installed");
    SSL_CTX* ctx = tls_openssl_context(self->tls_);
    if (!certificate.empty()) {
        const std::string& key_file = key.empty() ? certificate : key;
        if (SSL_CTX_use_certificate_chain_file(ctx, certificate.c_str()) != 1)
            return Fail(
                ErrorCode::kInvalidInput,
                fmt::format("TLS: cannot use the certificate {}: {}", certificate, OpenSslError()),
                "give [tls] certificate as a PEM file (the certificate, then its chain)");
        if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1)
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("TLS: cannot use the key {} with the certificate {}: {}",
                                    key_file, certificate, OpenSslError()),
                        "give [tls] key as the certificate's PEM private key, not encrypted");
    }
    for (TlsPeer& rules : peers) {
        State::Peer peer;
        peer.phone = rules.phone;
        auto [host, port] = SplitAddress(rules.address);
        peer.port = port;
        if (IsIp(host)) {
            peer.ips.push_back(host);
        } else {
            struct addrinfo hints {};
            hints.ai_socktype = SOCK_STREAM;
            struct addrinfo* found = nullptr;
            if (getaddrinfo(host.c_str(), nullptr, &hints, &found) == 0) {
                for (struct addrinfo* a = found; a != nullptr; a = a->ai_next) {
                    char ip[INET6_ADDRSTRLEN] = "";
                    const void* raw =
                        a->ai_family == AF_INET
                            ? static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                            : static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
                    if (inet_ntop(a->ai_family, raw, ip, sizeof ip) != nullptr)
                        peer.ips.push_back(ip);
                }
                freeaddrinfo(found);
            }
        }
        peer.store = X509_STORE_new();
        const bool loaded = rules.ca_file.empty()
                                ? X509_STORE_set_default_paths(peer.store) == 1
                                : X509_STORE_load_file(peer.store, rules.ca_file.c_str()) == 1;
        if (!loaded) {
            const std::string why = OpenSslError();
            X509_STORE_free(peer.store);
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("TLS: cannot read the CAs of {} from {}: {}", rules.what,
                                    rules.ca_file.empty() ? "the system" : rules.ca_file, why),
                        "give tls_ca as a PEM file of the CA certificates to trust");
        }
        peer.rules = std::move(rules);
        state.peers.push_back(std::move(peer));
    }
    SSL_CTX_set_app_data(ctx, &state);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, Verify);
    SSL_CTX_set_info_callback(ctx, OnHandshake);
    return self;
}

SipTls::~SipTls() {
    if (tls_ != nullptr) SSL_CTX_set_app_data(tls_openssl_context(tls_), nullptr);
    mem_deref(tls_);
}

struct tls* SipTls::context() const {
    return tls_;
}

}  // namespace callbase::telephony::sip
