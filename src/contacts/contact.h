// The plain values of the number base: a contact, its phones, tags, custom
// field values and history entries, and the Card that shows them together.
//
// Plain structs copied out of the database; they own their strings and are safe
// to move across threads. Nothing here talks to the store (see ContactBook).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <vector>

#include "core/error.h"
#include "phone/clean.h"

namespace callbase::contacts {

struct Contact {
    int64_t id = 0;
    std::string name, region, source, owner_group, email, comment;
    std::string status = "new";          // canonical id, see status.h
    std::optional<int64_t> callback_at;  // set only for status callback
    int64_t created_at = 0;
    int64_t updated_at = 0;
    std::optional<int64_t> last_interaction_at;
    std::optional<int64_t> import_id;
    std::optional<int64_t> merged_into;
};

struct Phone {
    int64_t id = 0;
    int position = 0;
    std::string e164;  // empty when the number could not be cleaned
    std::string extension;
    std::string label;  // основной, рабочий, ...
    std::string raw;    // as written
    // From the phone's class (contacts::PhoneClasses).
    std::string type, country, region, operator_name, timezone;
    std::optional<int> utc_offset_minutes;
    int qc = 0;
    bool valid = true;
    bool inactive = false;
};

struct ContactTag {
    std::string category;
    std::string name;
    bool retired = false;
    int64_t added_at = 0;
    std::string added_by;
};

struct FieldValue {
    std::string name;
    std::string type;   // number, date, text, enum
    std::string value;  // normalized: dates YYYY-MM-DD, numbers without grouping
};

struct HistoryEntry {
    int64_t id = 0;  // 0 for entries synthesized from other records
    int64_t contact_id = 0;
    int64_t at = 0;
    std::string actor;
    std::string action;  // created, status, tag, untag, field, merge, merged_into, unmerge, import
    std::string field;
    std::optional<std::string> before, after;
    std::string detail;  // in English, for the CLI and logs
    // The detail's code and parameters for screens in the user's language
    // (core/error.h's Msg; web/src/server_messages.ts); empty for a plain detail
    // and for rows written before details were coded.
    std::string detail_key;
    MessageParams detail_params;
};

// Sets `entry`'s detail from a coded message and its parameters.
void SetDetail(HistoryEntry& entry, Msg msg, MessageParams params);

// Everything an operator sees about one contact.
struct Card {
    Contact contact;
    std::vector<Phone> phones;
    std::vector<ContactTag> tags;
    std::vector<FieldValue> fields;
    std::vector<HistoryEntry> history;  // oldest first
};

// A phone to add to a new contact: the cleaned number and its label.
struct NewPhone {
    phone::CleanResult cleaned;
    std::string label = "основной";
};

struct NewContact {
    std::string name, region, source, owner_group, email, comment;
    std::vector<NewPhone> phones;
    std::vector<std::pair<std::string, std::string>> fields;  // field name -> value as typed
    std::vector<std::string> tags;
};

}  // namespace callbase::contacts
