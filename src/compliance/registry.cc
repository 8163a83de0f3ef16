#include "compliance/registry.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>

#include "core/sha256.h"

namespace callbase::compliance {

static_assert(std::endian::native == std::endian::little,
              "registry files are little-endian and mapped as they are");

namespace {

constexpr uint64_t kMaxKey = 999'999'999'999'999;  // 15 digits: the longest E.164 number
constexpr uint32_t kBitmapBytes = 8192;
constexpr uint32_t kBitmapWords = kBitmapBytes / 8;
constexpr std::array<char, 6> kMagic = {'C', 'B', 'R', 'E', 'G', '1'};

struct Header {
    std::array<char, 6> magic;
    uint16_t format_version;
    uint32_t header_bytes;
    uint32_t reserved;
    uint64_t count;
    uint64_t bucket_count;
    uint64_t body_bytes;
    std::array<uint8_t, 32> checksum;
    std::array<uint8_t, 56> zero;
};
static_assert(sizeof(Header) == kRegistryHeaderBytes);
static_assert(sizeof(RegistrySet::DirectoryEntry) == 16);

uint64_t ContainerBytes(uint64_t n) {
    return n > 4096 ? kBitmapBytes : (2 * n + 7) / 8 * 8;
}

// Sorts the keys and removes duplicates. An LSD radix sort orders them by
// bucket (key >> 16) only: a registry of one country spans 2^14..2^17 buckets,
// so two passes of at most 10 bits, whose scatter stays in the cache. Then
// each bucket is ordered and deduplicated on its own, through an 8 KiB bitmap
// of its lows (or a plain sort when it is small), and written back in place.
void SortUnique(std::vector<uint64_t>& keys) {
    if (keys.size() < 4096) {
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        return;
    }
    auto [lo, hi] = std::minmax_element(keys.begin(), keys.end());
    const uint64_t min_high = *lo >> 16;
    const int bits = std::bit_width((*hi >> 16) - min_high);
    constexpr int kMaxDigitBits = 10;
    const int passes = (bits + kMaxDigitBits - 1) / kMaxDigitBits;
    if (passes > 0) {
        const int digit_bits = (bits + passes - 1) / passes;
        const uint64_t mask = (uint64_t{1} << digit_bits) - 1;
        // Not zeroed: every element is written before it is read.
        auto scratch = std::make_unique_for_overwrite<uint64_t[]>(keys.size());
        uint64_t* from = keys.data();
        uint64_t* to = scratch.get();
        const size_t n = keys.size();
        std::vector<size_t> start(mask + 2);
        for (int shift = 0; shift < bits; shift += digit_bits) {
            std::fill(start.begin(), start.end(), 0);
            for (size_t i = 0; i < n; ++i)
                ++start[(((from[i] >> 16) - min_high) >> shift & mask) + 1];
            for (size_t d = 0; d <= mask; ++d)
                start[d + 1] += start[d];
            for (size_t i = 0; i < n; ++i)
                to[start[((from[i] >> 16) - min_high) >> shift & mask]++] = from[i];
            std::swap(from, to);
        }
        if (from != keys.data()) std::copy(from, from + n, keys.data());
    }
    std::vector<uint64_t> words(kBitmapWords);
    size_t out = 0;
    for (size_t i = 0; i < keys.size();) {
        const uint64_t high = keys[i] >> 16;
        size_t j = i + 1;
        while (j < keys.size() && keys[j] >> 16 == high)
            ++j;
        if (j - i <= 64) {
            std::sort(keys.begin() + static_cast<ptrdiff_t>(i),
                      keys.begin() + static_cast<ptrdiff_t>(j));
            for (size_t k = i; k < j; ++k) {
                if (out == 0 || keys[out - 1] != keys[k]) keys[out++] = keys[k];
            }
        } else {
            std::fill(words.begin(), words.end(), 0);
            for (size_t k = i; k < j; ++k)
                words[(keys[k] & 0xFFFF) >> 6] |= uint64_t{1} << (keys[k] & 63);
            for (uint32_t w = 0; w < kBitmapWords; ++w) {
                for (uint64_t word = words[w]; word != 0; word &= word - 1)
                    keys[out++] = high << 16 | (w * 64 + std::countr_zero(word));
            }
        }
        i = j;
    }
    keys.resize(out);
}

std::array<uint8_t, 32> BodyChecksum(const uint8_t* body, uint64_t n) {
    std::array<uint8_t, 32> sum{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, sum.size());
    constexpr uint64_t kChunk = uint64_t{1} << 30;
    for (uint64_t done = 0; done < n; done += kChunk)
        crypto_generichash_update(&state, body + done, std::min(kChunk, n - done));
    crypto_generichash_final(&state, sum.data(), sum.size());
    return sum;
}

// Calls fn(key) for each key of one container.
template <typename Fn>
void ForEachInContainer(uint64_t high, const uint8_t* container, uint32_t n, Fn&& fn) {
    const uint64_t base = high << 16;
    if (n > 4096) {
        const auto* words = reinterpret_cast<const uint64_t*>(container);
        for (uint32_t w = 0; w < kBitmapWords; ++w) {
            for (uint64_t word = words[w]; word != 0; word &= word - 1)
                fn(base | (w * 64 + std::countr_zero(word)));
        }
        return;
    }
    const auto* lows = reinterpret_cast<const uint16_t*>(container);
    for (uint32_t i = 0; i < n; ++i)
        fn(base | lows[i]);
}

// One container as a bitmap (copied, or built from an array).
void ToBitmap(const uint8_t* container, uint32_t n, uint64_t* words) {
    if (n > 4096) {
        std::memcpy(words, container, kBitmapBytes);
        return;
    }
    std::memset(words, 0, kBitmapBytes);
    const auto* lows = reinterpret_cast<const uint16_t*>(container);
    for (uint32_t i = 0; i < n; ++i)
        words[lows[i] >> 6] |= uint64_t{1} << (lows[i] & 63);
}

// Whether a container holds exactly n numbers, in the order lookups assume.
bool ContainerAgrees(const uint8_t* container, uint64_t n) {
    if (n > 4096) {
        uint64_t bits = 0;
        for (uint32_t w = 0; w < kBitmapWords; ++w) {
            uint64_t word;
            std::memcpy(&word, container + w * 8, 8);
            bits += std::popcount(word);
        }
        return bits == n;
    }
    uint16_t previous = 0;
    for (uint64_t i = 0; i < n; ++i) {
        uint16_t low;
        std::memcpy(&low, container + i * 2, 2);
        if (i > 0 && low <= previous) return false;
        previous = low;
    }
    return true;
}

Error Damaged(const std::string& path, const std::string& what) {
    return Error{ErrorCode::kInvalidInput,
                 fmt::format("{}: the registry index is damaged: {}", path, what),
                 "load the registry again from its source (callbase registry load NAME FILE), "
                 "which writes a new version"};
}

}  // namespace

std::string KeyToE164(uint64_t key) {
    return fmt::format("+{}", key);
}

RegistrySet::RegistrySet() {
    Index();
}

RegistrySet::~RegistrySet() {
    Clear();
}

RegistrySet::RegistrySet(RegistrySet&& other) noexcept : RegistrySet() {
    *this = std::move(other);
}

RegistrySet& RegistrySet::operator=(RegistrySet&& other) noexcept {
    if (this == &other) return *this;
    Clear();
    heap_ = std::move(other.heap_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapping_size_ = std::exchange(other.mapping_size_, 0);
    image_ = other.image_;
    image_size_ = other.image_size_;
    directory_ = other.directory_;
    containers_ = other.containers_;
    count_ = other.count_;
    bucket_count_ = other.bucket_count_;
    min_high_ = other.min_high_;
    span_ = other.span_;
    shift_ = other.shift_;
    slots_ = std::move(other.slots_);
    other.Clear();
    return *this;
}

void RegistrySet::Clear() {
    if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
    mapping_ = nullptr;
    mapping_size_ = 0;
    heap_.reset();
    image_ = nullptr;
    image_size_ = 0;
    directory_ = nullptr;
    containers_ = nullptr;
    count_ = 0;
    bucket_count_ = 0;
    Index();
}

void RegistrySet::Index() {
    slots_.clear();
    if (bucket_count_ == 0) {
        min_high_ = 0;
        span_ = 0;
        shift_ = 0;
        slots_.assign(2, 0);
        return;
    }
    min_high_ = directory_[0].high;
    span_ = directory_[bucket_count_ - 1].high - min_high_;
    // One slot per bucket-high when the directory is dense enough (a registry
    // of one country is); otherwise wider slots, so the table stays within
    // four entries per bucket.
    const uint64_t limit = std::max<uint64_t>(4 * bucket_count_, 1024);
    shift_ = 0;
    while ((span_ >> shift_) + 1 > limit)
        ++shift_;
    slots_.assign((span_ >> shift_) + 2, 0);
    for (uint64_t i = 0; i < bucket_count_; ++i)
        ++slots_[((directory_[i].high - min_high_) >> shift_) + 1];
    for (size_t s = 1; s < slots_.size(); ++s)
        slots_[s] += slots_[s - 1];
}

const RegistrySet::DirectoryEntry* RegistrySet::SearchBucket(uint64_t high, uint32_t begin,
                                                             uint32_t end) const {
    const DirectoryEntry* it =
        std::lower_bound(directory_ + begin, directory_ + end, high,
                         [](const DirectoryEntry& e, uint64_t h) { return e.high < h; });
    return it != directory_ + end && it->high == high ? it : nullptr;
}

RegistrySet RegistrySet::Build(std::vector<uint64_t> keys) {
    std::erase_if(keys, [](uint64_t k) { return k == 0 || k > kMaxKey; });
    SortUnique(keys);

    // First pass: the size of every part; second: fill them in.
    uint64_t buckets = 0;
    uint64_t container_bytes = 0;
    for (size_t i = 0; i < keys.size();) {
        size_t j = i;
        while (j < keys.size() && keys[j] >> 16 == keys[i] >> 16)
            ++j;
        ++buckets;
        container_bytes += ContainerBytes(j - i);
        i = j;
    }
    const uint64_t body = buckets * sizeof(DirectoryEntry) + container_bytes;
    RegistrySet set;
    set.image_size_ = kRegistryHeaderBytes + body;
    set.heap_ = std::make_unique<uint8_t[]>(set.image_size_);  // zeroed: padding is 0
    uint8_t* image = set.heap_.get();

    Header header{};
    header.magic = kMagic;
    header.format_version = kRegistryFormatVersion;
    header.header_bytes = kRegistryHeaderBytes;
    header.count = keys.size();
    header.bucket_count = buckets;
    header.body_bytes = body;
    std::memcpy(image, &header, sizeof header);

    auto* directory = reinterpret_cast<DirectoryEntry*>(image + kRegistryHeaderBytes);
    uint8_t* containers = image + kRegistryHeaderBytes + buckets * sizeof(DirectoryEntry);
    uint64_t offset = 0;
    uint64_t b = 0;
    for (size_t i = 0; i < keys.size();) {
        const uint64_t high = keys[i] >> 16;
        size_t j = i;
        while (j < keys.size() && keys[j] >> 16 == high)
            ++j;
        const uint64_t n = j - i;
        directory[b++] = {high, offset << 16 | (n - 1)};
        uint8_t* container = containers + offset;
        if (n > kArrayMax) {
            auto* words = reinterpret_cast<uint64_t*>(container);
            for (size_t k = i; k < j; ++k)
                words[(keys[k] & 0xFFFF) >> 6] |= uint64_t{1} << (keys[k] & 63);
        } else {
            auto* lows = reinterpret_cast<uint16_t*>(container);
            for (size_t k = i; k < j; ++k)
                lows[k - i] = static_cast<uint16_t>(keys[k] & 0xFFFF);
        }
        offset += ContainerBytes(n);
        i = j;
    }
    set.image_ = image;
    set.directory_ = directory;
    set.containers_ = containers;
    set.count_ = keys.size();
    set.bucket_count_ = buckets;
    set.Index();
    return set;
}

void RegistrySet::ForEach(const std::function<void(uint64_t)>& fn) const {
    for (uint64_t b = 0; b < bucket_count_; ++b) {
        const DirectoryEntry& e = directory_[b];
        ForEachInContainer(e.high, containers_ + (e.packed >> 16),
                           static_cast<uint32_t>(e.packed & 0xFFFF) + 1, fn);
    }
}

std::vector<uint64_t> RegistrySet::Keys() const {
    std::vector<uint64_t> keys;
    keys.reserve(count_);
    ForEach([&keys](uint64_t k) { keys.push_back(k); });
    return keys;
}

RegistryDiff RegistrySet::Diff(const RegistrySet& newer,
                               const std::function<void(uint64_t)>& on_added,
                               const std::function<void(uint64_t)>& on_removed) const {
    RegistryDiff diff;
    auto whole = [](const RegistrySet& set, const DirectoryEntry& e, uint64_t* counter,
                    const std::function<void(uint64_t)>& fn) {
        const uint32_t n = static_cast<uint32_t>(e.packed & 0xFFFF) + 1;
        *counter += n;
        if (fn) ForEachInContainer(e.high, set.containers_ + (e.packed >> 16), n, fn);
    };
    std::vector<uint64_t> old_words(kBitmapWords);
    std::vector<uint64_t> new_words(kBitmapWords);
    uint64_t i = 0;
    uint64_t j = 0;
    while (i < bucket_count_ || j < newer.bucket_count_) {
        if (j == newer.bucket_count_ ||
            (i < bucket_count_ && directory_[i].high < newer.directory_[j].high)) {
            whole(*this, directory_[i++], &diff.removed, on_removed);
            continue;
        }
        if (i == bucket_count_ || newer.directory_[j].high < directory_[i].high) {
            whole(newer, newer.directory_[j++], &diff.added, on_added);
            continue;
        }
        const DirectoryEntry& a = directory_[i++];
        const DirectoryEntry& b = newer.directory_[j++];
        const uint32_t na = static_cast<uint32_t>(a.packed & 0xFFFF) + 1;
        const uint32_t nb = static_cast<uint32_t>(b.packed & 0xFFFF) + 1;
        const uint8_t* ca = containers_ + (a.packed >> 16);
        const uint8_t* cb = newer.containers_ + (b.packed >> 16);
        if (na == nb && std::memcmp(ca, cb, ContainerBytes(na)) == 0) continue;
        ToBitmap(ca, na, old_words.data());
        ToBitmap(cb, nb, new_words.data());
        const uint64_t base = a.high << 16;
        for (uint32_t w = 0; w < kBitmapWords; ++w) {
            const uint64_t added = new_words[w] & ~old_words[w];
            const uint64_t removed = old_words[w] & ~new_words[w];
            diff.added += std::popcount(added);
            diff.removed += std::popcount(removed);
            if (on_added) {
                for (uint64_t x = added; x != 0; x &= x - 1)
                    on_added(base | (w * 64 + std::countr_zero(x)));
            }
            if (on_removed) {
                for (uint64_t x = removed; x != 0; x &= x - 1)
                    on_removed(base | (w * 64 + std::countr_zero(x)));
            }
        }
    }
    return diff;
}

Result<RegistryFileInfo> WriteRegistryFile(const RegistrySet& set, const std::string& path) {
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    // The empty set has no image of its own; write the one Build would give.
    RegistrySet empty;
    const RegistrySet& source = set.image_ != nullptr ? set : (empty = RegistrySet::Build({}));
    Header header;
    std::memcpy(&header, source.image_, sizeof header);
    const uint8_t* body = source.image_ + kRegistryHeaderBytes;
    header.checksum = BodyChecksum(body, header.body_bytes);

    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", path, std::strerror(errno)),
                    "check that the registry folder is writable (--registry-dir)");
    }
    Sha256 sha;
    auto write_all = [&](const uint8_t* p, uint64_t n) -> bool {
        sha.Update(p, n);
        while (n > 0) {
            ssize_t w = ::write(fd, p, std::min<uint64_t>(n, uint64_t{1} << 30));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return false;
            p += w;
            n -= static_cast<uint64_t>(w);
        }
        return true;
    };
    bool ok = write_all(reinterpret_cast<const uint8_t*>(&header), sizeof header) &&
              write_all(body, header.body_bytes) && ::fsync(fd) == 0;
    int err = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
        ::unlink(path.c_str());
        return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", path, std::strerror(err)),
                    "check the free space and that the registry folder is writable");
    }
    return RegistryFileInfo{source.image_size_, Sha256::Hex(sha.Final())};
}

