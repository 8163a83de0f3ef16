#include "ingest/importer.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "compliance/consent.h"
#include "contacts/contact_book.h"
#include "contacts/field_registry.h"
#include "contacts/phone_classes.h"
#include "contacts/status.h"
#include "contacts/tag_dictionary.h"
#include "contacts/text.h"
#include "core/sha256.h"
#include "core/text_limits.h"
#include "core/utf8.h"
#include "ingest/column_map.h"
#include "ingest/csv.h"
#include "ingest/spreadsheet.h"
#include "phone/clean.h"

namespace callbase::ingest {
namespace {

using store::Value;

// The file, memory-mapped read-only: the import streams through it once (the
// kernel reads ahead and may drop pages behind), so a file of millions of rows
// is never copied into the heap.
class MappedFile {
public:
    static Result<MappedFile> Open(const std::string& path) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return Fail(ErrorCode::kNotFound,
                        fmt::format("cannot read {}: {}", path, std::strerror(errno)),
                        "check the path and the file's permissions; nothing was imported");
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}: not a file", path),
                        "give the path of a CSV file; nothing was imported");
        }
        MappedFile file;
        file.size_ = static_cast<size_t>(st.st_size);
        if (file.size_ > 0) {
            void* p = ::mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED) {
                int err = errno;
                ::close(fd);
                return Fail(ErrorCode::kIo,
                            fmt::format("cannot read {}: {}", path, std::strerror(err)),
                            "check the file; nothing was imported");
            }
            ::madvise(p, file.size_, MADV_SEQUENTIAL);
            file.data_ = static_cast<const char*>(p);
        }
        ::close(fd);
        return file;
    }
    MappedFile(MappedFile&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(o.size_) {}
    MappedFile& operator=(MappedFile&&) = delete;
    ~MappedFile() {
        if (data_) ::munmap(const_cast<char*>(data_), size_);
    }
    std::string_view bytes() const { return {data_ ? data_ : "", size_}; }

private:
    MappedFile() = default;
    const char* data_ = nullptr;
    size_t size_ = 0;
};

std::string Sha256Hex(std::string_view bytes) {
    return Sha256::Hex(Sha256::Of(bytes));
}

// "2026-01-31", "31.01.2026", either with " 10:30" after it -> Unix seconds.
std::optional<int64_t> ParseDateTime(std::string_view text) {
    std::string t = contacts::Trim(text);
    size_t space = t.find_first_of(" T");
    auto date = contacts::NormalizeDate(t.substr(0, space));
    if (!date) return std::nullopt;
    int64_t at = contacts::DateToUnix(*date);
    if (space != std::string::npos) {
        int h = 0, m = 0;
        if (std::sscanf(t.c_str() + space + 1, "%d:%d", &h, &m) == 2 && h < 24 && m < 60) {
            at += h * 3600 + m * 60;
        }
    }
    return at;
}

// Whether a cell is written like a date, DD.MM.YYYY or YYYY-MM-DD (a time
// may follow), whether or not that day exists.
bool LooksLikeDate(std::string_view text) {
    text = text.substr(0, text.find_first_of(" T"));
    auto digits = [&](size_t from, size_t count) {
        if (from + count > text.size()) return false;
        for (size_t i = from; i < from + count; ++i)
            if (text[i] < '0' || text[i] > '9') return false;
        return true;
    };
    if (text.size() == 10 && text[2] == '.' && text[5] == '.')
        return digits(0, 2) && digits(3, 2) && digits(6, 4);
    if (text.size() == 10 && text[4] == '-' && text[7] == '-')
        return digits(0, 4) && digits(5, 2) && digits(8, 2);
    return false;
}

// A number as Excel shows it in scientific notation ("7.916E+10", "7,92E+10"):
// as text, its digits past the first few are gone.
bool LooksScientific(std::string_view text) {
    const size_t e = text.find_first_of("Ee");
    if (e == std::string_view::npos || e == 0 || e + 1 >= text.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool ok = (c >= '0' && c <= '9') || i == e || ((c == '.' || c == ',') && i < e) ||
                        ((c == '+' || c == '-') && i == e + 1);
        if (!ok) return false;
    }
    return true;
}

// Why a date cell was not taken.
// A row's problem: its English reason (the error report's) filled from the
// message and parameters, and its code for the screens.
RowError RowProblem(int64_t line, std::string column, std::string value, Msg msg,
                    MessageParams params = {}) {
    std::string reason = FillPlaceholders(msg.message, params);
    return RowError{line,
                    std::move(column),
                    std::move(value),
                    std::move(reason),
                    std::string(msg.key),
                    std::move(params)};
}

// A date cell that is not a date: the import date is used in its place, or
// (a text field) the cell is kept as text.
RowError NotADate(int64_t line, std::string column, std::string_view value, bool kept_as_text) {
    if (LooksLikeDate(value)) {
        return kept_as_text ? RowProblem(line, std::move(column), std::string(value),
                                         Msg{"import.row.no_such_date_kept",
                                             "no such date (the month is 1–12, the day within the "
                                             "month); kept as text"})
                            : RowProblem(line, std::move(column), std::string(value),
                                         Msg{"import.row.no_such_date",
                                             "no such date (the month is 1–12, the day within the "
                                             "month); the import date is used"});
    }
    return kept_as_text ? RowProblem(line, std::move(column), std::string(value),
                                     Msg{"import.row.not_a_date_kept",
                                         "not a date (YYYY-MM-DD or DD.MM.YYYY); kept as text"})
                        : RowProblem(line, std::move(column), std::string(value),
                                     Msg{"import.row.not_a_date",
                                         "not a date (YYYY-MM-DD or DD.MM.YYYY); the import date "
                                         "is used"});
}

// Spaces, tabs and no-break spaces around a cell (the hot loop: no decoding).
std::string_view TrimSpaces(std::string_view s) {
    constexpr std::string_view kNoBreakSpace = "\xC2\xA0";  // U+00A0, as Excel writes it
    for (;;) {
        if (s.starts_with(' ') || s.starts_with('\t'))
            s.remove_prefix(1);
        else if (s.starts_with(kNoBreakSpace))
            s.remove_prefix(2);
        else
            break;
    }
    for (;;) {
        if (s.ends_with(' ') || s.ends_with('\t'))
            s.remove_suffix(1);
        else if (s.ends_with(kNoBreakSpace))
            s.remove_suffix(2);
        else
            break;
    }
    return s;
}

// Rows bound for one table, written as multi-row INSERTs of up to `capacity`
// rows: a statement per hundred rows instead of per row is most of the import's
// speed on SQLite. The parameter slots are reused from batch to batch (a string
// assigned into a slot keeps its storage).
class Batch {
public:
    Batch(std::string head, std::vector<std::string> columns, size_t capacity,
          std::string tail = {})
        : head_(std::move(head)),
          columns_(std::move(columns)),
          tail_(std::move(tail)),
          capacity_(capacity),
          params_(capacity * columns_.size()) {}

    // The slots of a new row; full() says when to flush.
    Value* Append(int64_t line) {
        lines_.push_back(line);
        // A contact's rows go into one batch together, which may overflow it.
        if ((rows_ + 1) * columns_.size() > params_.size()) {
            params_.resize((rows_ + 1) * columns_.size());
        }
        return &params_[(rows_++) * columns_.size()];
    }
    bool full() const { return rows_ >= capacity_; }
    bool empty() const { return rows_ == 0; }

