// WAV files of 16-bit mono PCM: the prompts the synthesizer renders and the
// recordings of calls. Plain functions; errors name the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace callbase::telephony::media {

struct Audio {
    int rate = 8000;
    int channels = 1;  // 2: samples interleaved left, right
    std::vector<int16_t> samples;
    double Seconds() const {
        return rate ? static_cast<double>(samples.size()) / channels / rate : 0;
    }
};

Result<void> WriteWav(const std::string& path, const Audio& audio);
// Reads 16-bit PCM mono (other formats are refused, saying what they are).
Result<Audio> ReadWav(const std::string& path);
// Root mean square level, 0..1 of full scale: silence is near 0.
double Rms(const std::vector<int16_t>& samples);
// The channels averaged into one (a mono input comes back as it is).
Audio ToMono(Audio audio);

}  // namespace callbase::telephony::media
