#include "ingest/spreadsheet.h"

#include <fmt/format.h>
#include <freexl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>

namespace callbase::ingest {

Result<std::unique_ptr<SheetReader>> OpenXlsx(const std::string& path, std::string_view sheet);

namespace {

constexpr std::string_view kZipMagic = "PK\x03\x04";
constexpr std::string_view kOleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

// An encrypted .xlsx is an OLE compound file holding the streams
// "EncryptionInfo" and "EncryptedPackage" (their names in UTF-16).
// `whole`: look past the first 64 KB too.
bool IsEncryptedOoxml(const std::string& path, bool whole) {
    std::ifstream in(path, std::ios::binary);
    std::string head(1 << 16, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    const std::string_view name = std::string_view("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k", 25);
    if (head.find(name) != std::string::npos) return true;
    if (!whole) return false;
    in.clear();
    in.seekg(0);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return all.find(name) != std::string::npos;
}

Error Encrypted(const std::string& path) {
    return Coded(ErrorCode::kInvalidInput,
                 Msg{"import.xls_password", "{file} is protected with a password",
                     "open it in Excel, remove the password (File → Info → Protect Workbook → "
                     "Encrypt with Password, empty) and save it again"},
                 {{"file", path}});
}

struct XlsCloser {
    void operator()(const void* h) const { freexl_close(h); }
};

class XlsReader final : public SheetReader {
public:
    Result<void> Open(const std::string& path, std::string_view wanted) {
        path_ = path;
        const void* handle = nullptr;
        int rc = freexl_open(path.c_str(), &handle);
        handle_.reset(handle);
        if (rc != FREEXL_OK) {
            if (IsEncryptedOoxml(path, true)) return std::unexpected(Encrypted(path));
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"import.xls_unreadable",
                    "{file} is not a readable .xls file (libfreexl error {rc})",
                    "open it in Excel or LibreOffice and save it again as .xlsx, or save the "
                    "sheet as CSV"},
                {{"file", path}, {"rc", std::to_string(rc)}});
        }
        unsigned int info = 0;
        if (freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
            info == FREEXL_BIFF_OBFUSCATED) {
            return std::unexpected(Encrypted(path));
        }
        unsigned int count = 0;
        freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &count);
        for (unsigned short i = 0; i < count; ++i) {
            const char* name = nullptr;
            freexl_get_worksheet_name(handle, i, &name);
            sheets_.emplace_back(name ? name : "");
        }
        if (sheets_.empty()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.no_sheets", "{file} has no sheets",
                            "open it in Excel and check it holds the contacts"},
                        {{"file", path}});
        }
        size_t index = 0;
        if (!wanted.empty()) {
            auto found = std::find(sheets_.begin(), sheets_.end(), wanted);
            size_t number = 0;
            auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), number);
            if (found != sheets_.end()) {
                index = static_cast<size_t>(found - sheets_.begin());
            } else if (ec == std::errc() && end == wanted.data() + wanted.size() && number >= 1 &&
                       number <= sheets_.size()) {
                index = number - 1;
            } else {
                std::string names;
                for (size_t i = 0; i < sheets_.size(); ++i)
                    names += fmt::format("{}{} '{}'", i ? ", " : "", i + 1, sheets_[i]);
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"import.no_such_sheet",
                                "{file} has no sheet '{sheet}'; its sheets: {sheets}",
                                "give --sheet a sheet's name or number"},
                            {{"file", path}, {"sheet", std::string(wanted)}, {"sheets", names}});
            }
        }
        sheet_ = sheets_[index];
        if (freexl_select_active_worksheet(handle, static_cast<unsigned short>(index)) !=
                FREEXL_OK ||
            freexl_worksheet_dimensions(handle, &rows_, &columns_) != FREEXL_OK) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.sheet_unreadable", "{file}: sheet '{sheet}' cannot be read",
                            "open it in Excel or LibreOffice and save it again as .xlsx"},
                        {{"file", path}, {"sheet", sheet_}});
        }
        return {};
    }

    Result<bool> Next(std::vector<std::string>* cells, int64_t* row) override {
        while (next_ < rows_) {
            unsigned int r = next_++;
            cells->clear();
            for (unsigned short c = 0; c < columns_; ++c) {
                FreeXL_CellValue value;
                if (freexl_get_cell_value(handle_.get(), r, c, &value) != FREEXL_OK) {
                    return Fail(ErrorCode::kInvalidInput,
                                Msg{"import.cell_unreadable",
                                    "{file}: row {row}, column {column} cannot be read",
                                    "open it in Excel or LibreOffice and save it again as .xlsx"},
                                {{"file", path_},
                                 {"row", std::to_string(r + 1)},
                                 {"column", std::to_string(c + 1)}});
                }
                std::string text;
                switch (value.type) {
                    case FREEXL_CELL_INT:
                        text = std::to_string(value.value.int_value);
                        break;
                    case FREEXL_CELL_DOUBLE:
                        text = NumberText(value.value.double_value);
                        break;
                    case FREEXL_CELL_TEXT:
                    case FREEXL_CELL_SST_TEXT:
                    case FREEXL_CELL_DATE:
                    case FREEXL_CELL_DATETIME:
                    case FREEXL_CELL_TIME:
                        text = value.value.text_value ? value.value.text_value : "";
                        break;
                    default:
                        break;
                }
                if (text.empty()) continue;
                cells->resize(c + 1);
                (*cells)[c] = std::move(text);
            }
            if (cells->empty()) continue;
            *row = static_cast<int64_t>(r) + 1;
            return true;
        }
        return false;
    }

    const std::vector<std::string>& sheets() const override { return sheets_; }
    const std::string& sheet() const override { return sheet_; }
    uint64_t done() const override { return next_; }
    uint64_t total() const override { return rows_; }

