// The .xlsx reader: libzip and expat, behind SheetReader (spreadsheet.h).
//
// An .xlsx file is a zip archive of XML parts: xl/workbook.xml names the
// sheets (and the 1904 flag), xl/_rels/workbook.xml.rels says which part each
// sheet is, xl/sharedStrings.xml holds the strings cells refer to by number,
// xl/styles.xml the number formats that make a number a date. The sheet part
// is inflated and parsed a chunk at a time: expat calls back for each element
// and finished rows wait in a small queue until Next() takes them.
#include <expat.h>
#include <fmt/format.h>
#include <zip.h>

#include <array>
#include <charconv>
#include <cstring>
#include <deque>
#include <functional>
#include <unordered_map>

#include "ingest/spreadsheet.h"

namespace callbase::ingest {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxColumns = 16384;  // XFD, Excel's last column
// What a zip bomb could otherwise inflate into memory: the shared strings
// (Excel's own limit is far below: 32,767 characters a cell) and one cell.
constexpr size_t kMaxSharedStringBytes = size_t{1} << 30;
constexpr size_t kMaxCellBytes = size_t{1} << 20;

// An attribute's number, or `otherwise` when it is not one.
int64_t Number(const char* text, int64_t otherwise) {
    if (!text) return otherwise;
    int64_t n = 0;
    const char* end = text + std::strlen(text);
    auto [ptr, ec] = std::from_chars(text, end, n);
    return ec == std::errc() && ptr == end ? n : otherwise;
}

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ParserFree {
    void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;
using ZipFile = std::unique_ptr<zip_file_t, ZipFileCloser>;
using Parser = std::unique_ptr<XML_ParserStruct, ParserFree>;

Error Damaged(const std::string& path, const std::string& what) {
    // What is damaged is said in the zip or XML reader's words.
    return Coded(ErrorCode::kInvalidInput,
                 Msg{"import.xlsx_damaged", "{file} is not a readable .xlsx file: {problem}",
                     "open it in Excel or LibreOffice and save it again as .xlsx, or save the "
                     "sheet as CSV"},
                 {{"file", path}, {"problem", what}});
}

// An element's name without its namespace prefix ("x:row" -> "row").
std::string_view Local(const XML_Char* name) {
    std::string_view n(name);
    size_t colon = n.rfind(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The value of attribute `name` (compared without prefix), or nullptr.
const char* Attr(const XML_Char** attrs, std::string_view name) {
    for (size_t i = 0; attrs[i]; i += 2) {
        if (Local(attrs[i]) == name) return attrs[i + 1];
    }
    return nullptr;
}

// A SAX handler: start, end and text callbacks as std::function-free members.
class Handler {
public:
    virtual ~Handler() = default;
    virtual void Start(std::string_view name, const XML_Char** attrs) = 0;
    virtual void End(std::string_view name) = 0;
    virtual void Text(std::string_view text) = 0;
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attrs) noexcept {
    static_cast<Handler*>(data)->Start(Local(name), attrs);
}
void XMLCALL OnEnd(void* data, const XML_Char* name) noexcept {
    static_cast<Handler*>(data)->End(Local(name));
}
void XMLCALL OnText(void* data, const XML_Char* s, int len) noexcept {
    static_cast<Handler*>(data)->Text(std::string_view(s, static_cast<size_t>(len)));
}

Parser NewParser(Handler* handler) {
    Parser p(XML_ParserCreate("UTF-8"));
    if (!p) return p;
    XML_SetUserData(p.get(), handler);
    XML_SetElementHandler(p.get(), OnStart, OnEnd);
    XML_SetCharacterDataHandler(p.get(), OnText);
    return p;
}

// One part of the archive, inflated and parsed chunk by chunk.
class PartStream {
public:
    static Result<PartStream> Open(zip_t* zip, const std::string& path, const std::string& part,
                                   Handler* handler) {
        zip_int64_t index = zip_name_locate(zip, part.c_str(), ZIP_FL_NOCASE);
        if (index < 0) return std::unexpected(Damaged(path, fmt::format("{} is missing", part)));
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
            return std::unexpected(Damaged(path, fmt::format("{}: {}", part, zip_strerror(zip))));
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.xlsx_password", "{file} is encrypted with a password",
                            "open it in Excel, remove the password (File → Info → Protect "
                            "Workbook) and save it again"},
                        {{"file", path}});
        }
        ZipFile file(zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0));
        if (!file)
            return std::unexpected(Damaged(path, fmt::format("{}: {}", part, zip_strerror(zip))));
        Parser parser = NewParser(handler);
        if (!parser) {
            return Fail(ErrorCode::kInternal, "cannot create an XML parser: out of memory",
                        "try again when the server has more memory free");
        }
        PartStream s;
        s.path_ = path;
        s.part_ = part;
        s.file_ = std::move(file);
        s.parser_ = std::move(parser);
        s.size_ = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
        return s;
    }

