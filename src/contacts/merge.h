// Duplicates and merge with undo (R-BASE-5).
//
// Contacts that share an E.164 number are duplicates (numbers are stored cleaned,
// so every spelling of a number is the same number). Merge keeps the oldest
// contact (lowest created_at, then id), fills its empty fields from the others,
// joins phones, tags, custom fields, comments and histories into it, and marks
// the others merged_into = kept. Nothing is deleted: a `merges` row keeps a JSON
// snapshot of every involved row, and Undo() restores them exactly.
//
// Undo policy: a merge is undone only while none of the involved contacts has
// changed since (no later history row, no later updated_at). Otherwise Undo is
// refused naming the change, because restoring the snapshot would silently throw
// that later work away; undo the later change first (or edit by hand).
//
// Ownership and threads: borrows Store& and Clock& (both must outlive it); same
// thread rules as the Store. Merge and Undo each run one transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

struct DuplicateGroup {
    std::vector<std::string> numbers;  // shared E.164 numbers
    std::vector<int64_t> contact_ids;  // oldest first: the first is the one kept
};

struct MergeResult {
    int64_t merge_id = 0;
    int64_t kept_id = 0;
    std::vector<int64_t> merged_ids;
    std::vector<std::string> conflicts;  // values that differed; the kept one won
};

struct DedupSummary {
    int64_t groups = 0;
    int64_t contacts_merged = 0;  // contacts now merged into another
    std::vector<MergeResult> merges;
};

class Deduplicator {
public:
    Deduplicator(store::Store& store, const Clock& clock, std::string actor)
        : store_(store), clock_(clock), actor_(std::move(actor)) {}

    // Groups of live contacts connected by shared numbers (A~B by one number and
    // B~C by another make one group), by the smallest kept id.
    Result<std::vector<DuplicateGroup>> FindDuplicates();

    // Merges the given live contacts (two or more) into the oldest of them.
    Result<MergeResult> Merge(std::vector<int64_t> ids);

    // Restores every contact of the merge exactly as it was before it.
    Result<void> Undo(int64_t merge_id);

    // Merges every duplicate group; each group is its own transaction.
    Result<DedupSummary> ApplyDedup();

private:
    store::Store& store_;
    const Clock& clock_;
    std::string actor_;
};

}  // namespace callbase::contacts
