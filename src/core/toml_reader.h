// TomlReader: reads settings files (TOML, toml++) with errors that say
// file:line, the setting and what is wrong, and a hint. The first problem is
// kept and the rest of the reading goes on harmlessly; unknown keys are
// refused (a typo would otherwise be ignored). Header-only; one reader per
// file, one thread.
#pragma once

#include <fmt/format.h>

#include <toml++/toml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

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
        // Written so that nan is out of range too (casting it is undefined;
        // `count = nan` gave -2147483648 agents), as fuzz_scenario showed.
        if (!(*v >= min && *v <= max)) {
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

}  // namespace callbase
