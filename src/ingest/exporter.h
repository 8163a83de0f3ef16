// Exporting contacts to a CSV file that Excel opens with Cyrillic intact:
// UTF-8 with a byte-order mark, or Windows-1251; CRLF line ends; ';' by default.
// The file is written under a temporary name and renamed when complete, so a
// failed export leaves no half file. Borrows the Store; not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "contacts/filter.h"
#include "core/error.h"
#include "ingest/encoding.h"
#include "store/store.h"

namespace callbase::ingest {

struct ExportOptions {
    Encoding encoding = Encoding::kUtf8;
    char delimiter = ';';
    bool all_phones = true;  // false: the first phone only
};

struct ExportSummary {
    int64_t contacts = 0;
    size_t unmappable = 0;  // characters written as '?' in cp1251
};

Result<ExportSummary> ExportContacts(store::Store& store, const contacts::Filter& filter,
                                     int64_t now, const std::string& path,
                                     const ExportOptions& options);

}  // namespace callbase::ingest
