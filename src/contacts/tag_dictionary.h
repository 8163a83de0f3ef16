// The controlled tag dictionary (R-BASE-3): tags grouped in categories
// (Продукт/услуга, Причина отказа, Действие, Сегмент). Operators pick tags from it
// and cannot invent new ones; retired tags stay on the contacts that have them
// but cannot be added again.
//
// A TagDictionary borrows the Store& and Clock& it is given (both must outlive
// it) and caches nothing. Same thread rules as the Store. Methods that change the
// dictionary run their own transaction; Resolve() does not, so it may run inside
// a caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

struct TagInfo {
    int64_t id = 0;
    std::string category;
    std::string name;
    std::optional<int64_t> retired_at;
    int64_t usage = 0;  // live contacts carrying the tag (List() only)

    // "Причина отказа:Дорого", the spelling that is never ambiguous.
    std::string Qualified() const { return category + ":" + name; }
};

class TagDictionary {
public:
    TagDictionary(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // Seeds the default categories and tags of seed 002 when the dictionary has no
    // category yet. Returns true when it seeded. Idempotent.
    Result<bool> EnsureDefaults();

    Result<int64_t> AddCategory(std::string_view name);
    Result<TagInfo> AddTag(std::string_view category, std::string_view name);
    // Retires a tag by name (or Category:Name); retiring twice is refused.
    Result<TagInfo> Retire(std::string_view name);
    // Every tag with its category and usage, by category then name. Seeds first.
    Result<std::vector<TagInfo>> List();
    Result<std::vector<std::string>> Categories();

    // Finds a tag by name or Category:Name, case-insensitively. NotFound lists
    // close matches; a name in two categories is refused listing both.
    // Retired tags are returned (callers decide what retired means for them).
    Result<TagInfo> Resolve(std::string_view name);

private:
    Result<std::vector<TagInfo>> All();
    Result<int64_t> CategoryId(std::string_view name);

    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::contacts
