// The column mapper (src/ingest/column_map.h): an import's header row, and the
// --map overrides typed by a person, to the fields they fill.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "ingest/column_map.h"
#include "ingest/csv.h"

using namespace callbase;
using namespace callbase::ingest;

// The input: a header line, then override lines ("Column=target", one a line).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text = fuzz::Bytes(data, size);
    const size_t eol = text.find('\n');
    const std::string_view head = text.substr(0, eol);
    std::vector<std::string> header;
    int64_t line = 0;
    CsvReader reader(head, DetectDelimiter(head));
    reader.Next(&header, &line);
    std::vector<std::string> overrides;
    if (eol != std::string_view::npos) {
        std::string_view rest = text.substr(eol + 1);
        while (!rest.empty()) {
            const size_t end = rest.find('\n');
            overrides.emplace_back(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        }
    }
    auto columns = MapColumns(header, overrides, "fuzz.csv");
    if (!columns) {
        if (columns.error().message.empty()) fuzz::Broken("an error without a message");
        return 0;
    }
    if (columns->size() != header.size()) fuzz::Broken("a column lost or added by the mapper");
    for (const Column& c : *columns)
        (void)MapName(c);
    return 0;
}
