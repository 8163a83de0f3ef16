#include "telephony/media/g711.h"

#include <algorithm>

namespace callbase::telephony::media {
namespace {

// The segment (exponent) of a magnitude: the position of its highest bit
// above the first `shift` bits, 0..7.
int Segment(int magnitude, int shift) {
    int segment = 0;
    for (int v = magnitude >> shift; v > 1 && segment < 7; v >>= 1)
        ++segment;
    return segment;
}

}  // namespace

uint8_t LinearToAlaw(int16_t sample) {
    // A-law works on 13 bits: drop the 3 lowest.
    int pcm = sample >> 3;
    int sign = pcm >= 0 ? 0x80 : 0;
    int magnitude = pcm >= 0 ? pcm : -pcm - 1;
    magnitude = std::min(magnitude, 0xFFF);
    uint8_t code;
    if (magnitude < 32) {
        code = static_cast<uint8_t>(magnitude >> 1);
    } else {
        int segment = Segment(magnitude, 4);  // 32..63 -> 1, ..., 2048..4095 -> 7
        code = static_cast<uint8_t>((segment << 4) | ((magnitude >> segment) & 0x0F));
    }
    return static_cast<uint8_t>((code | sign) ^ 0x55);
}

int16_t AlawToLinear(uint8_t code) {
    code ^= 0x55;
    int segment = (code >> 4) & 0x07;
    int mantissa = code & 0x0F;
    int magnitude = segment == 0 ? (mantissa << 1) + 1 : ((mantissa << 1) + 33) << (segment - 1);
    int value = magnitude << 3;
    return static_cast<int16_t>((code & 0x80) ? value : -value);
}

uint8_t LinearToUlaw(int16_t sample) {
    constexpr int kBias = 0x84;
    constexpr int kClip = 32635;
    int pcm = sample;
    int sign = pcm < 0 ? 0x80 : 0;
    int magnitude = std::min(pcm < 0 ? -pcm : pcm, kClip) + kBias;
    int segment = Segment(magnitude, 7);  // 0x84.. : bias keeps segment 0 at 7 bits
    int mantissa = (magnitude >> (segment + 3)) & 0x0F;
    return static_cast<uint8_t>(~(sign | (segment << 4) | mantissa));
}

int16_t UlawToLinear(uint8_t code) {
    code = static_cast<uint8_t>(~code);
    int segment = (code >> 4) & 0x07;
    int mantissa = code & 0x0F;
    int magnitude = ((mantissa << 3) + 0x84) << segment;
    int value = magnitude - 0x84;
    return static_cast<int16_t>((code & 0x80) ? -value : value);
}

std::vector<uint8_t> EncodeAlaw(std::span<const int16_t> pcm) {
    std::vector<uint8_t> out(pcm.size());
    std::transform(pcm.begin(), pcm.end(), out.begin(), LinearToAlaw);
    return out;
}

std::vector<int16_t> DecodeAlaw(std::span<const uint8_t> codes) {
    std::vector<int16_t> out(codes.size());
    std::transform(codes.begin(), codes.end(), out.begin(), AlawToLinear);
    return out;
}

std::vector<uint8_t> EncodeUlaw(std::span<const int16_t> pcm) {
    std::vector<uint8_t> out(pcm.size());
    std::transform(pcm.begin(), pcm.end(), out.begin(), LinearToUlaw);
    return out;
}

std::vector<int16_t> DecodeUlaw(std::span<const uint8_t> codes) {
    std::vector<int16_t> out(codes.size());
    std::transform(codes.begin(), codes.end(), out.begin(), UlawToLinear);
    return out;
}

}  // namespace callbase::telephony::media