    // Writes the rows in statements of `capacity` rows; with `all` false a
    // remainder smaller than that stays for the next flush (so the store sees
    // one statement text per table, not one per row count). On failure
    // *failed_line is the line of the row that failed: SQLite undoes just the
    // failed statement, so its rows are retried one by one to find it (the
    // import fails anyway; this is for the message).
    Result<void> Flush(store::Store& store, bool all, bool retry_rows, int64_t* failed_line) {
        const size_t cols = columns_.size();
        size_t done = 0;
        while (rows_ - done >= capacity_ || (all && done < rows_)) {
            // A short remainder goes in power-of-two statements (64, 32, ... 1
            // rows): a handful of statement texts, each prepared once.
            size_t n = std::min(capacity_, rows_ - done);
            if (n < capacity_) n = std::bit_floor(n);
            // The statement takes exactly its own rows' parameters, in place.
            auto ok = store.Exec(Sql(n), std::span<const Value>(&params_[done * cols], n * cols));
            if (!ok) {
                *failed_line = lines_[done];
                if (retry_rows) {
                    for (size_t r = done; r < done + n; ++r) {
                        auto one =
                            store.Exec(Sql(1), std::span<const Value>(&params_[r * cols], cols));
                        if (!one) {
                            *failed_line = lines_[r];
                            Clear();
                            return std::unexpected(one.error());
                        }
                    }
                }
                Clear();
                return std::unexpected(ok.error());
            }
            done += n;
        }
        if (done > 0) {
            // The rows left (fewer than a statement's, so fewer than the rows
            // written) move to the front; the written slots keep their strings.
            std::swap_ranges(params_.begin() + static_cast<ptrdiff_t>(done * cols),
                             params_.begin() + static_cast<ptrdiff_t>(rows_ * cols),
                             params_.begin());
            lines_.erase(lines_.begin(), lines_.begin() + static_cast<ptrdiff_t>(done));
            rows_ -= done;
        }
        return {};
    }

    // The contact the first waiting row belongs to (column 0 of every batch is
    // the contact id), or the largest id when none waits.
    int64_t FirstContact() const {
        if (rows_ == 0) return std::numeric_limits<int64_t>::max();
        return std::get<int64_t>(params_[0]);
    }

    // The single-row statement, for a write that cannot wait.
    const std::string& SingleSql() { return Sql(1); }

private:
    void Clear() {
        rows_ = 0;
        lines_.clear();
    }
    // The same text for the same row count, so the store's statement cache hits.
    const std::string& Sql(size_t rows) {
        if (sql_.size() <= rows) sql_.resize(rows + 1);
        std::string& sql = sql_[rows];
        if (sql.empty()) {
            sql = fmt::format("{} ({}) VALUES ", head_, fmt::join(columns_, ", "));
            int n = 1;
            for (size_t r = 0; r < rows; ++r) {
                sql += r ? ", (" : "(";
                for (size_t k = 0; k < columns_.size(); ++k)
                    sql += fmt::format("{}${}", k ? ", " : "", n++);
                sql += ")";
            }
            sql += tail_;
        }
        return sql;
    }

    std::string head_;
    std::vector<std::string> columns_;
    std::string tail_;
    size_t capacity_;
    std::vector<Value> params_;
    std::vector<int64_t> lines_;
    size_t rows_ = 0;
    std::vector<std::string> sql_;  // by row count
};

// One contact of the file, as read. Reused from row to row.
struct Incoming {
    std::string name, region, source, email, comment, status;
    int64_t created_at = 0;
    // On an encrypted base, made on the reading thread: the sealed name and
    // the blind indexes of its words (contacts.name_words), the sealed e-mail
    // and its blind index (contacts.email_key); '' on a plain one.
    std::string sealed_name, name_words, sealed_email, email_key;
    struct Phone {
        phone::CleanResult cleaned;
        std::string label;
        contacts::PhoneClassKey class_key;    // made on the reading thread
        std::string sealed_e164, sealed_raw;  // on an encrypted base
    };
    std::vector<Phone> phones;
    std::vector<int64_t> tags;
    std::vector<std::pair<int64_t, std::string>> fields;  // field id, value
    std::vector<std::string> consents;                    // purposes agreed to
    int64_t consent_at = 0;                               // 0: the import's time
};

// A consent cell: true for yes, false for no (or empty), nullopt when it is
// neither.
std::optional<bool> ParseConsent(std::string_view value) {
    static const std::vector<std::string_view> kYes = {"да",   "д",        "yes",      "y", "1",
                                                       "true", "истина",   "+",        "x", "х",
                                                       "есть", "согласен", "согласна", "v"};
    static const std::vector<std::string_view> kNo = {
        "нет", "н", "no", "n", "0", "false", "ложь", "-", "отказ", "не согласен", "не согласна"};
    std::string folded = contacts::FoldCase(value);
    if (folded.empty()) return false;
    if (std::find(kYes.begin(), kYes.end(), folded) != kYes.end()) return true;
    if (std::find(kNo.begin(), kNo.end(), folded) != kNo.end()) return false;
    return std::nullopt;
}

// Moves a string into a parameter slot by swapping it with the string the slot
// may hold, so the slot and the source both keep their storage.
void Put(Value& slot, std::string& text) {
    if (auto* s = std::get_if<std::string>(&slot))
        s->swap(text);
    else
        slot = std::move(text);
}

// Assigns into a parameter slot, reusing the string it may already hold.
void Set(Value& slot, std::string_view text) {
    if (auto* s = std::get_if<std::string>(&slot))
        s->assign(text);
    else
        slot = std::string(text);
}

// One record as the reading thread hands it over: its cells (UTF-8); for each
// column, the cleaned numbers of a phone cell (empty for other columns and
// empty extra-phone cells; one invalid result for a cell with no valid number;
// every number of a cell that holds several); and the contact shaped from them
// (RowShaper), which leaves the writing thread only the store's part.
struct ParsedRow {
    int64_t line = 0;
    std::vector<std::string> cells;
    std::vector<std::vector<phone::CleanResult>> phones;
    Incoming in;
    std::vector<RowError> warnings;   // in column order
    std::vector<size_t> tag_columns;  // tag cells: the dictionary is in the store
    bool rejected = false;            // no valid phone
};

// Rejects a row with a cell larger than the limit (a 16 MB cell was stored as
// it came); the error names the line and column and keeps the cell's start.
bool RejectOversizedCell(const std::vector<Column>& columns, const ImportLimits& limits,
                         ParsedRow* row) {
    for (size_t i = 0; i < row->cells.size(); ++i) {
        const std::string& cell = row->cells[i];
        if (cell.size() <= limits.max_cell_bytes) continue;
        row->rejected = true;
        row->warnings.clear();
        MessageParams params = ColumnParams(i, i < columns.size() ? columns[i].header : "");
        params.emplace_back("bytes", std::to_string(cell.size()));
        params.emplace_back("limit", std::to_string(limits.max_cell_bytes));
        row->warnings.push_back(
            RowProblem(row->line, i < columns.size() ? columns[i].header : ColumnName(i, ""),
                       std::string(Utf8Prefix(cell, 100)) + "…",
                       Msg{"import.row.cell_too_big",
                           "row rejected: column {column}[[ '{header}']] holds {bytes} bytes, "
                           "more than the {limit} a cell may hold (--max-cell-bytes)"},
                       std::move(params)));
        return true;
    }
    return false;
}

void CleanPhones(const phone::Cleaner& cleaner, const std::vector<Column>& columns,
                 ParsedRow* row) {
    row->phones.resize(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
        auto& out = row->phones[i];
        out.clear();
        Target target = columns[i].target;
        if (target != Target::kPhone && target != Target::kExtraPhone) continue;
        std::string_view value = i < row->cells.size() ? TrimSpaces(row->cells[i]) : "";
        if (value.empty() && target == Target::kExtraPhone) continue;
        out.push_back(cleaner.Clean(value));
        if (out[0].qc != phone::Quality::kSeveral) continue;
        for (size_t k = 1; k < out[0].all.size(); ++k) {
            out.push_back(cleaner.Clean(out[0].all[k]));
            out.back().input = out[0].input;
        }
    }
}

// Turns a parsed row into the contact it describes, with a warning for each
// value left out; everything but the tags (whose dictionary is in the store)
// and the duplicate check. Runs on the reading thread; read-only, so it needs
// no lock.
class RowShaper {
public:
    RowShaper(const std::vector<Column>& columns,
              const std::unordered_map<std::string, contacts::FieldDef>& field_defs,
              const std::string& source, int64_t now, const store::Cipher* cipher)
        : columns_(columns), field_defs_(field_defs), source_(source), now_(now), cipher_(cipher) {}

