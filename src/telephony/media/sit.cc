#include "telephony/media/sit.h"

#include <array>
#include <cmath>

#include "telephony/media/dtmf.h"

namespace callbase::telephony::media {
namespace {

constexpr int kRate = 8000;
constexpr size_t kBlock = 160;  // 20 ms
constexpr int kMinBlocks = 8;   // 160 ms
constexpr int kMaxBlocks = 25;  // 500 ms
constexpr int kMaxGap = 3;      // 60 ms
// Each band probed at its ITU centre and the North American variants: a
// 20 ms Goertzel filter is 50 Hz wide, so one probe would miss 36 Hz off.
constexpr std::array<std::array<double, 3>, 3> kBands = {{
    {913.8, 950.0, 985.2},
    {1370.6, 1400.0, 1428.5},
    {1776.7, 1800.0, 1825.0},
}};

}  // namespace

void SitDetector::Block(std::span<const int16_t> block) {
    double energy = 0;
    for (int16_t x : block)
        energy += static_cast<double>(x) * x;
    int tone = -1;
    // Loud enough (about -40 dBFS and up) to be a tone, not line noise.
    if (energy > 160.0 * 300.0 * 300.0) {
        for (int b = 0; b < 3; ++b) {
            double best = 0;
            for (double f : kBands[static_cast<size_t>(b)])
                best = std::max(best, TonePower(block, f));
            // Most of the block's energy in this band: a tone, not speech.
            if (best * 2.0 / static_cast<double>(block.size()) > 0.6 * energy) tone = b;
        }
    }
    if (tone == band_ && tone >= 0) {
        // The third tone long enough: heard, without waiting for it to end.
        if (++run_ >= kMinBlocks && band_ == 2 && next_ == 2) heard_ = true;
        return;
    }
    // A run ended: was it the band expected, long enough?
    if (band_ >= 0) {
        const bool fits = band_ == next_ && run_ >= kMinBlocks && run_ <= kMaxBlocks;
        if (fits) {
            next_ = band_ + 1;
            gap_ = 0;
            if (next_ == 3) heard_ = true;
        } else {
            next_ = band_ == 0 && run_ >= kMinBlocks && run_ <= kMaxBlocks ? 1 : 0;
            gap_ = 0;
        }
    }
    band_ = tone;
    run_ = tone >= 0 ? 1 : 0;
    if (tone < 0 && next_ > 0 && ++gap_ > kMaxGap) next_ = 0;
}

bool SitDetector::Feed(std::span<const int16_t> pcm) {
    if (heard_) return true;
    pending_.insert(pending_.end(), pcm.begin(), pcm.end());
    size_t at = 0;
    for (; at + kBlock <= pending_.size() && !heard_; at += kBlock)
        Block(std::span<const int16_t>(pending_).subspan(at, kBlock));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
    return heard_;
}

std::vector<int16_t> SitTone(int ms, double level) {
    std::vector<int16_t> out;
    const int n = kRate * ms / 1000;
    for (double f : {950.0, 1400.0, 1800.0}) {
        for (int i = 0; i < n; ++i)
            out.push_back(
                static_cast<int16_t>(level * 32767.0 * std::sin(2.0 * M_PI * f * i / kRate)));
    }
    return out;
}

}  // namespace callbase::telephony::media