Result<RegistrySet> OpenRegistryFile(const std::string& path, Verify verify) {
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                    fmt::format("cannot open the registry index {}: {}", path, std::strerror(err)),
                    "check --registry-dir, or load the registry again (callbase registry load)");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Fail(ErrorCode::kIo,
                    fmt::format("cannot open the registry index {}: not a file", path));
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    void* mapping = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0) : nullptr;
    int err = errno;
    ::close(fd);
    if (mapping == MAP_FAILED) {
        return Fail(ErrorCode::kIo,
                    fmt::format("cannot map the registry index {}: {}", path, std::strerror(err)));
    }
    RegistrySet set;  // owns the mapping from here on, whatever is found below
    set.mapping_ = mapping;
    set.mapping_size_ = size;
    const auto* image = static_cast<const uint8_t*>(mapping);

    Header header{};
    if (size >= sizeof header) std::memcpy(&header, image, sizeof header);
    if (size < kMagic.size() || std::memcmp(image, kMagic.data(), kMagic.size()) != 0) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} is not a callbase registry index (no CBREG1 header)", path),
                    "give the path of a .cbreg file written by callbase registry load");
    }
    if (size < sizeof header) {
        return std::unexpected(Damaged(
            path, fmt::format("truncated: {} bytes, shorter than its 128-byte header", size)));
    }
    if (header.format_version > kRegistryFormatVersion) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} was written by a newer callbase (registry format {}; this "
                                "one reads format {})",
                                path, header.format_version, kRegistryFormatVersion),
                    "upgrade callbase");
    }
    if (header.format_version != kRegistryFormatVersion ||
        header.header_bytes != kRegistryHeaderBytes || header.reserved != 0 ||
        std::any_of(header.zero.begin(), header.zero.end(), [](uint8_t b) { return b != 0; })) {
        return std::unexpected(Damaged(path, "bad header"));
    }
    if (header.body_bytes != size - kRegistryHeaderBytes) {
        return std::unexpected(Damaged(
            path, fmt::format("{}: the header says {} bytes, the file has {}",
                              header.body_bytes > size - kRegistryHeaderBytes ? "truncated"
                                                                              : "trailing bytes",
                              header.body_bytes + kRegistryHeaderBytes, size)));
    }
    if (header.bucket_count > header.body_bytes / sizeof(RegistrySet::DirectoryEntry) ||
        header.bucket_count > UINT32_MAX) {
        return std::unexpected(Damaged(path, "the directory is larger than the file"));
    }
    // The directory: ascending highs of E.164 keys, containers laid end to end
    // in its order and filling the rest of the body exactly, sizes adding up.
    const auto* directory =
        reinterpret_cast<const RegistrySet::DirectoryEntry*>(image + kRegistryHeaderBytes);
    const uint64_t directory_bytes = header.bucket_count * sizeof(RegistrySet::DirectoryEntry);
    const uint64_t container_bytes = header.body_bytes - directory_bytes;
    uint64_t expected_offset = 0;
    uint64_t count = 0;
    for (uint64_t b = 0; b < header.bucket_count; ++b) {
        const auto& e = directory[b];
        const uint64_t n = (e.packed & 0xFFFF) + 1;
        if ((b > 0 && e.high <= directory[b - 1].high) || e.high > (kMaxKey >> 16) ||
            e.packed >> 16 != expected_offset ||
            ContainerBytes(n) > container_bytes - expected_offset) {
            return std::unexpected(Damaged(path, fmt::format("directory entry {} is wrong", b)));
        }
        expected_offset += ContainerBytes(n);
        count += n;
    }
    if (expected_offset != container_bytes || count != header.count) {
        return std::unexpected(
            Damaged(path, fmt::format("the directory holds {} numbers in {} bytes, the header "
                                      "says {} numbers in {} bytes",
                                      count, expected_offset, header.count, container_bytes)));
    }
    if (verify == Verify::kChecksum &&
        BodyChecksum(image + kRegistryHeaderBytes, header.body_bytes) != header.checksum) {
        return std::unexpected(Damaged(path, "its checksum does not match its contents"));
    }
    // The checksum is not a signature: a program that writes the format wrong
    // (or by hand) can set it. So the full open also holds every container to
    // its entry: a bitmap has as many bits as the entry's count, an array is in
    // strictly ascending order. Costs a pass at memory speed after BLAKE2b.
    if (verify == Verify::kChecksum) {
        const uint8_t* containers = image + kRegistryHeaderBytes + directory_bytes;
        for (uint64_t b = 0; b < header.bucket_count; ++b) {
            const auto& e = directory[b];
            const uint64_t n = (e.packed & 0xFFFF) + 1;
            if (!ContainerAgrees(containers + (e.packed >> 16), n)) {
                return std::unexpected(Damaged(
                    path, fmt::format("container {} does not hold the {} numbers its directory "
                                      "entry says",
                                      b, n)));
            }
        }
    }
    set.image_ = image;
    set.image_size_ = size;
    set.directory_ = directory;
    set.containers_ = image + kRegistryHeaderBytes + directory_bytes;
    set.count_ = header.count;
    set.bucket_count_ = header.bucket_count;
    set.Index();
    return set;
}

}  // namespace callbase::compliance
