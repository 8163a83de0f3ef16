// SRTP with keys in the SDP (SDES, RFC 4568; docs/telephony.md,
// "Encryption: TLS and SRTP").
//
// Each side says its own key in an `a=crypto` line of its SDP and encrypts
// what it sends with it; each decrypts what it hears with the other's.
// callbase offers AES_CM_128_HMAC_SHA1_80 and takes _80 or _32 from the far
// end; a line with a key of the wrong size, an MKI or session parameters is
// not usable (ParseCrypto says why). The keys only protect the voice when
// the SDP itself travels over TLS.
//
// SrtpMedia sits under a call's RTP socket (libre's UDP helper), so the RTP
// code above it sends and hears clear packets; packets that fail
// authentication or replay are dropped and counted. libre's srtp module does
// the cipher. The SIP thread's only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

struct udp_sock;
struct srtp;
struct udp_helper;
struct sa;
struct mbuf;

namespace callbase::telephony::sip {

struct SdesKey {
    int tag = 1;
    bool tag80 = true;              // HMAC_SHA1_80; false: _32
    std::array<uint8_t, 30> key{};  // 16 bytes of key, 14 of salt
};

// A fresh random key (our side's).
SdesKey NewSdesKey();
// The value of our `a=crypto` line: "1 AES_CM_128_HMAC_SHA1_80 inline:…".
std::string CryptoLine(const SdesKey& key);
// One `a=crypto` value of the far end; an error says why it is not usable.
Result<SdesKey> ParseCrypto(std::string_view value);
// The first usable of the far end's lines (in its order of preference);
// the error lists why each was not.
Result<SdesKey> PickCrypto(const std::vector<std::string>& values);

class SrtpMedia {
public:
    // Encrypts what `sock` sends with `ours`, decrypts what it hears with
    // `theirs`.
    static Result<std::unique_ptr<SrtpMedia>> Start(struct udp_sock* sock, const SdesKey& ours,
                                                    const SdesKey& theirs);
    ~SrtpMedia();
    SrtpMedia(const SrtpMedia&) = delete;
    SrtpMedia& operator=(const SrtpMedia&) = delete;

    // Packets dropped: failed authentication, replayed, or not SRTP at all.
    int64_t dropped() const { return dropped_; }

private:
    SrtpMedia() = default;
    static bool OnSend(int* err, struct sa* dst, struct mbuf* mb, void* arg);
    static bool OnRecv(struct sa* src, struct mbuf* mb, void* arg);
    struct srtp* tx_ = nullptr;
    struct srtp* rx_ = nullptr;
    struct udp_helper* helper_ = nullptr;
    int64_t dropped_ = 0;
};

}  // namespace callbase::telephony::sip
