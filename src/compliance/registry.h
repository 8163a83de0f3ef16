// The do-not-call registry index (R-LAW-3): a compact, immutable set of phone
// numbers, and the file it lives in.
//
// A number is its E.164 digits as one integer (E164Key: "+79161234567" ->
// 79161234567). RegistrySet is a roaring-style set of such keys: a key's high
// bits (key >> 16) name a bucket, its low 16 bits are stored in the bucket's
// container, a sorted array of uint16 when the bucket holds at most 4096
// numbers, else an 8 KiB bitmap. A dense list (100M numbers of the +7 9XX
// space) costs 1.25 bytes a number, a sparse one 2 bytes a number plus at most
// 22 a bucket; a lookup is a table index, a directory entry and one container
// probe (docs/performance.md, ## Registry).
//
// The set is one contiguous image, the same in memory and on disk (format
// below), so OpenRegistryFile maps a file read-only and answers from the page
// cache without reading it into the heap. A file that is truncated, has a bad
// header or directory, or whose body does not match its checksum is refused.
//
// Ownership and thread safety: a RegistrySet owns its image (heap or mapping)
// and is move-only. It is immutable: every const method may be called from
// many threads at once without synchronization.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "phone/clean.h"

namespace callbase::compliance {

// The key of an E.164 number (phone/clean.h): its digits as an integer.
using phone::E164Key;
// The E.164 text of a key: 79161234567 -> "+79161234567".
std::string KeyToE164(uint64_t key);

// What changed from one set to another (RegistrySet::Diff).
struct RegistryDiff {
    uint64_t added = 0;    // in the newer set only
    uint64_t removed = 0;  // in the older set only
};

// How much of a registry file OpenRegistryFile checks before answering.
enum class Verify {
    // Sizes, header and directory (every container inside the file, in order,
    // the counts adding up): enough that no lookup can read outside the file.
    // Costs a walk over the directory only (microseconds).
    kStructure,
    // kStructure and the BLAKE2b checksum of the whole body, so that a flipped
    // bit anywhere is refused, and every container held to its directory entry
    // (a bitmap's bits, an array's order), so that a file whose checksum was
    // set over wrong contents is refused too. Reads the whole file once (about
    // 0.9 GB/s).
    kChecksum,
};

class RegistrySet;
struct RegistryFileInfo;

// Maps a registry file read-only. Errors: kNotFound (no such file), kInvalidInput
// (not a registry file, written by a newer callbase, truncated, damaged), kIo.
Result<RegistrySet> OpenRegistryFile(const std::string& path, Verify verify = Verify::kChecksum);

// Writes the set to `path` (created or replaced, not atomically: the caller
// writes a temporary name and renames) and fsyncs it.
Result<RegistryFileInfo> WriteRegistryFile(const RegistrySet& set, const std::string& path);

class RegistrySet {
public:
    // The empty set.
    RegistrySet();
    ~RegistrySet();
    RegistrySet(RegistrySet&& other) noexcept;
    RegistrySet& operator=(RegistrySet&& other) noexcept;
    RegistrySet(const RegistrySet&) = delete;
    RegistrySet& operator=(const RegistrySet&) = delete;

    // The set of the given keys, in any order, duplicates allowed. Key 0 and
    // keys of more than 15 digits are not E.164 numbers; they are dropped.
    // Takes the vector to sort it in place (a radix sort): peak memory is about
    // twice the vector plus the set.
    static RegistrySet Build(std::vector<uint64_t> keys);

    bool Contains(uint64_t key) const {
        const uint64_t high = key >> 16;
        const uint64_t rel = high - min_high_;  // wraps round below min_high_
        if (rel > span_) return false;
        const uint64_t slot = rel >> shift_;
        const DirectoryEntry* entry = FindBucket(high, slots_[slot], slots_[slot + 1]);
        return entry != nullptr && InContainer(*entry, static_cast<uint32_t>(key & 0xFFFF));
    }

    uint64_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    // Memory the set answers from: the image (on the heap or mapped) and the
    // directory's lookup table.
    uint64_t bytes() const { return image_size_ + slots_.size() * sizeof(uint32_t); }
    // The size of the image, which is also the size of its file.
    uint64_t file_bytes() const { return image_size_; }
    uint64_t bucket_count() const { return bucket_count_; }

    // Calls fn(key) for every key, ascending.
    void ForEach(const std::function<void(uint64_t)>& fn) const;
    // The keys, ascending (for tests and small sets).
    std::vector<uint64_t> Keys() const;

    // Compares this set (the older) with `newer`, container by container:
    // counts the keys only in newer (added) and only here (removed), and calls
    // on_added / on_removed (when given) for each, ascending.
    RegistryDiff Diff(const RegistrySet& newer, const std::function<void(uint64_t)>& on_added = {},
                      const std::function<void(uint64_t)>& on_removed = {}) const;

    struct DirectoryEntry {
        uint64_t high;    // key >> 16
        uint64_t packed;  // container offset (bytes from the first container) << 16 | size - 1
    };

private:
    friend Result<RegistrySet> OpenRegistryFile(const std::string& path, Verify verify);
    friend Result<RegistryFileInfo> WriteRegistryFile(const RegistrySet& set,
                                                      const std::string& path);