    void Shape(ParsedRow* row) const {
        const std::vector<std::string>& cells = row->cells;
        Incoming& in = row->in;
        in.name.clear();
        in.region.clear();
        in.email.clear();
        in.comment.clear();
        in.status.clear();
        in.source.assign(source_);
        in.created_at = now_;
        in.phones.clear();
        in.tags.clear();
        in.fields.clear();
        in.consents.clear();
        in.consent_at = 0;
        row->warnings.clear();
        row->tag_columns.clear();
        auto warn = [&](const Column& col, std::string_view value, Msg msg,
                        MessageParams params = {}) {
            row->warnings.push_back(
                RowProblem(row->line, col.header, std::string(value), msg, std::move(params)));
        };
        std::string_view last, first, middle, main_phone_cell;
        bool have_main_cell = false;
        for (size_t i = 0; i < columns_.size(); ++i) {
            const Column& col = columns_[i];
            std::string_view value = i < cells.size() ? TrimSpaces(cells[i]) : std::string_view();
            switch (col.target) {
                case Target::kPhone:
                case Target::kExtraPhone: {
                    if (col.target == Target::kPhone && !have_main_cell) {
                        main_phone_cell = value;
                        have_main_cell = !value.empty();
                    }
                    std::vector<phone::CleanResult>& cleaned = row->phones[i];
                    if (cleaned.empty()) break;  // an empty extra phone
                    if (!cleaned[0].valid()) {
                        // The cleaner's reason is in its own words (phone/clean.h).
                        const bool main = col.target == Target::kPhone;
                        if (LooksScientific(value)) {
                            if (main) {
                                warn(col, value,
                                     Msg{"import.row.no_valid_phone_scientific",
                                         "no valid phone: the number was saved in scientific "
                                         "notation and lost its digits (format the column in "
                                         "Excel as a number with no decimals, or as text, and "
                                         "save the file again)"});
                            } else {
                                warn(col, value,
                                     Msg{"import.row.phone_dropped_scientific",
                                         "phone dropped: the number was saved in scientific "
                                         "notation and lost its digits (format the column in "
                                         "Excel as a number with no decimals, or as text, and "
                                         "save the file again)"});
                            }
                        } else if (main) {
                            warn(col, value,
                                 Msg{"import.row.no_valid_phone", "no valid phone: {why}"},
                                 {{"why", cleaned[0].reason}});
                        } else {
                            warn(col, value,
                                 Msg{"import.row.phone_dropped", "phone dropped: {why}"},
                                 {{"why", cleaned[0].reason}});
                        }
                        break;
                    }
                    // Further numbers of one cell are extra numbers of the person.
                    for (size_t k = 0; k < cleaned.size(); ++k) {
                        contacts::PhoneClassKey key(cleaned[k]);
                        in.phones.push_back({std::move(cleaned[k]),
                                             k == 0 ? col.label : "дополнительный",
                                             std::move(key)});
                    }
                    break;
                }
                case Target::kName:
                    in.name.assign(value);
                    break;
                case Target::kLastName:
                    last = value;
                    break;
                case Target::kFirstName:
                    first = value;
                    break;
                case Target::kMiddleName:
                    middle = value;
                    break;
                case Target::kRegion:
                    in.region.assign(value);
                    break;
                case Target::kSource:
                    if (!value.empty()) in.source.assign(value);
                    break;
                case Target::kEmail:
                    in.email.assign(value);
                    break;
                case Target::kComment:
                    in.comment.assign(value);
                    break;
                case Target::kStatus:
                    if (value.empty()) break;
                    if (auto status = contacts::ParseStatus(value)) {
                        in.status.assign(contacts::StatusId(*status));
                    } else {
                        warn(col, value,
                             Msg{"import.row.unknown_status",
                                 "unknown status, row kept without it"});
                    }
                    break;
                case Target::kTags:
                    row->tag_columns.push_back(i);
                    break;
                case Target::kDateAdded:
                    if (value.empty()) break;
                    if (auto at = ParseDateTime(value)) {
                        in.created_at = *at;
                    } else {
                        row->warnings.push_back(NotADate(row->line, col.header, value, false));
                    }
                    break;
                case Target::kCustom: {
                    if (value.empty()) break;
                    const auto& def = field_defs_.at(col.header);
                    if (auto ok = contacts::ValidateFieldValue(def, value)) {
                        // A text field keeps what it is given; a date that
                        // cannot be (31.02.2000) is kept, and said.
                        if (def.type == "text" && LooksLikeDate(value) && !ParseDateTime(value)) {
                            row->warnings.push_back(NotADate(row->line, col.header, value, true));
                        }
                        in.fields.emplace_back(def.id, std::move(*ok));
                    } else {
                        // The field's check says what is wrong in its own words.
                        warn(col, value,
                             Msg{"import.row.field_skipped", "{problem}; field skipped"},
                             {{"problem", ok.error().message}});
                    }
                    break;
                }
                case Target::kConsent: {
                    auto agreed = ParseConsent(value);
                    if (!agreed) {
                        warn(col, value,
                             Msg{"import.row.consent_unclear",
                                 "consent not understood (да/нет, yes/no, 1/0); row kept without "
                                 "it"});
                    } else if (*agreed) {
                        in.consents.push_back(col.purpose);
                    }
                    break;
                }
                case Target::kConsentDate:
                    if (value.empty()) break;
                    if (auto at = ParseDateTime(value); !at) {
                        row->warnings.push_back(NotADate(row->line, col.header, value, false));
                    } else if (*at > now_) {
                        warn(col, value,
                             Msg{"import.row.consent_future",
                                 "consent dated in the future; the import date is used"});
                    } else {
                        in.consent_at = *at;
                    }
                    break;
                case Target::kIgnore:
                    break;
            }
        }
        if (in.name.empty() && (!last.empty() || !first.empty() || !middle.empty())) {
            for (std::string_view part : {last, first, middle}) {
                if (part.empty()) continue;
                if (!in.name.empty()) in.name += ' ';
                in.name.append(part);
            }
        }
        // A value longer than its cap keeps the row out (core/text_limits.h):
        // the error names the line, the column, the cap and the length.
        if (RejectOverLong(in, row)) return;
        row->rejected = in.phones.empty();
        if (!row->rejected) {
            if (cipher_) {
                Seal(&in);
            } else {
                in.name_words = contacts::NameWords(nullptr, in.name);
            }
            return;
        }
        // The reason recorded for the phone cell becomes the row's.
        std::vector<RowError>& w = row->warnings;
        auto phone_warning = std::find_if(w.begin(), w.end(), [](const RowError& e) {
            return e.key == "import.row.no_valid_phone" ||
                   e.key == "import.row.no_valid_phone_scientific";
        });
        if (phone_warning == w.end()) {
            w.push_back(RowProblem(row->line, "", std::string(main_phone_cell),
                                   Msg{"import.row.no_phone", "row rejected: no phone"}));
        } else if (phone_warning->key == "import.row.no_valid_phone") {
            *phone_warning = RowProblem(
                row->line, std::move(phone_warning->column), std::move(phone_warning->value),
                Msg{"import.row.rejected_no_valid_phone", "row rejected: no valid phone: {why}"},
                std::move(phone_warning->params));
        } else {
            *phone_warning = RowProblem(
                row->line, std::move(phone_warning->column), std::move(phone_warning->value),
                Msg{"import.row.rejected_scientific",
                    "row rejected: no valid phone: the number was saved in scientific notation "
                    "and lost its digits (format the column in Excel as a number with no "
                    "decimals, or as text, and save the file again)"});
        }
    }

private:
    // Rejects the row when its name, comment, e-mail or a custom field is
    // longer than its cap; the other warnings of the row go with it.
    bool RejectOverLong(const Incoming& in, ParsedRow* row) const {
        auto headers_of = [&](std::initializer_list<Target> targets) {
            std::vector<std::string> headers;
            for (const Column& col : columns_) {
                if (std::find(targets.begin(), targets.end(), col.target) != targets.end())
                    headers.push_back(col.header);
            }
            return fmt::format("{}", fmt::join(headers, " + "));
        };
        struct Capped {
            std::string column;
            std::string_view field, value;
            size_t limit;
        };
        std::vector<Capped> capped{
            {headers_of(
                 {Target::kName, Target::kLastName, Target::kFirstName, Target::kMiddleName}),
             "name", in.name, kMaxNameChars},
            {headers_of({Target::kComment}), "comment", in.comment, kMaxCommentChars},
            {headers_of({Target::kEmail}), "email", in.email, kMaxEmailChars}};
        for (size_t i = 0; i < columns_.size() && i < row->cells.size(); ++i) {
            if (columns_[i].target != Target::kCustom) continue;
            capped.push_back({columns_[i].header, columns_[i].header, TrimSpaces(row->cells[i]),
                              kMaxFieldTextChars});
        }
        for (const Capped& c : capped) {
            auto ok = CheckLength(c.field, c.value, c.limit);
            if (ok) continue;
            row->rejected = true;
            row->warnings.clear();
            // text.too_long's parameters, the row's rejection said around them.
            row->warnings.push_back(RowProblem(
                row->line, c.column, std::string(Utf8Prefix(c.value, 100)) + "…",
                Msg{"import.row.too_long",
                    "row rejected: {field}: {chars} characters, at most {max} are accepted"},
                ok.error().params));
            return true;
        }
        return false;
    }

