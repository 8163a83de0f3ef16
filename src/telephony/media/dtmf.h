// In-band DTMF detection (the fallback when a trunk sends no RFC 4733
// events): Goertzel filters on the eight DTMF frequencies over 8 kHz PCM, in
// blocks of 205 samples (25.6 ms), with the usual checks — one row and one
// column tone clearly above the others, their levels within 8 dB of each
// other (twist), enough energy, and a key held for two blocks before it
// counts. Also ToneFor(), which makes the tones (tests, the simulator).
//
// A DtmfDetector keeps state across calls of Feed; one per call, one thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace callbase::telephony::media {

// The power of one frequency in 8 kHz PCM (a Goertzel filter over all of
// it): what the detectors here and the tests measure tones with.
double TonePower(std::span<const int16_t> pcm, double frequency);

class DtmfDetector {
public:
    // Returns the keys that completed in these samples ("" when none).
    std::string Feed(std::span<const int16_t> pcm);

private:
    char Block(std::span<const int16_t> block) const;
    std::vector<int16_t> pending_;
    char last_ = 0;  // key seen in the previous block, 0 for none
    char held_ = 0;  // key being pressed (seen twice running)
};

// `key` (0-9 * # A-D) as 8 kHz PCM: `ms` of tone at `level` (0..1 of full
// scale per tone), then `gap_ms` of silence.
std::vector<int16_t> ToneFor(char key, int ms = 80, int gap_ms = 60, double level = 0.3);

}  // namespace callbase::telephony::media
