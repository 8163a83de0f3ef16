#include "phone/clean.h"

#include <fmt/format.h>
#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>

#include "phone/numbering_plan.h"

namespace callbase::phone {

namespace pn = i18n::phonenumbers;

namespace {

constexpr uint64_t kNationalDigits = 10;

// What the fast path knows about a 3-digit prefix of a +7 national number,
// learned from libphonenumber itself when the Cleaner is built.
enum class PrefixVerdict : uint8_t { kAsk, kValid };

LineType FromLibType(pn::PhoneNumberUtil::PhoneNumberType type) {
    using T = pn::PhoneNumberUtil::PhoneNumberType;
    switch (type) {
        case T::MOBILE:
            return LineType::kMobile;
        case T::FIXED_LINE:
            return LineType::kFixed;
        case T::FIXED_LINE_OR_MOBILE:
            return LineType::kFixed;
        case T::TOLL_FREE:
            return LineType::kTollFree;
        case T::PREMIUM_RATE:
            return LineType::kPremium;
        case T::VOIP:
            return LineType::kVoip;
        default:
            return LineType::kUnknown;
    }
}

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

// Characters the fast path accepts between digits.
bool IsPunct(char c) {
    return c == ' ' || c == '-' || c == '(' || c == ')' || c == '.';
}

}  // namespace

namespace detail {
// How a number was written, for the quality code and its reason.
enum class Spelling : uint8_t {
    kInternational,  // +7 916 ... : nothing assumed
    kTrunkPrefix,    // 8 916 ...  : trunk prefix 8 replaced with +7
    kNoPlus,         // 7 916 ...  : '+' added before the country code
    kNational,       // 916 ...    : country code assumed
};

struct ParsedNumber {
    bool valid = false;
    uint32_t country_code = 0;
    uint64_t national = 0;
    Spelling spelling = Spelling::kInternational;
    LineType type = LineType::kUnknown;
    std::string region_code;  // ISO, from libphonenumber or the prefix table
    std::string why_invalid;
    std::string e164;  // set by the libphonenumber path (Italy keeps a leading 0)
};
}  // namespace detail

namespace {
using Number = detail::ParsedNumber;
using detail::Spelling;

// Extension markers, longest first so "добавочный" wins over "доб".
constexpr std::array<std::string_view, 14> kExtensionMarkers = {
    "добавочный", "Добавочный", "внутр.", "доб.", "Доб.", "ДОБ.", "доб",
    "Доб",        "ДОБ",        "вн.",    "ext.", "ext",  "EXT",  "#"};

// Separators between several numbers in one cell.
constexpr std::array<std::string_view, 8> kSeparators = {",",  ";",     "/",    "\n",
                                                         "\\", " или ", " or ", " и "};

std::string_view TrimView(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
        ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n'))
        --b;
    return s.substr(a, b - a);
}

size_t CountDigits(std::string_view s) {
    size_t n = 0;
    for (char c : s)
        n += IsDigit(c);
    return n;
}

// Finds an extension marker followed by digits; returns the marker's position.
size_t FindExtension(std::string_view s, std::string* extension) {
    for (std::string_view marker : kExtensionMarkers) {
        size_t pos = s.find(marker);
        if (pos == std::string_view::npos) continue;
        std::string digits;
        size_t i = pos + marker.size();
        while (i < s.size() && (s[i] == ' ' || s[i] == '.' || s[i] == ':'))
            ++i;
        while (i < s.size() && IsDigit(s[i]))
            digits.push_back(s[i++]);
        if (digits.empty() || digits.size() > 7) continue;
        *extension = std::move(digits);
        return pos;
    }
    // "x101" after the number, as English spellings write it.
    for (size_t pos = s.find_last_of("xXхХ"); pos != std::string_view::npos && pos > 0;) {
        if (pos + 1 < s.size() && IsDigit(s[pos + 1]) && CountDigits(s.substr(0, pos)) >= 7) {
            size_t i = pos + 1;
            std::string digits;
            while (i < s.size() && IsDigit(s[i]))
                digits.push_back(s[i++]);
            if (digits.size() <= 7 && TrimView(s.substr(i)).empty()) {
                *extension = std::move(digits);
                return pos;
            }
        }
        break;
    }
    return std::string_view::npos;
}

}  // namespace

struct Cleaner::State {
    const pn::PhoneNumberUtil* util = pn::PhoneNumberUtil::GetInstance();
    pn::PhoneNumberOfflineGeocoder geocoder;
    icu::Locale russian{"ru"};
    // By the first three digits of a +7 national number.
    std::array<PrefixVerdict, 1000> verdict{};
    std::array<LineType, 1000> type{};
    std::array<bool, 1000> kazakhstan{};
    bool russian_default = true;  // numbers without a country code are Russian
    bool nanp_default = false;    // ... or of the North American plan (+1: US, CA, ...)

