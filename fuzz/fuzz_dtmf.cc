// In-band DTMF (src/telephony/media/dtmf.h): the Goertzel detector on the
// decoded audio of a call, fed in chunks of any length as RTP brings them.
// The input: 1 byte of chunk length (in samples), then 16-bit samples.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "telephony/media/dtmf.h"

using namespace callbase::telephony::media;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const size_t chunk = data[0] + 1;
    std::vector<int16_t> pcm((size - 1) / 2);
    if (!pcm.empty()) std::memcpy(pcm.data(), data + 1, pcm.size() * 2);
    DtmfDetector detector;
    for (size_t at = 0; at < pcm.size(); at += chunk) {
        const size_t n = std::min(chunk, pcm.size() - at);
        for (char key : detector.Feed(std::span<const int16_t>(pcm.data() + at, n))) {
            if (!std::strchr("0123456789*#ABCD", key) || key == 0)
                callbase::fuzz::Broken("a key that is not a DTMF key");
        }
    }
    return 0;
}
