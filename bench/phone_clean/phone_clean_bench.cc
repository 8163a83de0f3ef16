// Phone cleaning throughput: callbase's Cleaner::ToE164 against libphonenumber's
// Parse + IsValidNumber + Format(E164) — the best existing alternative — on the
// same inputs in the same run. Prints numbers per second for each and the ratio.
//
// Cases: 1,000,000 inputs (--inputs N), the mix of a Russian call center's CRM
// export: 90 % valid Russian numbers in the 14 common spellings, 1 % foreign
// numbers with '+', 5 % with a digit missing, 4 % junk. Each side runs three
// times; the best is kept.
#include <fmt/format.h>
#include <phonenumbers/phonenumberutil.h>

#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "phone/spelling.h"

namespace pn = i18n::phonenumbers;
using callbase::phone::Cleaner;
using callbase::phone::NumberingPlan;

namespace {

std::vector<std::string> MakeInputs(size_t count) {
    std::mt19937_64 rng(42);
    std::vector<std::string> inputs;
    inputs.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        uint64_t roll = rng() % 100;
        uint64_t national = 9000000000 + rng() % 1000000000;
        if (roll < 90) {
            inputs.push_back(callbase::phone::SpellRussian(national, rng));
        } else if (roll < 91) {
            inputs.push_back(
                fmt::format("+{} {}", roll % 2 ? 44 : 49, 2000000000 + rng() % 99999999));
        } else if (roll < 96) {
            inputs.push_back(callbase::phone::SpellRussian(national, rng).substr(1));
        } else {
            inputs.push_back(roll % 2 ? "нет" : "123");
        }
    }
    return inputs;
}

template <typename F>
double BestSeconds(F&& run) {
    double best = 1e9;
    for (int i = 0; i < 3; ++i) {
        auto start = std::chrono::steady_clock::now();
        run();
        best = std::min(
            best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    size_t count = 1000000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--inputs") == 0) count = std::stoul(argv[i + 1]);
    }
    auto start = std::chrono::steady_clock::now();
    auto plan = NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    if (!plan) {
        fmt::print(stderr, "{}\n", plan.error().message);
        return 1;
    }
    Cleaner cleaner(*plan);
    double startup_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    auto inputs = MakeInputs(count);

    size_t ours_valid = 0, lib_valid = 0;
    double ours = BestSeconds([&] {
        ours_valid = 0;
        std::string e164;
        for (const auto& in : inputs)
            ours_valid += cleaner.ToE164(in, &e164);
    });
    const auto* util = pn::PhoneNumberUtil::GetInstance();
    double lib = BestSeconds([&] {
        lib_valid = 0;
        std::string e164;
        for (const auto& in : inputs) {
            pn::PhoneNumber n;
            if (util->Parse(in, "RU", &n) != pn::PhoneNumberUtil::NO_PARSING_ERROR) continue;
            if (!util->IsValidNumber(n)) continue;
            util->Format(n, pn::PhoneNumberUtil::E164, &e164);
            ++lib_valid;
        }
    });
    fmt::print("phone cleaning, {} inputs ({} valid by callbase, {} by libphonenumber)\n", count,
               ours_valid, lib_valid);
    fmt::print("  numbering plan + cleaner start-up   {:8.1f} ms\n", startup_ms);
    fmt::print("  callbase Cleaner::ToE164          {:12.0f} numbers/s\n", count / ours);
    fmt::print("  libphonenumber Parse+Valid+Format {:12.0f} numbers/s\n", count / lib);
    fmt::print("  ratio                             {:12.1f}x\n", lib / ours);
    return ours_valid == lib_valid ? 0 : 1;
}
