#include "telephony/media/rfc4733.h"

#include <string_view>

namespace callbase::telephony::media {
namespace {

constexpr std::string_view kKeys = "0123456789*#ABCD";

}  // namespace

std::array<uint8_t, 4> EncodeEvent(const TelephoneEvent& e) {
    auto code = static_cast<uint8_t>(kKeys.find(e.key));
    return {code, static_cast<uint8_t>((e.end ? 0x80 : 0) | (e.volume & 0x3F)),
            static_cast<uint8_t>(e.duration >> 8), static_cast<uint8_t>(e.duration & 0xFF)};
}

std::optional<TelephoneEvent> DecodeEvent(std::span<const uint8_t> p) {
    if (p.size() < 4 || p[0] >= kKeys.size()) return std::nullopt;
    TelephoneEvent e;
    e.key = kKeys[p[0]];
    e.end = (p[1] & 0x80) != 0;
    e.volume = p[1] & 0x3F;
    e.duration = static_cast<uint16_t>((p[2] << 8) | p[3]);
    return e;
}

std::optional<char> EventReceiver::Packet(uint32_t rtp_timestamp,
                                          std::span<const uint8_t> payload) {
    auto e = DecodeEvent(payload);
    if (!e || !e->end) return std::nullopt;
    if (reported_ == rtp_timestamp) return std::nullopt;  // the repeated end packets
    reported_ = rtp_timestamp;
    return e->key;
}

}  // namespace callbase::telephony::media
