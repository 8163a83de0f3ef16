// Exporting contacts to a CSV file that Excel opens with Cyrillic intact:
// UTF-8 with a byte-order mark, or Windows-1251; CRLF line ends; ';' by default.
// Or to an .xlsx workbook (xlsx_writer.h): the same columns and rows, every
// value a text cell (no formula ever), the date added a real date.
// The file is written under a temporary name and renamed when complete, so a
// failed export leaves no half file. Borrows the Store; not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "contacts/filter.h"
#include "core/error.h"
#include "ingest/encoding.h"
#include "store/store.h"

namespace callbase::ingest {

enum class ExportFormat { kCsv, kXlsx };

// "csv" or "xlsx"; fails naming the formats there are.
Result<ExportFormat> ParseExportFormat(std::string_view text);
std::string_view ExportFormatId(ExportFormat format);

struct ExportOptions {
    ExportFormat format = ExportFormat::kCsv;
    Encoding encoding = Encoding::kUtf8;  // CSV only: an .xlsx file is always UTF-8
    char delimiter = ';';
    bool all_phones = true;  // false: the first phone only
    // What leaves of each person: the requester's view (api/export_view.h).
    // A number (E.164) and a name as written to the file; none: as stored.
    std::function<Result<std::string>(const std::string& e164)> number;
    std::function<std::string(const std::string& name)> name;
    bool free_text = true;  // false: the e-mail and comment columns are left empty
};

// The columns every export has, in order; the custom fields follow them.
const std::vector<std::string>& ExportFixedColumns();

struct ExportSummary {
    int64_t contacts = 0;
    size_t unmappable = 0;  // characters written as '?' in cp1251 (CSV)
};

Result<ExportSummary> ExportContacts(store::Store& store, const contacts::Filter& filter,
                                     int64_t now, const std::string& path,
                                     const ExportOptions& options);

}  // namespace callbase::ingest
