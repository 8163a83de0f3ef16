#include "telephony/sip/srtp.h"

#include <cstring>

#include <fmt/format.h>

extern "C" {
#include <re.h>
}

namespace callbase::telephony::sip {

namespace {

constexpr std::string_view kSuite80 = "AES_CM_128_HMAC_SHA1_80";
constexpr std::string_view kSuite32 = "AES_CM_128_HMAC_SHA1_32";

// RTCP packet types 64..95 after the marker bit are RTCP (RFC 5761).
bool IsRtcp(const struct mbuf* mb) {
    if (mbuf_get_left(mb) < 2) return false;
    const int type = mbuf_buf(mb)[1] & 0x7f;
    return type >= 64 && type <= 95;
}

}  // namespace

SdesKey NewSdesKey() {
    SdesKey key;
    rand_bytes(key.key.data(), key.key.size());
    return key;
}

std::string CryptoLine(const SdesKey& key) {
    char b64[64];
    size_t len = sizeof b64;
    base64_encode(key.key.data(), key.key.size(), b64, &len);
    return fmt::format("{} {} inline:{}", key.tag, key.tag80 ? kSuite80 : kSuite32,
                       std::string_view(b64, len));
}

Result<SdesKey> ParseCrypto(std::string_view value) {
    auto bad = [&](std::string why) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("a=crypto:{}: {}", value, why),
                    "callbase takes AES_CM_128_HMAC_SHA1_80 or _32 with a 30-byte key, no MKI");
    };
    // TAG SP SUITE SP inline:KEY[|LIFETIME][|MKI:LEN] [SESSION-PARAMS]
    std::vector<std::string_view> words;
    for (size_t at = 0; at < value.size();) {
        const size_t end = std::min(value.find(' ', at), value.size());
        if (end > at) words.push_back(value.substr(at, end - at));
        at = end + 1;
    }
    if (words.size() < 3) return bad("not TAG SUITE inline:KEY");
    SdesKey key;
    key.tag = std::atoi(std::string(words[0]).c_str());
    if (key.tag <= 0 || words[0].find_first_not_of("0123456789") != std::string_view::npos)
        return bad("the tag is not a number");
    if (words[1] == kSuite80) {
        key.tag80 = true;
    } else if (words[1] == kSuite32) {
        key.tag80 = false;
    } else {
        return bad(fmt::format("the suite {} is not one callbase does", words[1]));
    }
    if (words.size() > 3) return bad("session parameters (e.g. UNENCRYPTED_SRTP) are not taken");
    std::string_view params = words[2];
    if (!params.starts_with("inline:")) return bad("the key is not inline:");
    params.remove_prefix(7);
    const size_t bar = params.find('|');
    const std::string_view b64 = params.substr(0, bar);
    if (bar != std::string_view::npos) {
        const std::string_view rest = params.substr(bar + 1);
        if (rest.find(':') != std::string_view::npos) return bad("an MKI is not taken");
    }
    uint8_t raw[64];
    size_t len = sizeof raw;
    if (base64_decode(b64.data(), b64.size(), raw, &len) != 0 || len != key.key.size())
        return bad(fmt::format("the key is {} bytes, not 30", len));
    std::memcpy(key.key.data(), raw, key.key.size());
    return key;
}

Result<SdesKey> PickCrypto(const std::vector<std::string>& values) {
    if (values.empty())
        return Fail(ErrorCode::kInvalidInput, "the SDP has no a=crypto line",
                    "the far end must offer SRTP keys (SDES), or turn srtp off for it");
    std::string why;
    for (const std::string& v : values) {
        auto key = ParseCrypto(v);
        if (key) return key;
        why += (why.empty() ? "" : "; ") + key.error().message;
    }
    return Fail(ErrorCode::kInvalidInput, why,
                "callbase takes AES_CM_128_HMAC_SHA1_80 or _32 with a 30-byte key, no MKI");
}

Result<std::unique_ptr<SrtpMedia>> SrtpMedia::Start(struct udp_sock* sock, const SdesKey& ours,
                                                    const SdesKey& theirs) {
    std::unique_ptr<SrtpMedia> self(new SrtpMedia());
    // Each side's tag length is its own: what we send carries ours.
    int err = srtp_alloc(&self->tx_,
                         ours.tag80 ? SRTP_AES_CM_128_HMAC_SHA1_80 : SRTP_AES_CM_128_HMAC_SHA1_32,
                         ours.key.data(), ours.key.size(), 0);
    if (!err)
        err = srtp_alloc(&self->rx_,
                         theirs.tag80 ? SRTP_AES_CM_128_HMAC_SHA1_80 : SRTP_AES_CM_128_HMAC_SHA1_32,
                         theirs.key.data(), theirs.key.size(), 0);
    // Layer 20: under the RTP socket's own handlers.
    if (!err) err = udp_register_helper(&self->helper_, sock, 20, OnSend, OnRecv, self.get());
    if (err)
        return Fail(ErrorCode::kInternal, fmt::format("SRTP: {}", std::strerror(err)),
                    "check that libre was built with OpenSSL");
    return self;
}

SrtpMedia::~SrtpMedia() {
    mem_deref(helper_);
    mem_deref(tx_);
    mem_deref(rx_);
}

bool SrtpMedia::OnSend(int* err, struct sa* /*dst*/, struct mbuf* mb, void* arg) {
    auto* self = static_cast<SrtpMedia*>(arg);
    *err = IsRtcp(mb) ? srtcp_encrypt(self->tx_, mb) : srtp_encrypt(self->tx_, mb);
    return false;  // the socket sends the protected packet
}

bool SrtpMedia::OnRecv(struct sa* /*src*/, struct mbuf* mb, void* arg) {
    auto* self = static_cast<SrtpMedia*>(arg);
    const int err = IsRtcp(mb) ? srtcp_decrypt(self->rx_, mb) : srtp_decrypt(self->rx_, mb);
    if (err != 0) ++self->dropped_;
    return err != 0;  // true: dropped
}

}  // namespace callbase::telephony::sip