    State() { LearnPrefixes(); }

    // +1 numbers (a US do-not-call list has 250M of them): libphonenumber's
    // verdict kept by the first six national digits (area code and exchange),
    // asked once per prefix. Its North American metadata decides validity
    // within those six digits, so one answer holds for every number under the
    // prefix (clean_agreement_test.cc checks a corpus of +1 numbers that
    // share prefixes; it fails when the verdict is kept by the area code
    // alone). 1 MB, made on first use; shared by threads.
    mutable std::once_flag nanp_once;
    mutable std::unique_ptr<std::atomic<uint8_t>[]> nanp;  // 0 not asked, 1 valid, 2 invalid

    bool NanpValid(uint64_t national) const {
        std::call_once(nanp_once,
                       [this] { nanp = std::make_unique<std::atomic<uint8_t>[]>(1000000); });
        std::atomic<uint8_t>& cell = nanp[national / 10000];
        uint8_t verdict = cell.load(std::memory_order_relaxed);
        if (verdict == 0) {
            pn::PhoneNumber n;
            n.set_country_code(1);
            n.set_national_number(national);
            verdict = util->IsValidNumber(n) ? 1 : 2;
            cell.store(verdict, std::memory_order_relaxed);
        }
        return verdict == 1;
    }

    // A +1 number alone: "+1 202 555-0123", or with a North American default
    // "(202) 555-0123" and "1-202-555-0123". False when unsure.
    bool FastParseNanp(std::string_view s, uint64_t* national) const {
        size_t i = 0;
        while (i < s.size() && s[i] == ' ')
            ++i;
        const bool plus = i < s.size() && s[i] == '+';
        if (plus) ++i;
        if (!plus && !nanp_default) return false;
        char digits[11];
        size_t n = 0;
        for (; i < s.size(); ++i) {
            if (IsDigit(s[i])) {
                if (n == sizeof digits) return false;
                digits[n++] = s[i];
            } else if (!IsPunct(s[i])) {
                return false;
            }
        }
        const char* d = digits;
        if (n == 11 && digits[0] == '1') {
            d = digits + 1;
        } else if (plus || n != 10) {
            return false;
        }
        if (d[0] < '2') return false;  // an area code starts with 2-9
        uint64_t value = 0;
        for (int k = 0; k < 10; ++k)
            value = value * 10 + static_cast<uint64_t>(d[k] - '0');
        *national = value;
        return true;
    }

    // The fast path: a Russian spelling made only of digits, spaces, dashes,
    // dots and brackets, with an optional leading '+'. Returns false when
    // unsure; the caller then asks libphonenumber.
    bool FastParse(std::string_view s, Number* out) const;
    // One number (no separators, no extension): the fast path, else libphonenumber.
    Number ParseOne(std::string_view text, const std::string& default_country) const;