    // Parses the next chunk; false at the end of the part.
    Result<bool> Step() {
        if (done_) return false;
        void* buffer = XML_GetBuffer(parser_.get(), static_cast<int>(kChunk));
        if (!buffer) return std::unexpected(Damaged(path_, part_ + ": out of memory"));
        zip_int64_t n = zip_fread(file_.get(), buffer, kChunk);
        if (n < 0) {
            return std::unexpected(Damaged(
                path_,
                fmt::format("{}: {}", part_, zip_error_strerror(zip_file_get_error(file_.get())))));
        }
        read_ += static_cast<uint64_t>(n);
        done_ = n == 0;
        if (XML_ParseBuffer(parser_.get(), static_cast<int>(n), done_) != XML_STATUS_OK) {
            return std::unexpected(Damaged(
                path_, fmt::format("{} line {}: {}", part_, XML_GetCurrentLineNumber(parser_.get()),
                                   XML_ErrorString(XML_GetErrorCode(parser_.get())))));
        }
        return !done_;
    }

    Result<void> ReadAll() {
        for (;;) {
            auto more = Step();
            if (!more) return std::unexpected(more.error());
            if (!*more) return {};
        }
    }

    uint64_t read() const { return read_; }
    uint64_t size() const { return size_; }

private:
    std::string path_, part_;
    ZipFile file_;
    Parser parser_;
    uint64_t size_ = 0, read_ = 0;
    bool done_ = false;
};

// xl/workbook.xml: the sheets' names and relationship ids, the 1904 flag.
struct Workbook : Handler {
    std::vector<std::string> names, rel_ids;
    bool date1904 = false;
    void Start(std::string_view name, const XML_Char** attrs) override {
        if (name == "sheet") {
            const char* n = Attr(attrs, "name");
            const char* id = Attr(attrs, "id");
            names.emplace_back(n ? n : "");
            rel_ids.emplace_back(id ? id : "");
        } else if (name == "workbookPr") {
            const char* d = Attr(attrs, "date1904");
            date1904 = d && (std::strcmp(d, "1") == 0 || std::strcmp(d, "true") == 0);
        }
    }
    void End(std::string_view) override {}
    void Text(std::string_view) override {}
};

// xl/_rels/workbook.xml.rels: relationship id -> part, and the shared strings'
// and styles' parts.
struct Relationships : Handler {
    std::unordered_map<std::string, std::string> targets;
    std::string shared_strings, styles;
    static std::string PartOf(std::string_view target) {
        if (target.starts_with('/')) return std::string(target.substr(1));
        std::string out = "xl/";
        out.append(target);
        return out;
    }
    void Start(std::string_view name, const XML_Char** attrs) override {
        if (name != "Relationship") return;
        const char* id = Attr(attrs, "Id");
        const char* target = Attr(attrs, "Target");
        const char* type = Attr(attrs, "Type");
        if (!id || !target) return;
        std::string part = PartOf(target);
        std::string_view t = type ? type : "";
        if (t.ends_with("/sharedStrings")) shared_strings = part;
        if (t.ends_with("/styles")) styles = part;
        targets.emplace(id, std::move(part));
    }
    void End(std::string_view) override {}
    void Text(std::string_view) override {}
};