    // What the writing thread stores on an encrypted base (the Cipher is
    // immutable and safe to share).
    void Seal(Incoming* in) const {
        in->sealed_name = in->name.empty() ? "" : cipher_->Seal(in->name, contacts::kNameColumn);
        in->name_words = contacts::NameWords(cipher_, in->name);
        in->sealed_email =
            in->email.empty() ? "" : cipher_->Seal(in->email, contacts::kEmailColumn);
        in->email_key = contacts::EmailKey(cipher_, in->email);
        for (auto& p : in->phones) {
            p.sealed_e164 = p.cleaned.e164.empty()
                                ? ""
                                : cipher_->SealFindable(p.cleaned.e164, store::kPhoneDomain);
            p.sealed_raw = contacts::StoredRaw(cipher_, p.cleaned.input, p.cleaned.e164);
        }
    }

    const std::vector<Column>& columns_;
    const std::unordered_map<std::string, contacts::FieldDef>& field_defs_;
    const std::string& source_;
    int64_t now_;
    const store::Cipher* cipher_;
};

// Rows pass from the reading thread (CSV, encoding, phone cleaning: no store)
// to the writing thread (the store) in blocks through a small bounded queue;
// blocks are recycled, so their strings keep their storage.
class RowQueue {
public:
    static constexpr size_t kBlockRows = 512;
    struct Block {
        std::vector<ParsedRow> rows = std::vector<ParsedRow>(kBlockRows);
        size_t count = 0;
        size_t offset = 0;  // bytes read when the block was filled
    };

    explicit RowQueue(size_t blocks) {
        for (size_t i = 0; i < blocks; ++i)
            free_.push_back(std::make_unique<Block>());
    }
    // Reading side: an empty block to fill, or null when the writer stopped.
    std::unique_ptr<Block> TakeFree() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || !free_.empty(); });
        if (stopped_) return nullptr;
        auto b = std::move(free_.back());
        free_.pop_back();
        return b;
    }
    void PutFull(std::unique_ptr<Block> b) {
        {
            std::lock_guard lock(mutex_);
            full_.push_back(std::move(b));
        }
        changed_.notify_all();
    }
    void Finish() {
        {
            std::lock_guard lock(mutex_);
            finished_ = true;
        }
        changed_.notify_all();
    }
    // Writing side: the next block in file order, or null at the end.
    std::unique_ptr<Block> TakeFull() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return finished_ || !full_.empty(); });
        if (full_.empty()) return nullptr;
        auto b = std::move(full_.front());
        full_.pop_front();
        return b;
    }
    void PutFree(std::unique_ptr<Block> b) {
        {
            std::lock_guard lock(mutex_);
            b->count = 0;
            free_.push_back(std::move(b));
        }
        changed_.notify_all();
    }
    // The writer gives up (an error): the reader stops at its next block.
    void Stop() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::unique_ptr<Block>> free_;
    std::deque<std::unique_ptr<Block>> full_;
    bool finished_ = false;
    bool stopped_ = false;
};

class Run {
public:
    Run(store::Store& store, const Clock& clock, const std::string& actor,
        const ImportOptions& options, ImportSummary& summary)
        : store_(store),
          actor_(actor),
          options_(options),
          summary_(summary),
          now_(clock.Now()),
          tags_(store, clock),
          fields_(store, clock),
          classes_(store),
          consents_(store, clock),
          // On SQLite new contacts are written a hundred rows per statement with
          // ids given here; on PostgreSQL row by row (an error there aborts the
          // transaction, so rows could not be retried to name the failing line).
          bulk_(store.backend() == store::Backend::kSqlite),
          contacts_("INSERT INTO contacts",
                    {"id", "name", "region", "source", "email", "comment", "status", "created_at",
                     "updated_at", "import_id", "name_words", "email_key"},
                    bulk_ ? kBatchRows : 1),
          phones_("INSERT INTO phones",
                  {"contact_id", "position", "e164", "extension", "label", "raw", "class_id", "qc",
                   "valid", "created_at"},
                  bulk_ ? kBatchRows : 1),
          values_("INSERT INTO field_values", {"contact_id", "field_id", "value"},
                  bulk_ ? kBatchRows : 1),
          contact_tags_("INSERT INTO contact_tags",
                        {"contact_id", "tag_id", "added_at", "added_by"}, bulk_ ? kBatchRows : 1,
                        " ON CONFLICT DO NOTHING"),
          history_("INSERT INTO history",
                   {"contact_id", "at", "actor", "action", "field", "before", "after", "detail"},
                   bulk_ ? kBatchRows : 1) {}

