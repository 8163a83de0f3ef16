#include "contacts/filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>

#include "contacts/contact_book.h"
#include "contacts/field_registry.h"
#include "contacts/status.h"
#include "contacts/text.h"
#include "core/text_limits.h"
#include "phone/clean.h"

namespace callbase::contacts {
namespace {

constexpr int64_t kDay = 86400;

constexpr Msg kUnknownKey = Msg{"filter.unknown_key", "filter '{term}': unknown key '{key}'",
                                "the keys are status, tag, region, source, email, phone, name, "
                                "added, idle and field:NAME"};

bool IsOpChar(char c) {
    return c == '=' || c == '!' || c == '~' || c == '<' || c == '>';
}

// A term that cannot be read: `msg` names it as {term}.
Error BadTerm(std::string_view expr, Msg msg, MessageParams params = {}) {
    params.emplace_back("term", std::string(expr));
    return Coded(ErrorCode::kInvalidInput, msg, std::move(params));
}

// The first `bytes` of `text`, not cutting a UTF-8 character.
std::string_view Head(std::string_view text, size_t bytes) {
    if (text.size() <= bytes) return text;
    while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80)
        --bytes;
    return text.substr(0, bytes);
}

}  // namespace

std::optional<std::string> PhoneTail(std::string_view value) {
    std::string digits;
    for (char c : value) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
            return std::nullopt;
        }
    }
    if (digits.size() < kMinPhoneTailDigits || digits.size() > kMaxPhoneTailDigits) {
        return std::nullopt;
    }
    return digits;
}

namespace {

bool OpAllowed(std::string_view key, std::string_view op) {
    if (key == "phone") return op == "=" || op == "!=" || op == "~";
    if (key == "status" || key == "tag") return op == "=" || op == "!=";
    if (key == "name" || key == "region" || key == "source" || key == "email") {
        return op == "=" || op == "!=" || op == "~";
    }
    return true;  // added, idle, field:...
}

// Builds the SQL of one filter while numbering parameters.
class SqlBuilder {
public:
    explicit SqlBuilder(int first) : next_(first) {}

    std::string Bind(store::Value v) {
        params_.push_back(std::move(v));
        return fmt::format("${}", next_++);
    }

    // Case-insensitive substring match of `column` against `needle`. The needle is
    // folded here; LOWER() folds ASCII on both backends and Cyrillic on PostgreSQL;
    // for SQLite (ASCII-only LOWER) the capitalized and upper-case spellings of the
    // needle are tried too, which covers how names and regions are written.
    std::string Contains(std::string_view column, std::string_view needle) {
        std::array<std::string, 3> variants{FoldCase(needle), TitleCase(needle), UpperCase(needle)};
        std::vector<std::string> parts;
        for (size_t i = 0; i < variants.size(); ++i) {
            if (i > 0 && variants[i] == variants[0]) continue;
            if (i == 2 && variants[2] == variants[1]) continue;
            std::string v = FoldAscii(variants[i]);
            parts.push_back(fmt::format("LOWER({}) LIKE {} ESCAPE '\\'", column,
                                        Bind("%" + EscapeLike(v) + "%")));
        }
        return parts.size() == 1 ? parts[0]
                                 : "(" + fmt::format("{}", fmt::join(parts, " OR ")) + ")";
    }

    // Case-insensitive equality, with the same spelling variants as Contains().
    std::string Equals(std::string_view column, std::string_view value) {
        std::string folded = FoldCase(value);
        std::string cap =
            UpperCase(folded.substr(0, FirstCharLen(folded))) + folded.substr(FirstCharLen(folded));
        std::vector<std::string> variants{FoldAscii(std::string(value)), FoldAscii(folded),
                                          FoldAscii(cap), FoldAscii(UpperCase(value))};
        std::vector<std::string> seen, binds;
        for (auto& v : variants) {
            if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
            seen.push_back(v);
            binds.push_back(Bind(v));
        }
        return fmt::format("LOWER({}) IN ({})", column, fmt::join(binds, ", "));
    }

