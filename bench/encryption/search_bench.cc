// Search on an encrypted base against the same base plain, in the same run:
// contacts found by phone (any number of the base) and by a word of the name,
// through ContactBook::Find as `callbase contacts find` calls it. The two
// bases hold the same contacts (bench/encryption/run.sh imports one file into
// both). Rounds are interleaved and the medians compared, since this
// machine's speed drifts from minute to minute.
// Name search scans the contacts on both bases (a plain base scans the names,
// an encrypted one name_words), so it gets fewer queries than phone search.
// Usage: bench_encryption_search PLAIN_DB SEALED_DB KEY_FILE [--queries N]
//        [--name-queries N] [--rounds R]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "contacts/contact_book.h"
#include "contacts/filter.h"
#include "contacts/text.h"
#include "core/clock.h"
#include "security/encryption.h"

namespace cb = callbase;

namespace {

[[noreturn]] void Die(const std::string& what) {
    fmt::print(stderr, "bench_encryption_search: {}\n", what);
    std::exit(1);
}

std::unique_ptr<cb::store::Store> OpenBase(const std::string& path, const std::string& key_file) {
    auto db = cb::store::Open(path);
    if (!db) Die(db.error().message);
    if (auto ok = cb::security::AttachCipher(**db, key_file); !ok) Die(ok.error().message);
    return std::move(*db);
}

// Microseconds per query for these terms, and how many contacts they found.
std::pair<double, int64_t> Time(cb::contacts::ContactBook& book, const std::string& key,
                                const std::vector<std::string>& values) {
    int64_t found = 0;
    auto start = std::chrono::steady_clock::now();
    for (const auto& v : values) {
        cb::contacts::Filter f;
        f.terms.push_back({key, key == "phone" ? "=" : "~", v});
        auto rows = book.Find(f, 50);
        if (!rows) Die(rows.error().message);
        found += static_cast<int64_t>(rows->size());
    }
    std::chrono::duration<double, std::micro> spent = std::chrono::steady_clock::now() - start;
    return {spent.count() / static_cast<double>(values.size()), found};
}

double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        Die("usage: PLAIN_DB SEALED_DB KEY_FILE [--queries N] [--name-queries N] [--rounds R]");
    }
    int queries = 2000, name_queries = 20, rounds = 5;
    for (int i = 4; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--queries") {
            queries = std::atoi(argv[i + 1]);
        } else if (flag == "--name-queries") {
            name_queries = std::atoi(argv[i + 1]);
        } else if (flag == "--rounds") {
            rounds = std::atoi(argv[i + 1]);
        } else {
            Die("unknown option " + flag);
        }
    }
    auto plain = OpenBase(argv[1], argv[3]);
    auto sealed = OpenBase(argv[2], argv[3]);
    if (plain->cipher() || !sealed->cipher())
        Die("give the plain base first, the encrypted second");

    // The queries: numbers and name words of the plain base, picked at random.
    std::vector<std::string> numbers, words;
    auto rows = plain->Query(
        "SELECT p.e164, c.name FROM phones p JOIN contacts c ON c.id = p.contact_id "
        "WHERE p.e164 <> '' AND c.name <> ''");
    if (!rows || rows->empty()) Die("the plain base has no contacts");
    std::mt19937_64 rng(7);
    for (int i = 0; i < queries; ++i) {
        const auto& r = (*rows)[rng() % rows->size()];
        numbers.push_back(r.Text(0));
        if (i >= name_queries) continue;
        std::string name = cb::contacts::FoldCase(r.Text(1));
        words.push_back(name.substr(0, name.find(' ')));  // the surname
    }
    cb::SystemClock clock;
    cb::contacts::ContactBook plain_book(*plain, clock, "bench");
    cb::contacts::ContactBook sealed_book(*sealed, clock, "bench");
    fmt::print(
        "search in {} phones of named contacts: {} phone and {} name queries a round, "
        "{} interleaved rounds\n",
        rows->size(), queries, name_queries, rounds);
    struct Kind {
        const char* label;
        const char* key;
        const std::vector<std::string>* values;
    };
    for (const Kind& k : {Kind{"phone=", "phone", &numbers}, Kind{"name~", "name", &words}}) {
        std::vector<double> p, s;
        int64_t found_p = 0, found_s = 0;
        for (int r = 0; r < rounds; ++r) {
            auto [tp, fp] = Time(plain_book, k.key, *k.values);
            auto [ts, fs] = Time(sealed_book, k.key, *k.values);
            p.push_back(tp);
            s.push_back(ts);
            found_p = fp;
            found_s = fs;
        }
        fmt::print(
            "  {:7} plain {:9.1f} µs/query ({} found), encrypted {:9.1f} µs/query ({} found): "
            "{:.2f}x\n",
            k.label, Median(p), found_p, Median(s), found_s, Median(s) / Median(p));
    }
}