    // Asks libphonenumber about 20 sample numbers of every 3-digit prefix (every
    // fourth digit). This keeps the fast path in step with whatever metadata the
    // installed libphonenumber carries; clean_agreement_test.cc checks the result.
    void LearnPrefixes() {
        // Every fourth digit, at both ends of its block.
        static constexpr std::array<uint32_t, 2> kInBlock = {0, 999999};
        constexpr int kSamples = 20;
        for (uint32_t prefix = 0; prefix < 1000; ++prefix) {
            int valid = 0;
            LineType first_type = LineType::kUnknown;
            bool same_type = true;
            bool kz = false;
            for (int k = 0; k < kSamples; ++k) {
                uint32_t suffix = static_cast<uint32_t>(k / 2) * 1000000 + kInBlock[k % 2];
                pn::PhoneNumber n;
                n.set_country_code(7);
                n.set_national_number(uint64_t{prefix} * 10000000 + suffix);
                if (!util->IsValidNumber(n)) {
                    if (valid > 0) break;  // mixed already: no need to look further
                    continue;
                }
                LineType t = FromLibType(util->GetNumberType(n));
                if (valid == 0) {
                    first_type = t;
                    std::string region;
                    util->GetRegionCodeForNumber(n, &region);
                    kz = region == "KZ";
                } else if (t != first_type) {
                    same_type = false;
                }
                ++valid;
            }
            // Only a prefix that is valid throughout is decided here; any other
            // (invalid, mixed, or invalid in every sample) goes to libphonenumber,
            // which may know longer prefixes than three digits (Kazakhstan's 7172).
            if (valid == kSamples && same_type) {
                verdict[prefix] = PrefixVerdict::kValid;
                type[prefix] = first_type;
                kazakhstan[prefix] = kz;
            } else {
                verdict[prefix] = PrefixVerdict::kAsk;
            }
        }
    }
};

Cleaner::Cleaner(const NumberingPlan& plan, std::string default_country)
    : plan_(plan), default_country_(std::move(default_country)), state_(std::make_unique<State>()) {
    state_->russian_default = default_country_ == "RU";
    state_->nanp_default = state_->util->GetCountryCodeForRegion(default_country_) == 1;
}

Cleaner::~Cleaner() = default;

uint64_t E164Key(std::string_view e164) {
    if (e164.starts_with('+')) e164.remove_prefix(1);
    if (e164.empty() || e164.size() > 15) return 0;
    uint64_t key = 0;
    for (char c : e164) {
        if (c < '0' || c > '9') return 0;
        key = key * 10 + static_cast<uint64_t>(c - '0');
    }
    return key;
}

std::string_view LineTypeName(LineType type) {
    switch (type) {
        case LineType::kMobile:
            return "mobile";
        case LineType::kFixed:
            return "fixed";
        case LineType::kTollFree:
            return "toll_free";
        case LineType::kPremium:
            return "premium";
        case LineType::kVoip:
            return "voip";
        case LineType::kUnknown:
            return "unknown";
    }
    return "unknown";
}

bool Cleaner::State::FastParse(std::string_view s, Number* out) const {
    const State& state = *this;
    size_t i = 0;
    while (i < s.size() && s[i] == ' ')
        ++i;
    bool plus = i < s.size() && s[i] == '+';
    if (plus) ++i;
    if (!plus && !russian_default) return false;  // the fast path knows Russia only
    char digits[12];
    size_t n = 0;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (IsDigit(c)) {
            if (n == sizeof digits) return false;
            digits[n++] = c;
        } else if (!IsPunct(c)) {
            return false;
        }
    }
    const char* national;
    Spelling spelling;
    if (plus) {
        if (n != 11 || digits[0] != '7') return false;
        national = digits + 1;
        spelling = Spelling::kInternational;
    } else if (n == 11 && digits[0] == '8') {
        national = digits + 1;
        spelling = Spelling::kTrunkPrefix;
    } else if (n == 11 && digits[0] == '7') {
        national = digits + 1;
        spelling = Spelling::kNoPlus;
    } else if (n == 10) {
        national = digits;
        spelling = Spelling::kNational;
    } else if (n < 10 && !(n >= 3 && digits[0] == '8' && digits[1] == '1' && digits[2] == '0')) {
        // Every Russian number has ten digits; fewer can only be a number abroad
        // dialled with the international prefix 810, which this is not.
        out->valid = false;
        out->why_invalid = fmt::format("too few digits ({})", n);
        return true;
    } else {
        return false;
    }
    uint64_t value = 0;
    for (size_t k = 0; k < kNationalDigits; ++k)
        value = value * 10 + (national[k] - '0');
    uint32_t prefix = static_cast<uint32_t>(value / 10000000);
    switch (state.verdict[prefix]) {
        case PrefixVerdict::kAsk:
            return false;
        case PrefixVerdict::kValid:
            break;
    }
    out->valid = true;
    out->country_code = 7;
    out->national = value;
    out->spelling = spelling;
    out->type = state.type[prefix];
    out->region_code = state.kazakhstan[prefix] ? "KZ" : "RU";
    return true;
}

