#include "telephony/media/g722.h"

#include <algorithm>
#include <array>
#include <cmath>

extern "C" {
#include <spandsp.h>
}

namespace callbase::telephony::media {

namespace {

// A half-band low-pass at 16 kHz (cut at 4 kHz, 31 taps, Hamming window):
// what keeps images out when 8 kHz goes up to 16 and aliases out when it
// comes back down. Flat within 0.5 dB to 3.4 kHz, the voice band. Its taps
// two apart from the centre are zero, and its centre is 1/2: each way works
// on the 16 odd taps only (polyphase), a quarter of the plain filter's work.
constexpr int kTaps = 31;
constexpr int kMid = kTaps / 2;       // 15
constexpr int kOdd = (kMid + 1);      // the odd taps: offsets ±1, ±3, … ±15
constexpr size_t kCentre = kMid / 2;  // the centre tap's sample, counted back in one phase

std::array<float, kOdd> OddTaps() {
    std::array<float, kOdd> h{};
    for (int k = 0; k < kOdd; ++k) {
        const int n = 2 * k - kMid;  // -15, -13, … 15
        const double sinc = std::sin(M_PI * n / 2) / (M_PI * n);
        const double window = 0.54 - 0.46 * std::cos(2 * M_PI * (n + kMid) / (kTaps - 1));
        h[static_cast<size_t>(k)] = static_cast<float>(sinc * window);
    }
    return h;
}

const std::array<float, kOdd>& Taps() {
    static const std::array<float, kOdd> kH = OddTaps();
    return kH;
}

// The last kOdd samples of one phase, oldest first, kept across frames.
struct Line {
    std::array<float, 2 * kOdd> x{};  // doubled so a window is contiguous
    size_t pos = 0;
    void Push(float v) {
        x[pos] = v;
        x[pos + kOdd] = v;
        pos = (pos + 1) % kOdd;
    }
    // Σ h[k] · (the k-th oldest sample).
    float Dot() const {
        const auto& h = Taps();
        const float* w = x.data() + pos;
        float y = 0;
        for (size_t k = 0; k < kOdd; ++k)
            y += h[k] * w[k];
        return y;
    }
    // The sample `back` places before the newest.
    float Ago(size_t back) const { return x[(pos + kOdd - 1 - back) % kOdd]; }
};

int16_t Clip(float v) {
    return static_cast<int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
}

}  // namespace

struct G722Codec::State {
    g722_encode_state_t* encoder = nullptr;
    g722_decode_state_t* decoder = nullptr;
    Line up;         // the 8 kHz samples going up
    Line down_odd;   // the decoded 16 kHz samples of odd index
    Line down_even;  // ... of even index (only the centre tap uses them)
};

G722Codec::G722Codec() : state_(std::make_unique<State>()) {
    state_->encoder = g722_encode_init(nullptr, 64000, 0);
    state_->decoder = g722_decode_init(nullptr, 64000, 0);
}

G722Codec::~G722Codec() {
    if (state_->encoder != nullptr) g722_encode_free(state_->encoder);
    if (state_->decoder != nullptr) g722_decode_free(state_->decoder);
}

std::vector<uint8_t> G722Codec::Encode(std::span<const int16_t> pcm8k) {
    // Up to 16 kHz, as a zero between samples filtered with twice the gain:
    // the odd outputs are the input itself (the centre tap, delayed), the
    // even ones — halfway between two inputs — the odd taps over the input.
    std::vector<int16_t> wide(pcm8k.size() * 2);
    Line& line = state_->up;
    for (size_t i = 0; i < pcm8k.size(); ++i) {
        line.Push(pcm8k[i]);
        wide[2 * i] = Clip(2 * line.Dot());
        wide[2 * i + 1] = Clip(line.Ago(kCentre));
    }
    std::vector<uint8_t> out(pcm8k.size());
    const int n =
        g722_encode(state_->encoder, out.data(), wide.data(), static_cast<int>(wide.size()));
    out.resize(static_cast<size_t>(std::max(n, 0)));
    return out;
}

std::vector<int16_t> G722Codec::Decode(std::span<const uint8_t> g722) {
    std::vector<int16_t> wide(g722.size() * 2);
    const int n =
        g722_decode(state_->decoder, wide.data(), g722.data(), static_cast<int>(g722.size()));
    wide.resize(static_cast<size_t>(std::max(n, 0)));
    // Down to 8 kHz: only the outputs kept are computed — the odd taps over
    // the odd samples, plus half the even sample at the centre.
    std::vector<int16_t> out(wide.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        state_->down_even.Push(wide[2 * i]);
        state_->down_odd.Push(wide[2 * i + 1]);
        out[i] = Clip(state_->down_odd.Dot() + 0.5F * state_->down_even.Ago(kCentre));
    }
    return out;
}

}  // namespace callbase::telephony::media