    std::vector<store::Value> TakeParams() { return std::move(params_); }

private:
    static std::string EscapeLike(std::string_view s) {
        std::string out;
        for (char c : s) {
            if (c == '%' || c == '_' || c == '\\') out += '\\';
            out += c;
        }
        return out;
    }
    static size_t FirstCharLen(std::string_view s) {
        if (s.empty()) return 0;
        auto c = static_cast<unsigned char>(s[0]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        return std::min(n, s.size());
    }
    static std::string FoldAscii(std::string s) {
        for (char& c : s) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return s;
    }

    int next_;
    std::vector<store::Value> params_;
};

std::string Negate(std::string_view op) {
    return op == "!=" ? "NOT " : "";
}

// Appended to a word, the end of the range of the words that start with it:
// U+10FFFF sorts after any character that may follow.
constexpr std::string_view kAfterEveryWord = "\xF4\x8F\xBF\xBF";

// How many words of a name each word of a search needs (see NameSql): 1 for
// a whole word; for a prefix, 1 and one more for every other word given that
// starts with it (`иван иванов`: two for «иван», one for «иванов»).
std::vector<int64_t> WordsNeeded(const std::vector<std::string>& words, bool prefix) {
    std::vector<int64_t> needed(words.size(), 1);
    if (!prefix) return needed;
    for (size_t i = 0; i < words.size(); ++i)
        for (size_t j = 0; j < words.size(); ++j)
            if (j != i && words[j].starts_with(words[i])) ++needed[i];
    return needed;
}

// name=… / name~…: every word of the value, in any order, through the index
// of contact_words (migration 017), one range of it a word. On a plain base
// `~` takes each word as the start of a word of the name (борисова ксен finds
// Ксения Борисова) and `=` as a whole word; on an encrypted base both take
// whole words, by their blind indexes. The words typed are as many words of
// the name: `иван иванов` finds Иванов Иван and Иванова Анна Ивановна, not
// every Иванов, and `александр александров` the few named so twice, not the
// 67,000 whose patronymic is Александрович (1,000,000 generated contacts).
// Two words of a prefix search can meet in one word of the name only when one
// starts the other, so a word needs as many words of the name starting with
// it as there are words typed that start with it (WordsNeeded); the ranges
// nest or are disjoint, which makes that enough. With `names` (a search
// screen) the ids are read and intersected in memory and written into the
// SQL; without, or beyond NameIds::kMaxIds, the SQL intersects the ranges.
// Reading one range and seeking each of its contacts in an index by
// (contact_id, word) for the other words was measured too, and was slower on
// 1,000,000 contacts: random seeks against sequential ranges
// (docs/performance.md).
Result<std::string> NameSql(const FilterTerm& t, const store::Cipher* cipher, SqlBuilder& b,
                            NameIds* names) {
    std::vector<std::string> words = SearchWords(t.value);
    if (words.empty()) {
        return std::unexpected(BadTerm(
            t.key + t.op + t.value,
            Msg{"filter.name_no_letters", "filter '{term}': the name has no letter or digit",
                "write a part of the name, e.g. name~иван"}));
    }
    const bool prefix = !cipher && t.op == "~";
    if (cipher) {
        std::vector<std::string> keys;
        for (int64_t key : cipher->WordKeys(fmt::format("{}", fmt::join(words, " ")))) {
            std::string term = NameWordKey(key);  // " key "
            keys.push_back(term.substr(1, term.size() - 2));
        }
        words = std::move(keys);
    }
    if (names && words.size() > 1) {
        auto ids = names->Find(words, prefix);
        if (!ids) return std::unexpected(ids.error());
        if (*ids) {
            const bool negate = t.op == "!=";
            if ((*ids)->empty()) return negate ? "1=1" : "0=1";
            return fmt::format("{}c.id IN ({})", Negate(t.op), fmt::join(**ids, ","));
        }
    }
    const std::vector<int64_t> needed = WordsNeeded(words, prefix);
    std::vector<std::string> selects;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        // Every word that starts with it: bytes compare (COLLATE "C" on
        // PostgreSQL) and U+10FFFF sorts after any character that may follow.
        std::string select =
            prefix ? fmt::format(
                         "SELECT w.contact_id FROM contact_words w WHERE w.word >= {} "
                         "AND w.word < {}",
                         b.Bind(word), b.Bind(word + std::string(kAfterEveryWord)))
                   : fmt::format("SELECT w.contact_id FROM contact_words w WHERE w.word = {}",
                                 b.Bind(word));
        if (needed[i] > 1) {
            select += fmt::format(" GROUP BY w.contact_id HAVING COUNT(*) >= {}", needed[i]);
        }
        selects.push_back(std::move(select));
    }
    return fmt::format("{}c.id IN ({})", Negate(t.op), fmt::join(selects, " INTERSECT "));
}

// phone~DIGITS: the numbers that end with these 4..7 digits, through the
// index of phones.tail_key (the last seven digits backwards, as an integer:
// the last N digits are one range of it). An encrypted base holds no digit of
// a number in clear, nor a key of a part of one: refused, and said so.
Result<std::string> PhoneTailSql(const FilterTerm& t, const store::Cipher* cipher, SqlBuilder& b) {
    if (cipher) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"filter.sealed_phone_part",
                        "filter 'phone~{value}': on an encrypted base a number is found only whole",
                        "give the whole number in any spelling, e.g. phone=8 916 123-45-67"},
                    {{"value", t.value}});
    }
    std::string reversed(t.value.rbegin(), t.value.rend());
    std::string low = reversed + std::string(kMaxPhoneTailDigits - reversed.size(), '0');
    std::string high = reversed + std::string(kMaxPhoneTailDigits - reversed.size(), '9');
    return fmt::format(
        "c.id IN (SELECT ph.contact_id FROM phones ph WHERE ph.tail_key >= {} AND "
        "ph.tail_key <= {})",
        b.Bind(std::stoll(low)), b.Bind(std::stoll(high)));
}

