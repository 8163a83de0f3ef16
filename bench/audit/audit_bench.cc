// Audit log throughput on SQLite, one process, against a plain INSERT into the
// same table (no hash, no read of the last record) in the same run:
//   1. appends, each in its own transaction (what a CLI command does): --appends N
//   2. appends inside one transaction (a bulk writer's AppendWithin): same N
//   3. verify of --verify M records (default 1,000,000), against a plain scan of
//      the same rows that reads every column and hashes nothing.
// There is no off-the-shelf hash-chained log to run beside it; the plain INSERT
// and the plain scan are the floors, and the ratio to them is printed.
// Each database is a fresh file in $TMPDIR, removed at the end.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "security/audit.h"
#include "store/store.h"

using namespace callbase;

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename T>
T Check(Result<T> r, const char* what) {
    if (!r) {
        fmt::print(stderr, "{}: {}\n", what, Describe(r.error()));
        std::exit(1);
    }
    if constexpr (!std::is_void_v<T>) return std::move(*r);
}

// A fresh, migrated SQLite base; removed when the returned guard dies.
struct Base {
    explicit Base(const std::string& name)
        : path((std::filesystem::temp_directory_path() /
                fmt::format("bench_audit_{}_{}.db", getpid(), name))
                   .string()) {
        Remove();
        db = Check(store::Open(path), "open");
        Check(store::Migrate(*db), "migrate");
    }
    ~Base() {
        db.reset();
        Remove();
    }
    void Remove() const {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path + suffix, ec);
    }
    std::string path;
    std::unique_ptr<store::Store> db;
};

security::AuditEvent Event(int64_t i) {
    return {"operator-17",     i % 10 == 0 ? "copy" : "read",
            "contact",         fmt::format("contact:{}", 100000 + i),
            "api:203.0.113.5", ""};
}

Result<int64_t> PlainInsert(store::Store& db, const security::AuditEvent& e, int64_t at) {
    return db.InsertRow(
        "INSERT INTO audit_log (at, actor, action, object, records, source, detail, prev_hash, "
        "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, '', '')",
        {at, e.actor, e.action, e.object, e.records, e.source, e.detail});
}

void Report(const char* what, int64_t n, double audit_s, double plain_s, const char* unit) {
    fmt::print("{:<34} {:>9} {:>12.0f} {}/s {:>12.0f} {}/s  {:>5.2f}x\n", what, n, n / audit_s,
               unit, n / plain_s, unit, audit_s / plain_s);
}

}  // namespace

int main(int argc, char** argv) {
    int64_t appends = 20'000, verify = 1'000'000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--appends") == 0) appends = std::stoll(argv[i + 1]);
        if (std::strcmp(argv[i], "--verify") == 0) verify = std::stoll(argv[i + 1]);
    }
    FixedClock clock(1795413600);
    fmt::print("{:<34} {:>9} {:>16} {:>16}  {}\n", "case (SQLite, one process)", "records",
               "audit log", "plain INSERT", "ratio");

    {  // 1. one transaction per append
        Base audit("tx"), plain("tx_plain");
        security::AuditLog log(*audit.db, clock);
        auto start = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < appends; ++i)
            Check(log.Append(Event(i)), "append");
        double audit_s = Seconds(start);
        start = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < appends; ++i) {
            auto tx = Check(store::Transaction::Start(*plain.db), "begin");
            Check(PlainInsert(*plain.db, Event(i), clock.Now()), "insert");
            Check(tx.Commit(), "commit");
        }
        Report("append, a transaction each", appends, audit_s, Seconds(start), "rec");
    }

    {  // 2. many appends in one transaction
        Base audit("bulk"), plain("bulk_plain");
        security::AuditLog log(*audit.db, clock);
        auto start = std::chrono::steady_clock::now();
        {
            auto tx = Check(store::Transaction::Start(*audit.db), "begin");
            for (int64_t i = 0; i < appends; ++i)
                Check(log.AppendWithin(Event(i)), "append");
            Check(tx.Commit(), "commit");
        }
        double audit_s = Seconds(start);
        start = std::chrono::steady_clock::now();
        {
            auto tx = Check(store::Transaction::Start(*plain.db), "begin");
            for (int64_t i = 0; i < appends; ++i)
                Check(PlainInsert(*plain.db, Event(i), clock.Now()), "insert");
            Check(tx.Commit(), "commit");
        }
        Report("append within one transaction", appends, audit_s, Seconds(start), "rec");
    }

    {  // 3. verify against a plain scan of the same rows
        Base audit("verify");
        security::AuditLog log(*audit.db, clock);
        for (int64_t done = 0; done < verify;) {
            auto tx = Check(store::Transaction::Start(*audit.db), "begin");
            for (int64_t i = 0; i < 100'000 && done < verify; ++i, ++done) {
                clock.Set(1795413600 + done / 10);
                Check(log.AppendWithin(Event(done)), "append");
            }
            Check(tx.Commit(), "commit");
        }
        auto start = std::chrono::steady_clock::now();
        auto report = Check(log.Verify(), "verify");
        double verify_s = Seconds(start);
        if (report.records != verify) {
            fmt::print(stderr, "verify read {} records, not {}\n", report.records, verify);
            return 1;
        }
        start = std::chrono::steady_clock::now();
        size_t bytes = 0;
        Check(audit.db->ForEach("SELECT id, at, actor, action, object, records, source, detail, "
                                "prev_hash, hash FROM audit_log ORDER BY id",
                                {},
                                [&](const store::Row& row) {
                                    for (size_t c = 2; c < row.size(); ++c)
                                        bytes += row.Text(c).size();
                                    return true;
                                }),
              "scan");
        double scan_s = Seconds(start);
        fmt::print("{:<34} {:>9} {:>12.0f} rec/s {:>12.0f} rec/s  {:>5.2f}x  (plain scan)\n",
                   "verify", verify, verify / verify_s, verify / scan_s, verify_s / scan_s);
        fmt::print("verify of {} records: {:.2f} s; the scan read {} MB of text\n", verify,
                   verify_s, bytes >> 20);
    }
    return 0;
}
