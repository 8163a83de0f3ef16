// Special information tones (ITU-T Q.35/E.180; Russian networks' «три
// гудка возрастающего тона»): three rising tones — about 950, 1400 and
// 1800 Hz, each a third of a second (the North American variants, 913.8 or
// 985.2, 1370.6 or 1428.5 and 1776.7 Hz for 274 or 380 ms, fall in the same
// bands) — that a network plays before an announcement that the call cannot
// be completed: the number is not in service, dialed wrong, does not exist.
// callbase listens for them in the early media of its outbound calls
// (docs/telephony.md, "Early media"), so that a call the network turned away
// with a spoken announcement and a vague final response (487 after our
// CANCEL, 480) counts as an invalid number, not as no answer.
//
// Detection: 20 ms blocks; a block is one band's tone when that band holds
// most of its energy at a level speech-free networks use; the three bands
// must follow in order, each 160-500 ms, with at most 60 ms between them.
// One detector per call, one thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace callbase::telephony::media {

class SitDetector {
public:
    // Feeds 8 kHz PCM; true once the three tones have been heard (and from
    // then on).
    bool Feed(std::span<const int16_t> pcm);
    bool heard() const { return heard_; }

private:
    void Block(std::span<const int16_t> block);
    std::vector<int16_t> pending_;
    int band_ = -1;  // the tone of the current run of blocks, -1 none
    int run_ = 0;    // blocks in that run
    int next_ = 0;   // the band expected next (0, 1, 2)
    int gap_ = 0;    // blocks without a tone since the last band ended
    bool heard_ = false;
};

// A special information tone as 8 kHz PCM (950, 1400, 1800 Hz, `ms` each,
// `level` of full scale), for tests and the simulator.
std::vector<int16_t> SitTone(int ms = 330, double level = 0.3);

}  // namespace callbase::telephony::media
