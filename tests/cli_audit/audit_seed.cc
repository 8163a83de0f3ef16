// Test-only: appends audit events to a database through security::AuditLog, so
// that tests/cli_audit can exercise `callbase audit` before the commands that
// write audit records exist. Reads tab-separated lines from stdin:
//   AT<TAB>ACTOR<TAB>ACTION<TAB>OBJECT<TAB>RECORDS<TAB>SOURCE[<TAB>DETAIL]
// AT is Unix seconds: the time the record gets. Prints each new id.
#include <fmt/format.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "security/audit.h"
#include "store/store.h"

int main(int argc, char** argv) {
    using namespace callbase;
    if (argc != 2) {
        fmt::print(stderr, "usage: audit_seed DATABASE_URL < events.tsv\n");
        return 2;
    }
    auto db = store::Open(argv[1]);
    if (!db) {
        fmt::print(stderr, "{}\n", Describe(db.error()));
        return 5;
    }
    FixedClock clock(0);
    security::AuditLog log(**db, clock);
    std::string line;
    int64_t number = 0;
    while (std::getline(std::cin, line)) {
        ++number;
        if (line.empty()) continue;
        std::vector<std::string> f;
        std::stringstream in(line);
        for (std::string cell; std::getline(in, cell, '\t');)
            f.push_back(cell);
        if (f.size() < 6) {
            fmt::print(stderr, "stdin:{}: needs at least 6 tab-separated fields\n", number);
            return 2;
        }
        clock.Set(std::stoll(f[0]));
        auto id = log.Append({f[1], f[2], f[3], f[4], f[5], f.size() > 6 ? f[6] : ""});
        if (!id) {
            fmt::print(stderr, "stdin:{}: {}\n", number, Describe(id.error()));
            return 1;
        }
        fmt::print("{}\n", *id);
    }
    return 0;
}
