// G.711 (ITU-T): 16-bit linear PCM to 8-bit A-law and µ-law and back, the two
// codecs every SIP trunk speaks. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace callbase::telephony::media {

uint8_t LinearToAlaw(int16_t sample);
int16_t AlawToLinear(uint8_t code);
uint8_t LinearToUlaw(int16_t sample);
int16_t UlawToLinear(uint8_t code);

std::vector<uint8_t> EncodeAlaw(std::span<const int16_t> pcm);
std::vector<int16_t> DecodeAlaw(std::span<const uint8_t> codes);
std::vector<uint8_t> EncodeUlaw(std::span<const int16_t> pcm);
std::vector<int16_t> DecodeUlaw(std::span<const uint8_t> codes);

}  // namespace callbase::telephony::media
