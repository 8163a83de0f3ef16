// The workbook reader (src/ingest/spreadsheet.h): an .xlsx's sheet, shared
// strings and styles as a spreadsheet or an attacker may write them. The input
// is split at lines "--" into the sheet's XML, the shared strings' and the
// styles'; they are zipped into a workbook (libzip) with a fixed workbook part,
// so the fuzzer spends its time in the XML and the cell conversion, not in
// being refused as a zip. An input that begins with "PK" is taken as the whole
// file instead. Every row read must have at most 16,384 cells, a positive row
// number, and every error a message and a hint.
#include <zip.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "ingest/spreadsheet.h"

using namespace callbase;
using namespace callbase::ingest;

namespace {

std::vector<std::string> Split(std::string_view text) {
    std::vector<std::string> parts;
    for (;;) {
        const size_t at = text.find("\n--\n");
        parts.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos) break;
        text.remove_prefix(at + 4);
    }
    parts.resize(3);
    return parts;
}

std::string Zip(const std::vector<std::string>& parts) {
    static const std::string path = fuzz::WriteTemp("", ".xlsx");
    const std::string book =
        R"(<workbook xmlns:r="r"><workbookPr date1904="0"/><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>)";
    const std::string rels =
        R"(<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/>)"
        R"(<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/>)"
        R"(<Relationship Id="rId3" Type="x/styles" Target="/xl/styles.xml"/></Relationships>)";
    int error = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!z) std::abort();
    const std::pair<const char*, const std::string*> files[] = {
        {"xl/workbook.xml", &book},
        {"xl/_rels/workbook.xml.rels", &rels},
        {"xl/worksheets/sheet1.xml", &parts[0]},
        {"xl/sharedStrings.xml", &parts[1]},
        {"xl/styles.xml", &parts[2]},
    };
    for (const auto& [name, text] : files) {
        zip_source_t* src = zip_source_buffer(z, text->data(), text->size(), 0);
        if (!src || zip_file_add(z, name, src, ZIP_FL_OVERWRITE) < 0) std::abort();
    }
    if (zip_close(z) != 0) std::abort();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text = fuzz::Bytes(data, size);
    const std::string path =
        text.starts_with("PK") ? fuzz::WriteTemp(text, ".raw.xlsx") : Zip(Split(text));
    auto sheet = OpenSheet(path, "");
    if (!sheet) {
        if (sheet.error().message.empty() || sheet.error().hint.empty())
            fuzz::Broken("a refused workbook without a message and a hint");
        return 0;
    }
    std::vector<std::string> cells;
    int64_t row = 0;
    for (int i = 0; i < 100000; ++i) {
        auto more = (*sheet)->Next(&cells, &row);
        if (!more) {
            if (more.error().message.empty()) fuzz::Broken("a read error without a message");
            return 0;
        }
        if (!*more) break;
        if (cells.empty()) fuzz::Broken("an empty row handed out");
        if (cells.size() > 16384) fuzz::Broken("a row wider than Excel's 16,384 columns");
        if (row <= 0) fuzz::Broken("a row numbered below 1");
    }
    return 0;
}