// email=… / email~… on an encrypted base: the whole address, whatever its
// case, through its blind index (contacts.email_key). `~` takes a whole
// address too; a part of one cannot be found in a sealed e-mail, which is
// said rather than answered with nothing.
Result<std::string> SealedEmailSql(const FilterTerm& t, const store::Cipher& cipher,
                                   SqlBuilder& b) {
    if (t.op == "~" && t.value.find('@') == std::string::npos) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"filter.sealed_email_part",
                "filter 'email~{value}': on an encrypted base an e-mail is found only whole",
                "give the whole address, e.g. email=ivan@example.ru (any case)"},
            {{"value", t.value}});
    }
    std::string key = EmailKey(&cipher, t.value);
    // `email_key <> ''` lets SQLite use the partial index contacts_email_key.
    if (t.op == "!=") return fmt::format("c.email_key <> {}", b.Bind(key));
    return fmt::format("(c.email_key <> '' AND c.email_key = {})", b.Bind(key));
}

Result<std::string> TermSql(const FilterTerm& t, int64_t now, SqlBuilder& b,
                            const store::Cipher* cipher, NameIds* names) {
    const std::string& op = t.op;
    if (t.key == "status") {
        return fmt::format("c.status {} {}", op == "!=" ? "<>" : "=", b.Bind(t.value));
    }
    if (t.key == "tag") {
        return fmt::format(
            "{}EXISTS (SELECT 1 FROM contact_tags ct JOIN tags tg ON tg.id = ct.tag_id "
            "WHERE ct.contact_id = c.id AND {})",
            Negate(op), b.Equals("tg.name", t.value));
    }
    if (t.key == "phone" && op == "~") return PhoneTailSql(t, cipher, b);
    if (t.key == "phone") {
        return fmt::format(
            // IN, not a correlated EXISTS: the planner starts from the
            // phones_e164 index instead of probing every contact.
            "{}c.id IN (SELECT ph.contact_id FROM phones ph WHERE ph.e164 = {})", Negate(op),
            b.Bind(cipher ? cipher->SealFindable(t.value, store::kPhoneDomain) : t.value));
    }
    if (t.key == "name") return NameSql(t, cipher, b, names);
    if (t.key == "email" && cipher) return SealedEmailSql(t, *cipher, b);
    if (t.key == "email" && op != "~") {
        // An address is the same whatever its case: email= on a plain base
        // finds what it finds on an encrypted one.
        return fmt::format("{}({})", Negate(op), b.Equals("c.email", t.value));
    }
    if (t.key == "name" || t.key == "region" || t.key == "source" || t.key == "email") {
        std::string column = "c." + t.key;
        if (op == "~") return b.Contains(column, t.value);
        return fmt::format("{} {} {}", column, op == "!=" ? "<>" : "=", b.Bind(t.value));
    }
    if (t.key == "added") {
        int64_t day = DateToUnix(t.value);
        // A date means the whole day: added<=D includes D, added>D starts the day after.
        if (op == "=") {
            return fmt::format("(c.created_at >= {} AND c.created_at < {})", b.Bind(day),
                               b.Bind(day + kDay));
        }
        if (op == "!=") {
            return fmt::format("(c.created_at < {} OR c.created_at >= {})", b.Bind(day),
                               b.Bind(day + kDay));
        }
        if (op == ">=") return fmt::format("c.created_at >= {}", b.Bind(day));
        if (op == ">") return fmt::format("c.created_at >= {}", b.Bind(day + kDay));
        if (op == "<=") return fmt::format("c.created_at < {}", b.Bind(day + kDay));
        if (op == "<") return fmt::format("c.created_at < {}", b.Bind(day));
    }
    if (t.key == "idle") {
        // Whole days since the last interaction (or since the contact was added).
        int64_t days = std::stoll(t.value);
        std::string last = "COALESCE(c.last_interaction_at, c.created_at)";
        int64_t edge = now - days * kDay;  // last <= edge  <=>  idle >= days
        if (op == ">=") return fmt::format("{} <= {}", last, b.Bind(edge));
        if (op == ">") return fmt::format("{} <= {}", last, b.Bind(edge - kDay));
        if (op == "<=") return fmt::format("{} > {}", last, b.Bind(edge - kDay));
        if (op == "<") return fmt::format("{} > {}", last, b.Bind(edge));
        if (op == "=") {
            return fmt::format("({} <= {} AND {} > {})", last, b.Bind(edge), last,
                               b.Bind(edge - kDay));
        }
        if (op == "!=") {
            return fmt::format("({} > {} OR {} <= {})", last, b.Bind(edge), last,
                               b.Bind(edge - kDay));
        }
    }
    if (t.key.starts_with("field:")) {
        std::string field = t.key.substr(6);
        std::string head = fmt::format(
            "EXISTS (SELECT 1 FROM field_values fv JOIN field_defs fd ON fd.id = fv.field_id "
            "WHERE fv.contact_id = c.id AND {} AND ",
            b.Equals("fd.name", field));
        if (op == "~") return head + b.Contains("fv.value", t.value) + ")";
        bool negate = op == "!=";
        std::string sql_op = negate ? "=" : op;
        std::string cond;
        if (auto number = NormalizeNumber(t.value)) {
            // CASE keeps PostgreSQL from casting the values of text fields.
            cond = fmt::format(
                "((fd.type = 'number' AND CASE WHEN fd.type = 'number' THEN "
                "CAST(fv.value AS DOUBLE PRECISION) END {} {}) OR "
                "(fd.type <> 'number' AND fv.value {} {}))",
                sql_op, b.Bind(std::stod(*number)), sql_op, b.Bind(t.value));
        } else if (auto date = NormalizeDate(t.value)) {
            cond = fmt::format("fv.value {} {}", sql_op, b.Bind(*date));
        } else {
            cond = sql_op == "=" ? b.Equals("fv.value", t.value)
                                 : fmt::format("fv.value {} {}", sql_op, b.Bind(t.value));
        }
        return (negate ? "NOT " : "") + head + cond + ")";
    }
    return std::unexpected(BadTerm(t.key + t.op + t.value, kUnknownKey, {{"key", t.key}}));
}

}  // namespace

