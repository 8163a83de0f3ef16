// Phone cleaning: free text in, one E.164 number (or none) out, with type,
// country, region, operator, UTC offset, time zone and a quality code.
//
// libphonenumber is the authority on validity and E.164; a fast path handles the
// common Russian spellings without it and agrees with it on every input (see
// phone/clean_agreement_test.cc and docs/performance.md). Region and operator of
// +7 mobile numbers come from the numbering plan; landline regions from
// libphonenumber's geocoder.
//
// Thread safety: a Cleaner is immutable after construction; Clean() may be
// called from many threads at once. It keeps a reference to the NumberingPlan,
// which must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callbase::phone {

class NumberingPlan;
namespace detail {
struct ParsedNumber;
}

enum class LineType { kMobile, kFixed, kTollFree, kPremium, kVoip, kUnknown };

// "mobile", "fixed", "toll_free", "premium", "voip", "unknown".
std::string_view LineTypeName(LineType type);

// The key of an E.164 number: its digits as an integer ("+79161234567" ->
// 79161234567), for hash indexes and registries. A leading '+' is optional;
// anything else that is not 1 to 15 digits gives 0, which is never a key.
uint64_t E164Key(std::string_view e164);

// The quality code, as the commercial cleaning services give it.
enum class Quality : uint8_t {
    kSure = 0,       // clean: one valid number, nothing assumed
    kCorrected = 1,  // corrected or assumed (trunk prefix 8, missing country code, ...)
    kJunk = 2,       // empty, junk, or not a valid number
    kSeveral = 3,    // several numbers in one cell; the first is used, all are listed
};

struct CleanResult {
    std::string input;
    std::string e164;       // "+79161234567"; empty when no valid number was found
    std::string extension;  // "101" from "доб. 101"; empty when none
    LineType type = LineType::kUnknown;
    std::string country;  // ISO 3166-1 alpha-2, "RU"; empty when unknown
    std::string region;  // "Москва", "Краснодарский край"; empty when unknown
    std::string operator_name;
    std::optional<int> utc_offset_minutes;  // +180 for Moscow
    std::string timezone;                   // IANA, "Europe/Moscow"
    Quality qc = Quality::kJunk;
    std::string reason;            // why qc != kSure, for people; empty when qc == kSure
    std::vector<std::string> all;  // every valid number found, E.164, in order

    bool valid() const { return !e164.empty(); }
};

class Cleaner {
public:
    // default_country is the ISO code assumed for numbers written without one.
    explicit Cleaner(const NumberingPlan& plan, std::string default_country = "RU");
    ~Cleaner();
    Cleaner(const Cleaner&) = delete;
    Cleaner& operator=(const Cleaner&) = delete;

    // Full cleaning with enrichment.
    CleanResult Clean(std::string_view text) const;

    // The hot path: the E.164 form of the first valid number in text, without
    // enrichment; false when there is none. Agrees with Clean(text).e164.
    bool ToE164(std::string_view text, std::string* e164) const;

    struct State;  // opaque: libphonenumber and the learned prefix table

private:
    CleanResult Scan(std::string_view text, bool enrich) const;
    void Enrich(const detail::ParsedNumber& number, CleanResult* result) const;

    const NumberingPlan& plan_;
    std::string default_country_;
    std::unique_ptr<State> state_;
};

// The result as one JSON object (the `callbase phone clean` line format).
std::string ToJson(const CleanResult& result);

}  // namespace callbase::phone
