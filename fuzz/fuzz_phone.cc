// Phone cleaning (src/phone/clean.h): every cell of an import, every number
// typed into the API and the CLI.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_util.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"

using namespace callbase;

namespace {

const phone::Cleaner* cleaner = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    static auto plan = phone::NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    if (!plan) {
        std::fprintf(stderr, "cannot load the numbering plan: %s\n", plan.error().message.c_str());
        std::abort();
    }
    static const phone::Cleaner kCleaner(*plan);
    cleaner = &kCleaner;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text = fuzz::Bytes(data, size);
    const phone::CleanResult result = cleaner->Clean(text);
    std::string e164;
    const bool found = cleaner->ToE164(text, &e164);
    if (found != result.valid() || (found && e164 != result.e164))
        fuzz::Broken("ToE164 and Clean disagree");
    if (result.valid()) {
        if (result.e164.size() < 3 || result.e164.size() > 16 || result.e164[0] != '+')
            fuzz::Broken("an E.164 number that is not one");
        for (size_t i = 1; i < result.e164.size(); ++i)
            if (result.e164[i] < '0' || result.e164[i] > '9') fuzz::Broken("a non-digit in E.164");
        if (phone::E164Key(result.e164) == 0) fuzz::Broken("a valid number with key 0");
        // `all` lists the numbers only when there are several; the first is used.
        if (!result.all.empty() && result.all.front() != result.e164)
            fuzz::Broken("the number used is not the first listed");
        if ((result.qc == phone::Quality::kSeveral) != (result.all.size() > 1))
            fuzz::Broken("several numbers and the quality disagree");
    }
    (void)phone::ToJson(result);
    return 0;
}
