// The CSV reader and encoding detection (src/ingest/csv.h, encoding.h): what an
// imported file goes through before the column mapper.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "ingest/csv.h"
#include "ingest/encoding.h"

using namespace callbase;
using namespace callbase::ingest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes = fuzz::Bytes(data, size);
    const bool valid = IsValidUtf8(bytes);
    if (valid != (FirstInvalidUtf8(bytes) == std::string_view::npos))
        fuzz::Broken("IsValidUtf8 and FirstInvalidUtf8 disagree");
    auto encoding = DetectFileEncoding(bytes, "fuzz.csv");
    std::string text;
    if (encoding && *encoding == Encoding::kCp1251) {
        text = Cp1251ToUtf8(bytes);
        if (!IsValidUtf8(text)) fuzz::Broken("Cp1251ToUtf8 wrote invalid UTF-8");
        size_t lost = 0;
        (void)Utf8ToCp1251(text, &lost);
    } else {
        text.assign(bytes);
        size_t lost = 0;
        if (valid) (void)Utf8ToCp1251(text, &lost);
    }
    (void)DetectEncoding(bytes);

    const char delimiter = DetectDelimiter(text);
    CsvReader reader(text, delimiter);
    std::vector<std::string> fields;
    int64_t line = 0, last_line = 0;
    size_t last_offset = 0;
    std::string written;
    std::vector<std::vector<std::string>> records;
    while (reader.Next(&fields, &line)) {
        if (reader.offset() <= last_offset) fuzz::Broken("the reader stands still");
        if (line < last_line) fuzz::Broken("line numbers go back");
        last_offset = reader.offset();
        last_line = line;
        // A record of one empty field is written as a blank line, which the
        // reader skips: it cannot come back.
        if (fields.size() == 1 && fields[0].empty()) continue;
        AppendCsvRecord(written, fields, delimiter);
        records.push_back(fields);
    }
    // What the writer writes, the reader reads back as it was, once the quote
    // the writer put before a formula (SpreadsheetText) is taken off as the
    // importer does. A cell that itself began with that quote cannot be told
    // apart from one the writer quoted: it is left out of the comparison.
    CsvReader again(written, delimiter);
    size_t i = 0;
    while (again.Next(&fields, &line)) {
        if (i >= records.size() || fields.size() != records[i].size())
            fuzz::Broken("a record written and read back differs");
        for (size_t j = 0; j < fields.size(); ++j) {
            const std::string& was = records[i][j];
            if (ImportedText(was) != was) continue;
            if (ImportedText(fields[j]) != was)
                fuzz::Broken("a record written and read back differs");
        }
        ++i;
    }
    if (i != records.size()) fuzz::Broken("records lost when written and read back");
    return 0;
}
