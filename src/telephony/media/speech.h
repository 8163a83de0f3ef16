// Speech synthesis for robots: text to 8 kHz 16-bit mono PCM, the rate of a
// G.711 call. SpeechSynth is the interface (so that a better engine can
// replace espeak-ng); EspeakSynth is espeak-ng (Debian's, Russian and English
// voices), resampled from its 22,050 Hz with a low-pass filter; CachedSynth
// keeps every rendered prompt as a WAV file named by a hash of the voice and
// the text, so that a prompt is synthesized once for a whole campaign.
//
// Thread safety: espeak-ng keeps global state, so EspeakSynth serializes its
// calls (a mutex); CachedSynth is safe from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"
#include "telephony/media/wav.h"

namespace callbase::telephony::media {

class SpeechSynth {
public:
    virtual ~SpeechSynth() = default;
    // language: "ru" or "en".
    virtual Result<Audio> Render(std::string_view text, std::string_view language) = 0;
};

class EspeakSynth final : public SpeechSynth {
public:
    Result<Audio> Render(std::string_view text, std::string_view language) override;
};

class CachedSynth final : public SpeechSynth {
public:
    CachedSynth(SpeechSynth& inner, std::string dir) : inner_(inner), dir_(std::move(dir)) {}
    Result<Audio> Render(std::string_view text, std::string_view language) override;
    // The cache file a prompt has (whether or not it is there yet).
    std::string PathOf(std::string_view text, std::string_view language) const;
    int misses() const { return misses_; }

private:
    SpeechSynth& inner_;
    std::string dir_;
    std::mutex mutex_;
    int misses_ = 0;
};

// 22,050 (or any rate) to 8,000 Hz: a windowed-sinc low-pass at 3.4 kHz.
std::vector<int16_t> Resample(const std::vector<int16_t>& in, int from_rate, int to_rate);

}  // namespace callbase::telephony::media
