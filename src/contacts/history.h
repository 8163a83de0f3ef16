// The history of a contact: every change leaves a row (who, when, what, before,
// after), written by the same transaction as the change itself.
//
// Free functions over a Store& the caller owns; they never begin or commit a
// transaction, so the caller's transaction covers the change and its record.
// Same thread rules as the Store.
#pragma once

#include <cstdint>
#include <vector>

#include "contacts/contact.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

// Inserts one history row; entry.id is ignored. Returns the new row id.
Result<int64_t> AppendHistory(store::Store& store, const HistoryEntry& entry);

// The rows of one contact, oldest first (by time, then id).
Result<std::vector<HistoryEntry>> LoadHistory(store::Store& store, int64_t contact_id);

}  // namespace callbase::contacts