    // `expected_rows` sizes the index of numbers (an estimate is enough).
    Result<void> Prepare(const std::vector<Column>& columns, int64_t import_id,
                         size_t expected_rows) {
        columns_ = columns;
        import_id_ = import_id;
        history_detail_ = fmt::format("import #{}", import_id);
        std::optional<Error> unreadable;
        auto ok = store_.ForEach(
            "SELECT p.e164, p.contact_id FROM phones p JOIN contacts c ON c.id = p.contact_id "
            "WHERE c.merged_into IS NULL",
            {}, [&](const store::Row& r) {
                auto e164 = store::PhoneOf(store_, r.Text(0));
                if (!e164) {
                    unreadable = e164.error();
                    return false;
                }
                owner_.emplace(phone::E164Key(*e164), r.Int(1));
                return true;
            });
        if (!ok) return std::unexpected(ok.error());
        if (unreadable) return std::unexpected(*unreadable);
        owner_.reserve(owner_.size() + expected_rows + 1024);
        if (bulk_) {
            // AUTOINCREMENT never reuses an id, even of a deleted row: start above
            // both the largest id and the table's sequence.
            auto top = store_.QueryValue(
                "SELECT MAX(n) FROM (SELECT COALESCE(MAX(id), 0) AS n FROM contacts UNION ALL "
                "SELECT seq FROM sqlite_sequence WHERE name = 'contacts') AS t");
            if (!top) return std::unexpected(top.error());
            next_id_ = store::Row({*top}).Int(0) + 1;
            first_pending_id_ = next_id_;
        }
        std::vector<std::string> purposes;
        if (auto known = consents_.Purposes(); !known) {
            return std::unexpected(known.error());
        } else {
            for (const auto& p : *known)
                purposes.push_back(p.name);
        }
        for (const auto& c : columns_) {
            if (c.target != Target::kConsent ||
                std::find(purposes.begin(), purposes.end(), c.purpose) != purposes.end()) {
                continue;
            }
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.unknown_purpose",
                            "column '{column}': unknown consent purpose '{purpose}'",
                            "the purposes are {purposes}; add one with `callbase consent purpose "
                            "add NAME`"},
                        {{"column", c.header},
                         {"purpose", c.purpose},
                         {"purposes", fmt::format("{}", fmt::join(purposes, ", "))}});
        }
        // The fields a file would create are counted before any is made.
        size_t new_fields = 0;
        for (size_t i = 0; i < columns_.size(); ++i) {
            const Column& c = columns_[i];
            if (c.target != Target::kCustom || fields_.Find(c.header)) continue;
            if (++new_fields <= options_.limits.max_new_fields) continue;
            MessageParams params = ColumnParams(i, c.header);
            params.emplace_back("number", std::to_string(new_fields));
            params.emplace_back("limit", std::to_string(options_.limits.max_new_fields));
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.too_many_fields",
                            "column {column}[[ '{header}']] would be new custom field number "
                            "{number}; an import may create at most {limit} (columns no header "
                            "rule claims become custom fields)",
                            "map the columns you need with --map COLUMN=field and the rest with "
                            "--map COLUMN=ignore, create the fields first (callbase fields add), "
                            "or raise the limit with --max-new-fields"},
                        params);
        }
        for (auto& c : columns_) {
            if (c.target != Target::kCustom) continue;
            auto def = fields_.Find(c.header);
            if (!def) {
                auto id = store_.QueryValue(
                    "INSERT INTO field_defs (name, type, enum_values, created_at) "
                    "VALUES ($1, 'text', '[]', $2) RETURNING id",
                    {c.header, now_});
                if (!id) return std::unexpected(id.error());
                def = contacts::FieldDef{store::Row({*id}).Int(0), c.header, "text", {}, 0};
                summary_.custom_fields.push_back(c.header);
            }
            field_defs_.emplace(c.header, *def);
        }
        return {};
    }

    Result<void> Row(ParsedRow& row) {
        ++summary_.read;
        line_ = row.line;
        for (RowError& w : row.warnings)
            summary_.errors.push_back(std::move(w));
        if (row.rejected) {
            ++summary_.rejected;
            return {};
        }
        Incoming& in = row.in;
        for (size_t i : row.tag_columns) {
            const Column& col = columns_[i];
            if (auto ok = AddTags(TrimSpaces(row.cells[i]), row.line, col.header, &in); !ok) {
                return ok;
            }
        }
        int64_t existing = 0;
        for (const auto& p : in.phones) {
            auto it = owner_.find(phone::E164Key(p.cleaned.e164));
            if (it != owner_.end()) {
                existing = it->second;
                break;
            }
        }
        if (existing != 0 && options_.on_duplicate != OnDuplicate::kNew) {
            if (options_.on_duplicate == OnDuplicate::kSkip) {
                ++summary_.unchanged;
                return {};
            }
            // A contact still waiting in a batch is written before it is merged into.
            if (existing >= first_pending_id_) {
                if (auto ok = FlushAll(); !ok) return ok;
            }
            // Consents first: Merge and Insert take the strings of `in`.
            if (auto ok = RecordConsents(in); !ok) return ok;
            auto changed = Merge(existing, in);
            if (!changed) return std::unexpected(changed.error());
            ++(*changed ? summary_.merged : summary_.unchanged);
            return {};
        }
        if (auto ok = RecordConsents(in); !ok) return ok;
        return Insert(in);
    }

    // Writes the batches, contacts first (the other rows refer to them). With
    // `all` false, only whole statements are written and short remainders wait;
    // with `all` true everything is written (after the last row, and before a
    // merge reads a contact whose rows may still wait).
    Result<void> Flush(bool all) {
        for (Batch* b : {&contacts_, &phones_, &values_, &contact_tags_, &history_}) {
            if (auto ok = b->Flush(store_, all, bulk_, &failed_line_); !ok) return ok;
        }
        if (bulk_) {
            // Contacts from next_id_ on are yet to come, so they wait too.
            first_pending_id_ =
                std::min({next_id_, contacts_.FirstContact(), phones_.FirstContact(),
                          values_.FirstContact(), contact_tags_.FirstContact()});
        }
        return {};
    }
    Result<void> FlushAll() { return Flush(true); }

    int64_t now() const { return now_; }
    // The custom fields by header, once Prepare has run.
    const std::unordered_map<std::string, contacts::FieldDef>& field_defs() const {
        return field_defs_;
    }

    // The line of the row a failed batch stopped at (0 when none failed).
    int64_t failed_line() const { return failed_line_; }

