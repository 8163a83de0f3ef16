// RFC 4733 telephone-event payloads: the DTMF keys a SIP trunk sends beside
// the voice, 4 bytes an RTP packet — event (0-9, 10 = *, 11 = #, 12-15 =
// A-D), the end bit, volume, duration in samples. The sender repeats a
// packet as the key is held and sends the end packet three times; the
// receiver reports each key once. Plain values; one receiver per call.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace callbase::telephony::media {

struct TelephoneEvent {
    char key = 0;  // '0'..'9', '*', '#', 'A'..'D'
    bool end = false;
    uint8_t volume = 10;    // -dBm0, 0..63
    uint16_t duration = 0;  // in timestamp units (8 kHz)
};

std::array<uint8_t, 4> EncodeEvent(const TelephoneEvent& event);
std::optional<TelephoneEvent> DecodeEvent(std::span<const uint8_t> payload);

// Turns the packets of one call's telephone-event stream into keys: a key
// counts once per RTP timestamp (one press), however often it is repeated.
class EventReceiver {
public:
    // The key this packet completes, if any (on its first end packet).
    std::optional<char> Packet(uint32_t rtp_timestamp, std::span<const uint8_t> payload);

private:
    std::optional<uint32_t> reported_;  // the timestamp of the last key given
};

}  // namespace callbase::telephony::media
