// TomlReader: reads settings files (TOML, toml++) with errors that say
// file:line, the setting and what is wrong, and a hint. The first problem is
// kept and the rest of the reading goes on harmlessly; unknown keys are
// refused (a typo would otherwise be ignored). Header-only; one reader per
// file, one thread.
#pragma once

#include <fmt/format.h>

#include <toml++/toml.h>

#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase {

// Reads values out of the parsed tables; the first problem is kept and the
// rest of the reading goes on harmlessly.
class TomlReader {
public:
    TomlReader(std::string file, std::string hint)
        : file_(std::move(file)), hint_(std::move(hint)) {}

    void Problem(const toml::node* node, std::string_view where, std::string_view what) {
        if (error_) return;
        std::string at = file_;
        if (node != nullptr && node->source().begin.line > 0) {
            at = fmt::format("{}:{}", file_, node->source().begin.line);
        }
        error_ = Error{ErrorCode::kInvalidInput, fmt::format("{}: {}: {}", at, where, what), hint_};
    }

    // Refuses keys that mean nothing here (a typo would otherwise be ignored).
    void Known(const toml::table* table, std::string_view section,
               std::initializer_list<std::string_view> keys) {
        if (table == nullptr) return;
        for (auto&& [key, node] : *table) {
            bool found = false;
            for (auto k : keys)
                found = found || k == key.str();
            if (!found) {
                std::string list;
                for (auto k : keys)
                    list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
                Problem(&node, Where(section, key.str()),
                        fmt::format("unknown key; the keys here are {}", list));
            }
        }
    }

    template <typename T>
    void Number(const toml::table* table, std::string_view section, std::string_view key, T& out,
                double min, double max) {
        const toml::node* node = table ? table->get(key) : nullptr;
        if (node == nullptr) return;
        std::optional<double> v = node->value<double>();
        if (!v) {
            Problem(node, Where(section, key), "must be a number");
            return;
        }
        // nan passes every comparison below and became INT_MIN agents.
        if (!std::isfinite(*v)) {
            Problem(node, Where(section, key),
                    fmt::format("must be a number from {} to {}, not {}", min, max, *v));
            return;
        }
        if (*v < min || *v > max) {
            Problem(node, Where(section, key),
                    fmt::format("{} is out of range {}..{}", *v, min, max));
            return;
        }
        out = static_cast<T>(*v);
    }

    void Share(const toml::table* table, std::string_view section, std::string_view key,
               double& out) {
        Number(table, section, key, out, 0.0, 1.0);
    }

    void Text(const toml::table* table, std::string_view section, std::string_view key,
              std::string& out) {
        const toml::node* node = table ? table->get(key) : nullptr;
        if (node == nullptr) return;
        auto v = node->value<std::string>();
        if (!v) {
            Problem(node, Where(section, key), "must be a string");
            return;
        }
        out = *v;
    }

    void Flag(const toml::table* table, std::string_view section, std::string_view key, bool& out) {
        const toml::node* node = table ? table->get(key) : nullptr;
        if (node == nullptr) return;
        auto v = node->value<bool>();
        if (!v) {
            Problem(node, Where(section, key), "must be true or false");
            return;
        }
        out = *v;
    }

    static std::string Where(std::string_view section, std::string_view key) {
        return section.empty() ? std::string(key) : fmt::format("[{}] {}", section, key);
    }

    const std::optional<Error>& error() const { return error_; }

private:
    std::string file_, hint_;
    std::optional<Error> error_;
};

namespace toml_detail {

inline std::string_view Trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// "count" of `count = 3`, "[agents]" of a header line; "" for anything else.
inline std::string_view KeyOf(std::string_view line) {
    line = Trimmed(line);
    if (line.starts_with('[')) {
        size_t end = line.find(']', line.starts_with("[[") ? 2 : 1);
        if (end == std::string_view::npos) return {};
        if (line.starts_with("[[") && end + 1 < line.size() && line[end + 1] == ']') ++end;
        return line.substr(0, end + 1);
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || line.starts_with('#')) return {};
    return Trimmed(line.substr(0, eq));
}

}  // namespace toml_detail

// A toml++ parse error as a callbase Error: "file:line: what". A key or table
// given twice names both lines (toml++ names only the second), since the
// first is the one a reader would otherwise trust.
inline Error TomlParseError(const toml::parse_error& e, std::string_view file,
                            std::string_view text, std::string hint) {
    const auto line_no = static_cast<size_t>(e.source().begin.line);
    std::string message = fmt::format("{}:{}: {}", file, line_no, e.description());
    if (e.description().find("cannot redefine") == std::string_view::npos || line_no == 0)
        return Error{ErrorCode::kInvalidInput, std::move(message), std::move(hint)};
    std::vector<std::string_view> lines;
    for (size_t at = 0; at <= text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    if (line_no > lines.size()) return Error{ErrorCode::kInvalidInput, std::move(message), hint};
    const std::string_view key = toml_detail::KeyOf(lines[line_no - 1]);
    if (key.empty()) return Error{ErrorCode::kInvalidInput, std::move(message), std::move(hint)};
    const bool header = key.starts_with('[');
    // A key is looked for in its own table (from the last header above it);
    // a table header anywhere above.
    size_t from = 0;
    if (!header) {
        for (size_t i = line_no - 1; i-- > 0;) {
            if (toml_detail::Trimmed(lines[i]).starts_with('[')) {
                from = i + 1;
                break;
            }
        }
    }
    for (size_t i = from; i + 1 < line_no; ++i) {
        if (toml_detail::KeyOf(lines[i]) != key) continue;
        return Error{ErrorCode::kInvalidInput,
                     fmt::format("{}:{}: {} {} is given twice, on line {} and on line {}", file,
                                 line_no, header ? "table" : "key", key, i + 1, line_no),
                     "keep one of them: the file would mean one or the other"};
    }
    return Error{ErrorCode::kInvalidInput, std::move(message), std::move(hint)};
}

}  // namespace callbase
