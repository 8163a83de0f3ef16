#include "contacts/phone_classes.h"

#include <fmt/format.h>

namespace callbase::contacts {

PhoneClassKey::PhoneClassKey(std::string key_text)
    : text(std::move(key_text)), hash(std::hash<std::string>{}(text)) {}

namespace {

// type|country|region|operator|timezone|offset, built by appending (a key is
// made for every phone of an import).
std::string KeyText(const phone::CleanResult& c) {
    std::string key;
    key.reserve(96);
    key += phone::LineTypeName(c.type);
    for (const std::string* part : {&c.country, &c.region, &c.operator_name, &c.timezone}) {
        key += '|';
        key += *part;
    }
    key += '|';
    if (c.utc_offset_minutes) key += std::to_string(*c.utc_offset_minutes);
    return key;
}

}  // namespace

PhoneClassKey::PhoneClassKey(const phone::CleanResult& c) : PhoneClassKey(KeyText(c)) {}

Result<int64_t> PhoneClasses::Id(const PhoneClassKey& key, const phone::CleanResult& c) {
    if (!loaded_) {
        auto ok = store_.ForEach("SELECT key, id FROM phone_classes", {}, [&](const store::Row& r) {
            ids_.emplace(PhoneClassKey(r.Text(0)), r.Int(1));
            return true;
        });
        if (!ok) return std::unexpected(ok.error());
        loaded_ = true;
    }
    if (auto it = ids_.find(key); it != ids_.end()) return it->second;
    // Another process may have added the class since the cache was loaded.
    auto inserted = store_.Exec(
        "INSERT INTO phone_classes (key, type, country, region, operator, timezone, utc_offset) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
        {key.text, std::string(phone::LineTypeName(c.type)), c.country, c.region, c.operator_name,
         c.timezone, store::Nullable(c.utc_offset_minutes)});
    if (!inserted) return std::unexpected(inserted.error());
    auto id = store_.QueryValue("SELECT id FROM phone_classes WHERE key = $1", {key.text});
    if (!id) return std::unexpected(id.error());
    int64_t value = store::Row({*id}).Int(0);
    ids_.emplace(key, value);
    return value;
}

}  // namespace callbase::contacts