private:
    static constexpr size_t kBatchRows = 100;
    static constexpr size_t kPhoneColumns = 10;

    void Warn(int64_t line, const std::string& column, std::string_view value, Msg msg,
              MessageParams params = {}) {
        summary_.errors.push_back(
            RowProblem(line, column, std::string(value), msg, std::move(params)));
    }

    Result<void> AddTags(std::string_view value, int64_t line, const std::string& column,
                         Incoming* in) {
        size_t start = 0;
        while (start <= value.size()) {
            size_t comma = value.find_first_of(",;", start);
            std::string name = contacts::Trim(value.substr(start, comma - start));
            start = comma == std::string::npos ? value.size() + 1 : comma + 1;
            if (name.empty()) continue;
            // The dictionary caches nothing; a file names the same few tags often.
            auto cached = tag_cache_.find(name);
            if (cached == tag_cache_.end()) {
                auto tag = tags_.Resolve(name);
                // Unknown (-1) or retired (-2) tags are cached as such.
                int64_t id = 0;
                if (!tag) {
                    if (tag.error().code != ErrorCode::kNotFound &&
                        tag.error().code != ErrorCode::kInvalidInput) {
                        return std::unexpected(tag.error());
                    }
                    id = -1;
                } else if (tag->retired_at) {
                    id = -2;
                } else {
                    id = tag->id;
                }
                cached = tag_cache_.emplace(name, id).first;
            }
            if (cached->second == -1) {
                Warn(line, column, name,
                     Msg{"import.row.tag_unknown",
                         "tag not in the dictionary, row kept without it"});
            } else if (cached->second == -2) {
                Warn(line, column, name,
                     Msg{"import.row.tag_retired", "tag is retired, row kept without it"});
            } else if (std::find(in->tags.begin(), in->tags.end(), cached->second) ==
                       in->tags.end()) {
                in->tags.push_back(cached->second);
            }
        }
        return {};
    }

    // Records the row's consents for each of its numbers (channel import, the
    // file's line as the proof), unless one for the purpose is in force. A
    // consent revoked on or after the row's consent date (or with no date) is
    // not restored by a file: the row is kept and says why.
    Result<void> RecordConsents(const Incoming& in) {
        if (in.consents.empty()) return {};
        const int64_t at = in.consent_at != 0 ? in.consent_at : now_;
        for (const auto& phone : in.phones) {
            const std::string& e164 = phone.cleaned.e164;
            for (const std::string& purpose : in.consents) {
                auto state = store_.Query(
                    "SELECT COUNT(*), MAX(revoked_at), SUM(CASE WHEN revoked_at IS NULL THEN 1 "
                    "ELSE 0 END) FROM consents WHERE e164 = $1 AND purpose = $2",
                    {store::PhoneKey(store_, e164), purpose});
                if (!state) return std::unexpected(state.error());
                const store::Row& r = state->front();
                if (r.Int(0) > 0 && r.Int(2) > 0) continue;  // one is in force
                if (r.Int(0) > 0 && (in.consent_at == 0 || r.Int(1) >= at)) {
                    Warn(line_, "", e164,
                         Msg{"import.row.consent_revoked",
                             "consent for {purpose} was revoked before; a file does not restore "
                             "it without a later consent date"},
                         {{"purpose", purpose}});
                    continue;
                }
                compliance::ConsentInput c;
                c.e164 = e164;
                c.purpose = purpose;
                c.obtained_at = at;
                c.channel = "import";
                c.form_id = fmt::format("import #{} line {}", import_id_, line_);
                if (auto ok = consents_.Add(c, actor_); !ok) return std::unexpected(ok.error());
                ++summary_.consents;
            }
        }
        return {};
    }

    // Takes the strings of `in` (swapping them with the batch's slots, so both
    // keep their storage).
    Result<void> Insert(Incoming& in) {
        const std::string& region =
            in.region.empty() ? in.phones.front().cleaned.region : in.region;
        std::string_view status = in.status.empty() ? std::string_view("new") : in.status;
        int64_t id;
        if (bulk_) {
            id = next_id_++;
            Value* v = contacts_.Append(line_);
            v[0] = id;
            Put(v[1], sealed() ? in.sealed_name : in.name);
            if (in.region.empty())
                Set(v[2], region);
            else
                Put(v[2], in.region);
            Put(v[3], in.source);
            Put(v[4], sealed() ? in.sealed_email : in.email);
            if (sealed()) in.comment = store::SealText(store_, in.comment, store::kNoteColumn);
            Put(v[5], in.comment);
            Set(v[6], status);
            v[7] = in.created_at;
            v[8] = now_;
            v[9] = import_id_;
            Put(v[10], in.name_words);
            Put(v[11], in.email_key);
        } else {
            auto inserted = store_.InsertRow(
                "INSERT INTO contacts (name, region, source, email, comment, status, created_at, "
                "updated_at, import_id, name_words, email_key) VALUES ($1, $2, $3, $4, $5, $6, "
                "$7, $8, $9, $10, $11)",
                {sealed() ? in.sealed_name : in.name, region, in.source,
                 sealed() ? in.sealed_email : in.email,
                 store::SealText(store_, in.comment, store::kNoteColumn), std::string(status),
                 in.created_at, now_, import_id_, in.name_words, in.email_key});
            if (!inserted) return std::unexpected(inserted.error());
            id = *inserted;
        }
        int position = 0;
        for (auto& phone : in.phones) {
            owner_.emplace(phone::E164Key(phone.cleaned.e164), id);
            if (auto ok = FillPhone(phones_.Append(line_), id, position++, phone); !ok) return ok;
        }
        for (int64_t tag : in.tags) {
            Value* v = contact_tags_.Append(line_);
            v[0] = id;
            v[1] = tag;
            v[2] = now_;
            Set(v[3], actor_);
        }
        for (auto& [field, value] : in.fields) {
            Value* v = values_.Append(line_);
            v[0] = id;
            v[1] = field;
            Put(v[2], value);
        }
        ++summary_.inserted;
        // Every hundred contacts (on SQLite) the batches are written: the
        // contacts all, their other rows in whole statements, a short remainder
        // of those waiting (its contacts are written, so the foreign keys hold).
        if (!bulk_) return FlushAll();
        if (contacts_.full()) return Flush(false);
        return {};
    }

    // Takes the strings of `phone` (see Insert).
    Result<void> FillPhone(Value* v, int64_t contact, int position, Incoming::Phone& phone) {
        auto class_id = classes_.Id(phone.class_key, phone.cleaned);
        if (!class_id) return std::unexpected(class_id.error());
        v[0] = contact;
        v[1] = int64_t{position};
        Put(v[2], sealed() ? phone.sealed_e164 : phone.cleaned.e164);
        Put(v[3], phone.cleaned.extension);
        Set(v[4], phone.label);
        Put(v[5], sealed() ? phone.sealed_raw : phone.cleaned.input);
        v[6] = *class_id;
        v[7] = int64_t{static_cast<int>(phone.cleaned.qc)};
        v[8] = int64_t{1};
        v[9] = now_;
        return {};
    }

    // Fills the existing contact's empty fields, adds what it lacks, writes
    // history for each change; true when anything changed. The contact's own
    // row and its phones, tags and values are written at once (not through the
    // batches), so the next merge into the same contact sees them; its history
    // rows go through a batch.
    Result<bool> Merge(int64_t id, Incoming& in) {
        auto rows = store_.Query(
            "SELECT name, region, source, email, comment FROM contacts WHERE id = $1", {id});
        if (!rows) return std::unexpected(rows.error());
        const store::Row& row = rows->front();
        // One UPDATE sets every filled column and updated_at.
        std::string update = "UPDATE contacts SET ";
        std::vector<Value> params;
        auto set = [&](const char* column, const std::string& before, const std::string& after) {
            if (sealed() && column == std::string_view("name"))
                params.emplace_back(in.sealed_name);
            else if (sealed() && column == std::string_view("email"))
                params.emplace_back(in.sealed_email);
            else if (column == std::string_view("comment"))
                params.emplace_back(store::SealText(store_, after, store::kNoteColumn));
            else
                params.emplace_back(after);
            update += fmt::format("{} = ${}, ", column, params.size());
            History(id, column, before, after);
        };
        struct Fill {
            const char* column;
            size_t index;
            const std::string* incoming;
        };
        for (const Fill& f : {Fill{"name", 0, &in.name}, Fill{"region", 1, &in.region},
                              Fill{"source", 2, &in.source}, Fill{"email", 3, &in.email}}) {
            if (f.incoming->empty() || !row.Text(f.index).empty()) continue;
            set(f.column, "", *f.incoming);
        }
        if (!in.name.empty() && row.Text(0).empty()) {  // the name was set
            params.emplace_back(in.name_words);
            update += fmt::format("name_words = ${}, ", params.size());
        }
        if (!in.email.empty() && row.Text(3).empty() && sealed()) {  // the e-mail was set
            params.emplace_back(in.email_key);
            update += fmt::format("email_key = ${}, ", params.size());
        }
        auto opened = store::OpenText(store_, row.Text(4), store::kNoteColumn);
        if (!opened) return std::unexpected(opened.error());
        std::string comment = std::move(*opened);
        if (!in.comment.empty() && comment.find(in.comment) == std::string::npos) {
            set("comment", comment, comment.empty() ? in.comment : comment + "\n" + in.comment);
        }
        bool changed = !params.empty();
        int position = -1;  // where the contact's next phone goes, counted when needed
        for (auto& phone : in.phones) {
            uint64_t key = phone::E164Key(phone.cleaned.e164);
            if (owner_.contains(key)) continue;  // known (here or on another contact)
            if (position < 0) {
                auto count =
                    store_.QueryValue("SELECT COUNT(*) FROM phones WHERE contact_id = $1", {id});
                if (!count) return std::unexpected(count.error());
                position = static_cast<int>(store::Row({*count}).Int(0));
            }
            std::string e164 = phone.cleaned.e164;
            std::vector<Value> v(kPhoneColumns);
            if (auto ok = FillPhone(v.data(), id, position++, phone); !ok) {
                return std::unexpected(ok.error());
            }
            if (auto ok = store_.Exec(phones_.SingleSql(), v); !ok) {
                return std::unexpected(ok.error());
            }
            owner_.emplace(key, id);
            History(id, "phone", "", e164);
            changed = true;
        }
        for (int64_t tag : in.tags) {
            auto added = store_.Exec(contact_tags_.SingleSql(), {id, tag, now_, actor_});
            if (!added) return std::unexpected(added.error());
            if (*added > 0) {
                History(id, "tag", "", std::to_string(tag));
                changed = true;
            }
        }
        for (const auto& [field, value] : in.fields) {
            auto added = store_.Exec(
                "INSERT INTO field_values (contact_id, field_id, value) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING",
                {id, field, value});
            if (!added) return std::unexpected(added.error());
            if (*added > 0) {
                History(id, "field", "", value);
                changed = true;
            }
        }
        if (changed) {
            params.emplace_back(now_);
            params.emplace_back(id);
            update +=
                fmt::format("updated_at = ${} WHERE id = ${}", params.size() - 1, params.size());
            if (auto ok = store_.Exec(update, params); !ok) return std::unexpected(ok.error());
        }
        return changed;
    }

    // An import_merge history row, written with the next flush.
    void History(int64_t id, const std::string& field, const std::string& before,
                 const std::string& after) {
        Value* v = history_.Append(line_);
        v[0] = id;
        v[1] = now_;
        Set(v[2], actor_);
        Set(v[3], "import_merge");
        Set(v[4], field);
        if (before.empty())
            v[5] = Value();
        else
            v[5] = store::SealText(store_, before, contacts::kHistoryColumn);
        v[6] = store::SealText(store_, after, contacts::kHistoryColumn);
        v[7] = store::SealText(store_, history_detail_, contacts::kHistoryColumn);
    }

    bool sealed() const { return store_.cipher() != nullptr; }

    store::Store& store_;
    const std::string& actor_;
    const ImportOptions& options_;
    ImportSummary& summary_;
    int64_t now_;
    int64_t import_id_ = 0;
    int64_t line_ = 0;
    contacts::TagDictionary tags_;
    contacts::FieldRegistry fields_;
    contacts::PhoneClasses classes_;
    compliance::Consents consents_;
    bool bulk_;
    Batch contacts_, phones_, values_, contact_tags_, history_;
    std::string history_detail_;  // "import #N"
    int64_t next_id_ = 0;
    // Contacts with this id or above may still wait in a batch (never, row by row).
    int64_t first_pending_id_ = std::numeric_limits<int64_t>::max();
    int64_t failed_line_ = 0;
    std::vector<Column> columns_;
    std::unordered_map<std::string, contacts::FieldDef> field_defs_;
    std::unordered_map<std::string, int64_t> tag_cache_;  // id, or -1 unknown, -2 retired
    std::unordered_map<uint64_t, int64_t> owner_;         // E164Key -> live contact
};

