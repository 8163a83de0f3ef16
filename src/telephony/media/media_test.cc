// The media a call carries: G.711 both ways, in-band DTMF, WAV files, and
// speech synthesis in Russian and English with its cache.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "telephony/media/dtmf.h"
#include "telephony/media/g711.h"
#include "telephony/media/g722.h"
#include "telephony/media/rfc4733.h"
#include "telephony/media/sit.h"
#include "telephony/media/speech.h"
#include "telephony/media/wav.h"

namespace callbase::telephony::media {
namespace {

TEST(G711, KnownCodesAndTheRoundTripStaysWithinOneStep) {
    // Silence and the extremes, as every G.711 implementation has them.
    EXPECT_EQ(LinearToUlaw(0), 0xFF);
    EXPECT_EQ(LinearToAlaw(0), 0xD5);
    EXPECT_EQ(LinearToUlaw(32767), 0x80);
    EXPECT_EQ(LinearToUlaw(-32768), 0x00);
    EXPECT_EQ(LinearToAlaw(32767), 0xAA);
    EXPECT_EQ(LinearToAlaw(-32768), 0x2A);
    EXPECT_EQ(UlawToLinear(0xFF), 0);
    EXPECT_EQ(AlawToLinear(0xD5), 8);
    for (int v = -32768; v <= 32767; v += 7) {
        auto s = static_cast<int16_t>(v);
        // Logarithmic steps: the error is at most about 1/16 of the value, and small near 0.
        int tolerance = std::max(std::abs(v) / 16, 16);
        EXPECT_LE(std::abs(UlawToLinear(LinearToUlaw(s)) - v), std::max(tolerance, 140)) << v;
        EXPECT_LE(std::abs(AlawToLinear(LinearToAlaw(s)) - v), tolerance + 16) << v;
    }
    // Every code decodes to a value that encodes back to the same code.
    for (int code = 0; code < 256; ++code) {
        auto c = static_cast<uint8_t>(code);
        EXPECT_EQ(LinearToAlaw(AlawToLinear(c)), c) << code;
        if (code != 0x7F) {  // µ-law's negative zero encodes as positive zero
            EXPECT_EQ(LinearToUlaw(UlawToLinear(c)), c) << code;
        }
    }
}

TEST(Dtmf, EveryKeyIsHeardOnceAtAnyLevelAndSplitAcrossPackets) {
    const std::string keys = "0123456789*#ABCD";
    for (double level : {0.05, 0.3, 0.45}) {
        std::vector<int16_t> pcm;
        for (char k : keys) {
            auto tone = ToneFor(k, 70, 50, level);
            pcm.insert(pcm.end(), tone.begin(), tone.end());
        }
        DtmfDetector detector;
        std::string heard;
        for (size_t at = 0; at < pcm.size(); at += 160) {  // 20 ms RTP packets
            size_t n = std::min<size_t>(160, pcm.size() - at);
            heard += detector.Feed(std::span<const int16_t>(pcm).subspan(at, n));
        }
        EXPECT_EQ(heard, keys) << "level " << level;
    }
}

TEST(Dtmf, NoiseSpeechLikeSoundAndOneToneAreNotKeys) {
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0, 3000);
    std::vector<int16_t> pcm;
    for (int i = 0; i < 8000 * 2; ++i)
        pcm.push_back(static_cast<int16_t>(noise(rng)));
    // A vowel-like sound: a 150 Hz buzz with harmonics.
    for (int i = 0; i < 8000; ++i) {
        double t = i / 8000.0, v = 0;
        for (int h = 1; h < 20; ++h)
            v += std::sin(2 * M_PI * 150 * h * t) / h;
        pcm.push_back(static_cast<int16_t>(4000 * v));
    }
    // A single DTMF frequency (a row without its column).
    for (int i = 0; i < 8000; ++i) {
        pcm.push_back(static_cast<int16_t>(8000 * std::sin(2 * M_PI * 770 * i / 8000.0)));
    }
    DtmfDetector detector;
    EXPECT_EQ(detector.Feed(pcm), "");
}

// Tones of (frequency, ms) in a row at `level` of full scale.
std::vector<int16_t> Tones(const std::vector<std::pair<double, int>>& tones, double level = 0.3) {
    std::vector<int16_t> out;
    for (auto [f, ms] : tones) {
        for (int i = 0; i < 8 * ms; ++i)
            out.push_back(static_cast<int16_t>(
                f > 0 ? level * 32767 * std::sin(2 * M_PI * f * i / 8000.0) : 0));
    }
    return out;
}

bool Heard(const std::vector<int16_t>& pcm, size_t packet = 160) {
    SitDetector sit;
    for (size_t at = 0; at < pcm.size(); at += packet) {
        const size_t n = std::min(packet, pcm.size() - at);
        if (sit.Feed(std::span<const int16_t>(pcm).subspan(at, n))) return true;
    }
    return false;
}

TEST(Sit, TheThreeRisingTonesAreHeardAsNetworksPlayThem) {
    // ITU-T Q.35 as Russian networks play it, after a second of ringback.
    std::vector<int16_t> itu = Tones({{425, 1000}, {0, 4000}});
    const std::vector<int16_t> tone = SitTone();
    itu.insert(itu.end(), tone.begin(), tone.end());
    EXPECT_TRUE(Heard(itu));
    // Through G.711 A-law, in packets of any size, quiet and loud.
    EXPECT_TRUE(Heard(DecodeAlaw(EncodeAlaw(itu)), 37));
    EXPECT_TRUE(Heard(SitTone(330, 0.03)));
    EXPECT_TRUE(Heard(SitTone(330, 0.9)));
    // The North American vacant code and reorder: other frequencies, 274 and 380 ms.
    EXPECT_TRUE(Heard(Tones({{985.2, 380}, {1370.6, 274}, {1776.7, 380}})));
    EXPECT_TRUE(Heard(Tones({{913.8, 274}, {1428.5, 380}, {1776.7, 380}})));
    // A 30 ms pause between the tones.
    EXPECT_TRUE(Heard(Tones({{950, 330}, {0, 30}, {1400, 330}, {0, 30}, {1800, 330}})));
    // A false start (one tone alone) and then the real thing.
    EXPECT_TRUE(Heard(Tones({{950, 330}, {0, 500}, {950, 330}, {1400, 330}, {1800, 330}})));
}

TEST(Sit, RingbackBusyKeysNoiseAndTonesOutOfOrderAreNot) {
    EXPECT_FALSE(Heard(Tones({{425, 1000}, {0, 4000}, {425, 1000}})));         // ringback
    EXPECT_FALSE(Heard(Tones({{425, 350}, {0, 350}, {425, 350}, {0, 350}})));  // busy
    EXPECT_FALSE(Heard(Tones({{1800, 330}, {1400, 330}, {950, 330}})));        // falling
    EXPECT_FALSE(Heard(Tones({{950, 330}, {1800, 330}, {1400, 330}})));
    EXPECT_FALSE(Heard(Tones({{950, 1000}, {1400, 1000}, {1800, 1000}})));  // too long
    EXPECT_FALSE(Heard(Tones({{950, 100}, {1400, 100}, {1800, 100}})));     // too short
    EXPECT_FALSE(Heard(Tones({{950, 330}, {0, 300}, {1400, 330}, {0, 300}, {1800, 330}})));
    std::vector<int16_t> keys;
    for (char k : std::string("0123456789*#"))
        for (int16_t x : ToneFor(k, 330, 30))
            keys.push_back(x);
    EXPECT_FALSE(Heard(keys));
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0, 3000);
    std::vector<int16_t> hiss;
    for (int i = 0; i < 8000 * 3; ++i)
        hiss.push_back(static_cast<int16_t>(noise(rng)));
    EXPECT_FALSE(Heard(hiss));
    EXPECT_FALSE(Heard(SitTone(330, 0.001))) << "line noise level";
}

