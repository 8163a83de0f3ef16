// Contact filters: the one way every command (find, export, dedup, later
// campaigns' segments) selects contacts.
//
// A filter is parsed from expressions such as `status=new`, `tag=Дорого`,
// `region=Москва`, `source=site`, `phone=8 916 123-45-67` (any spelling: it is
// cleaned first), `phone~4567` (the last 4 to 7 digits), `name~борисова ксен`
// (every word starts a word of the name, a word of its own, any order, any
// case, ё = е),
// `field:Сумма>=1000`,
// `added>=2026-01-01`, `idle>=90` (days since the last interaction). All terms
// must hold (AND). Plain values; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::contacts {

struct FilterTerm {
    std::string key;    // status, tag, region, source, phone, name, added, idle, field:<name>
    std::string op;     // "=", "!=", "~", ">=", "<=", ">", "<"
    std::string value;  // as written; phone values are cleaned to E.164 when parsed
};

struct Filter {
    std::vector<FilterTerm> terms;
    bool include_merged = false;  // contacts merged into another are hidden unless asked
};

// What one search may cost: every filter is refused beyond these, with a
// message naming the term. A term is a condition the base checks for every
// contact, and a `~` term a scan of a column per contact (three spellings of
// the value on SQLite); more terms than a person writes are a script probing
// the base (issue 17: masked numbers were rebuilt from batches of terms).
inline constexpr size_t kMaxFilterTerms = 20;
inline constexpr size_t kMaxContainsTerms = 4;
inline constexpr size_t kMaxFilterValueChars = 200;
// phone~DIGITS: how many of a number's last digits it takes.
inline constexpr size_t kMinPhoneTailDigits = 4;
inline constexpr size_t kMaxPhoneTailDigits = 7;

// The digits of a phone~ value ("123-45-67" -> "1234567"): when it is only
// digits and the usual separators (space - ( ) .) and has
// kMinPhoneTailDigits..kMaxPhoneTailDigits digits; otherwise none.
std::optional<std::string> PhoneTail(std::string_view value);

// Parses expressions like "status=new". Errors name the expression and list the
// keys and operators that are accepted. A phone value that cannot be cleaned is
// an error ("phone=123: not a phone number"); so are more terms, `~` terms or
// longer values than the limits above.
Result<Filter> ParseFilter(const std::vector<std::string>& expressions,
                           const phone::Cleaner& cleaner);

// A WHERE clause over `contacts c` (without the word WHERE; "1=1" when empty)
// and its parameters, numbered from first_param ($N), for portable SQL.
struct SqlWhere {
    std::string sql;
    std::vector<store::Value> params;
};
// A name is found by its words (contacts::SearchWords: any case, ё = е, any
// order) through the index of contact_words: name~… takes each word given as
// the start of a word of the name, name=… as a whole word. On an encrypted
// base (cipher given) a phone is compared in its sealed form and a name by the
// blind indexes of its words, whole, for both operators (a part of a word
// cannot be found in a sealed name); phone~ is refused there.
//
// A name term of two or more words is answered faster when `names` is given:
// the contacts with every word are read before the SQL is built, and the
// SQL names them (NameIds).
class NameIds;
Result<SqlWhere> ToSql(const Filter& filter, int64_t now, int first_param = 1,
                       const store::Cipher* cipher = nullptr, NameIds* names = nullptr);

// The contacts whose names hold every one of several words, read from
// contact_words one range a word, in index order, and intersected in memory.
// The SQL form of the same question (an INTERSECT of the ranges) makes SQLite
// sort each range into a temporary B-tree, and a common word's range holds
// tens of thousands of contacts (`петр` is also every Петров, Петрова,
// Петрович and Петровна): reading them is a few milliseconds, sorting them
// there ten times that (docs/performance.md). What one search found is kept
// for the next query of that search (the page and its count); a NameIds lives
// for one search, not across changes.
class NameIds {
public:
    // Beyond this many contacts the ids are not written into the SQL; the
    // INTERSECT answers.
    static constexpr size_t kMaxIds = 20000;

    explicit NameIds(store::Store& store) : store_(store) {}
    // The ids, ascending, of the contacts that have every word (`prefix`: a
    // word that starts with it); none when more than kMaxIds have them all.
    Result<std::optional<std::vector<int64_t>>> Find(const std::vector<std::string>& words,
                                                     bool prefix);

private:
    store::Store& store_;
    std::map<std::string, std::optional<std::vector<int64_t>>> found_;
};

}  // namespace callbase::contacts