// The records of the file, whatever it is: a CSV text's records (cells
// converted from cp1251, the quote an export put before "=…" taken off again)
// or a workbook sheet's rows. Used by the reading thread only.
class RowSource {
public:
    virtual ~RowSource() = default;
    // The next record and its line (CSV) or row (sheet); false at the end.
    virtual Result<bool> Next(std::vector<std::string>* cells, int64_t* line) = 0;
    virtual uint64_t done() const = 0;
    virtual uint64_t total() const = 0;
    // "6" in a CSV, "F" in a sheet (0-based index).
    virtual std::string ColumnId(size_t index) const = 0;
    // "column 6", "column F".
    std::string ColumnLabel(size_t index) const { return "column " + ColumnId(index); }
};

class CsvRows final : public RowSource {
public:
    CsvRows(std::string_view text, char delimiter, Encoding encoding)
        : reader_(text, delimiter), encoding_(encoding), total_(text.size()) {}

    Result<bool> Next(std::vector<std::string>* cells, int64_t* line) override {
        auto& target = encoding_ == Encoding::kUtf8 ? *cells : raw_;
        if (!reader_.Next(&target, line)) return false;
        if (encoding_ == Encoding::kCp1251) {
            cells->resize(raw_.size());
            for (size_t i = 0; i < raw_.size(); ++i)
                Cp1251ToUtf8(raw_[i], &(*cells)[i]);
        }
        for (std::string& cell : *cells) {
            if (!cell.starts_with('\'')) continue;
            if (ImportedText(cell).size() < cell.size()) cell.erase(0, 1);
        }
        return true;
    }
    uint64_t done() const override { return reader_.offset(); }
    uint64_t total() const override { return total_; }
    std::string ColumnId(size_t index) const override { return std::to_string(index + 1); }

private:
    CsvReader reader_;
    Encoding encoding_;
    uint64_t total_;
    std::vector<std::string> raw_;
};

class SheetRows final : public RowSource {
public:
    explicit SheetRows(std::unique_ptr<SheetReader> sheet) : sheet_(std::move(sheet)) {}
    Result<bool> Next(std::vector<std::string>* cells, int64_t* line) override {
        return sheet_->Next(cells, line);
    }
    uint64_t done() const override { return sheet_->done(); }
    uint64_t total() const override { return sheet_->total(); }
    std::string ColumnId(size_t index) const override {
        std::string letters;
        for (size_t n = index + 1; n > 0; n = (n - 1) / 26)
            letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
        return letters;
    }

private:
    std::unique_ptr<SheetReader> sheet_;
};

// A warning for cells past the header's last column (they are not imported).
void WarnExtraCells(const RowSource& source, size_t header_width, ParsedRow* row) {
    for (size_t i = header_width; i < row->cells.size(); ++i) {
        std::string_view value = TrimSpaces(row->cells[i]);
        if (value.empty()) continue;
        row->warnings.push_back(RowProblem(
            row->line, source.ColumnLabel(i), std::string(Utf8Prefix(value, 100)),
            Msg{"import.row.extra_cells",
                "the row has more cells than the header's {columns} columns; the cells from "
                "column {column} on were not imported (give them a header, or delete them)"},
            {{"columns", std::to_string(header_width)}, {"column", source.ColumnId(i)}}));
        return;
    }
}

}  // namespace

Result<OnDuplicate> ParseOnDuplicate(std::string_view text) {
    if (text == "merge") return OnDuplicate::kMerge;
    if (text == "skip") return OnDuplicate::kSkip;
    if (text == "new") return OnDuplicate::kNew;
    return Fail(ErrorCode::kInvalidInput,
                Msg{"import.unknown_duplicate_mode", "--on-duplicate {mode}: unknown mode",
                    "use merge, skip or new"},
                {{"mode", std::string(text)}});
}

// Rows a file of this many bytes holds at least, roughly (a name, a phone, a
// city and a source take about that much): a file estimated to hold as many
// rows as the base holds contacts is imported in bulk mode.
constexpr size_t kBytesPerRowEstimate = 128;
// The same for a sheet's XML (each cell is a <c r=".." t=".."><v>..</v></c>).
constexpr size_t kSheetBytesPerRowEstimate = 256;

