// DTMF events of the SIP adapter (src/telephony/media/rfc4733.h): RTP payloads
// of type telephone-event, as a peer sends them. The input is a stream of
// packets: 4 bytes of RTP timestamp, 1 byte of length, the payload.
#include <cstdint>
#include <cstring>
#include <span>

#include "fuzz/fuzz_util.h"
#include "telephony/media/rfc4733.h"

using namespace callbase::telephony::media;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    EventReceiver receiver;
    size_t at = 0;
    while (at + 5 <= size) {
        uint32_t timestamp;
        std::memcpy(&timestamp, data + at, 4);
        const size_t n = std::min<size_t>(data[at + 4], size - at - 5);
        std::span<const uint8_t> payload(data + at + 5, n);
        at += 5 + n;
        auto event = DecodeEvent(payload);
        if (event) {
            // What decodes encodes back to the same event.
            const auto bytes = EncodeEvent(*event);
            auto again = DecodeEvent(bytes);
            if (!again || again->key != event->key || again->end != event->end ||
                again->volume != event->volume || again->duration != event->duration)
                callbase::fuzz::Broken("an event decoded and encoded again differs");
        }
        if (auto key = receiver.Packet(timestamp, payload)) {
            if (!std::strchr("0123456789*#ABCD", *key) || *key == 0)
                callbase::fuzz::Broken("a key that is not a DTMF key");
        }
    }
    return 0;
}
