// Search as people type it (issue 18) on a plain SQLite base, against the
// best plain SQL without the search keys, in the same run. Cases:
//   name~       two words of a contact's name, first name first, lower case,
//               every е written ё ("ксёния борисова" for «Борисова Ксения»):
//               contact_words, one index range a word;
//   phone~4567, phone~34567, phone~1234567: the last 4, 5 and 7 digits of a
//               contact's number: phones.tail_key, one index range.
// Each search is what `contacts find` and GET /api/v1/contacts run: the first
// 50 and the count (ContactBook::Search). Its time is measured alone; the
// report gives p50 and p99 over the queries and how many contacts they found.
// The alternative is the plain SQL a base without the keys runs for the same
// question: name LIKE '%Word%' for each word as the base spells it (given
// the capital letters and ё the search was typed without, which SQLite's LIKE
// cannot fold) and e164 LIKE '%digits', the same 50 and
// count; it reads every contact, so it gets a tenth of the queries.
// Times are wall time and, beside it, the thread's CPU time: on a machine
// shared with other work the wall time holds the waits for a core, which the
// CPU time does not.
// Usage: bench_search DB [--queries N]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "contacts/contact_book.h"
#include "contacts/filter.h"
#include "contacts/text.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "store/store.h"

namespace cb = callbase;

namespace {

[[noreturn]] void Die(const std::string& what) {
    fmt::print(stderr, "bench_search: {}\n", what);
    std::exit(1);
}

struct Stats {
    double p50 = 0, p99 = 0;          // wall, milliseconds
    double cpu_p50 = 0, cpu_p99 = 0;  // the thread's CPU time, milliseconds
    int64_t found = 0;                // contacts counted, over all queries
};

double Quantile(std::vector<double> ms, double q) {
    std::sort(ms.begin(), ms.end());
    size_t i = static_cast<size_t>(q * static_cast<double>(ms.size() - 1) + 0.5);
    return ms[std::min(i, ms.size() - 1)];
}

Stats Summarize(const std::vector<double>& wall, const std::vector<double>& cpu, int64_t found) {
    return {Quantile(wall, 0.5), Quantile(wall, 0.99), Quantile(cpu, 0.5), Quantile(cpu, 0.99),
            found};
}

double CpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Times one query: wall and CPU milliseconds into the two lists.
class Timer {
public:
    Timer() : start_(std::chrono::steady_clock::now()), cpu_(CpuMs()) {}
    void Stop(std::vector<double>* wall, std::vector<double>* cpu) const {
        wall->push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                .count());
        cpu->push_back(CpuMs() - cpu_);
    }

private:
    std::chrono::steady_clock::time_point start_;
    double cpu_;
};

// callbase: the filter as `contacts find` runs it.
Stats Ours(cb::contacts::ContactBook& book, const std::string& key,
           const std::vector<std::string>& values) {
    std::vector<double> wall, cpu;
    int64_t found = 0;
    for (const auto& v : values) {
        Timer timer;
        cb::contacts::Filter f;
        f.terms.push_back({key, "~", v});
        auto page = book.Search(f, 50);
        if (!page) Die(page.error().message);
        timer.Stop(&wall, &cpu);
        found += page->total;
    }
    return Summarize(wall, cpu, found);
}

// The plain SQL: a WHERE over contacts c, its parameters made from the value.
Stats Plain(cb::store::Store& db, const std::string& where,
            const std::vector<std::vector<cb::store::Value>>& params) {
    std::vector<double> wall, cpu;
    int64_t found = 0;
    for (const auto& p : params) {
        Timer timer;
        auto rows = db.Query(fmt::format("SELECT c.id FROM contacts c WHERE {} ORDER BY "
                                         "c.created_at DESC, c.id DESC LIMIT 50",
                                         where),
                             p);
        if (!rows) Die(rows.error().message);
        auto total = db.Query(fmt::format("SELECT COUNT(*) FROM contacts c WHERE {}", where), p);
        if (!total) Die(total.error().message);
        timer.Stop(&wall, &cpu);
        found += total->front().Int(0);
    }
    return Summarize(wall, cpu, found);
}

