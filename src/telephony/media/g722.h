// G.722 (ITU-T, 7 kHz wideband at 64 kbit/s) for operators' phones that
// prefer it, by spandsp (Debian's libspandsp). A call's audio inside callbase
// is 8 kHz PCM (the trunks speak G.711), so a G.722 leg is resampled at its
// edge: 8 kHz up to 16 kHz before the encoder, the decoder's 16 kHz down to
// 8 kHz with a small low-pass. One G722Codec per call leg: both directions
// keep state (ADPCM predictors, the resamplers' last samples), so frames
// must come in order. Not thread-safe; a leg is the SIP thread's.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace callbase::telephony::media {

class G722Codec {
public:
    G722Codec();
    ~G722Codec();
    G722Codec(const G722Codec&) = delete;
    G722Codec& operator=(const G722Codec&) = delete;

    // 8 kHz PCM to G.722 bytes: one byte per 8 kHz sample (20 ms: 160).
    std::vector<uint8_t> Encode(std::span<const int16_t> pcm8k);
    // G.722 bytes to 8 kHz PCM: one sample per byte.
    std::vector<int16_t> Decode(std::span<const uint8_t> g722);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The RTP payload type (static, RFC 3551) and the clock rate SDP and RTP
// timestamps use for it: 8000, though it samples at 16 kHz (RFC 3551, 4.5.2).
constexpr int kG722PayloadType = 9;

}  // namespace callbase::telephony::media