// xl/sharedStrings.xml: <si> items, each the text of its <t> elements (runs
// of rich text joined; phonetic <rPh> runs left out).
struct SharedStrings : Handler {
    std::vector<std::string> strings;
    bool in_t = false;
    int in_rph = 0;
    size_t bytes = 0;
    bool too_large = false;
    void Start(std::string_view name, const XML_Char**) override {
        if (name == "si")
            strings.emplace_back();
        else if (name == "rPh")
            ++in_rph;
        else if (name == "t")
            in_t = in_rph == 0 && !strings.empty();
    }
    void End(std::string_view name) override {
        if (name == "t")
            in_t = false;
        else if (name == "rPh")
            --in_rph;
    }
    void Text(std::string_view text) override {
        if (!in_t) return;
        bytes += text.size();
        if (bytes > kMaxSharedStringBytes) {
            too_large = true;
            return;
        }
        strings.back().append(text);
    }
};

// xl/styles.xml: for each cell format (<cellXfs><xf>), whether its number
// format shows a date.
struct Styles : Handler {
    std::unordered_map<int, bool> custom_is_date;  // numFmtId -> date?
    std::vector<int> xf_formats;
    std::vector<bool> xf_is_date;
    bool in_cell_xfs = false;
    static bool BuiltInDate(int id) {
        return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
               (id >= 50 && id <= 58);
    }
    void Start(std::string_view name, const XML_Char** attrs) override {
        if (name == "numFmt") {
            const char* id = Attr(attrs, "numFmtId");
            const char* code = Attr(attrs, "formatCode");
            if (id && code) custom_is_date[static_cast<int>(Number(id, -1))] = IsDateFormat(code);
        } else if (name == "cellXfs") {
            in_cell_xfs = true;
        } else if (name == "xf" && in_cell_xfs) {
            const char* id = Attr(attrs, "numFmtId");
            xf_formats.push_back(static_cast<int>(Number(id, 0)));
        }
    }
    void End(std::string_view name) override {
        if (name == "cellXfs") in_cell_xfs = false;
    }
    void Text(std::string_view) override {}
    void Finish() {
        xf_is_date.reserve(xf_formats.size());
        for (int id : xf_formats) {
            auto custom = custom_is_date.find(id);
            xf_is_date.push_back(custom != custom_is_date.end() ? custom->second : BuiltInDate(id));
        }
    }
};

// "AB12" -> column 27 (0-based), or -1 when it has no letters.
int64_t ColumnOf(std::string_view ref) {
    int64_t col = 0;
    size_t i = 0;
    for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
        col = col * 26 + (ref[i] - 'A' + 1);
        if (col > static_cast<int64_t>(kMaxColumns)) return static_cast<int64_t>(kMaxColumns);
    }
    return i == 0 ? -1 : col - 1;
}