    static constexpr uint32_t kArrayMax = 4096;  // more numbers in a bucket: a bitmap
    static constexpr uint32_t kScanMax = 8;      // more entries in a slot: binary search

    const DirectoryEntry* FindBucket(uint64_t high, uint32_t begin, uint32_t end) const {
        if (end - begin > kScanMax) return SearchBucket(high, begin, end);
        for (uint32_t i = begin; i < end; ++i) {
            if (directory_[i].high == high) return &directory_[i];
        }
        return nullptr;
    }
    const DirectoryEntry* SearchBucket(uint64_t high, uint32_t begin, uint32_t end) const;
    bool InContainer(const DirectoryEntry& entry, uint32_t low) const {
        const uint8_t* container = containers_ + (entry.packed >> 16);
        const uint32_t n = static_cast<uint32_t>(entry.packed & 0xFFFF) + 1;
        if (n > kArrayMax) {
            const auto* words = reinterpret_cast<const uint64_t*>(container);
            return (words[low >> 6] >> (low & 63)) & 1;
        }
        return InArray(reinterpret_cast<const uint16_t*>(container), n, low);
    }
    // Whether `low` is among the n ascending values of a. The values of a
    // registry's bucket are spread about evenly, so `low` sits within a few
    // dozen places of where an even spread puts it: look there first (with
    // the lines on either side on their way), then gallop. On 100M +1 numbers
    // this beat a branch-free binary search over a 128-value window there and
    // a branch-free count of the window (6M against 4M lookups/s): it leaves
    // the fewest instructions waiting on the memory read, so more lookups
    // overlap.
    static bool InArray(const uint16_t* a, uint32_t n, uint32_t low) {
        const uint32_t guess = (low * n) >> 16;
        __builtin_prefetch(a + (guess >= 32 ? guess - 32 : 0));
        __builtin_prefetch(a + std::min(guess + 32, n - 1));
        if (a[guess] == low) return true;
        return Gallop(a, n, low, guess);
    }
    // A galloping search from `guess`, then a binary search.
    static bool Gallop(const uint16_t* a, uint32_t n, uint32_t low, uint32_t guess) {
        uint32_t bound = 1;
        const uint16_t* first;
        const uint16_t* last;
        if (a[guess] < low) {
            while (guess + bound < n && a[guess + bound] < low)
                bound <<= 1;
            first = a + guess + bound / 2 + 1;  // a[guess + bound / 2] < low
            last = a + std::min(guess + bound + 1, n);
        } else {
            while (bound <= guess && a[guess - bound] > low)
                bound <<= 1;
            first = a + (bound > guess ? 0 : guess - bound);
            last = a + guess - bound / 2 + 1;  // a[guess - bound / 2] >= low
        }
        const uint16_t* it = std::lower_bound(first, last, static_cast<uint16_t>(low));
        return it != last && *it == low;
    }
    // Builds the lookup table over the directory (slots_, min_high_, span_, shift_).
    void Index();
    void Clear();

    // The image's owner: a heap buffer or a read-only mapping.
    std::unique_ptr<uint8_t[]> heap_;
    void* mapping_ = nullptr;
    uint64_t mapping_size_ = 0;

    const uint8_t* image_ = nullptr;
    uint64_t image_size_ = 0;
    const DirectoryEntry* directory_ = nullptr;
    const uint8_t* containers_ = nullptr;
    uint64_t count_ = 0;
    uint64_t bucket_count_ = 0;

    // The lookup table: the directory entries of the buckets whose high lies in
    // [min_high_ + (s << shift_), min_high_ + ((s + 1) << shift_)) are
    // slots_[s] .. slots_[s + 1] - 1. With shift_ 0 (a dense registry) a slot
    // is one bucket.
    uint64_t min_high_ = 0;
    uint64_t span_ = 0;  // max high - min high
    uint32_t shift_ = 0;
    std::vector<uint32_t> slots_;
};

// The registry file format, version 1 (little-endian; one image):
//   header, 128 bytes: magic "CBREG1", uint16 format version (1), uint32 header
//     size (128), uint32 0, uint64 number count, uint64 bucket count, uint64
//     body size, 32 bytes BLAKE2b-256 (libsodium crypto_generichash, no key) of
//     the body, zeros to 128;
//   body: the directory, one 16-byte entry per bucket in ascending order of
//     high (uint64 high, uint64 offset << 16 | size - 1), then the containers
//     in directory order, each starting at an 8-byte boundary: an 8192-byte
//     bitmap (bit i of 64-bit word w is low 64 * w + i) for more than 4096
//     numbers, else size ascending uint16 lows padded with zeros.
inline constexpr uint16_t kRegistryFormatVersion = 1;
inline constexpr uint64_t kRegistryHeaderBytes = 128;

struct RegistryFileInfo {
    uint64_t bytes = 0;
    std::string sha256;  // of the whole file, lowercase hex
};

}  // namespace callbase::compliance
