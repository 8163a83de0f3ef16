// The do-not-call registry index: callbase's RegistrySet against the two
// structures one would reach for first, std::unordered_set<uint64_t> and a
// sorted std::vector<uint64_t> with binary search, on the same keys and the
// same lookups in the same run. Prints bytes per number, build time and
// single-thread lookups per second for each, and the ratios.
//
// Cases:
//   --numbers N   distinct numbers, uniformly random in the space (default 100M)
//   --space ru9   +7 9XX: keys 79000000000..79999999999 (default)
//   --space us    +1 NXX-NXX-XXXX: area code and exchange 200..999, 10 digits
//   --lookups M   lookups per run, half of them hits (default 20M); best of 3 runs
//   --seed S
// The goals (at most 2 bytes a number, at least 10M lookups/s) are checked
// for --space ru9 and printed as met or NOT MET.
// Build time is from the numbers in random order to the finished structure
// (RegistrySet: radix sort, dedupe, containers; vector: std::sort + unique;
// unordered_set: reserve + insert). Bytes are the heap the structure holds
// (malloc's own count, so allocator overhead is included). RegistrySet is also
// written to a file and opened memory-mapped, as `callbase registry` uses it;
// its lookups are measured through the mapping too. std::unordered_set is
// skipped when it would take the process above 16 GB (it says so).
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "compliance/registry.h"

using callbase::compliance::OpenRegistryFile;
using callbase::compliance::RegistrySet;
using callbase::compliance::Verify;
using callbase::compliance::WriteRegistryFile;

