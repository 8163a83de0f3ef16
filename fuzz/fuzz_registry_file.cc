// The do-not-call registry file (src/compliance/registry.h): a file callbase
// maps and answers lookups from. Opened with the structure check only, as a
// damaged file that slipped past the checksum would be, then with the
// checksum. The structure check promises that no lookup, walk or diff reads
// outside the file (AddressSanitizer watches that), not that the containers'
// contents agree with the directory: a bitmap may hold another number of bits
// than its entry says, an array may be out of order (the checksum, which our
// writer sets, is what refuses such a file), so those are not checked here.
#include <cstdint>
#include <string>

#include "compliance/registry.h"
#include "fuzz/fuzz_util.h"

using namespace callbase;
using namespace callbase::compliance;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::WriteTemp(fuzz::Bytes(data, size), ".cbr");
    for (Verify verify : {Verify::kStructure, Verify::kChecksum}) {
        auto set = OpenRegistryFile(path, verify);
        if (!set) continue;
        uint64_t count = 0, last = 0;
        set->ForEach([&](uint64_t key) {
            (void)set->Contains(key);
            last = key;
            ++count;
        });
        for (uint64_t probe : {uint64_t{0}, uint64_t{79161234567}, last + 1, last ^ 0xFFFF,
                               uint64_t{1} << 63, ~uint64_t{0}})
            (void)set->Contains(probe);
        RegistrySet empty;
        (void)empty.Diff(
            *set, [](uint64_t) {}, [](uint64_t) {});
        (void)set->Diff(
            empty, [](uint64_t) {}, [](uint64_t) {});
        (void)set->Diff(*set);
        if (verify == Verify::kChecksum && count != set->size())
            fuzz::Broken("a file with a good checksum whose size() is not its number of keys");
    }
    return 0;
}
