#include "telephony/media/speech.h"

#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/sha256.h"

namespace callbase::telephony::media {
namespace {

std::mutex g_espeak_mutex;  // espeak-ng is one global engine
int g_espeak_rate = 0;      // its output rate once initialized; -1: failed
std::vector<int16_t>* g_espeak_out = nullptr;

int Collect(short* samples, int count, espeak_EVENT* /*events*/) {
    if (samples != nullptr && count > 0 && g_espeak_out != nullptr) {
        g_espeak_out->insert(g_espeak_out->end(), samples, samples + count);
    }
    return 0;  // go on
}

}  // namespace

std::vector<int16_t> Resample(const std::vector<int16_t>& in, int from_rate, int to_rate) {
    if (from_rate == to_rate || in.empty()) return in;
    const double ratio = static_cast<double>(from_rate) / to_rate;
    const double cutoff = std::min(3400.0, to_rate / 2.0 - 200.0) / from_rate;  // of the input rate
    constexpr int kTaps = 32;                                                   // each side
    const auto out_size = static_cast<size_t>(static_cast<double>(in.size()) / ratio);
    std::vector<int16_t> out(out_size);
    for (size_t i = 0; i < out_size; ++i) {
        const double center = static_cast<double>(i) * ratio;
        const auto first = static_cast<long>(std::floor(center)) - kTaps;
        double sum = 0, weight = 0;
        for (long k = first; k <= first + 2 * kTaps; ++k) {
            if (k < 0 || k >= static_cast<long>(in.size())) continue;
            double x = static_cast<double>(k) - center;
            double sinc = x == 0 ? 2 * cutoff : std::sin(2 * M_PI * cutoff * x) / (M_PI * x);
            double window = 0.54 + 0.46 * std::cos(M_PI * x / (kTaps + 1));  // Hamming
            double w = sinc * window;
            sum += w * in[static_cast<size_t>(k)];
            weight += w;
        }
        double v = weight != 0 ? sum / weight : 0;
        out[i] = static_cast<int16_t>(std::clamp(v, -32768.0, 32767.0));
    }
    return out;
}

Result<Audio> EspeakSynth::Render(std::string_view text, std::string_view language) {
    std::lock_guard lock(g_espeak_mutex);
    if (g_espeak_rate == 0) {
        int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
        g_espeak_rate = rate > 0 ? rate : -1;
        if (rate > 0) espeak_SetSynthCallback(Collect);
    }
    if (g_espeak_rate < 0) {
        return Fail(ErrorCode::kIo, "espeak-ng could not start (its voice data is missing?)",
                    "install Debian's espeak-ng-data");
    }
    const std::string voice = language == "en" ? "en" : "ru";
    if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("espeak-ng has no voice '{}'", voice));
    }
    std::vector<int16_t> pcm;
    g_espeak_out = &pcm;
    const std::string copy(text);
    espeak_ERROR err = espeak_Synth(copy.c_str(), copy.size() + 1, 0, POS_CHARACTER, 0,
                                    espeakCHARS_UTF8, nullptr, nullptr);
    espeak_Synchronize();
    g_espeak_out = nullptr;
    if (err != EE_OK) return Fail(ErrorCode::kIo, "espeak-ng could not synthesize the text");
    Audio audio;
    audio.rate = 8000;
    audio.samples = Resample(pcm, g_espeak_rate, 8000);
    return audio;
}

std::string CachedSynth::PathOf(std::string_view text, std::string_view language) const {
    std::string key = Sha256::Hex(Sha256::Of(fmt::format("{}\n{}", language, text)));
    return (std::filesystem::path(dir_) / (key.substr(0, 32) + ".wav")).string();
}

Result<Audio> CachedSynth::Render(std::string_view text, std::string_view language) {
    std::lock_guard lock(mutex_);
    const std::string path = PathOf(text, language);
    if (std::filesystem::exists(path)) {
        if (auto cached = ReadWav(path)) return cached;
    }
    auto audio = inner_.Render(text, language);
    if (!audio) return audio;
    ++misses_;
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    const std::string tmp = path + ".tmp";
    if (auto ok = WriteWav(tmp, *audio); !ok) return std::unexpected(ok.error());
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Fail(ErrorCode::kIo, fmt::format("{}: {}", path, ec.message()));
    return audio;
}

}  // namespace callbase::telephony::media