namespace {

struct Space {
    std::string name;
    uint64_t size;                    // numbers in the space
    uint64_t (*key)(uint64_t index);  // the index-th number of the space, ascending
};

uint64_t RussianMobileKey(uint64_t i) {
    return 79000000000 + i;
}

// +1 NXX NXX XXXX with N in 2..9: 800 area codes x 800 exchanges x 10,000 lines.
uint64_t NanpKey(uint64_t i) {
    const uint64_t area = 200 + i / 8000000;
    const uint64_t exchange = 200 + i % 8000000 / 10000;
    return 10000000000 + area * 10000000 + exchange * 10000 + i % 10000;
}

double Seconds(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename F>
double BestSeconds(F&& run) {
    double best = 1e9;
    for (int i = 0; i < 3; ++i) {
        auto start = std::chrono::steady_clock::now();
        run();
        best = std::min(best, Seconds(start));
    }
    return best;
}

uint64_t HeapBytes() {
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

// `count` distinct numbers of the space, ascending: a Bernoulli draw of every
// number by geometric gaps, a little above count, then random extras dropped.
std::vector<uint64_t> DistinctKeys(const Space& space, uint64_t count, std::mt19937_64& rng) {
    const double p =
        std::min(1.0, 1.0005 * static_cast<double>(count) / static_cast<double>(space.size) + 1e-9);
    std::geometric_distribution<uint64_t> gap(p);
    std::vector<uint64_t> indexes;
    indexes.reserve(count + count / 500 + 1000);
    for (uint64_t i = gap(rng); i < space.size; i += 1 + gap(rng))
        indexes.push_back(i);
    while (indexes.size() > count) {  // drop random extras
        uint64_t drop = indexes.size() - count;
        std::vector<bool> gone(indexes.size());
        for (uint64_t d = 0; d < drop; ++d)
            gone[rng() % indexes.size()] = true;
        size_t out = 0;
        for (size_t i = 0; i < indexes.size(); ++i) {
            if (!gone[i]) indexes[out++] = indexes[i];
        }
        indexes.resize(std::max<size_t>(out, count));
    }
    for (auto& i : indexes)
        i = space.key(i);
    return indexes;
}

struct Row {
    std::string name;
    double bytes_per_number = 0;
    double build_seconds = 0;
    double lookups_per_second = 0;
};

}  // namespace

int main(int argc, char** argv) {
    uint64_t numbers = 100'000'000;
    uint64_t lookups = 20'000'000;
    uint64_t seed = 42;
    std::string space_name = "ru9";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--numbers") {
            numbers = std::stoull(argv[i + 1]);
        } else if (flag == "--lookups") {
            lookups = std::stoull(argv[i + 1]);
        } else if (flag == "--seed") {
            seed = std::stoull(argv[i + 1]);
        } else if (flag == "--space") {
            space_name = argv[i + 1];
        } else {
            fmt::print(stderr, "unknown option {}\n", flag);
            return 2;
        }
    }
    Space space;
    if (space_name == "ru9") {
        space = {"+7 9XX (79000000000..79999999999)", 1'000'000'000, RussianMobileKey};
    } else if (space_name == "us") {
        space = {"+1 NXX-NXX-XXXX (12002000000..19999999999)", 6'400'000'000, NanpKey};
    } else {
        fmt::print(stderr, "--space is ru9 or us\n");
        return 2;
    }
    if (numbers == 0 || numbers > space.size / 2) {
        fmt::print(stderr, "--numbers must be between 1 and half the space ({})\n", space.size / 2);
        return 2;
    }

    std::mt19937_64 rng(seed);
    auto start = std::chrono::steady_clock::now();
    const std::vector<uint64_t> sorted = DistinctKeys(space, numbers, rng);
    std::vector<uint64_t> shuffled = sorted;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    // Half hits (numbers of the set), half misses (numbers of the space not in it).
    std::vector<uint64_t> queries(lookups);
    for (uint64_t q = 0; q < lookups; ++q) {
        if (q % 2 == 0) {
            queries[q] = sorted[rng() % sorted.size()];
        } else {
            uint64_t key;
            do {
                key = space.key(rng() % space.size);
            } while (std::binary_search(sorted.begin(), sorted.end(), key));
            queries[q] = key;
        }
    }
    std::shuffle(queries.begin(), queries.end(), rng);
    const uint64_t want_hits = (lookups + 1) / 2;
    fmt::print(
        "registry bench: {} distinct numbers in {}, {} lookups (50 % hits), "
        "seed {}; data made in {:.1f} s\n\n",
        sorted.size(), space.name, lookups, seed, Seconds(start));

    std::vector<Row> rows;
    bool ok = true;
    auto check_hits = [&](const std::string& name, uint64_t hits) {
        if (hits != want_hits) {
            fmt::print(stderr, "{}: {} hits, expected {}\n", name, hits, want_hits);
            ok = false;
        }
    };

    // callbase RegistrySet: built on the heap, then written and mapped.
    {
        uint64_t heap_before = HeapBytes();
        std::vector<uint64_t> input = shuffled;
        start = std::chrono::steady_clock::now();
        RegistrySet set = RegistrySet::Build(std::move(input));
        double build = Seconds(start);
        uint64_t heap = HeapBytes() - heap_before;
        uint64_t hits = 0;
        double secs = BestSeconds([&] {
            hits = 0;
            for (uint64_t q : queries)
                hits += set.Contains(q);
        });
        check_hits("RegistrySet", hits);
        rows.push_back({"callbase RegistrySet", static_cast<double>(heap) / set.size(), build,
                        lookups / secs});

        auto path = std::filesystem::temp_directory_path() /
                    fmt::format("registry-bench-{}.cbreg", ::getpid());
        start = std::chrono::steady_clock::now();
        auto info = WriteRegistryFile(set, path.string());
        double write = Seconds(start);
        if (!info) {
            fmt::print(stderr, "{}\n", info.error().message);
            return 1;
        }
        start = std::chrono::steady_clock::now();
        auto structure = OpenRegistryFile(path.string(), Verify::kStructure);
        double open_structure = Seconds(start);
        start = std::chrono::steady_clock::now();
        auto mapped = OpenRegistryFile(path.string(), Verify::kChecksum);
        double open_checksum = Seconds(start);
        std::filesystem::remove(path);  // the mapping stays valid
        if (!mapped || !structure) {
            fmt::print(stderr, "cannot open the written file\n");
            return 1;
        }
        secs = BestSeconds([&] {
            hits = 0;
            for (uint64_t q : queries)
                hits += mapped->Contains(q);
        });
        check_hits("RegistrySet (mapped)", hits);
        rows.push_back({"callbase RegistrySet, mapped file",
                        static_cast<double>(mapped->bytes()) / mapped->size(), 0, lookups / secs});
        fmt::print(
            "RegistrySet: {} buckets, file {:.1f} MB ({:.3f} B/number); file written and "
            "fsynced in {:.2f} s (BLAKE2b + SHA-256 included); opened in {:.4f} s "
            "checking the structure, {:.3f} s checking the checksum too\n\n",
            set.bucket_count(), set.file_bytes() / 1e6,
            static_cast<double>(set.file_bytes()) / set.size(), write, open_structure,
            open_checksum);
    }

    // A sorted vector with binary search.
    {
        uint64_t heap_before = HeapBytes();
        std::vector<uint64_t> vec = shuffled;
        start = std::chrono::steady_clock::now();
        std::sort(vec.begin(), vec.end());
        vec.erase(std::unique(vec.begin(), vec.end()), vec.end());
        double build = Seconds(start);
        uint64_t heap = HeapBytes() - heap_before;
        uint64_t hits = 0;
        double secs = BestSeconds([&] {
            hits = 0;
            for (uint64_t q : queries)
                hits += std::binary_search(vec.begin(), vec.end(), q);
        });
        check_hits("sorted vector", hits);
        rows.push_back({"sorted std::vector<uint64_t>", static_cast<double>(heap) / vec.size(),
                        build, lookups / secs});
    }

    // std::unordered_set, when it fits.
    constexpr double kLimit = 16e9;
    const double estimate = static_cast<double>(HeapBytes()) + 48.0 * sorted.size();
    bool with_unordered = estimate <= kLimit;
    if (with_unordered) {
        uint64_t heap_before = HeapBytes();
        start = std::chrono::steady_clock::now();
        std::unordered_set<uint64_t> set;
        set.reserve(shuffled.size());
        for (uint64_t k : shuffled)
            set.insert(k);
        double build = Seconds(start);
        uint64_t heap = HeapBytes() - heap_before;
        uint64_t hits = 0;
        double secs = BestSeconds([&] {
            hits = 0;
            for (uint64_t q : queries)
                hits += set.contains(q);
        });
        check_hits("unordered_set", hits);
        rows.push_back({"std::unordered_set<uint64_t>", static_cast<double>(heap) / set.size(),
                        build, lookups / secs});
    } else {
        fmt::print(
            "std::unordered_set skipped: at about 48 B a number it would take the process "
            "to {:.1f} GB, above the {:.0f} GB this bench allows itself\n\n",
            estimate / 1e9, kLimit / 1e9);
    }

    fmt::print("| structure | bytes/number | build s | lookups/s |\n|---|---|---|---|\n");
    for (const auto& r : rows) {
        fmt::print("| {} | {:.2f} | {} | {:.0f} |\n", r.name, r.bytes_per_number,
                   r.build_seconds > 0 ? fmt::format("{:.2f}", r.build_seconds) : "-",
                   r.lookups_per_second);
    }
    const Row& ours = rows[0];
    fmt::print("\n");
    for (size_t i = 2; i < rows.size(); ++i) {
        fmt::print(
            "vs {}: its bytes/number {:.1f}x ours; our lookups/s {:.2f}x its; its build "
            "time {:.2f}x ours\n",
            rows[i].name, rows[i].bytes_per_number / ours.bytes_per_number,
            ours.lookups_per_second / rows[i].lookups_per_second,
            rows[i].build_seconds / ours.build_seconds);
    }
    if (space_name == "ru9") {
        fmt::print(
            "goal <= 2 B/number: {} ({:.2f}); goal >= 10M lookups/s: {} ({:.1f}M heap, "
            "{:.1f}M mapped)\n",
            ours.bytes_per_number <= 2 ? "met" : "NOT MET", ours.bytes_per_number,
            ours.lookups_per_second >= 10e6 ? "met" : "NOT MET", ours.lookups_per_second / 1e6,
            rows[1].lookups_per_second / 1e6);
    }
    return ok ? 0 : 1;
}
