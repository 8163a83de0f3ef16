#include "telephony/media/wav.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/file.h"

namespace callbase::telephony::media {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

void Put32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void Put16(std::string& out, uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
}
uint32_t Get32(const unsigned char* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint16_t Get16(const unsigned char* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

}  // namespace

Result<void> WriteWav(const std::string& path, const Audio& audio) {
    const auto bytes = static_cast<uint32_t>(audio.samples.size() * 2);
    std::string head = "RIFF";
    Put32(head, 36 + bytes);
    head += "WAVEfmt ";
    Put32(head, 16);
    Put16(head, 1);  // PCM
    const auto channels = static_cast<uint16_t>(audio.channels);
    Put16(head, channels);
    Put32(head, static_cast<uint32_t>(audio.rate));
    Put32(head, static_cast<uint32_t>(audio.rate) * 2 * channels);
    Put16(head, static_cast<uint16_t>(2 * channels));
    Put16(head, 16);
    head += "data";
    Put32(head, bytes);
    File f(std::fopen(path.c_str(), "wb"), std::fclose);
    if (!f)
        return Fail(ErrorCode::kIo,
                    fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    bool ok =
        std::fwrite(head.data(), 1, head.size(), f.get()) == head.size() &&
        std::fwrite(audio.samples.data(), 2, audio.samples.size(), f.get()) == audio.samples.size();
    if (!ok) return Fail(ErrorCode::kIo, fmt::format("{}: write failed", path));
    return {};
}

Result<Audio> ReadWav(const std::string& path) {
    auto read = ReadWholeFile(path);
    if (!read) return Fail(ErrorCode::kNotFound, fmt::format("{}: cannot open", path));
    const std::string& data = *read;
    auto bad = [&](std::string_view why) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}: not a WAV file we read: {}", path, why),
                    "give 16-bit PCM, mono or stereo");
    };
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    if (data.size() < 12 || data.compare(0, 4, "RIFF") != 0 || data.compare(8, 4, "WAVE") != 0) {
        return bad("no RIFF/WAVE header");
    }
    Audio audio;
    bool format_seen = false;
    for (size_t at = 12; at + 8 <= data.size();) {
        std::string id = data.substr(at, 4);
        uint32_t size = Get32(p + at + 4);
        size_t body = at + 8;
        if (body + size > data.size()) size = static_cast<uint32_t>(data.size() - body);
        if (id == "fmt ") {
            if (size < 16) return bad("a short fmt chunk");
            if (Get16(p + body) != 1)
                return bad(fmt::format("format {}, not PCM", Get16(p + body)));
            audio.channels = Get16(p + body + 2);
            if (audio.channels != 1 && audio.channels != 2)
                return bad(fmt::format("{} channels", audio.channels));
            if (Get16(p + body + 14) != 16)
                return bad(fmt::format("{} bits", Get16(p + body + 14)));
            audio.rate = static_cast<int>(Get32(p + body + 4));
            format_seen = true;
        } else if (id == "data") {
            if (!format_seen) return bad("data before fmt");
            audio.samples.resize(size / 2);
            std::memcpy(audio.samples.data(), p + body, audio.samples.size() * 2);
            return audio;
        }
        at = body + size + (size & 1);
    }
    return bad("no data chunk");
}

Audio ToMono(Audio audio) {
    if (audio.channels <= 1) return audio;
    const auto ch = static_cast<size_t>(audio.channels);
    std::vector<int16_t> mono(audio.samples.size() / ch);
    for (size_t i = 0; i < mono.size(); ++i) {
        int sum = 0;
        for (size_t c = 0; c < ch; ++c)
            sum += audio.samples[i * ch + c];
        mono[i] = static_cast<int16_t>(sum / static_cast<int>(ch));
    }
    audio.samples = std::move(mono);
    audio.channels = 1;
    return audio;
}

double Rms(const std::vector<int16_t>& samples) {
    if (samples.empty()) return 0;
    double sum = 0;
    for (int16_t s : samples)
        sum += static_cast<double>(s) * s;
    return std::sqrt(sum / static_cast<double>(samples.size())) / 32768.0;
}

}  // namespace callbase::telephony::media
