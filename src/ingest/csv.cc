#include "ingest/csv.h"

#include <algorithm>
#include <array>
#include <map>

namespace callbase::ingest {

bool CsvReader::Next(std::vector<std::string>* fields, int64_t* line) {
    // The strings of the previous record are reused (records of a file have the
    // same width), so a steady-state record costs no allocation.
    size_t used = 0;
    auto next_field = [&]() -> std::string& {
        if (used == fields->size()) fields->emplace_back();
        std::string& f = (*fields)[used++];
        f.clear();
        return f;
    };
    // Skip blank lines.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
        if (text_[pos_] == '\n') ++line_;
        ++pos_;
    }
    if (pos_ >= text_.size()) {
        fields->clear();
        return false;
    }
    *line = line_;
    const char* data = text_.data();
    const size_t size = text_.size();
    std::string* field = &next_field();
    bool quoted = false;
    while (pos_ < size) {
        if (!quoted && field->empty() && data[pos_] != '"') {
            // An unquoted run: copy up to the next delimiter or line break at once.
            size_t end = pos_;
            while (end < size && data[end] != delimiter_ && data[end] != '\n' &&
                   data[end] != '\r' && data[end] != '"') {
                ++end;
            }
            field->append(data + pos_, end - pos_);
            pos_ = end;
            if (pos_ >= size) break;
        }
        char c = data[pos_++];
        if (quoted) {
            if (c == '"') {
                if (pos_ < size && data[pos_] == '"') {
                    field->push_back('"');
                    ++pos_;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line_;
                if (c != '\r') field->push_back(c);
            }
        } else if (c == '"' && field->empty()) {
            quoted = true;
        } else if (c == delimiter_) {
            field = &next_field();
        } else if (c == '\n') {
            ++line_;
            break;
        } else if (c != '\r') {
            field->push_back(c);
        }
    }
    fields->resize(used);
    return true;
}

char DetectDelimiter(std::string_view text) {
    constexpr std::array<char, 3> kCandidates = {';', ',', '\t'};
    char best = ';';
    double best_score = 0;
    for (char d : kCandidates) {
        CsvReader reader(text.substr(0, 64 * 1024), d);
        std::vector<std::string> fields;
        int64_t line;
        std::map<size_t, int> widths;
        int records = 0;
        while (records < 20 && reader.Next(&fields, &line)) {
            ++widths[fields.size()];
            ++records;
        }
        if (records == 0) continue;
        // The most common width, if it splits at all, weighted by how common it is.
        auto common = std::max_element(widths.begin(), widths.end(),
                                       [](auto& a, auto& b) { return a.second < b.second; });
        if (common->first < 2) continue;
        double score = static_cast<double>(common->second) / records * common->first;
        if (score > best_score) {
            best_score = score;
            best = d;
        }
    }
    return best;
}

std::string DelimiterName(char delimiter) {
    if (delimiter == '\t') return "tab";
    return std::string("'") + delimiter + "'";
}

namespace {

bool StartsAFormula(std::string_view cell) {
    return !cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                             cell[0] == '\t' || cell[0] == '\r');
}

// "+79161234567", "-12", "-12.5", "+3,25": a sign, digits and at most one
// decimal separator.
bool PlainNumber(std::string_view cell) {
    if (cell.size() < 2 || (cell[0] != '+' && cell[0] != '-')) return false;
    bool digit = false, separator = false;
    for (char c : cell.substr(1)) {
        if (c >= '0' && c <= '9') {
            digit = true;
        } else if ((c == '.' || c == ',') && digit && !separator) {
            separator = true;
        } else {
            return false;
        }
    }
    return digit && cell.back() != '.' && cell.back() != ',';
}

}  // namespace

std::string SpreadsheetText(std::string_view cell) {
    if (!StartsAFormula(cell) || PlainNumber(cell)) return std::string(cell);
    std::string out;
    out.reserve(cell.size() + 1);
    out.push_back('\'');
    out.append(cell);
    return out;
}

std::string_view ImportedText(std::string_view cell) {
    if (cell.size() >= 2 && cell[0] == '\'' && StartsAFormula(cell.substr(1)) &&
        !PlainNumber(cell.substr(1))) {
        cell.remove_prefix(1);
    }
    return cell;
}

void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields, char delimiter) {
    std::string safe;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out.push_back(delimiter);
        const bool neutralize = StartsAFormula(fields[i]) && !PlainNumber(fields[i]);
        if (neutralize) safe = SpreadsheetText(fields[i]);
        const std::string& f = neutralize ? safe : fields[i];
        bool quote = f.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos;
        if (!quote) {
            out += f;
            continue;
        }
        out.push_back('"');
        for (char c : f) {
            if (c == '"') out.push_back('"');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out += "\r\n";
}

}  // namespace callbase::ingest
