// ContactBook: the operations on contacts that people perform one at a time —
// create, show a card, find by filter, set the status, tag and untag, set a
// custom field (R-BASE-2, R-BASE-3).
//
// Every change writes a history row (who, when, what, before, after) in the same
// transaction as the change. Tags must come from the dictionary and not be
// retired; custom field values are validated against their type. Contacts merged
// into another are read-only: changes are refused with the id to use instead.
//
// Ownership and threads: a ContactBook borrows the Store& and Clock& it is given
// (both must outlive it) and acts as one actor. It keeps no cache. Same thread
// rules as the Store: one ContactBook per thread. Every public method that writes
// runs its own transaction, so do not call them inside another transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/contact.h"
#include "contacts/filter.h"
#include "contacts/scope.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

// The order of a search's results. Every order ends with the contact's id
// (in the same direction), so pages of one search never repeat or skip a
// contact.
enum class SortKey { kAdded, kName, kStatus, kRegion, kUpdated };
struct Sort {
    SortKey key = SortKey::kAdded;
    bool descending = true;  // the newest first by default
};
// "added", "name", "status", "region", "updated"; a leading '-' sorts
// descending. "" is the default (-added). Errors list the accepted keys.
Result<Sort> ParseSort(std::string_view text);

// One line of a search result.
struct FoundContact {
    Contact contact;
    std::string phone;  // the first phone, E.164 (raw when it could not be cleaned)
    int phone_count = 0;
};

// The columns of `contacts` in the order ReadContact() expects.
extern const std::string_view kContactColumns;
using store::kEmailColumn;
using store::kHistoryColumn;
using store::kImportErrorColumn;
using store::kNameColumn;
using store::kRawColumn;

// The name, e-mail and comment are opened on an encrypted base.
Result<Contact> ReadContact(const store::Store& store, const store::Row& row, size_t first = 0);
// The name as contacts.name holds it (sealed on an encrypted base), and what
// contacts.name_words holds for it: its search words (SearchWords: folded, ё
// as е) between spaces on a plain base (" ксения борисова "), their blind
// indexes on an encrypted one (" KEY KEY "); '' for a name with no word.
// Written together, always: a trigger copies the words of name_words into
// contact_words, which name searches read through its index (migration 017).
std::string StoredName(const store::Store& store, std::string_view name);
std::string NameWords(const store::Cipher* cipher, std::string_view name);
// The name_words term of one word (" KEY ": 48 bits of the word's key as ten
// lowercase base-32 letters), for name_words LIKE '%…%'.
std::string NameWordKey(int64_t key);
// The e-mail as contacts.email holds it (sealed on an encrypted base), and
// what contacts.email_key holds for it: on an encrypted base the blind index
// of the address trimmed and case-folded (so `email=` finds it whatever its
// case), '' on a plain one (which searches contacts.email itself) and for no
// address. Written together, always.
std::string StoredEmail(const store::Store& store, std::string_view email);
std::string EmailKey(const store::Cipher* cipher, std::string_view email);
// What phones.raw holds for a spelling of the number `e164`. On an encrypted
// base: the spelling's shape when it is only digits and punctuation that
// spell the number ("fmt:8 (###) ###-##-##": the digits of the number are
// not in it, so there is nothing to seal and a few bytes to store), else the
// spelling sealed. On a plain base: the spelling itself.
std::string StoredRaw(const store::Cipher* cipher, std::string_view raw, std::string_view e164);
// The spelling back from what phones.raw holds (`e164`: the phone's number).
Result<std::string> OpenRaw(const store::Store& store, std::string_view stored,
                            std::string_view e164);
// A stored shape ("fmt:…") and the spelling it gives for `e164`.
bool IsRawShape(std::string_view stored);
Result<std::string> FillRawShape(std::string_view stored, std::string_view e164);
// The contact, or NotFound naming the id.
Result<Contact> LoadContact(store::Store& store, int64_t id);
// "2026-03-01 15:00:00 UTC".
std::string FormatUtc(int64_t unix_seconds);

class ContactBook {
public:
    ContactBook(store::Store& store, const Clock& clock, std::string actor)
        : store_(store), clock_(clock), actor_(std::move(actor)) {}

    // From now on this book sees only the contacts of `scope` (none: all):
    // Find and Count leave the others out, Get, FindByPhone and every change
    // by id treat them as contacts that do not exist (the same NotFound).
    void Restrict(std::optional<Scope> scope) { scope_ = std::move(scope); }
    // Whether the book may see contact `id` (true when unrestricted).
    Result<bool> Sees(int64_t id);