Result<Filter> ParseFilter(const std::vector<std::string>& expressions,
                           const phone::Cleaner& cleaner) {
    Filter filter;
    if (expressions.size() > kMaxFilterTerms) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"filter.too_many_terms",
                        "the filter has {count} terms; one search takes at most {max}",
                        "narrow the search in steps (status, tag, region first)"},
                    {{"count", std::to_string(expressions.size())},
                     {"max", std::to_string(kMaxFilterTerms)}});
    }
    size_t contains = 0;
    for (const auto& expr : expressions) {
        size_t pos = 0;
        while (pos < expr.size() && !IsOpChar(expr[pos]))
            ++pos;
        if (pos == expr.size()) {
            return std::unexpected(
                BadTerm(expr, Msg{"filter.no_operator", "filter '{term}': no operator",
                                  "write KEY OP VALUE, e.g. status=new, name~иван, idle>=90"}));
        }
        size_t op_len = pos + 1 < expr.size() && expr[pos + 1] == '=' &&
                                (expr[pos] == '!' || expr[pos] == '<' || expr[pos] == '>')
                            ? 2
                            : 1;
        FilterTerm term{FoldCase(Trim(expr.substr(0, pos))), expr.substr(pos, op_len),
                        Trim(expr.substr(pos + op_len))};
        if (term.op == "!") {
            return std::unexpected(
                BadTerm(expr, Msg{"filter.bang", "filter '{term}': '!' must be followed by '='",
                                  "write != for 'not equal', e.g. status!=refused"}));
        }
        if (term.key.starts_with("field:")) {
            // Keep the field name as written (it is compared case-insensitively).
            term.key = "field:" + Trim(Trim(expr.substr(0, pos)).substr(6));
            if (term.key.size() == 6) {
                return std::unexpected(
                    BadTerm(expr, Msg{"filter.no_field_name", "filter '{term}': field name missing",
                                      "write field:NAME OP VALUE, e.g. field:Сумма>=1000"}));
            }
        } else if (term.key != "status" && term.key != "tag" && term.key != "region" &&
                   term.key != "source" && term.key != "email" && term.key != "phone" &&
                   term.key != "name" && term.key != "added" && term.key != "idle") {
            return std::unexpected(
                BadTerm(expr, kUnknownKey, {{"key", Trim(expr.substr(0, pos))}}));
        }
        if (!OpAllowed(term.key, term.op)) {
            return std::unexpected(BadTerm(
                expr,
                Msg{"filter.bad_operator", "filter '{term}': '{op}' does not work with {key}",
                    "= and != work with every key, ~ with text, > < >= <= with dates, numbers "
                    "and idle"},
                {{"op", term.op}, {"key", term.key}}));
        }
        if (term.value.empty()) {
            return std::unexpected(
                BadTerm(expr, Msg{"filter.no_value", "filter '{term}': value missing",
                                  "write the value after the operator, e.g. region=Москва"}));
        }
        if (CharCount(term.value) > kMaxFilterValueChars) {
            return std::unexpected(
                BadTerm(fmt::format("{}…", Head(expr, 40)),
                        Msg{"filter.value_too_long",
                            "filter '{term}': the value is longer than {max} characters",
                            "search for a shorter part of it"},
                        {{"max", std::to_string(kMaxFilterValueChars)}}));
        }
        if (term.op == "~" && ++contains > kMaxContainsTerms) {
            return std::unexpected(BadTerm(
                expr,
                Msg{"filter.too_many_contains",
                    "filter '{term}': one search takes at most {max} '~' terms (each reads every "
                    "contact)",
                    "use '=' where the whole value is known, or narrow the search in steps"},
                {{"max", std::to_string(kMaxContainsTerms)}}));
        }
        if (term.key == "status") {
            auto status = ParseStatus(term.value);
            if (!status) {
                return std::unexpected(BadTerm(
                    expr,
                    Msg{"filter.unknown_status", "filter '{term}': there is no status '{value}'",
                        "the statuses are new, in_progress, callback, decided, refused and "
                        "inactive (in Russian as well: новый, перезвонить, …)"},
                    {{"value", term.value}}));
            }
            term.value = std::string(StatusId(*status));
        } else if (term.key == "phone" && term.op == "~") {
            auto digits = PhoneTail(term.value);
            if (!digits) {
                return std::unexpected(
                    BadTerm(expr,
                            Msg{"filter.phone_tail",
                                "filter '{term}': phone~ takes the last {min} to {max} "
                                "digits of a number",
                                "e.g. phone~4567 or phone~123-45-67; for a whole number write "
                                "phone=8 916 123-45-67"},
                            {{"min", std::to_string(kMinPhoneTailDigits)},
                             {"max", std::to_string(kMaxPhoneTailDigits)}}));
            }
            term.value = *digits;
        } else if (term.key == "phone") {
            auto cleaned = cleaner.Clean(term.value);
            if (!cleaned.valid()) {
                return std::unexpected(BadTerm(
                    expr, Msg{"filter.not_phone", "filter '{term}': not a phone number",
                              "write the number in any usual form, e.g. phone=8 916 123-45-67"}));
            }
            term.value = cleaned.e164;
        } else if (term.key == "added") {
            auto date = NormalizeDate(term.value);
            if (!date) {
                return std::unexpected(
                    BadTerm(expr, Msg{"filter.bad_date",
                                      "filter '{term}': the date must be YYYY-MM-DD or DD.MM.YYYY",
                                      "e.g. added>=01.09.2026"}));
            }
            term.value = *date;
        } else if (term.key == "idle") {
            bool digits = term.value.size() <= 6;
            for (char c : term.value)
                digits = digits && c >= '0' && c <= '9';
            if (!digits) {
                return std::unexpected(BadTerm(
                    expr, Msg{"filter.idle_days", "filter '{term}': idle takes a number of days",
                              "e.g. idle>=90: no call for 90 days or more"}));
            }
        }
        filter.terms.push_back(std::move(term));
    }
    return filter;
}