class XlsxReader final : public SheetReader, private Handler {
public:
    Result<void> Open(const std::string& path, std::string_view wanted) {
        path_ = path;
        int code = 0;
        zip_.reset(zip_open(path.c_str(), ZIP_RDONLY, &code));
        if (!zip_) {
            zip_error_t error;
            zip_error_init_with_code(&error, code);
            std::string what = zip_error_strerror(&error);
            zip_error_fini(&error);
            return std::unexpected(Damaged(path, what));
        }
        Workbook book;
        if (auto s = PartStream::Open(zip_.get(), path, "xl/workbook.xml", &book); !s) {
            return std::unexpected(s.error());
        } else if (auto ok = s->ReadAll(); !ok) {
            return ok;
        }
        date1904_ = book.date1904;
        sheets_ = book.names;
        if (sheets_.empty()) return std::unexpected(Damaged(path, "the workbook has no sheets"));
        Relationships rels;
        if (auto s = PartStream::Open(zip_.get(), path, "xl/_rels/workbook.xml.rels", &rels); !s) {
            return std::unexpected(s.error());
        } else if (auto ok = s->ReadAll(); !ok) {
            return ok;
        }
        auto index = FindSheet(wanted);
        if (!index) return std::unexpected(index.error());
        sheet_ = sheets_[*index];
        auto target = rels.targets.find(book.rel_ids[*index]);
        std::string part = target != rels.targets.end()
                               ? target->second
                               : fmt::format("xl/worksheets/sheet{}.xml", *index + 1);
        if (rels.shared_strings.empty() &&
            zip_name_locate(zip_.get(), "xl/sharedStrings.xml", ZIP_FL_NOCASE) >= 0) {
            rels.shared_strings = "xl/sharedStrings.xml";
        }
        if (!rels.shared_strings.empty()) {
            SharedStrings strings;
            auto s = PartStream::Open(zip_.get(), path, rels.shared_strings, &strings);
            if (!s) return std::unexpected(s.error());
            if (auto ok = s->ReadAll(); !ok) return ok;
            if (strings.too_large) {
                return std::unexpected(
                    Damaged(path, "its shared strings inflate to more than 1 GB"));
            }
            strings_ = std::move(strings.strings);
        }
        if (!rels.styles.empty()) {
            Styles styles;
            auto s = PartStream::Open(zip_.get(), path, rels.styles, &styles);
            if (!s) return std::unexpected(s.error());
            if (auto ok = s->ReadAll(); !ok) return ok;
            styles.Finish();
            xf_is_date_ = std::move(styles.xf_is_date);
        }
        auto sheet = PartStream::Open(zip_.get(), path, part, this);
        if (!sheet) return std::unexpected(sheet.error());
        stream_.emplace(std::move(*sheet));
        return {};
    }

    Result<bool> Next(std::vector<std::string>* cells, int64_t* row) override {
        while (rows_.empty()) {
            if (!more_) return false;
            auto more = stream_->Step();
            if (!more) return std::unexpected(more.error());
            if (!failure_.empty()) return std::unexpected(Damaged(path_, failure_));
            more_ = *more;
        }
        auto& [number, values] = rows_.front();
        *row = number;
        cells->swap(values);
        rows_.pop_front();
        return true;
    }