TEST(Rfc4733, EventsRoundTripAndAHeldKeyCountsOnce) {
    for (char key : std::string("0123456789*#ABCD")) {
        auto bytes = EncodeEvent({key, true, 10, 800});
        auto back = DecodeEvent(bytes);
        ASSERT_TRUE(back) << key;
        EXPECT_EQ(back->key, key);
        EXPECT_TRUE(back->end);
        EXPECT_EQ(back->volume, 10);
        EXPECT_EQ(back->duration, 800);
    }
    EXPECT_EQ(EncodeEvent({'#', false, 7, 0x1234}), (std::array<uint8_t, 4>{11, 7, 0x12, 0x34}));
    EXPECT_FALSE(DecodeEvent(std::array<uint8_t, 4>{16, 0, 0, 0})) << "not a DTMF event";
    EXPECT_FALSE(DecodeEvent(std::array<uint8_t, 2>{1, 0})) << "too short";
    // "1" held for 4 packets, its end sent three times; then "2".
    EventReceiver receiver;
    std::string heard;
    auto feed = [&](uint32_t ts, char key, bool end, uint16_t duration) {
        if (auto k = receiver.Packet(ts, EncodeEvent({key, end, 10, duration}))) heard += *k;
    };
    for (uint16_t d : {160, 320, 480, 640})
        feed(1000, '1', false, d);
    for (int i = 0; i < 3; ++i)
        feed(1000, '1', true, 800);
    for (uint16_t d : {160, 320})
        feed(3000, '2', false, d);
    for (int i = 0; i < 3; ++i)
        feed(3000, '2', true, 480);
    EXPECT_EQ(heard, "12");
}