Number Cleaner::State::ParseOne(std::string_view text, const std::string& default_country) const {
    const State& state = *this;
    Number number;
    if (FastParse(text, &number)) return number;
    pn::PhoneNumber parsed;
    std::string input(text);
    auto error = state.util->Parse(input, default_country, &parsed);
    if (error != pn::PhoneNumberUtil::NO_PARSING_ERROR) {
        switch (error) {
            case pn::PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
                number.why_invalid = "unknown country code";
                break;
            case pn::PhoneNumberUtil::TOO_SHORT_NSN:
            case pn::PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
                number.why_invalid = "too few digits";
                break;
            case pn::PhoneNumberUtil::TOO_LONG_NSN:
                number.why_invalid = "too many digits";
                break;
            default:
                number.why_invalid = "not a phone number";
                break;
        }
        return number;
    }
    if (!state.util->IsValidNumber(parsed)) {
        size_t digits = CountDigits(text);
        number.why_invalid = digits < 10   ? fmt::format("too few digits ({})", digits)
                             : digits > 15 ? fmt::format("too many digits ({})", digits)
                                           : "not a number in use in its country";
        return number;
    }
    state.util->Format(parsed, pn::PhoneNumberUtil::E164, &number.e164);
    // E.164 allows 15 digits; libphonenumber takes some longer German numbers
    // as valid ("+4 9266w75-6746123 4 92" gave 17 digits, found by fuzz_phone),
    // which no key, column or trunk of ours can hold.
    if (number.e164.size() > 16) {
        number.why_invalid = fmt::format("too many digits ({}): a phone number has at most 15",
                                         number.e164.size() - 1);
        number.e164.clear();
        return number;
    }
    // The cleaner never invents a digit: libphonenumber reads letters as keypad
    // digits (vanity numbers) and some countries' rules add digits; in a contact
    // base such input is junk.
    std::string_view national_digits(number.e164);
    national_digits.remove_prefix(1 + std::to_string(parsed.country_code()).size());
    size_t matched = 0;
    for (char c : text) {
        if (matched < national_digits.size() && c == national_digits[matched]) ++matched;
    }
    if (matched < national_digits.size()) {
        number.e164.clear();
        number.why_invalid = "letters or digits that are not written in it";
        return number;
    }
    number.valid = true;
    number.country_code = static_cast<uint32_t>(parsed.country_code());
    number.national = parsed.national_number();
    number.type = FromLibType(state.util->GetNumberType(parsed));
    state.util->GetRegionCodeForNumber(parsed, &number.region_code);
    std::string_view trimmed = TrimView(text);
    if (!trimmed.empty() &&
        (trimmed[0] == '+' || trimmed.starts_with("00") || trimmed.starts_with("810"))) {
        number.spelling = Spelling::kInternational;
    } else if (CountDigits(text) > std::to_string(number.national).size()) {
        number.spelling = Spelling::kTrunkPrefix;
    } else {
        number.spelling = Spelling::kNational;
    }
    return number;
}

namespace {

std::string E164(const Number& n) {
    return n.e164.empty() ? fmt::format("+{}{}", n.country_code, n.national) : n.e164;
}

// Splits a cell into the pieces that may each hold one number; a piece that is
// only an extension ("…45-67, доб. 101") stays with the piece before it.
std::vector<std::string_view> SplitCell(std::string_view text) {
    std::vector<std::string_view> pieces;
    size_t start = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t sep_len = 0;
        for (std::string_view sep : kSeparators) {
            if (text.compare(i, sep.size(), sep) == 0) {
                sep_len = sep.size();
                break;
            }
        }
        if (sep_len == 0) {
            ++i;
            continue;
        }
        std::string_view rest = TrimView(text.substr(i + sep_len));
        std::string ignored;
        bool extension_follows = FindExtension(rest, &ignored) == 0;
        if (!extension_follows) {
            pieces.push_back(text.substr(start, i - start));
            start = i + sep_len;
        }
        i += sep_len;
    }
    pieces.push_back(text.substr(start));
    return pieces;
}

}  // namespace