    const std::vector<std::string>& sheets() const override { return sheets_; }
    const std::string& sheet() const override { return sheet_; }
    uint64_t done() const override { return stream_ ? stream_->read() : 0; }
    uint64_t total() const override { return stream_ ? stream_->size() : 0; }

private:
    Result<size_t> FindSheet(std::string_view wanted) const {
        if (wanted.empty()) return 0;
        for (size_t i = 0; i < sheets_.size(); ++i) {
            if (sheets_[i] == wanted) return i;
        }
        size_t number = 0;
        auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), number);
        if (ec == std::errc() && end == wanted.data() + wanted.size() && number >= 1 &&
            number <= sheets_.size()) {
            return number - 1;
        }
        std::string names;
        for (size_t i = 0; i < sheets_.size(); ++i) {
            names += fmt::format("{}{} '{}'", i ? ", " : "", i + 1, sheets_[i]);
        }
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"import.no_such_sheet", "{file} has no sheet '{sheet}'; its sheets: {sheets}",
                "give --sheet a sheet's name or number"},
            {{"file", path_}, {"sheet", std::string(wanted)}, {"sheets", names}});
    }

    // The sheet's elements: <row r><c r t s><v>…</v><is><t>…</t></is></c></row>.
    void Start(std::string_view name, const XML_Char** attrs) override {
        if (name == "c") {
            const char* ref = Attr(attrs, "r");
            int64_t col = ref ? ColumnOf(ref) : -1;
            col_ = col >= 0 ? col : col_ + 1;
            const char* t = Attr(attrs, "t");
            type_ = t ? t : "n";
            style_ = static_cast<int>(Number(Attr(attrs, "s"), 0));
            value_.clear();
            in_value_ = false;
        } else if (name == "v") {
            in_value_ = true;
        } else if (name == "t") {
            in_value_ = in_rph_ == 0;  // inline string text
        } else if (name == "rPh") {
            ++in_rph_;
        } else if (name == "row") {
            const int64_t number = Number(Attr(attrs, "r"), 0);
            row_number_ = number > 0 ? number : row_number_ + 1;
            col_ = -1;
            row_.clear();
        }
    }

    void End(std::string_view name) override {
        if (name == "v" || name == "t") {
            in_value_ = false;
        } else if (name == "rPh") {
            --in_rph_;
        } else if (name == "c") {
            if (col_ >= static_cast<int64_t>(kMaxColumns)) {
                failure_ = fmt::format("row {} has a cell past column XFD", row_number_);
                return;
            }
            std::string text = CellText();
            if (text.empty()) return;
            auto col = static_cast<size_t>(col_);
            if (row_.size() <= col) row_.resize(col + 1);
            row_[col] = std::move(text);
        } else if (name == "row") {
            if (!row_.empty()) rows_.emplace_back(row_number_, std::move(row_));
            row_.clear();
        }
    }

    void Text(std::string_view text) override {
        // A cell past the cap is kept a byte longer than the cap, so the
        // importer still sees it is too large (--max-cell-bytes).
        if (in_value_ && value_.size() <= kMaxCellBytes)
            value_.append(text.substr(0, kMaxCellBytes + 1 - value_.size()));
    }

    std::string CellText() {
        if (type_ == "s") {
            size_t index = 0;
            auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), index);
            if (ec != std::errc() || index >= strings_.size()) {
                failure_ = fmt::format(
                    "row {}: a cell refers to shared string '{}' that is not "
                    "there",
                    row_number_, value_);
                return {};
            }
            return strings_[index];
        }
        if (type_ == "inlineStr" || type_ == "str" || type_ == "e" || type_ == "d") {
            return std::move(value_);
        }
        if (type_ == "b") return value_ == "1" || value_ == "true" ? "TRUE" : "FALSE";
        if (value_.empty()) return {};
        double number = 0;
        auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), number);
        if (ec != std::errc()) return std::move(value_);  // not a number: as written
        bool date = style_ >= 0 && static_cast<size_t>(style_) < xf_is_date_.size() &&
                    xf_is_date_[static_cast<size_t>(style_)];
        if (date) {
            if (auto d = ExcelSerialDate(number, date1904_)) return *d;
        }
        return NumberText(number);
    }

    std::string path_;
    Zip zip_;
    std::optional<PartStream> stream_;
    std::vector<std::string> sheets_;
    std::string sheet_;
    bool date1904_ = false;
    std::vector<std::string> strings_;
    std::vector<bool> xf_is_date_;
    // The parse: the row and cell being read, the rows read ahead.
    std::deque<std::pair<int64_t, std::vector<std::string>>> rows_;
    std::vector<std::string> row_;
    int64_t row_number_ = 0, col_ = -1;
    std::string type_, value_;
    int style_ = 0;
    bool in_value_ = false;
    int in_rph_ = 0;
    bool more_ = true;
    std::string failure_;
};

}  // namespace

Result<std::unique_ptr<SheetReader>> OpenXlsx(const std::string& path, std::string_view sheet) {
    auto reader = std::make_unique<XlsxReader>();
    if (auto ok = reader->Open(path, sheet); !ok) return std::unexpected(ok.error());
    return reader;
}

}  // namespace callbase::ingest