TEST(Wav, WhatIsWrittenIsReadBackAndOtherFormatsAreRefused) {
    auto dir =
        std::filesystem::temp_directory_path() / ("callbase-wav-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    Audio a;
    a.rate = 8000;
    for (int i = 0; i < 800; ++i)
        a.samples.push_back(static_cast<int16_t>(i * 37 - 10000));
    std::string path = (dir / "a.wav").string();
    ASSERT_TRUE(WriteWav(path, a));
    auto b = ReadWav(path);
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(b->rate, 8000);
    EXPECT_EQ(b->samples, a.samples);
    std::FILE* f = std::fopen((dir / "text.wav").c_str(), "wb");
    std::fputs("hello, not audio", f);
    std::fclose(f);
    auto bad = ReadWav((dir / "text.wav").string());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("text.wav"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Resample, AToneInTheVoiceBandKeepsItsLevelAndAToneAboveItIsFilteredOut) {
    auto tone = [](double hz) {
        std::vector<int16_t> v;
        for (int i = 0; i < 22050; ++i) {
            v.push_back(static_cast<int16_t>(10000 * std::sin(2 * M_PI * hz * i / 22050.0)));
        }
        return v;
    };
    auto kept = Resample(tone(1000), 22050, 8000);
    EXPECT_NEAR(static_cast<double>(kept.size()), 8000, 2);
    EXPECT_NEAR(Rms(kept), 10000 / 32768.0 / std::sqrt(2.0), 0.02);
    auto gone = Resample(tone(6000), 22050, 8000);  // would alias to 2 kHz
    EXPECT_LT(Rms(gone), 0.01);
}

// Issue 20, item 8: G.722 for operators' phones. What one leg encodes the
// other decodes (spandsp's codec both ways, frames of 20 ms carried over
// from one to the next): a tone keeps its level and its pitch, silence stays
// silence, and 20 ms of audio is 160 bytes (64 kbit/s).
TEST(G722, ToneAndSilenceCrossTheCodecFrameByFrame) {
    for (double hz : {440.0, 1000.0, 3000.0}) {
        G722Codec sender, receiver;
        std::vector<int16_t> in, out;
        for (int frame = 0; frame < 50; ++frame) {
            std::vector<int16_t> pcm(160);
            for (int i = 0; i < 160; ++i)
                pcm[i] =
                    static_cast<int16_t>(8000 * std::sin(2 * M_PI * hz * (frame * 160 + i) / 8000));
            std::vector<uint8_t> coded = sender.Encode(pcm);
            ASSERT_EQ(coded.size(), 160u);
            std::vector<int16_t> back = receiver.Decode(coded);
            ASSERT_EQ(back.size(), 160u);
            in.insert(in.end(), pcm.begin(), pcm.end());
            out.insert(out.end(), back.begin(), back.end());
        }
        // After the codec's first 50 ms: the level within 2 dB, the energy at
        // the tone, not beside it.
        std::span<const int16_t> settled(out.begin() + 400, out.end());
        std::span<const int16_t> source(in.begin() + 400, in.end());
        const double level =
            20 * std::log10(Rms(std::vector<int16_t>(settled.begin(), settled.end())) /
                            Rms(std::vector<int16_t>(source.begin(), source.end())));
        EXPECT_NEAR(level, 0, 2) << hz << " Hz";
        EXPECT_GT(TonePower(settled, hz), 50 * TonePower(settled, hz * 1.3)) << hz << " Hz";
    }
    G722Codec sender, receiver;
    std::vector<int16_t> quiet;
    for (int frame = 0; frame < 10; ++frame) {
        auto back = receiver.Decode(sender.Encode(std::vector<int16_t>(160, 0)));
        quiet.insert(quiet.end(), back.begin(), back.end());
    }
    EXPECT_LT(Rms(quiet), 0.001);
}

TEST(Speech, RussianAndEnglishAreSpokenAt8kHzAndCachedOnce) {
    EspeakSynth espeak;
    auto dir =
        std::filesystem::temp_directory_path() / ("callbase-tts-" + std::to_string(getpid()));
    CachedSynth cached(espeak, dir.string());
    const std::string ru = "Здравствуйте! С вами говорит робот. Нажмите один, чтобы подтвердить.";
    auto a = cached.Render(ru, "ru");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->rate, 8000);
    // About four seconds of speech, not silence.
    EXPECT_GT(a->Seconds(), 2.0);
    EXPECT_LT(a->Seconds(), 10.0);
    EXPECT_GT(Rms(a->samples), 0.02);
    auto en = cached.Render("Hello, this is a robot calling.", "en");
    ASSERT_TRUE(en);
    EXPECT_GT(en->Seconds(), 1.0);
    EXPECT_NE(en->samples, a->samples);
    EXPECT_EQ(cached.misses(), 2);
    // The second time comes from the cache, the same samples.
    auto again = cached.Render(ru, "ru");
    ASSERT_TRUE(again);
    EXPECT_EQ(cached.misses(), 2);
    EXPECT_EQ(again->samples, a->samples);
    EXPECT_TRUE(std::filesystem::exists(cached.PathOf(ru, "ru")));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callbase::telephony::media