bool Cleaner::ToE164(std::string_view text, std::string* e164) const {
    // The common case: one number and nothing else.
    Number number;
    if (state_->FastParse(text, &number)) {
        if (!number.valid) return false;
        // "+7" and ten digits, without a formatting library on the hot path.
        char buffer[12] = {'+', '7'};
        uint64_t national = number.national;
        for (int k = 11; k >= 2; --k, national /= 10)
            buffer[k] = static_cast<char>('0' + national % 10);
        e164->assign(buffer, sizeof buffer);
        return true;
    }
    if (uint64_t national = 0;
        state_->FastParseNanp(text, &national) && state_->NanpValid(national)) {
        char buffer[12] = {'+', '1'};
        for (int k = 11; k >= 2; --k, national /= 10)
            buffer[k] = static_cast<char>('0' + national % 10);
        e164->assign(buffer, sizeof buffer);
        return true;
    }
    CleanResult full = Scan(text, /*enrich=*/false);
    if (!full.valid()) return false;
    *e164 = std::move(full.e164);
    return true;
}

CleanResult Cleaner::Clean(std::string_view text) const {
    return Scan(text, /*enrich=*/true);
}

namespace {

// The quality code and reason of a cell that held one valid number.
void SetQuality(const Number& number, bool text_ignored, CleanResult* result) {
    std::vector<std::string> why;
    switch (number.spelling) {
        case Spelling::kInternational:
            break;
        case Spelling::kTrunkPrefix:
            why.push_back(number.country_code == 7 ? "trunk prefix 8 replaced with +7"
                                                   : "trunk prefix replaced with the country code");
            break;
        case Spelling::kNoPlus:
            why.push_back("'+' added before the country code 7");
            break;
        case Spelling::kNational:
            why.push_back(fmt::format("country code +{} assumed", number.country_code));
            break;
    }
    if (text_ignored) why.push_back("other text in the field ignored");
    result->qc = why.empty() ? Quality::kSure : Quality::kCorrected;
    result->reason = fmt::format("{}", fmt::join(why, "; "));
    result->all.clear();
}

}  // namespace

CleanResult Cleaner::Scan(std::string_view text, bool enrich) const {
    CleanResult result;
    result.input = std::string(text);
    std::string_view cell = TrimView(text);
    if (cell.empty()) {
        result.qc = Quality::kJunk;
        result.reason = "empty";
        return result;
    }
    if (CountDigits(cell) == 0) {
        result.qc = Quality::kJunk;
        result.reason = "no digits: not a phone number";
        return result;
    }
    // Most cells hold one Russian number and nothing else.
    if (Number quick; state_->FastParse(cell, &quick) && quick.valid) {
        result.e164 = E164(quick);
        result.type = quick.type;
        result.country = quick.region_code;
        SetQuality(quick, /*text_ignored=*/false, &result);
        if (enrich) Enrich(quick, &result);
        return result;
    }

    Number first;
    std::string first_extension;
    bool text_ignored = false;
    std::string last_why;
    for (std::string_view piece : SplitCell(cell)) {
        piece = TrimView(piece);
        std::string extension;
        size_t ext_pos = FindExtension(piece, &extension);
        std::string_view number_text = piece.substr(0, ext_pos);
        if (CountDigits(number_text) < 5) {
            if (!number_text.empty()) text_ignored = true;
            if (CountDigits(number_text) > 0)
                last_why = fmt::format("too few digits ({})", CountDigits(number_text));
            continue;
        }
        // Text before the number ("тел.:", "моб") is a label, not part of it.
        size_t begin = number_text.find_first_of("+0123456789");
        if (begin > 0) text_ignored = true;
        number_text = number_text.substr(begin);
        Number number = state_->ParseOne(number_text, default_country_);
        if (!number.valid) {
            last_why = number.why_invalid;
            text_ignored = true;
            continue;
        }
        std::string e164 = E164(number);
        if (std::find(result.all.begin(), result.all.end(), e164) != result.all.end()) continue;
        result.all.push_back(std::move(e164));
        if (result.all.size() == 1) {
            first = number;
            first_extension = std::move(extension);
        }
    }

    if (result.all.empty()) {
        result.qc = Quality::kJunk;
        result.reason = last_why.empty() ? "not a phone number" : "not a valid number: " + last_why;
        return result;
    }
    result.e164 = result.all.front();
    result.extension = std::move(first_extension);
    result.type = first.type;
    result.country = first.region_code;
    if (result.all.size() > 1) {
        result.qc = Quality::kSeveral;
        result.reason =
            fmt::format("{} numbers in one field; the first is used", result.all.size());
    } else {
        SetQuality(first, text_ignored, &result);
    }
    if (enrich) Enrich(first, &result);
    if (result.qc != Quality::kSeveral) result.all.clear();
    return result;
}

