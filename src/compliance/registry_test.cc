// RegistrySet and its file as a user relies on them: membership exactly that of
// a reference std::set (bucket edges, the array/bitmap switch, empty sets,
// duplicates, keys of many countries), the file round trip, every damaged or
// truncated file refused, and Diff against std::set_difference.
#include "compliance/registry.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

namespace callbase::compliance {
namespace {

namespace fs = std::filesystem;

// Every key of the reference is in the set, and for probes around each key
// and at random the set answers as the reference does.
void ExpectSameMembership(const RegistrySet& set, const std::set<uint64_t>& reference,
                          std::mt19937_64& rng) {
    ASSERT_EQ(set.size(), reference.size());
    EXPECT_EQ(set.Keys(), std::vector<uint64_t>(reference.begin(), reference.end()));
    size_t mismatches = 0;
    auto probe = [&](uint64_t key) {
        if (set.Contains(key) != reference.contains(key) && ++mismatches <= 5) {
            ADD_FAILURE() << "key " << key << ": set says " << set.Contains(key);
        }
    };
    for (uint64_t k : reference) {
        probe(k);
        probe(k - 1);
        probe(k + 1);
        probe(k ^ 0x10000);  // the same low in the neighbouring bucket
    }
    uint64_t lo = reference.empty() ? 0 : *reference.begin();
    uint64_t hi = reference.empty() ? 1 : *reference.rbegin();
    for (int i = 0; i < 20000; ++i)
        probe(lo + rng() % (hi - lo + 2));
    probe(0);
    probe(1);
    probe(~uint64_t{0});
    EXPECT_EQ(mismatches, 0u);
}

// Keys made to hit every kind of bucket: a full one, ones at the switch
// between array and bitmap, both edges of a bucket, single keys, random
// dense and sparse ranges.
std::vector<uint64_t> AwkwardKeys(std::mt19937_64& rng) {
    std::vector<uint64_t> keys;
    const uint64_t base = 79160000000 & ~uint64_t{0xFFFF};
    for (uint64_t low = 0; low < 65536; ++low)  // a full bucket
        keys.push_back(base | low);
    auto bucket_of = [&](uint64_t bucket, size_t n) {  // n distinct lows, edges included
        std::set<uint64_t> lows = {0, 65535};
        while (lows.size() < n)
            lows.insert(rng() % 65536);
        for (uint64_t low : lows)
            keys.push_back((base + (bucket << 16)) | low);
    };
    bucket_of(1, 4095);
    bucket_of(2, 4096);  // the largest array
    bucket_of(3, 4097);  // the smallest bitmap
    bucket_of(4, 2);
    keys.push_back(base + (5 << 16));          // a bucket of one key, low 0
    keys.push_back(base + (7 << 16) + 65535);  // and one of low 65535
    for (int i = 0; i < 200000; ++i)           // dense: bitmaps
        keys.push_back(79000000000 + rng() % 100000000);
    for (int i = 0; i < 50000; ++i)  // sparse: arrays
        keys.push_back(74950000000 + rng() % 5000000000);
    return keys;
}

TEST(RegistrySetTest, MatchesAReferenceSet) {
    std::mt19937_64 rng(1);
    auto keys = AwkwardKeys(rng);
    std::set<uint64_t> reference(keys.begin(), keys.end());
    std::shuffle(keys.begin(), keys.end(), rng);
    auto set = RegistrySet::Build(keys);
    ExpectSameMembership(set, reference, rng);
}

TEST(RegistrySetTest, ArraysAndBitmapsAtTheSwitch) {
    std::mt19937_64 rng(2);
    for (size_t n : {1, 2, 100, 4095, 4096, 4097, 4098, 30000, 65535, 65536}) {
        std::set<uint64_t> lows = {0, 65535};
        while (lows.size() < n)
            lows.insert(rng() % 65536);
        if (n == 1) lows = {65535};
        std::vector<uint64_t> keys;
        for (uint64_t low : lows)
            keys.push_back((uint64_t{1234567} << 16) | low);
        auto set = RegistrySet::Build(keys);
        EXPECT_EQ(set.size(), lows.size()) << n;
        size_t wrong = 0;
        for (uint64_t low = 0; low < 65536; ++low) {
            uint64_t key = (uint64_t{1234567} << 16) | low;
            wrong += set.Contains(key) != lows.contains(low);
        }
        EXPECT_EQ(wrong, 0u) << n << " numbers in the bucket";
        EXPECT_FALSE(set.Contains(uint64_t{1234566} << 16 | 65535));
        EXPECT_FALSE(set.Contains(uint64_t{1234568} << 16));
    }
}

TEST(RegistrySetTest, EmptySet) {
    RegistrySet empty;
    auto built = RegistrySet::Build({});
    for (const RegistrySet* s : {&empty, &built}) {
        EXPECT_EQ(s->size(), 0u);
        EXPECT_TRUE(s->empty());
        EXPECT_FALSE(s->Contains(0));
        EXPECT_FALSE(s->Contains(79161234567));
        EXPECT_TRUE(s->Keys().empty());
    }
    EXPECT_EQ(built.file_bytes(), kRegistryHeaderBytes);
}

TEST(RegistrySetTest, DuplicatesAndNonNumbersAreDropped) {
    auto set = RegistrySet::Build(
        {79161234567, 79161234567, 0, 79161234567, 1'000'000'000'000'000, 12025550123});
    EXPECT_EQ(set.Keys(), (std::vector<uint64_t>{12025550123, 79161234567}));
    EXPECT_TRUE(set.Contains(999'999'999'999'999) == false);
}

TEST(RegistrySetTest, KeysOfManyCountriesUseWiderSlots) {
    // +1, +7, +44 and 15-digit numbers: a directory far too sparse for one
    // slot per bucket, with a cluster that falls into a single wide slot.
    std::mt19937_64 rng(3);
    std::vector<uint64_t> keys;
    for (int i = 0; i < 3000; ++i)
        keys.push_back(12002000000 + rng() % 8000000000);
    for (int i = 0; i < 3000; ++i)
        keys.push_back(79000000000 + rng() % 1000000000);
    for (int i = 0; i < 3000; ++i)
        keys.push_back(447000000000 + rng() % 1000000000);
    for (uint64_t b = 0; b < 500; ++b)  // 500 adjacent buckets of two keys
        keys.push_back(((uint64_t{900000000000000} >> 16) + b) << 16 | (b * 7 % 65536));
    keys.push_back(999'999'999'999'999);
    keys.push_back(1);
    std::set<uint64_t> reference(keys.begin(), keys.end());
    auto set = RegistrySet::Build(keys);
    ExpectSameMembership(set, reference, rng);
}

TEST(RegistrySetTest, MovedSetKeepsItsKeys) {
    auto set = RegistrySet::Build({79161234567, 79031112233});
    RegistrySet moved = std::move(set);
    EXPECT_TRUE(moved.Contains(79161234567));
    EXPECT_EQ(set.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from set is empty
    EXPECT_FALSE(set.Contains(79161234567));
    RegistrySet assigned;
    assigned = std::move(moved);
    EXPECT_TRUE(assigned.Contains(79031112233));
}

TEST(E164KeyTest, DigitsOfTheNumber) {
    EXPECT_EQ(E164Key("+79161234567"), 79161234567u);
    EXPECT_EQ(E164Key("79161234567"), 79161234567u);
    EXPECT_EQ(E164Key("+999999999999999"), 999999999999999u);
    EXPECT_EQ(E164Key("+1000000000000000"), 0u);  // 16 digits
    EXPECT_EQ(E164Key(""), 0u);
    EXPECT_EQ(E164Key("+"), 0u);
    EXPECT_EQ(E164Key("+7 916"), 0u);
    EXPECT_EQ(KeyToE164(79161234567), "+79161234567");
    EXPECT_EQ(E164Key(KeyToE164(12025550123)), 12025550123u);
}

class RegistryFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("registry-file-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string Path(const std::string& name) { return (dir_ / name).string(); }
    static std::string ReadAll(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    static void WriteAll(const std::string& path, const std::string& bytes) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    }

    fs::path dir_;
};

TEST_F(RegistryFileTest, RoundTrip) {
    std::mt19937_64 rng(4);
    auto keys = AwkwardKeys(rng);
    std::set<uint64_t> reference(keys.begin(), keys.end());
    auto built = RegistrySet::Build(keys);
    auto info = WriteRegistryFile(built, Path("a.cbreg"));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->bytes, fs::file_size(Path("a.cbreg")));
    EXPECT_EQ(info->bytes, built.file_bytes());
    std::string bytes = ReadAll(Path("a.cbreg"));
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    std::string hex;
    for (unsigned char b : digest)
        hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
    EXPECT_EQ(info->sha256, hex);
    EXPECT_EQ(bytes.substr(0, 6), "CBREG1");

    for (Verify verify : {Verify::kChecksum, Verify::kStructure}) {
        auto opened = OpenRegistryFile(Path("a.cbreg"), verify);
        ASSERT_TRUE(opened) << opened.error().message;
        ExpectSameMembership(*opened, reference, rng);
        EXPECT_EQ(opened->file_bytes(), built.file_bytes());
        EXPECT_EQ(opened->bucket_count(), built.bucket_count());
    }
    // Written again from the mapped set, the file is the same.
    auto opened = OpenRegistryFile(Path("a.cbreg"));
    ASSERT_TRUE(opened);
    ASSERT_TRUE(WriteRegistryFile(*opened, Path("b.cbreg")));
    EXPECT_EQ(ReadAll(Path("b.cbreg")), bytes);
}

TEST_F(RegistryFileTest, EmptySetRoundTrip) {
    ASSERT_TRUE(WriteRegistryFile(RegistrySet(), Path("e.cbreg")));
    auto opened = OpenRegistryFile(Path("e.cbreg"));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->size(), 0u);
    EXPECT_FALSE(opened->Contains(79161234567));
}

TEST_F(RegistryFileTest, EveryFlippedByteIsRefused) {
    std::mt19937_64 rng(5);
    std::vector<uint64_t> keys;
    for (int i = 0; i < 30000; ++i)
        keys.push_back(79000000000 + rng() % 300000000);  // bitmaps and arrays
    auto set = RegistrySet::Build(keys);
    ASSERT_TRUE(WriteRegistryFile(set, Path("good.cbreg")));
    const std::string good = ReadAll(Path("good.cbreg"));
    const size_t directory_end = kRegistryHeaderBytes + set.bucket_count() * 16;
    // Header fields, the checksum, directory entries, containers, the last byte.
    std::vector<size_t> positions = {0,
                                     5,
                                     6,
                                     8,
                                     12,
                                     16,
                                     24,
                                     32,
                                     40,
                                     71,
                                     72,
                                     127,
                                     kRegistryHeaderBytes,
                                     kRegistryHeaderBytes + 9,
                                     directory_end - 1,
                                     directory_end,
                                     good.size() / 2,
                                     good.size() - 1};
    for (int i = 0; i < 40; ++i)
        positions.push_back(rng() % good.size());
    for (size_t pos : positions) {
        std::string bad = good;
        bad[pos] = static_cast<char>(bad[pos] ^ (1 << (pos % 8)));
        WriteAll(Path("bad.cbreg"), bad);
        auto opened = OpenRegistryFile(Path("bad.cbreg"));
        ASSERT_FALSE(opened) << "a flipped bit at byte " << pos << " went unnoticed";
        EXPECT_EQ(opened.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(opened.error().message.find("bad.cbreg"), std::string::npos);
        EXPECT_FALSE(opened.error().hint.empty());
    }
}

TEST_F(RegistryFileTest, StructureCheckCatchesDirectoryDamage) {
    // The cheap open reads no containers, but a damaged directory (which could
    // send a lookup outside the file) is refused by it too.
    auto set = RegistrySet::Build({79161234567, 79261234567, 79361234567});
    ASSERT_TRUE(WriteRegistryFile(set, Path("good.cbreg")));
    std::string bytes = ReadAll(Path("good.cbreg"));
    bytes[kRegistryHeaderBytes + 16 + 8 + 3] ^= 0x40;  // the second entry's offset
    WriteAll(Path("bad.cbreg"), bytes);
    auto opened = OpenRegistryFile(Path("bad.cbreg"), Verify::kStructure);
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("directory entry 1"), std::string::npos)
        << opened.error().message;
}

// A program that writes the format wrong can still set a right checksum (the
// fuzzer did, from the comparison it saw): the full open holds each container
// to its directory entry. Found by fuzz_registry_file.
TEST_F(RegistryFileTest, AGoodChecksumOverContainersThatDisagreeIsRefused) {
    std::vector<uint64_t> keys;
    constexpr uint64_t kBucketStart = 79159951360;  // a multiple of 2^16
    for (uint64_t k = kBucketStart; k < kBucketStart + 20000; k += 2)
        keys.push_back(k);  // one bucket of 10,000 even lows: a bitmap
    keys.push_back(79261234567);
    keys.push_back(79261234999);  // a bucket of two: an array
    auto set = RegistrySet::Build(keys);
    ASSERT_TRUE(WriteRegistryFile(set, Path("good.cbreg")));
    const std::string good = ReadAll(Path("good.cbreg"));
    ASSERT_TRUE(OpenRegistryFile(Path("good.cbreg"), Verify::kChecksum));
    // Directory: 16 bytes per bucket; the bitmap bucket comes first.
    const size_t directory = kRegistryHeaderBytes;
    const size_t containers = directory + 16 * set.bucket_count();
    auto reseal = [](std::string bytes) {
        std::array<uint8_t, 32> sum{};
        crypto_generichash(sum.data(), sum.size(),
                           reinterpret_cast<const uint8_t*>(bytes.data()) + kRegistryHeaderBytes,
                           bytes.size() - kRegistryHeaderBytes, nullptr, 0);
        std::memcpy(bytes.data() + 40, sum.data(), sum.size());  // the header's checksum
        return bytes;
    };
    std::string extra_bit = good;
    extra_bit[containers] ^= 0x02;  // low 1 is odd, not in the set: one bit too many
    std::string out_of_order = good;
    const size_t array = containers + 8192;
    std::swap(out_of_order[array], out_of_order[array + 2]);
    std::swap(out_of_order[array + 1], out_of_order[array + 3]);
    for (const auto& [name, bytes] :
         {std::pair{"bits.cbreg", reseal(extra_bit)}, {"order.cbreg", reseal(out_of_order)}}) {
        WriteAll(Path(name), bytes);
        auto opened = OpenRegistryFile(Path(name), Verify::kChecksum);
        ASSERT_FALSE(opened) << name;
        EXPECT_NE(opened.error().message.find("does not hold"), std::string::npos)
            << opened.error().message;
        EXPECT_FALSE(opened.error().hint.empty());
        // The cheap open does not read containers; it still reads inside the file.
        EXPECT_TRUE(OpenRegistryFile(Path(name), Verify::kStructure)) << name;
    }
}

TEST_F(RegistryFileTest, TruncatedFilesAreRefused) {
    std::vector<uint64_t> keys;
    for (uint64_t k = 79161234567; k < 79161234567 + 50000; k += 3)
        keys.push_back(k);
    ASSERT_TRUE(WriteRegistryFile(RegistrySet::Build(keys), Path("good.cbreg")));
    const std::string good = ReadAll(Path("good.cbreg"));
    for (size_t size : {size_t{0}, size_t{3}, size_t{6}, size_t{100}, size_t{127}, size_t{128},
                        size_t{144}, good.size() / 2, good.size() - 1}) {
        WriteAll(Path("cut.cbreg"), good.substr(0, size));
        for (Verify verify : {Verify::kChecksum, Verify::kStructure}) {
            auto opened = OpenRegistryFile(Path("cut.cbreg"), verify);
            ASSERT_FALSE(opened) << size << " bytes were accepted";
            const std::string& m = opened.error().message;
            if (size < 6) {
                EXPECT_NE(m.find("not a callbase registry index"), std::string::npos) << m;
            } else {
                EXPECT_NE(m.find("truncated"), std::string::npos) << m;
            }
        }
    }
    WriteAll(Path("long.cbreg"), good + "x");
    auto opened = OpenRegistryFile(Path("long.cbreg"));
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("trailing bytes"), std::string::npos);
}

TEST_F(RegistryFileTest, OtherFilesAreRefused) {
    WriteAll(Path("list.txt"), "79161234567\n79031112233\n");
    auto text = OpenRegistryFile(Path("list.txt"));
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("not a callbase registry index"), std::string::npos);

