// Importing contacts from a CSV file or an Excel workbook (.xlsx, .xls: one
// sheet, spreadsheet.h) into the base (R-BASE-4). A workbook is told from a
// CSV by its first bytes; its rows go through the same mapping, cleaning and
// checks as CSV records, and a row's line is its number in the sheet.
//
// The whole import is one transaction: it either lands completely or leaves the
// base as it was (an interrupted import is not resumed: run it again). The file's
// SHA-256 is recorded, and a file that was already imported changes nothing.
// Every rejected row goes to the error report (line, column, value, reason), kept
// in import_errors; every accepted row is stored. Duplicates (by E.164, against
// the base and earlier rows of the file) are merged, skipped or inserted anew.
//
// Counting: a row whose number (any of its numbers) is already in the base or
// earlier in the file is a duplicate: with merge it is "merged" when it brought
// something new (a field filled, a phone, tag or field value added, a comment
// appended; each change leaves an import_merge history row) and "unchanged"
// when it brought nothing; with skip it is "unchanged"; with new it is
// "inserted". Columns no header rule claims become custom text fields, created
// when absent; an existing field's definition validates the values.
//
// How it is fast (docs/performance.md, ## Import): a large import into a small
// base runs in the store's bulk mode (rollback journal, the E.164 index built
// after the rows); the file is memory-mapped, never copied whole (a cp1251
// file is converted cell by cell); a second thread splits the CSV, cleans the
// phones and shapes the rows while this one writes, a third hashes the file;
// on SQLite new contacts are written a hundred rows per INSERT with ids given
// by the importer; duplicates are found in an in-memory index of E.164 ->
// contact loaded with one query at the start.
//
// An Importer borrows the Store, Cleaner and Clock it is given (they must
// outlive it). Import() uses the Store from the calling thread only; the
// Cleaner is also used from the reading thread (it is safe to share). One
// Import() at a time per Importer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "ingest/column_map.h"
#include "ingest/encoding.h"
#include "store/store.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::ingest {

enum class OnDuplicate { kMerge, kSkip, kNew };
Result<OnDuplicate> ParseOnDuplicate(std::string_view text);

struct ImportOptions {
    std::string source;  // the contacts' source channel
    OnDuplicate on_duplicate = OnDuplicate::kMerge;
    bool dry_run = false;
    std::optional<Encoding> encoding;  // detected when unset
    std::optional<char> delimiter;     // detected when unset
    std::vector<std::string> mapping;  // "COLUMN=field"
    std::string sheet;                 // a workbook's sheet, name or number; "": the first
    int64_t header_row = 0;            // the header's line (CSV) or row (sheet); 0: the first
    ImportLimits limits;               // columns, new custom fields, cell size
    // Called with bytes done and total as the file is read (progress bar).
    std::function<void(uint64_t, uint64_t)> on_progress;
};

// One row's problem. `reason` is the English of the error report, the CLI and
// import_errors; `key` and `params` are its code for screens in the user's
// language (as core/error.h's Msg: "import.row.unknown_status", filled the same).
struct RowError {
    int64_t line = 0;
    std::string column;
    std::string value;
    std::string reason;
    std::string key;
    MessageParams params;
};

struct ImportSummary {
    int64_t import_id = 0;            // 0 for a dry run or an already imported file
    int64_t already_imported_as = 0;  // the earlier import of the same file, or 0
    int64_t already_imported_at = 0;
    std::string encoding;             // "utf-8", "cp1251 (BOM)"; "xlsx" or "xls" for a workbook
    std::string delimiter;            // CSV only
    std::string sheet;                // the sheet read (workbooks only)
    std::vector<std::string> sheets;  // every sheet of the workbook
    int64_t read = 0, inserted = 0, merged = 0, unchanged = 0, rejected = 0;
    int64_t consents = 0;  // consent records added from consent columns
    double seconds = 0;
    std::vector<std::string> custom_fields;  // columns taken as custom fields
    std::vector<RowError> errors;            // every error, rejected rows and warnings
};

class Importer {
public:
    Importer(store::Store& store, const phone::Cleaner& cleaner, const Clock& clock,
             std::string actor)
        : store_(store), cleaner_(cleaner), clock_(clock), actor_(std::move(actor)) {}

    Result<ImportSummary> Import(const std::string& path, const ImportOptions& options);

private:
    store::Store& store_;
    const phone::Cleaner& cleaner_;
    const Clock& clock_;
    std::string actor_;
};

// The error report as CSV (line;column;value;reason), UTF-8 with a BOM.
Result<void> WriteErrorReport(const std::string& path, const std::vector<RowError>& errors);

}  // namespace callbase::ingest
