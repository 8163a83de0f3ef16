// Realistic, pseudonymized Russian contacts for demos, tests and benchmarks:
// a CSV as a CRM or Excel export really looks — Russian headers, names with the
// right gender forms, valid-looking but invented mobile numbers from the
// stretches of +7 9XX that no operator holds (NumberingPlan::Unassigned: valid
// to libphonenumber, never a real subscriber's) in mixed spellings, cities
// spread as the plan's ranges are, duplicates, junk rows, quoted comments with
// delimiters and line breaks, dates over two years and an order-sum column.
// With real_ranges (the demo), numbers are invented in the real range of the
// person's city instead, so that cards show region, operator and time zone.
//
// Deterministic: the same seed and options give the same bytes. Borrows the
// NumberingPlan; not thread-safe (one generator per thread).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <random>
#include <string>

#include "core/error.h"
#include "ingest/encoding.h"

namespace callbase::phone {
class NumberingPlan;
}

namespace callbase::ingest {

struct GeneratorOptions {
    int64_t rows = 1000;
    uint64_t seed = 1;
    double dup_rate = 0.05;   // rows that repeat an earlier person's number
    double junk_rate = 0.03;  // rows whose phone is junk
    Encoding encoding = Encoding::kUtf8;
    char delimiter = ';';
    int64_t today = 1793491200;  // Unix seconds; dates fall in the two years before it
    // Numbers invented inside the real range of each person's city instead of
    // the stretches no operator holds: the cards then show the real region,
    // operator and time zone, but a number may be a real subscriber's. For a
    // demo base only (`callbase init --demo`), which is never dialed over a
    // real network (campaigns/demo_base.h).
    bool real_ranges = false;
};

// Checks the options (rates within 0..1, rows >= 0) with messages naming the option.
Result<void> ValidateGeneratorOptions(const GeneratorOptions& options);

// Writes the header and options.rows records to out; on_progress(rows done).
Result<void> GenerateContacts(const phone::NumberingPlan& plan, const GeneratorOptions& options,
                              std::ostream& out,
                              const std::function<void(int64_t)>& on_progress = {});

}  // namespace callbase::ingest