void Cleaner::Enrich(const Number& number, CleanResult* result) const {
    if (number.country_code == 7 && number.national / 1000000000 == 9) {
        if (auto entry = plan_.Find(number.national)) {
            result->region = std::string(entry->region);
            result->operator_name = std::string(entry->operator_name);
            result->utc_offset_minutes = entry->utc_offset_minutes;
            result->timezone = std::string(entry->timezone);
            return;
        }
    }
    // A Russian mobile outside the plan: libphonenumber's geocoder names only
    // the country for mobiles here (they are not geographical), which says
    // nothing, so it is not asked.
    if (number.country_code == 7 && result->country == "RU" && number.type == LineType::kMobile) {
        return;
    }
    pn::PhoneNumber n;
    n.set_country_code(static_cast<int>(number.country_code));
    n.set_national_number(number.national);
    // Leading zeros of the national number (Italy's 06 for Rome) are not in
    // the integer; the geocoder needs them to find the area.
    std::string_view national = result->e164;
    national.remove_prefix(1 + std::to_string(number.country_code).size());
    size_t zeros = national.find_first_not_of('0');
    if (zeros != 0 && zeros != std::string_view::npos) {
        n.set_italian_leading_zero(true);
        if (zeros > 1) n.set_number_of_leading_zeros(static_cast<int>(zeros));
    }
    // A landline's type is already known (from the prefix table or
    // libphonenumber), so the geocoder is asked for its area directly:
    // GetDescriptionForNumber would work the type out again, which costs as
    // much as the rest of the cleaning. Other types take the full call.
    std::string where = number.type == LineType::kFixed
                            ? state_->geocoder.GetDescriptionForValidNumber(n, state_->russian)
                            : state_->geocoder.GetDescriptionForNumber(n, state_->russian);
    if (number.country_code == 7 && result->country == "RU") {
        if (where == "Россия") where.clear();  // the geocoder knows only the country
        if (auto zone = plan_.ZoneOfRegion(where); zone && !where.empty()) {
            result->utc_offset_minutes = zone->utc_offset_minutes;
            result->timezone = std::string(zone->timezone);
        }
    }
    result->region = std::move(where);
}

std::string ToJson(const CleanResult& r) {
    nlohmann::ordered_json j;  // keys in the documented order, input first
    j["input"] = r.input;
    j["e164"] = r.e164.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.e164);
    j["extension"] = r.extension.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.extension);
    j["type"] = std::string(LineTypeName(r.type));
    j["country"] = r.country.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.country);
    j["region"] = r.region.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.region);
    j["operator"] =
        r.operator_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.operator_name);
    if (r.utc_offset_minutes) {
        if (*r.utc_offset_minutes % 60 == 0)
            j["utc_offset"] = *r.utc_offset_minutes / 60;
        else
            j["utc_offset"] = *r.utc_offset_minutes / 60.0;
    } else {
        j["utc_offset"] = nullptr;
    }
    j["timezone"] = r.timezone.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.timezone);
    j["qc"] = static_cast<int>(r.qc);
    if (r.qc != Quality::kSure) j["reason"] = r.reason;
    if (r.qc == Quality::kSeveral) j["all"] = r.all;
    // ordered_json: JsonText's nlohmann::json would sort the keys.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace callbase::phone
