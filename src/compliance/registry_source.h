// Reading a registry's source: a list of phone numbers, one a line, in any
// common spelling, plain text or gzip, of any length (100M+ lines).
//
// Each line is trimmed; empty lines and lines starting with '#' are skipped; a
// first line without a digit is a header and skipped too. Every other line is
// cleaned with phone::Cleaner (the same rules as everywhere in callbase) and
// gives one key (E164Key) or counts as rejected. More than 1 % rejected lines,
// a binary file, damaged gzip data or a line longer than 4 MiB (a block) refuse the
// whole file: the caller gets an Error naming file:line, what and what to do.
//
// How it is fast: one thread reads the file (hashing it with SHA-256 and
// inflating gzip as it goes) into blocks of whole lines; the calling thread
// and `threads - 1` more clean the blocks' lines (the Cleaner is safe to
// share). docs/performance.md, ## Registry, has the figures.
//
// Thread safety: ReadRegistrySource is a plain function; on_progress is called
// from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::compliance {

struct SourceOptions {
    int threads = 2;                   // threads that clean lines (besides the reader)
    double max_rejected_share = 0.01;  // more rejected lines than this refuse the file
    // Lines are handed to the cleaning threads in blocks of about this many
    // bytes; a line longer than a block refuses the file. Tests make it small.
    size_t block_bytes = size_t{4} << 20;
    // Called now and then with the bytes of the file read so far and its size.
    std::function<void(uint64_t done, uint64_t total)> on_progress;
};

struct RejectedLine {
    int64_t line = 0;    // 1-based
    std::string text;    // as written, cut to 80 bytes
    std::string reason;  // the Cleaner's
};

struct SourceNumbers {
    std::vector<uint64_t> keys;                // one per accepted line, in no particular order
    uint64_t lines = 0;                        // lines that should hold a number
    uint64_t rejected = 0;                     // of those, the ones that do not
    std::vector<RejectedLine> first_rejected;  // the first 10
    bool header = false;                       // line 1 was a header
    bool gzip = false;
    uint64_t file_bytes = 0;
    std::string sha256;  // of the file as stored (compressed, when gzip), lowercase hex
};

inline constexpr size_t kReportedRejects = 10;

Result<SourceNumbers> ReadRegistrySource(const std::string& path, const phone::Cleaner& cleaner,
                                         const SourceOptions& options = {});

}  // namespace callbase::compliance
