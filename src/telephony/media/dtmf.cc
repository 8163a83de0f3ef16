#include "telephony/media/dtmf.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace callbase::telephony::media {
namespace {

constexpr int kRate = 8000;
constexpr size_t kBlock = 205;
constexpr std::array<double, 4> kRows = {697, 770, 852, 941};
constexpr std::array<double, 4> kColumns = {1209, 1336, 1477, 1633};
constexpr char kKeys[4][5] = {"123A", "456B", "789C", "*0#D"};

}  // namespace

double TonePower(std::span<const int16_t> pcm, double frequency) {
    const double coeff = 2.0 * std::cos(2.0 * M_PI * frequency / kRate);
    double s1 = 0, s2 = 0;
    for (int16_t x : pcm) {
        double s = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

char DtmfDetector::Block(std::span<const int16_t> block) const {
    double energy = 0;
    for (int16_t x : block)
        energy += static_cast<double>(x) * x;
    // A tone's power over the block is at most size x energy (Cauchy-Schwarz):
    // a quiet block cannot pass the level test below, so skip the filters.
    if (energy * static_cast<double>(block.size()) < 4e9) return 0;
    std::array<double, 4> rows{}, columns{};
    for (size_t i = 0; i < 4; ++i) {
        rows[i] = TonePower(block, kRows[i]);
        columns[i] = TonePower(block, kColumns[i]);
    }
    size_t r = static_cast<size_t>(std::max_element(rows.begin(), rows.end()) - rows.begin());
    size_t c =
        static_cast<size_t>(std::max_element(columns.begin(), columns.end()) - columns.begin());
    // Enough signal: the two tones above -35 dBFS or so.
    if (rows[r] < 4e9 || columns[c] < 4e9) return 0;
    // Twist: the row and column tones within 8 dB.
    double twist = rows[r] / columns[c];
    if (twist > 6.3 || twist < 1 / 6.3) return 0;
    // Each tone well above the others of its group (6 dB).
    for (size_t i = 0; i < 4; ++i) {
        if (i != r && rows[i] * 4 > rows[r]) return 0;
        if (i != c && columns[i] * 4 > columns[c]) return 0;
    }
    // Most of the block's energy is in the two tones (not speech or noise).
    double in_tones = (rows[r] + columns[c]) * 2.0 / static_cast<double>(block.size());
    if (in_tones < 0.4 * energy) return 0;
    return kKeys[r][c];
}

std::string DtmfDetector::Feed(std::span<const int16_t> pcm) {
    std::string keys;
    pending_.insert(pending_.end(), pcm.begin(), pcm.end());
    size_t at = 0;
    for (; at + kBlock <= pending_.size(); at += kBlock) {
        char key = Block(std::span<const int16_t>(pending_).subspan(at, kBlock));
        if (key != 0 && key == last_ && held_ != key) {
            held_ = key;
            keys.push_back(key);
        }
        if (key == 0 && last_ == 0) held_ = 0;  // released: two quiet blocks
        last_ = key;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
    return keys;
}

std::vector<int16_t> ToneFor(char key, int ms, int gap_ms, double level) {
    double fr = 0, fc = 0;
    for (size_t r = 0; r < 4; ++r) {
        for (size_t c = 0; c < 4; ++c) {
            if (kKeys[r][c] == key) {
                fr = kRows[r];
                fc = kColumns[c];
            }
        }
    }
    std::vector<int16_t> out;
    const int tone = kRate * ms / 1000, gap = kRate * gap_ms / 1000;
    for (int i = 0; i < tone; ++i) {
        double t = static_cast<double>(i) / kRate;
        double v = level * 32767 * (std::sin(2 * M_PI * fr * t) + std::sin(2 * M_PI * fc * t));
        out.push_back(static_cast<int16_t>(std::clamp(v, -32768.0, 32767.0)));
    }
    out.insert(out.end(), static_cast<size_t>(gap), 0);
    return out;
}

}  // namespace callbase::telephony::media