Result<std::optional<std::vector<int64_t>>> NameIds::Find(const std::vector<std::string>& words,
                                                          bool prefix) {
    std::string key = fmt::format("{}{}", prefix ? '~' : '=', fmt::join(words, " "));
    if (auto known = found_.find(key); known != found_.end()) return known->second;
    const std::vector<int64_t> needed = WordsNeeded(words, prefix);
    // The contacts still in, a bit an id. A range is sorted by word, then
    // id (a run of ascending ids a word): no range is sorted, each is checked
    // against these bits, and the ids come out of them ascending.
    std::vector<uint64_t> in;
    std::vector<int64_t> range;
    for (size_t i = 0; i < words.size(); ++i) {
        range.clear();
        auto ok = store_.ForEach(
            prefix ? "SELECT contact_id FROM contact_words WHERE word >= $1 AND word < $2"
                   : "SELECT contact_id FROM contact_words WHERE word = $1",
            prefix ? std::vector<store::Value>{words[i], words[i] + std::string(kAfterEveryWord)}
                   : std::vector<store::Value>{words[i]},
            [&](const store::Row& r) {
                if (int64_t id = r.Int(0); id >= 0) range.push_back(id);
                return true;
            });
        if (!ok) return std::unexpected(ok.error());
        if (needed[i] > 1) {
            // A contact is there once for every word of its name in the
            // range; it stays when that is as many as the word needs.
            std::sort(range.begin(), range.end());
            size_t kept = 0;
            for (size_t at = 0; at < range.size();) {
                size_t run = at;
                while (run < range.size() && range[run] == range[at])
                    ++run;
                if (static_cast<int64_t>(run - at) >= needed[i]) range[kept++] = range[at];
                at = run;
            }
            range.resize(kept);
        }
        if (i == 0) {
            int64_t top = -1;
            for (int64_t id : range)
                top = std::max(top, id);
            in.assign(static_cast<size_t>(top / 64 + 1), 0);
            for (int64_t id : range)
                in[static_cast<size_t>(id / 64)] |= uint64_t{1} << (id % 64);
        } else {
            std::vector<uint64_t> both(in.size(), 0);
            for (int64_t id : range) {
                const size_t at = static_cast<size_t>(id / 64);
                const uint64_t bit = uint64_t{1} << (id % 64);
                if (at < in.size() && (in[at] & bit)) both[at] |= bit;
            }
            in.swap(both);
        }
    }
    std::vector<int64_t> found;
    for (size_t at = 0; at < in.size(); ++at) {
        for (uint64_t bits = in[at]; bits != 0; bits &= bits - 1) {
            found.push_back(static_cast<int64_t>(at * 64) + std::countr_zero(bits));
        }
    }
    std::optional<std::vector<int64_t>> out;
    if (found.size() <= kMaxIds) out = std::move(found);
    found_.emplace(std::move(key), out);
    return out;
}

Result<SqlWhere> ToSql(const Filter& filter, int64_t now, int first_param,
                       const store::Cipher* cipher, NameIds* names) {
    SqlBuilder b(first_param);
    std::vector<std::string> parts;
    if (!filter.include_merged) parts.emplace_back("c.merged_into IS NULL");
    for (const auto& term : filter.terms) {
        auto sql = TermSql(term, now, b, cipher, names);
        if (!sql) return std::unexpected(sql.error());
        parts.push_back(std::move(*sql));
    }
    SqlWhere out;
    out.sql = parts.empty() ? "1=1" : fmt::format("{}", fmt::join(parts, " AND "));
    out.params = b.TakeParams();
    return out;
}

}  // namespace callbase::contacts
