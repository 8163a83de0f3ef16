// G.722 on operators' phones: what one leg's transcoding costs a 20 ms frame
// each way (the phone's G.722 decoded and brought down to the trunk's 8 kHz;
// 8 kHz brought up and encoded for the phone) — G722Codec, spandsp's codec
// with callbase's half-band resamplers — against, in the same run, spandsp's
// own 8 kHz mode (G722_SAMPLE_RATE_8000: the codec's low band only, what a
// simpler bridge would use, with no resampling and no 4–7 kHz band) and the
// G.711 A-law a phone without G.722 costs. The goal: 200 operators on G.722
// at once cost under 30 % of a core (the SIP thread's share for them; it
// also carries every callee's leg and the signalling).
//
// Usage: bench_g722 [--seconds 3] [--limit 0.30] [--json]. Exit status 0
// when 200 legs cost under --limit of a core (the goal, 0.30), 1 when not;
// bench_g722_smoke in `make test` runs it briefly with twice the room, so
// that it cannot rot.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "telephony/media/g711.h"
#include "telephony/media/g722.h"

extern "C" {
#include <spandsp.h>
}

using namespace callbase::telephony::media;

namespace {

// Speech-like input: a few tones that move, with noise.
std::vector<int16_t> Voice(int frames) {
    std::vector<int16_t> pcm(static_cast<size_t>(frames) * 160);
    uint32_t noise = 1;
    for (size_t i = 0; i < pcm.size(); ++i) {
        const double t = static_cast<double>(i) / 8000;
        noise = noise * 1664525 + 1013904223;
        const double v = 4000 * std::sin(2 * M_PI * (300 + 200 * std::sin(t)) * t) +
                         2000 * std::sin(2 * M_PI * 1200 * t) +
                         static_cast<double>(static_cast<int>(noise >> 20) - 2048);
        pcm[i] = static_cast<int16_t>(v);
    }
    return pcm;
}

double ThreadCpuMicros() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// µs of this thread's CPU a frame for `step` (both directions of one leg),
// run for `seconds` of wall time: CPU, so that other work on the machine
// (the tests beside the smoke run) does not count.
template <typename Step>
double MicrosPerFrame(double seconds, Step step) {
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    const double start = ThreadCpuMicros();
    long frames = 0;
    while (Clock::now() < until) {
        for (int i = 0; i < 100; ++i)
            step(frames++);
    }
    return (ThreadCpuMicros() - start) / static_cast<double>(frames);
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 3, limit = 0.30;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else if (std::strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
            limit = std::atof(argv[++i]);
        else if (std::strcmp(argv[i], "--json") == 0)
            json = true;
    }
    const int loop_frames = 500;  // 10 s of voice, round and round
    const std::vector<int16_t> voice = Voice(loop_frames);
    auto frame = [&](long n) {
        return std::span<const int16_t>(voice.data() + (n % loop_frames) * 160, 160);
    };
    // What the phone sends: the same voice, already G.722.
    std::vector<uint8_t> from_phone;
    {
        G722Codec phone;
        for (int f = 0; f < loop_frames; ++f) {
            auto bytes = phone.Encode(frame(f));
            from_phone.insert(from_phone.end(), bytes.begin(), bytes.end());
        }
    }
    auto phone_frame = [&](long n) {
        return std::span<const uint8_t>(from_phone.data() + (n % loop_frames) * 160, 160);
    };

    long sink = 0;
    G722Codec ours;
    for (long n = 0; n < 2000; ++n)  // warm: the first frames are not the cost
        sink += ours.Decode(phone_frame(n))[7] + ours.Encode(frame(n))[7];
    const double ours_us = MicrosPerFrame(seconds, [&](long n) {
        sink += ours.Decode(phone_frame(n))[7];
        sink += ours.Encode(frame(n))[7];
    });
    g722_encode_state_t* enc = g722_encode_init(nullptr, 64000, G722_SAMPLE_RATE_8000);
    g722_decode_state_t* dec = g722_decode_init(nullptr, 64000, G722_SAMPLE_RATE_8000);
    std::vector<int16_t> pcm(160);
    std::vector<uint8_t> out(160);
    const double narrow_us = MicrosPerFrame(seconds, [&](long n) {
        g722_decode(dec, pcm.data(), phone_frame(n).data(), 160);
        g722_encode(enc, out.data(), frame(n).data(), 160);
        sink += pcm[7] + out[7];
    });
    g722_encode_free(enc);
    g722_decode_free(dec);
    const std::vector<uint8_t> alaw = EncodeAlaw(voice);
    const double g711_us = MicrosPerFrame(seconds, [&](long n) {
        sink += DecodeAlaw(std::span<const uint8_t>(alaw.data() + (n % loop_frames) * 160, 160))[7];
        sink += EncodeAlaw(frame(n))[7];
    });

    // 200 operators: 50 frames a second each.
    auto core_share = [](double us) { return us * 50 * 200 / 1e6; };
    const bool ok = core_share(ours_us) < limit;
    if (json) {
        fmt::print(
            "{{\"ours_us_per_frame\": {:.2f}, \"spandsp_8k_us_per_frame\": {:.2f}, "
            "\"g711_us_per_frame\": {:.2f}, \"ours_200_legs_core\": {:.4f}, \"ok\": {}, "
            "\"sink\": {}}}\n",
            ours_us, narrow_us, g711_us, core_share(ours_us), ok, sink % 2);
    } else {
        fmt::print("one leg, both directions, a 20 ms frame:\n");
        fmt::print(
            "  callbase G722Codec (16 kHz, resampled)  {:7.2f} µs  200 legs: {:.1f} % of a core\n",
            ours_us, 100 * core_share(ours_us));
        fmt::print(
            "  spandsp G.722 8 kHz mode (low band)      {:7.2f} µs  200 legs: {:.1f} % of a core\n",
            narrow_us, 100 * core_share(narrow_us));
        fmt::print(
            "  G.711 A-law                              {:7.2f} µs  200 legs: {:.1f} % of a core\n",
            g711_us, 100 * core_share(g711_us));
        fmt::print("goal: 200 G.722 legs under {:.0f} % of a core: {}\n", 100 * limit,
                   ok ? "holds" : "MISSED");
    }
    return ok ? 0 : 1;
}