// "Ксения" -> "ксёния": lower case, every е written ё.
std::string Typed(std::string_view word) {
    std::string out;
    for (char32_t c : cb::DecodeUtf8(cb::contacts::FoldCase(word)))
        cb::AppendUtf8(out, c == U'е' ? U'ё' : c);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) Die("usage: DB [--queries N]");
    int queries = 500;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "--queries") {
            queries = std::atoi(argv[i + 1]);
        } else {
            Die(fmt::format("unknown option {}", argv[i]));
        }
    }
    auto db = cb::store::Open(argv[1]);
    if (!db) Die(db.error().message);
    auto count = (*db)->Query("SELECT COUNT(*), MAX(id) FROM contacts");
    if (!count) Die(count.error().message);
    const int64_t contacts = count->front().Int(0), max_id = count->front().Int(1);
    if (contacts == 0) Die("the base has no contacts");

    // The queries: contacts picked at random, with a name of two words and a
    // cleaned number.
    std::mt19937_64 rng(7);
    std::vector<std::string> names;
    std::vector<std::pair<std::string, std::string>> as_stored;  // for the plain LIKE
    std::vector<std::vector<std::string>> tails(3);
    const size_t tail_digits[] = {4, 5, 7};
    for (int tries = 0; static_cast<int>(names.size()) < queries && tries < queries * 20; ++tries) {
        auto row = (*db)->Query(
            "SELECT c.name, p.e164 FROM contacts c JOIN phones p ON p.contact_id = c.id "
            "WHERE c.id = $1 AND p.e164 LIKE '+%' LIMIT 1",
            {static_cast<int64_t>(rng() % static_cast<uint64_t>(max_id)) + 1});
        if (!row) Die(row.error().message);
        if (row->empty()) continue;
        auto words = cb::contacts::SearchWords(row->front().Text(0));
        const std::string e164 = row->front().Text(1);
        if (words.size() < 2 || e164.size() < 8) continue;
        // Surname first in the base: the search types the first name first.
        names.push_back(Typed(words[1]) + " " + Typed(words[0]));
        const std::string name = row->front().Text(0);
        const size_t space = name.find(' ');
        const size_t end = name.find(' ', space + 1);
        as_stored.emplace_back(name.substr(0, space), name.substr(space + 1, end - space - 1));
        for (size_t k = 0; k < 3; ++k)
            tails[k].push_back(e164.substr(e164.size() - tail_digits[k]));
    }
    if (names.empty()) Die("no contact with a two-word name and a number");

    cb::SystemClock clock;
    cb::contacts::ContactBook book(**db, clock, "bench");
    const size_t plain_queries = std::max<size_t>(1, names.size() / 10);
    fmt::print("search in {} contacts: {} queries a case ({} for the plain SQL)\n", contacts,
               names.size(), plain_queries);
    fmt::print("  {:14} {:>17} {:>17} {:>8}   {:>17} {:>17} {:>8}   {}\n", "case",
               "p50 ms wall/cpu", "p99 ms wall/cpu", "found", "plain p50", "plain p99", "found",
               "p50 ratio wall/cpu");

    auto report = [&](const std::string& label, const Stats& ours, size_t ours_n,
                      const Stats& plain, size_t plain_n) {
        fmt::print(
            "  {:14} {:8.2f}/{:<8.2f} {:8.2f}/{:<8.2f} {:8.1f}   {:8.1f}/{:<8.1f} {:8.1f}/{:<8.1f} "
            "{:8.1f}   {:.0f}x/{:.0f}x\n",
            label, ours.p50, ours.cpu_p50, ours.p99, ours.cpu_p99,
            static_cast<double>(ours.found) / static_cast<double>(ours_n), plain.p50, plain.cpu_p50,
            plain.p99, plain.cpu_p99,
            static_cast<double>(plain.found) / static_cast<double>(plain_n), plain.p50 / ours.p50,
            plain.cpu_p50 / ours.cpu_p50);
    };

    // Names.
    {
        Stats ours = Ours(book, "name", names);
        std::vector<std::vector<cb::store::Value>> params;
        for (size_t i = 0; i < plain_queries; ++i) {
            params.push_back({"%" + as_stored[i].second + "%", "%" + as_stored[i].first + "%"});
        }
        Stats plain =
            Plain(**db, "c.merged_into IS NULL AND c.name LIKE $1 AND c.name LIKE $2", params);
        report("name~ 2 words", ours, names.size(), plain, plain_queries);
    }
    // Number endings.
    for (size_t k = 0; k < 3; ++k) {
        Stats ours = Ours(book, "phone", tails[k]);
        std::vector<std::vector<cb::store::Value>> params;
        for (size_t i = 0; i < plain_queries; ++i)
            params.push_back({"%" + tails[k][i]});
        Stats plain = Plain(**db,
                            "c.merged_into IS NULL AND c.id IN (SELECT ph.contact_id FROM "
                            "phones ph WHERE ph.e164 LIKE $1)",
                            params);
        report(fmt::format("phone~ {} dig", tail_digits[k]), ours, tails[k].size(), plain,
               plain_queries);
    }
    fmt::print("  (found: contacts counted a query, on average)\n");
}