private:
    std::string path_;
    std::unique_ptr<const void, XlsCloser> handle_;
    std::vector<std::string> sheets_;
    std::string sheet_;
    unsigned int rows_ = 0, next_ = 0;
    unsigned short columns_ = 0;
};

}  // namespace

FileKind KindOfFile(std::string_view first_bytes) {
    if (first_bytes.starts_with(kZipMagic)) return FileKind::kXlsx;
    if (first_bytes.starts_with(kOleMagic)) return FileKind::kXls;
    return FileKind::kText;
}

Result<std::unique_ptr<SheetReader>> OpenSheet(const std::string& path, std::string_view sheet) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Fail(ErrorCode::kNotFound, fmt::format("cannot open {}", path),
                    "check the path and that the file is readable");
    }
    char head[8] = {};
    in.read(head, sizeof head);
    switch (KindOfFile(std::string_view(head, static_cast<size_t>(in.gcount())))) {
        case FileKind::kXlsx:
            return OpenXlsx(path, sheet);
        case FileKind::kXls: {
            if (IsEncryptedOoxml(path, false)) return std::unexpected(Encrypted(path));
            auto reader = std::make_unique<XlsReader>();
            if (auto ok = reader->Open(path, sheet); !ok) return std::unexpected(ok.error());
            return reader;
        }
        case FileKind::kText:
            break;
    }
    return Fail(ErrorCode::kInvalidInput,
                Msg{"import.not_a_workbook", "{file} is neither an .xlsx nor an .xls workbook",
                    "save it from Excel as .xlsx, or import it as CSV"},
                {{"file", path}});
}

std::optional<std::string> ExcelSerialDate(double serial, bool date1904) {
    if (!std::isfinite(serial) || serial < 0 || serial > 2958465.0) return std::nullopt;
    using namespace std::chrono;
    auto whole = static_cast<int64_t>(std::floor(serial));
    auto seconds = static_cast<int64_t>(std::llround((serial - std::floor(serial)) * 86400.0));
    if (seconds >= 86400) {
        ++whole;
        seconds -= 86400;
    }
    const int hh = static_cast<int>(seconds / 3600), mm = static_cast<int>(seconds / 60 % 60),
              ss = static_cast<int>(seconds % 60);
    if (whole == 0 && !date1904) return fmt::format("{:02}:{:02}:{:02}", hh, mm, ss);
    sys_days day;
    if (date1904) {
        day = sys_days(year{1904} / January / 1) + days(whole);
    } else if (whole == 60) {
        // Excel's 29 February 1900, a day that never was (kept from Lotus 1-2-3).
        return std::nullopt;
    } else {
        // Serial 1 is 1900-01-01; from 61 on, one less for the phantom day.
        day = sys_days(year{1899} / December / 31) + days(whole < 60 ? whole : whole - 1);
    }
    year_month_day ymd(day);
    std::string out =
        fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    if (seconds != 0) out += fmt::format(" {:02}:{:02}:{:02}", hh, mm, ss);
    return out;
}

bool IsDateFormat(std::string_view code) {
    bool in_quote = false;
    for (size_t i = 0; i < code.size(); ++i) {
        char c = code[i];
        if (in_quote) {
            in_quote = c != '"';
            continue;
        }
        switch (c) {
            case '"':
                in_quote = true;
                continue;
            case '\\':
            case '_':
            case '*':
                ++i;  // the next character is shown as it is
                continue;
            case '[': {
                // [h], [mm], [ss]: elapsed time; [$-419], [Red]: not date parts.
                size_t close = code.find(']', i);
                if (close == std::string_view::npos) return false;
                std::string_view inside = code.substr(i + 1, close - i - 1);
                if (!inside.empty() && (inside[0] == 'h' || inside[0] == 'H' || inside[0] == 'm' ||
                                        inside[0] == 'M' || inside[0] == 's' || inside[0] == 'S')) {
                    return true;
                }
                i = close;
                continue;
            }
            case ';':
                return false;  // only the first section decides
            default:
                break;
        }
        switch (c) {
            case 'd':
            case 'D':
            case 'm':
            case 'M':
            case 'y':
            case 'Y':
            case 'h':
            case 'H':
            case 's':
            case 'S':
                return true;
            case 'G':
            case 'g':
                if (code.substr(i).size() >= 7 &&
                    (code.substr(i, 7) == "General" || code.substr(i, 7) == "general")) {
                    i += 6;
                    continue;
                }
                break;
            default:
                break;
        }
    }
    return false;
}

std::string NumberText(double value) {
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e17) {
        return fmt::format("{:.0f}", value);
    }
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, end);
}

}  // namespace callbase::ingest