Result<ImportSummary> Importer::Import(const std::string& path, const ImportOptions& options) {
    auto started = std::chrono::steady_clock::now();
    auto file = MappedFile::Open(path);
    if (!file) return std::unexpected(file.error());
    std::string_view bytes = file->bytes();
    ImportSummary summary;
    // A workbook's sheet is opened first: which sheet (and which header row)
    // is part of what was imported.
    std::unique_ptr<RowSource> source;
    const FileKind kind = KindOfFile(bytes.substr(0, 8));
    if (kind != FileKind::kText) {
        auto sheet = OpenSheet(path, options.sheet);
        if (!sheet) return std::unexpected(sheet.error());
        summary.encoding = kind == FileKind::kXlsx ? "xlsx" : "xls";
        summary.sheet = (*sheet)->sheet();
        summary.sheets = (*sheet)->sheets();
        source = std::make_unique<SheetRows>(std::move(*sheet));
    }
    // The file's SHA-256 is computed beside the import. Only when an earlier
    // import had the same size could this file be that one again: then the
    // hash is awaited before anything is written. What makes an import the
    // same as an earlier one: the file's hash, and for a workbook the sheet,
    // for a header row given the row (two sheets of one workbook are two
    // imports).
    std::string identity;
    if (kind != FileKind::kText) identity += "\nsheet:" + summary.sheet;
    if (options.header_row > 0) identity += fmt::format("\nheader_row:{}", options.header_row);
    std::future<std::string> sha = std::async(std::launch::async, [bytes, identity] {
        std::string hash = Sha256Hex(bytes);
        return identity.empty() ? hash : Sha256Hex(hash + identity);
    });
    const auto size = static_cast<int64_t>(bytes.size());
    auto same_size = store_.QueryValue(
        "SELECT COUNT(*) FROM imports WHERE size = $1 AND status = 'done'", {size});
    if (!same_size) return std::unexpected(same_size.error());
    std::string sha256;
    if (store::Row({*same_size}).Int(0) > 0) {
        sha256 = sha.get();
        auto earlier = store_.Query(
            "SELECT id, finished_at FROM imports WHERE sha256 = $1 AND status = 'done' "
            "ORDER BY id LIMIT 1",
            {sha256});
        if (!earlier) return std::unexpected(earlier.error());
        if (!earlier->empty()) {
            summary.already_imported_as = earlier->front().Int(0);
            summary.already_imported_at = earlier->front().Int(1);
            return summary;
        }
    }

    if (kind == FileKind::kText) {
        if (!options.sheet.empty()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.csv_no_sheets", "{file} is a CSV text, which has no sheets",
                            "leave out --sheet, or give an .xlsx or .xls workbook"},
                        {{"file", path}});
        }
        std::string_view text = bytes;
        bool bom = text.starts_with("\xEF\xBB\xBF");
        if (bom) text.remove_prefix(3);
        Encoding encoding = Encoding::kUtf8;
        if (options.encoding) {
            encoding = *options.encoding;
        } else if (!bom) {
            auto detected = DetectFileEncoding(text, path);
            if (!detected) return std::unexpected(detected.error());
            encoding = *detected;
        }
        if (encoding == Encoding::kUtf8 && (bom || options.encoding)) {
            if (size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
                auto at =
                    1 + std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(bad), '\n');
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"import.not_utf8", "{file}:{line}: not valid UTF-8",
                                "give --encoding cp1251 if it came from Excel on Windows"},
                            {{"file", path}, {"line", std::to_string(at)}});
            }
        }
        // The CSV structure is ASCII in both encodings: the reader splits the
        // raw bytes and each cell is converted as it is read, never the whole file.
        char delimiter = options.delimiter ? *options.delimiter : DetectDelimiter(text);
        summary.encoding = std::string(EncodingName(encoding)) + (bom ? " (BOM)" : "");
        summary.delimiter = DelimiterName(delimiter);
        source = std::make_unique<CsvRows>(text, delimiter, encoding);
    }

    // The header: the first record, or the one at --header-row (those above
    // it, a title or notes over the table, are skipped).
    std::vector<std::string> header;
    int64_t line = 0;
    for (;;) {
        auto more = source->Next(&header, &line);
        if (!more) return std::unexpected(more.error());
        if (!*more) {
            if (options.header_row > 0) {
                return Fail(
                    ErrorCode::kInvalidInput,
                    Msg{"import.nothing_below", "{file} has nothing at or below line {line}",
                        "give --header-row the line of the column names"},
                    {{"file", path}, {"line", std::to_string(options.header_row)}});
            }
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.file_empty", "{file} is empty",
                            "export the contacts with a header row"},
                        {{"file", path}});
        }
        if (line >= options.header_row) break;
    }
    if (options.header_row > 0 && line != options.header_row) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"import.header_row_empty", "{file}: line {line}, given as the header row, is empty",
                "the first line with cells below it is {next}; give --header-row {next}"},
            {{"file", path},
             {"line", std::to_string(options.header_row)},
             {"next", std::to_string(line)}});
    }
    const int64_t header_line = line;
    if (auto ok = CheckHeaderLimits(header, options.limits, path); !ok) {
        return std::unexpected(ok.error());
    }
    auto columns = MapColumns(header, options.mapping, path);
    if (!columns) return std::unexpected(columns.error());

    // A large import into a small base runs in the store's bulk mode
    // (docs/performance.md, ## Import).
    auto contacts_before = store_.QueryValue("SELECT COUNT(*) FROM contacts");
    if (!contacts_before) return std::unexpected(contacts_before.error());
    bool bulk = false;
    const size_t expected_rows = kind == FileKind::kText
                                     ? bytes.size() / kBytesPerRowEstimate
                                     : source->total() / kSheetBytesPerRowEstimate;
    if (static_cast<int64_t>(expected_rows) >= store::Row({*contacts_before}).Int(0)) {
        auto entered = store_.EnterBulkMode();
        if (!entered) return std::unexpected(entered.error());
        bulk = *entered;
    }
    // Left after the transaction has ended, however it ends.
    struct LeaveBulk {
        store::Store& store;
        bool bulk;
        ~LeaveBulk() {
            if (bulk) (void)store.LeaveBulkMode();
        }
    } leave_bulk{store_, bulk};
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    // In bulk mode the indexes that rows do not reach in order are built after
    // the rows (phones_contact stays: merges count a contact's phones by it).
    std::vector<std::string> deferred_indexes;
    if (bulk) {
        for (const char* index : {"phones_e164"}) {
            auto dropped = store_.DropIndex(index);
            if (!dropped) return std::unexpected(dropped.error());
            deferred_indexes.push_back(std::move(*dropped));
        }
    }
    int64_t now = clock_.Now();
    auto import_id = store_.QueryValue(
        "INSERT INTO imports (file, sha256, size, source, encoding, delimiter, actor, started_at, "
        "status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running') RETURNING id",
        {path, std::string(), size, options.source, summary.encoding, summary.delimiter, actor_,
         now});
    if (!import_id) return std::unexpected(import_id.error());
    int64_t id = store::Row({*import_id}).Int(0);

    Run run(store_, clock_, actor_, options, summary);
    auto failed = [&](const Error& error) -> Result<ImportSummary> {
        int64_t at = run.failed_line() ? run.failed_line() : line;
        return Fail(error.code, fmt::format("{}:{}: {}", path, at, error.message),
                    "nothing was imported; fix the cause and run the import again");
    };
    if (auto ok = run.Prepare(*columns, id, expected_rows); !ok) {
        return std::unexpected(ok.error());
    }
    RowShaper shaper(*columns, run.field_defs(), options.source, run.now(), store_.cipher());
    {
        // Two threads: this one writes to the store; the reader splits the file,
        // converts the encoding and cleans the phones (the Cleaner is safe to
        // share), a few blocks ahead.
        RowQueue queue(4);
        std::optional<Error> unreadable;  // the file turned out damaged
        std::jthread reading([&] {
            bool more = true;
            while (more) {
                auto block = queue.TakeFree();
                if (!block) break;
                while (block->count < RowQueue::kBlockRows) {
                    ParsedRow& row = block->rows[block->count];
                    auto next = source->Next(&row.cells, &row.line);
                    if (!next) unreadable = next.error();
                    if (!next || !*next) {
                        more = false;
                        break;
                    }
                    ++block->count;
                    if (!RejectOversizedCell(*columns, options.limits, &row)) {
                        CleanPhones(cleaner_, *columns, &row);
                        shaper.Shape(&row);
                    }
                    WarnExtraCells(*source, columns->size(), &row);
                }
                block->offset = source->done();
                queue.PutFull(std::move(block));
            }
            queue.Finish();
        });
        // However this block is left (an error, an exception), the reader is
        // told to stop before it is joined, so it never waits for a free block.
        struct StopReader {
            RowQueue& queue;
            ~StopReader() { queue.Stop(); }
        } stop_reader{queue};
        Result<void> written;
        while (auto block = queue.TakeFull()) {
            for (size_t i = 0; i < block->count && written; ++i) {
                line = block->rows[i].line;
                written = run.Row(block->rows[i]);
            }
            if (!written) break;
            if (options.on_progress) options.on_progress(block->offset, source->total());
            queue.PutFree(std::move(block));
        }
        if (!written) return failed(written.error());
        reading.join();
        if (unreadable) {
            return Fail(unreadable->code, unreadable->message,
                        unreadable->hint + "; nothing was imported");
        }
    }
    if (summary.read == 0) {
        summary.errors.push_back(RowProblem(
            header_line, "", "",
            Msg{"import.row.no_rows",
                "the file has a header row and no rows under it: there was nothing to import"}));
    }
    if (auto ok = run.FlushAll(); !ok) return failed(ok.error());
    Batch errors("INSERT INTO import_errors", {"import_id", "line", "col", "value", "reason"},
                 store_.backend() == store::Backend::kSqlite ? 100 : 1);
    int64_t unused = 0;
    for (const auto& e : summary.errors) {
        Value* v = errors.Append(e.line);
        v[0] = id;
        v[1] = e.line;
        Set(v[2], e.column);
        v[3] = store::SealText(store_, e.value, contacts::kImportErrorColumn);
        Set(v[4], e.reason);
        if (errors.full()) {
            if (auto ok = errors.Flush(store_, false, false, &unused); !ok) {
                return std::unexpected(ok.error());
            }
        }
    }
    if (auto ok = errors.Flush(store_, true, false, &unused); !ok)
        return std::unexpected(ok.error());
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (sha256.empty()) sha256 = sha.get();
    auto done = store_.Exec(
        "UPDATE imports SET status = $1, finished_at = $2, rows_read = $3, inserted = $4, "
        "merged = $5, unchanged = $6, rejected = $7, sha256 = $8 WHERE id = $9",
        {std::string(options.dry_run ? "dry_run" : "done"), clock_.Now(), summary.read,
         summary.inserted, summary.merged, summary.unchanged, summary.rejected, sha256, id});
    if (!done) return std::unexpected(done.error());
    if (options.dry_run) return summary;  // the transaction rolls back
    for (const std::string& index : deferred_indexes) {
        if (auto ok = store_.ExecScript(index); !ok) return std::unexpected(ok.error());
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summary.import_id = id;
    return summary;
}

Result<void> WriteErrorReport(const std::string& path, const std::vector<RowError>& errors) {
    std::string out = "\xEF\xBB\xBF";
    AppendCsvRecord(out, {"line", "column", "value", "reason"}, ';');
    for (const auto& e : errors) {
        AppendCsvRecord(out, {std::to_string(e.line), e.column, e.value, e.reason}, ';');
    }
    std::ofstream file(path, std::ios::binary);
    if (!file || !file.write(out.data(), static_cast<std::streamsize>(out.size()))) {
        return Fail(ErrorCode::kIo, fmt::format("cannot write the error report {}", path),
                    "check the folder exists and is writable");
    }
    return {};
}

}  // namespace callbase::ingest
