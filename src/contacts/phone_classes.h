// PhoneClasses: the enrichment many phones share — line type, country, region,
// operator, time zone, UTC offset — kept once in the phone_classes table and
// referred to by id from each phone (migration 004). A base of millions of
// numbers holds a few thousand classes; phone rows stay small, which is most of
// what an import writes.
//
// Ownership and threads: borrows the Store& (which must outlive it); one per
// thread, like the Store. Caches every class it has seen, so a long import
// looks each one up in the database once. New classes are inserted in the
// caller's transaction: a rolled-back import leaves the cache ahead of the
// table, so drop the PhoneClasses with the transaction that failed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "phone/clean.h"
#include "store/store.h"

namespace callbase::contacts {

// The class key of a cleaned number: type|country|region|operator|timezone|
// offset (minutes; empty when unknown; migration 004 builds the same text),
// with its hash, so a thread that makes keys spares the one that looks them up.
struct PhoneClassKey {
    std::string text;
    size_t hash = 0;

    explicit PhoneClassKey(const phone::CleanResult& cleaned);
    explicit PhoneClassKey(std::string key_text);
    bool operator==(const PhoneClassKey& other) const {
        return hash == other.hash && text == other.text;
    }
};

class PhoneClasses {
public:
    explicit PhoneClasses(store::Store& store) : store_(store) {}

    // The id of the class of `cleaned`, whose key is `key` (the importer makes
    // keys on its reading thread), inserting the class if new.
    Result<int64_t> Id(const PhoneClassKey& key, const phone::CleanResult& cleaned);
    Result<int64_t> Id(const phone::CleanResult& cleaned) {
        return Id(PhoneClassKey(cleaned), cleaned);
    }

private:
    struct KeyHash {
        size_t operator()(const PhoneClassKey& k) const { return k.hash; }
    };

    store::Store& store_;
    bool loaded_ = false;
    std::unordered_map<PhoneClassKey, int64_t, KeyHash> ids_;
};

}  // namespace callbase::contacts