    // Creates a contact with its phones, custom fields and tags; returns its id.
    // Needs a name or at least one phone. Phones that could not be cleaned are kept
    // as written, marked invalid. The region defaults to the first phone's region.
    Result<int64_t> Create(const NewContact& contact);

    // The card: contact, phones, tags, fields, and the history timeline including
    // the synthesized "created by import #N (file)" entries.
    Result<Card> Get(int64_t id);

    // Contacts matching the filter, newest first unless `sort` says otherwise.
    // Sorting by name is refused on an encrypted base (names are sealed).
    Result<std::vector<FoundContact>> Find(const Filter& filter, int64_t limit = 50,
                                           int64_t offset = 0, Sort sort = {});
    Result<int64_t> Count(const Filter& filter);
    // A page of Find and the Count of the same filter, as a search screen
    // shows them; the contacts of a name of several words are read once.
    struct Page {
        std::vector<FoundContact> items;
        int64_t total = 0;
    };
    Result<Page> Search(const Filter& filter, int64_t limit = 50, int64_t offset = 0,
                        Sort sort = {});
    // The ids of the contacts matching the filter, oldest first, at most
    // `limit` of them (a mass edit's selection).
    Result<std::vector<int64_t>> FindIds(const Filter& filter, int64_t limit);

    // The live contact that has the number (E.164), the oldest when several
    // do: the screen pop's question when a call rings. One indexed query.
    Result<std::optional<Contact>> FindByPhone(const std::string& e164);

    // Status by id or any accepted name (status.h). Callback requires callback_at;
    // other statuses refuse one. Returns false when nothing changed.
    Result<bool> SetStatus(int64_t id, std::string_view status,
                           std::optional<int64_t> callback_at = std::nullopt);

    // Adds / removes a dictionary tag. Returns false when nothing changed.
    Result<bool> Tag(int64_t id, std::string_view tag);
    Result<bool> Untag(int64_t id, std::string_view tag);

    // Sets a custom field (validated against its type); an empty value clears it.
    // Returns false when nothing changed.
    Result<bool> SetField(int64_t id, std::string_view field, std::string_view value);

    // Renames the contact (trimmed). A contact keeps a name or a phone: an
    // empty name is refused when it has no phone. Returns false when nothing
    // changed.
    Result<bool> Rename(int64_t id, std::string_view name);

    // Adds a phone after the others; a number the contact already has is a
    // conflict naming it. Returns the new phone's id.
    Result<int64_t> AddPhone(int64_t id, const NewPhone& phone);

    // Removes the phone `phone_id` of the contact (NotFound when the contact
    // has no such phone). A contact keeps a name or a phone: removing the
    // last phone of a contact without a name is refused.
    Result<void> RemovePhone(int64_t id, int64_t phone_id);

    // Adds a note to the contact's history (action "note"), e.g. the
    // operator's words after a call. An empty note is refused.
    Result<void> AddNote(int64_t id, std::string_view note);

private:
    Result<Contact> RequireLive(int64_t id);
    Result<void> Touch(int64_t id, int64_t now);
    HistoryEntry Entry(int64_t contact_id, int64_t now, std::string action) const;

    // The WHERE of a search: the filter's, and the scope's when restricted.
    Result<SqlWhere> Where(const Filter& filter, int first_param, NameIds* names);
    Result<std::vector<FoundContact>> Find(const Filter& filter, int64_t limit, int64_t offset,
                                           Sort sort, NameIds* names);
    Result<int64_t> Count(const Filter& filter, NameIds* names);
    // NotFound for a contact outside the scope, worded as for a missing one.
    Result<void> RequireSeen(int64_t id);

    store::Store& store_;
    const Clock& clock_;
    std::string actor_;
    std::optional<Scope> scope_;
};

// Assigns contacts to a user (`to`: the user's id and name; none: to nobody):
// those with the ids given, or, with no ids, those matching `filter`; only
// within `scope` when one is given (a team's supervisor reassigns their own
// team's contacts). Each contact whose assignee changes gets a history record
// (action "assign", field assigned_to, before and after the user names) in
// the same transaction. Returns how many changed. Ids that do not exist or
// lie outside the scope are NotFound, and nothing is changed.
Result<int64_t> AssignContacts(store::Store& store, const Clock& clock, const std::string& actor,
                               const std::vector<int64_t>& ids, const Filter& filter,
                               const std::optional<Scope>& scope,
                               std::optional<std::pair<int64_t, std::string>> to);

}  // namespace callbase::contacts