    ASSERT_TRUE(WriteRegistryFile(RegistrySet::Build({79161234567}), Path("good.cbreg")));
    std::string newer = ReadAll(Path("good.cbreg"));
    newer[6] = 2;  // format version 2
    WriteAll(Path("newer.cbreg"), newer);
    auto opened = OpenRegistryFile(Path("newer.cbreg"));
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("newer callbase"), std::string::npos);
    EXPECT_EQ(opened.error().hint, "upgrade callbase");

    auto missing = OpenRegistryFile(Path("missing.cbreg"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(RegistryDiffTest, MatchesSetDifference) {
    std::mt19937_64 rng(6);
    auto old_keys = AwkwardKeys(rng);
    // The newer list drops a fifth, adds new numbers, turns a bitmap bucket
    // into an array one and an array bucket into a bitmap.
    std::vector<uint64_t> new_keys;
    for (uint64_t k : old_keys) {
        if (rng() % 5 != 0 && (k >> 16) != (79160000000 >> 16)) new_keys.push_back(k);
    }
    for (int i = 0; i < 20; ++i)
        new_keys.push_back(79160000000 + i);
    for (uint64_t low = 0; low < 10000; ++low)
        new_keys.push_back(((uint64_t{74950000000} >> 16) + 3) << 16 | low);
    for (int i = 0; i < 30000; ++i)
        new_keys.push_back(79900000000 + rng() % 50000000);
    std::set<uint64_t> a(old_keys.begin(), old_keys.end());
    std::set<uint64_t> b(new_keys.begin(), new_keys.end());
    std::vector<uint64_t> want_added;
    std::vector<uint64_t> want_removed;
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(want_added));
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(want_removed));

    auto older = RegistrySet::Build(old_keys);
    auto newer = RegistrySet::Build(new_keys);
    std::vector<uint64_t> added;
    std::vector<uint64_t> removed;
    auto diff = older.Diff(
        newer, [&](uint64_t k) { added.push_back(k); }, [&](uint64_t k) { removed.push_back(k); });
    EXPECT_EQ(diff.added, want_added.size());
    EXPECT_EQ(diff.removed, want_removed.size());
    EXPECT_EQ(added, want_added);
    EXPECT_EQ(removed, want_removed);
    // Counting alone gives the same counts; the other way round swaps them.
    auto counts = older.Diff(newer);
    EXPECT_EQ(counts.added, want_added.size());
    auto back = newer.Diff(older);
    EXPECT_EQ(back.added, want_removed.size());
    EXPECT_EQ(back.removed, want_added.size());
    // Against itself and the empty set.
    auto same = older.Diff(RegistrySet::Build(old_keys));
    EXPECT_EQ(same.added + same.removed, 0u);
    auto from_empty = RegistrySet().Diff(newer);
    EXPECT_EQ(from_empty.added, b.size());
    EXPECT_EQ(from_empty.removed, 0u);
}

}  // namespace
}  // namespace callbase::compliance
