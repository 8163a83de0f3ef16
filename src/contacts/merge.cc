#include "contacts/merge.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "contacts/contact_book.h"
#include "contacts/history.h"
#include "core/json_text.h"

namespace callbase::contacts {
namespace {

using nlohmann::json;

// The tables a merge touches and their columns, typed so the snapshot reads the
// same on both backends. `key` tables are restored row by row (UPDATE by id);
// the others are replaced per contact (DELETE + INSERT).
struct Column {
    std::string_view name;
    bool is_int;
};
struct Table {
    std::string_view name;
    std::string_view owner;  // column naming the contact
    bool keyed;              // has an id column and is restored by UPDATE
    std::vector<Column> columns;
};

const std::vector<Table>& Tables() {
    static const std::vector<Table> kTables{
        {"contacts",
         "id",
         true,
         {{"id", true},
          {"name", false},
          {"region", false},
          {"source", false},
          {"owner_group", false},
          {"email", false},
          {"comment", false},
          {"status", false},
          {"callback_at", true},
          {"created_at", true},
          {"updated_at", true},
          {"last_interaction_at", true},
          {"import_id", true},
          {"merged_into", true}}},
        {"phones",
         "contact_id",
         true,
         {{"id", true},
          {"contact_id", true},
          {"position", true},
          {"e164", false},
          {"extension", false},
          {"label", false},
          {"raw", false},
          {"class_id", true},
          {"qc", true},
          {"valid", true},
          {"inactive", true},
          {"created_at", true}}},
        {"contact_tags",
         "contact_id",
         false,
         {{"contact_id", true}, {"tag_id", true}, {"added_at", true}, {"added_by", false}}},
        {"field_values",
         "contact_id",
         false,
         {{"contact_id", true}, {"field_id", true}, {"value", false}}},
    };
    return kTables;
}

std::string InList(size_t count, int first) {
    std::vector<std::string> p;
    for (size_t i = 0; i < count; ++i)
        p.push_back(fmt::format("${}", first + static_cast<int>(i)));
    return fmt::format("{}", fmt::join(p, ", "));
}

std::vector<store::Value> IdValues(const std::vector<int64_t>& ids) {
    return std::vector<store::Value>(ids.begin(), ids.end());
}

std::string ColumnList(const Table& t) {
    std::vector<std::string_view> names;
    for (const auto& c : t.columns)
        names.push_back(c.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

Result<json> DumpTable(store::Store& store, const Table& t, const std::vector<int64_t>& ids) {
    auto rows =
        store.Query(fmt::format("SELECT {} FROM {} WHERE {} IN ({}) ORDER BY {}", ColumnList(t),
                                t.name, t.owner, InList(ids.size(), 1), ColumnList(t)),
                    IdValues(ids));
    if (!rows) return std::unexpected(rows.error());
    json out = json::array();
    for (const auto& r : *rows) {
        json row = json::object();
        for (size_t i = 0; i < t.columns.size(); ++i) {
            const Column& c = t.columns[i];
            if (r.IsNull(i))
                row[std::string(c.name)] = nullptr;
            else if (c.is_int)
                row[std::string(c.name)] = r.Int(i);
            else
                row[std::string(c.name)] = r.Text(i);
        }
        out.push_back(std::move(row));
    }
    return out;
}

store::Value FromJson(const json& v) {
    if (v.is_null()) return std::monostate{};
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number()) return v.get<double>();
    return v.get<std::string>();
}

Result<void> RestoreTable(store::Store& store, const Table& t, const json& rows,
                          const std::vector<int64_t>& ids) {
    if (!t.keyed) {
        auto del = store.Exec(
            fmt::format("DELETE FROM {} WHERE {} IN ({})", t.name, t.owner, InList(ids.size(), 1)),
            IdValues(ids));
        if (!del) return std::unexpected(del.error());
    }
    for (const auto& row : rows) {
        // A snapshot taken before a migration may lack a column added since
        // (phones.class_id, migration 004): the row keeps what it has there.
        std::vector<std::string_view> names;
        std::vector<store::Value> params;
        for (const auto& c : t.columns) {
            auto it = row.find(std::string(c.name));
            if (it == row.end()) continue;
            names.push_back(c.name);
            params.push_back(FromJson(*it));
        }
        Result<int64_t> ok = 0;
        if (t.keyed) {
            // names[0] is id.
            std::vector<std::string> sets;
            for (size_t i = 1; i < names.size(); ++i)
                sets.push_back(fmt::format("{} = ${}", names[i], i + 1));
            ok = store.Exec(
                fmt::format("UPDATE {} SET {} WHERE id = $1", t.name, fmt::join(sets, ", ")),
                params);
        } else {
            ok = store.Exec(fmt::format("INSERT INTO {} ({}) VALUES ({})", t.name,
                                        fmt::join(names, ", "), InList(names.size(), 1)),
                            params);
        }
        if (!ok) return std::unexpected(ok.error());
    }
    return {};
}

std::string IdsText(const std::vector<int64_t>& ids) {
    std::vector<std::string> parts;
    for (auto id : ids)
        parts.push_back(fmt::format("#{}", id));
    return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

Result<std::vector<DuplicateGroup>> Deduplicator::FindDuplicates() {
    auto rows = store_.Query(
        "SELECT p.e164, c.id FROM phones p JOIN contacts c ON c.id = p.contact_id "
        "WHERE c.merged_into IS NULL AND p.e164 IN ("
        "  SELECT p2.e164 FROM phones p2 JOIN contacts c2 ON c2.id = p2.contact_id "
        "  WHERE c2.merged_into IS NULL AND p2.e164 <> '' "
        "  GROUP BY p2.e164 HAVING COUNT(DISTINCT p2.contact_id) > 1) "
        "ORDER BY p.e164, c.created_at, c.id");
    if (!rows) return std::unexpected(rows.error());
    // Union-find over contacts connected by shared numbers.
    std::map<int64_t, int64_t> parent;
    auto find = [&parent](int64_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    std::map<std::string, std::vector<int64_t>> by_number;
    for (const auto& r : *rows) {
        int64_t id = r.Int(1);
        parent.try_emplace(id, id);
        by_number[r.Text(0)].push_back(id);
    }
    for (const auto& [number, ids] : by_number) {
        for (size_t i = 1; i < ids.size(); ++i) {
            int64_t a = find(ids[0]), b = find(ids[i]);
            if (a != b) parent[std::max(a, b)] = std::min(a, b);
        }
    }
    std::map<int64_t, DuplicateGroup> groups;
    for (const auto& [number, ids] : by_number) {
        auto e164 = store::PhoneOf(store_, number);
        if (!e164) return std::unexpected(e164.error());
        groups[find(ids[0])].numbers.push_back(std::move(*e164));
    }
    for (const auto& [id, p] : parent)
        groups[find(id)].contact_ids.push_back(id);
    for (auto& [root, g] : groups)  // by number (sealed ones came in another order)
        std::sort(g.numbers.begin(), g.numbers.end());
    // Order each group oldest first (the one Merge keeps).
    std::vector<DuplicateGroup> out;
    for (auto& [root, g] : groups) {
        std::vector<std::pair<int64_t, int64_t>> order;  // created_at, id
        auto created =
            store_.Query(fmt::format("SELECT created_at, id FROM contacts WHERE id IN ({})",
                                     InList(g.contact_ids.size(), 1)),
                         IdValues(g.contact_ids));
        if (!created) return std::unexpected(created.error());
        for (const auto& r : *created)
            order.emplace_back(r.Int(0), r.Int(1));
        std::sort(order.begin(), order.end());
        g.contact_ids.clear();
        for (auto& [t, id] : order)
            g.contact_ids.push_back(id);
        out.push_back(std::move(g));
    }
    std::sort(out.begin(), out.end(), [](const DuplicateGroup& a, const DuplicateGroup& b) {
        return a.contact_ids.front() < b.contact_ids.front();
    });
    return out;
}

Result<MergeResult> Deduplicator::Merge(std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.size() < 2) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"merge.too_few", "a merge needs at least two different contacts",
                        "give two or more contact ids: callbase merge ID ID..."});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    std::vector<Contact> contacts;
    for (int64_t id : ids) {
        auto c = LoadContact(store_, id);
        if (!c) return std::unexpected(c.error());
        if (c->merged_into) {
            return Fail(
                ErrorCode::kConflict,
                Msg{"merge.already_merged", "contact #{id} is already merged into contact #{into}",
                    "merge contact #{into} instead"},
                {{"id", std::to_string(id)}, {"into", std::to_string(*c->merged_into)}});
        }
        contacts.push_back(std::move(*c));
    }
    std::sort(contacts.begin(), contacts.end(), [](const Contact& a, const Contact& b) {
        return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
    });
    Contact kept = contacts.front();
    const int64_t kept_id = kept.id;
    std::vector<int64_t> merged_ids;
    for (size_t i = 1; i < contacts.size(); ++i)
        merged_ids.push_back(contacts[i].id);
    int64_t now = clock_.Now();

    // The snapshot: every row the merge changes, as it is now.
    json snapshot = json::object();
    for (const auto& t : Tables()) {
        auto dump = DumpTable(store_, t, ids);
        if (!dump) return std::unexpected(dump.error());
        snapshot[std::string(t.name)] = std::move(*dump);
    }
    json moved_history = json::object();
    for (int64_t m : merged_ids) {
        auto rows = store_.Query("SELECT id FROM history WHERE contact_id = $1 ORDER BY id", {m});
        if (!rows) return std::unexpected(rows.error());
        json list = json::array();
        for (const auto& r : *rows)
            list.push_back(r.Int(0));
        moved_history[std::to_string(m)] = std::move(list);
    }
    snapshot["history_moved"] = std::move(moved_history);

    // Fields: the kept value wins; empty fields are filled; comments are joined.
    MergeResult result{0, kept_id, merged_ids, {}};
    auto fill = [&](std::string Contact::*field, std::string_view label) {
        for (size_t i = 1; i < contacts.size(); ++i) {
            const std::string& other = contacts[i].*field;
            if (other.empty()) continue;
            if ((kept.*field).empty()) {
                kept.*field = other;
            } else if (kept.*field != other) {
                result.conflicts.push_back(fmt::format("{}: kept '{}', #{} had '{}'", label,
                                                       kept.*field, contacts[i].id, other));
            }
        }
    };
    fill(&Contact::name, "name");
    fill(&Contact::region, "region");
    fill(&Contact::source, "source");
    fill(&Contact::owner_group, "owner_group");
    fill(&Contact::email, "email");
    std::vector<std::string> comments;
    if (!kept.comment.empty()) comments.push_back(kept.comment);
    for (size_t i = 1; i < contacts.size(); ++i) {
        const auto& c = contacts[i];
        if (!c.comment.empty() &&
            std::find(comments.begin(), comments.end(), c.comment) == comments.end()) {
            comments.push_back(c.comment);
        }
        if (c.status != kept.status) {
            result.conflicts.push_back(
                fmt::format("status: kept '{}', #{} had '{}'", kept.status, c.id, c.status));
        }
        if (c.last_interaction_at &&
            (!kept.last_interaction_at || *c.last_interaction_at > *kept.last_interaction_at)) {
            kept.last_interaction_at = c.last_interaction_at;
        }
    }
    kept.comment = fmt::format("{}", fmt::join(comments, "\n"));
    store::Value last = std::monostate{};
    if (kept.last_interaction_at) last = *kept.last_interaction_at;
    auto upd = store_.Exec(
        "UPDATE contacts SET name = $1, region = $2, source = $3, owner_group = $4, email = $5, "
        "comment = $6, last_interaction_at = $7, updated_at = $8, name_words = $10, "
        "email_key = $11 WHERE id = $9",
        {StoredName(store_, kept.name), kept.region, kept.source, kept.owner_group,
         StoredEmail(store_, kept.email), store::SealText(store_, kept.comment, store::kNoteColumn),
         last, now, kept_id, NameWords(store_.cipher(), kept.name),
         EmailKey(store_.cipher(), kept.email)});
    if (!upd) return std::unexpected(upd.error());

    // Phones: numbers the kept contact lacks move to it; a number it already has
    // stays on the merged (hidden) contact, so nothing is lost and none is doubled.
    auto phones = store_.Query(
        fmt::format("SELECT id, contact_id, e164, raw FROM phones WHERE contact_id IN ({}) "
                    "ORDER BY position, id",
                    InList(ids.size(), 1)),
        IdValues(ids));
    if (!phones) return std::unexpected(phones.error());
    // A phone is the same as another by its number (sealed findably, so
    // comparable as stored), or without one by its raw spelling (opened).
    auto same_key = [&](const store::Row& r) -> Result<std::string> {
        if (!r.Text(2).empty()) return r.Text(2);
        auto raw = OpenRaw(store_, r.Text(3), "");
        if (!raw) return std::unexpected(raw.error());
        return "raw:" + *raw;
    };
    std::set<std::string> have;
    int64_t position = 0;
    for (const auto& r : *phones) {
        if (r.Int(1) != kept_id) continue;
        auto key = same_key(r);
        if (!key) return std::unexpected(key.error());
        have.insert(std::move(*key));
        ++position;
    }
    for (const auto& c : contacts) {
        if (c.id == kept_id) continue;
        for (const auto& r : *phones) {
            if (r.Int(1) != c.id) continue;
            auto key = same_key(r);
            if (!key) return std::unexpected(key.error());
            if (!have.insert(std::move(*key)).second) continue;
            auto mv = store_.Exec("UPDATE phones SET contact_id = $1, position = $2 WHERE id = $3",
                                  {kept_id, position++, r.Int(0)});
            if (!mv) return std::unexpected(mv.error());
        }
    }

    // Tags are copied to the kept contact (with who added them and when).
    auto tags = store_.Exec(
        fmt::format(
            "INSERT INTO contact_tags (contact_id, tag_id, added_at, added_by) "
            "SELECT CAST($1 AS BIGINT), tag_id, MIN(added_at), MIN(added_by) FROM contact_tags "
            "WHERE contact_id IN ({}) GROUP BY tag_id ON CONFLICT DO NOTHING",
            InList(merged_ids.size(), 2)),
        [&] {
            std::vector<store::Value> p{kept_id};
            for (auto m : merged_ids)
                p.emplace_back(m);
            return p;
        }());
    if (!tags) return std::unexpected(tags.error());

    // Custom fields: missing ones are copied; differing ones keep the kept value.
    auto values = store_.Query(
        fmt::format("SELECT v.contact_id, v.field_id, v.value, d.name FROM field_values v "
                    "JOIN field_defs d ON d.id = v.field_id WHERE v.contact_id IN ({})",
                    InList(ids.size(), 1)),
        IdValues(ids));
    if (!values) return std::unexpected(values.error());
    std::map<int64_t, std::string> kept_values;
    for (const auto& r : *values) {
        if (r.Int(0) == kept_id) kept_values[r.Int(1)] = r.Text(2);
    }
    for (const auto& c : contacts) {
        if (c.id == kept_id) continue;
        for (const auto& r : *values) {
            if (r.Int(0) != c.id) continue;
            auto it = kept_values.find(r.Int(1));
            if (it == kept_values.end()) {
                auto ins = store_.Exec(
                    "INSERT INTO field_values (contact_id, field_id, value) VALUES ($1, $2, $3)",
                    {kept_id, r.Int(1), r.Text(2)});
                if (!ins) return std::unexpected(ins.error());
                kept_values[r.Int(1)] = r.Text(2);
            } else if (it->second != r.Text(2)) {
                result.conflicts.push_back(fmt::format("field {}: kept '{}', #{} had '{}'",
                                                       r.Text(3), it->second, c.id, r.Text(2)));
            }
        }
    }

    // Histories are joined: the merged contacts' rows now belong to the kept one.
    std::vector<store::Value> hist_params{kept_id};
    for (auto m : merged_ids)
        hist_params.emplace_back(m);
    auto hist =
        store_.Exec(fmt::format("UPDATE history SET contact_id = $1 WHERE contact_id IN ({})",
                                InList(merged_ids.size(), 2)),
                    hist_params);
    if (!hist) return std::unexpected(hist.error());
    auto mark = store_.Exec(fmt::format("UPDATE contacts SET merged_into = $1, updated_at = $2 "
                                        "WHERE id IN ({})",
                                        InList(merged_ids.size(), 3)),
                            [&] {
                                std::vector<store::Value> p{kept_id, now};
                                for (auto m : merged_ids)
                                    p.emplace_back(m);
                                return p;
                            }());
    if (!mark) return std::unexpected(mark.error());

    json merged_json = merged_ids;
    auto merge_id_value = store_.QueryValue(
        "INSERT INTO merges (at, actor, kept_id, merged_ids, snapshot) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING id",
        {now, actor_, kept_id, JsonText(merged_json), JsonText(snapshot)});
    if (!merge_id_value) return std::unexpected(merge_id_value.error());
    result.merge_id = store::Row({*merge_id_value}).Int(0);

    HistoryEntry e{0, kept_id, now, actor_, "merge", "", std::nullopt, IdsText(merged_ids), ""};
    SetDetail(e,
              Msg{"history.merge",
                  "merge #{merge}: {merged} merged into #{kept}[[; kept values won over: "
                  "{conflicts}]]"},
              {{"merge", std::to_string(result.merge_id)},
               {"merged", IdsText(merged_ids)},
               {"kept", std::to_string(kept_id)},
               {"conflicts", fmt::format("{}", fmt::join(result.conflicts, "; "))}});
    auto last_history = AppendHistory(store_, e);
    if (!last_history) return std::unexpected(last_history.error());
    for (int64_t m : merged_ids) {
        HistoryEntry me{0,
                        m,
                        now,
                        actor_,
                        "merged_into",
                        "merged_into",
                        std::nullopt,
                        fmt::format("#{}", kept_id),
                        ""};
        SetDetail(me, Msg{"history.merged_into", "merge #{merge}: merged into #{kept}"},
                  {{"merge", std::to_string(result.merge_id)}, {"kept", std::to_string(kept_id)}});
        last_history = AppendHistory(store_, me);
        if (!last_history) return std::unexpected(last_history.error());
    }
    // The last history row of the merge: any later row on these contacts is a
    // change made after the merge (see the undo policy in merge.h).
    snapshot["history_last_id"] = *last_history;
    auto upd_snapshot = store_.Exec("UPDATE merges SET snapshot = $1 WHERE id = $2",
                                    {JsonText(snapshot), result.merge_id});
    if (!upd_snapshot) return std::unexpected(upd_snapshot.error());
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return result;
}

Result<void> Deduplicator::Undo(int64_t merge_id) {
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto rows = store_.Query(
        "SELECT at, kept_id, merged_ids, snapshot, undone_at FROM merges WHERE id = $1",
        {merge_id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"merge.not_found", "merge #{merge} does not exist",
                        "the merge id is printed by `callbase merge` and `callbase dedup --apply`"},
                    {{"merge", std::to_string(merge_id)}});
    }
    const store::Row& m = rows->front();
    if (!m.IsNull(4)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"merge.already_undone", "merge #{merge} was already undone at {at}",
                        "nothing to do; a merge can be undone once"},
                    {{"merge", std::to_string(merge_id)}, {"at", FormatUtc(m.Int(4))}});
    }
    int64_t merged_at = m.Int(0);
    int64_t kept_id = m.Int(1);
    json merged = json::parse(m.Text(2), nullptr, false);
    json snapshot = json::parse(m.Text(3), nullptr, false);
    if (!merged.is_array() || !snapshot.is_object() || !snapshot.contains("history_last_id")) {
        return Fail(ErrorCode::kInternal,
                    fmt::format("merge #{}: the stored snapshot cannot be read", merge_id),
                    "report this as a bug; the contacts were not changed");
    }
    std::vector<int64_t> ids{kept_id};
    for (const auto& v : merged)
        ids.push_back(v.get<int64_t>());

    // Refuse when any involved contact changed after the merge.
    std::vector<store::Value> params{snapshot["history_last_id"].get<int64_t>()};
    for (auto id : ids)
        params.emplace_back(id);
    auto later = store_.Query(
        fmt::format("SELECT contact_id, action, at, actor FROM history WHERE id > $1 AND "
                    "contact_id IN ({}) ORDER BY id LIMIT 1",
                    InList(ids.size(), 2)),
        params);
    if (!later) return std::unexpected(later.error());
    if (!later->empty()) {
        const auto& r = later->front();
        return Fail(ErrorCode::kConflict,
                    Msg{"merge.changed_after",
                        "cannot undo merge #{merge}: contact #{id} changed after it ({change} by "
                        "{actor} at {at}); undoing would throw that change away",
                        "undo the later changes first, or correct the contacts by hand"},
                    {{"merge", std::to_string(merge_id)},
                     {"id", std::to_string(r.Int(0))},
                     {"change", r.Text(1)},
                     {"actor", r.Text(3)},
                     {"at", FormatUtc(r.Int(2))}});
    }
    std::vector<store::Value> upd_params{merged_at};
    for (auto id : ids)
        upd_params.emplace_back(id);
    auto touched = store_.Query(
        fmt::format("SELECT id, updated_at FROM contacts WHERE updated_at > $1 AND id IN ({}) "
                    "LIMIT 1",
                    InList(ids.size(), 2)),
        upd_params);
    if (!touched) return std::unexpected(touched.error());
    if (!touched->empty()) {
        return Fail(ErrorCode::kConflict,
                    Msg{"merge.updated_after",
                        "cannot undo merge #{merge}: contact #{id} was updated after it (at {at})",
                        "undo the later changes first, or correct the contacts by hand"},
                    {{"merge", std::to_string(merge_id)},
                     {"id", std::to_string(touched->front().Int(0))},
                     {"at", FormatUtc(touched->front().Int(1))}});
    }

    for (const auto& t : Tables()) {
        std::string key(t.name);
        if (!snapshot.contains(key)) continue;
        if (auto ok = RestoreTable(store_, t, snapshot[key], ids); !ok) {
            return std::unexpected(ok.error());
        }
    }
    // The kept contact's name and e-mail are back: so are the keys that find
    // them (the snapshot has no name_words or email_key).
    auto restored = LoadContact(store_, kept_id);
    if (!restored) return std::unexpected(restored.error());
    auto words = store_.Exec("UPDATE contacts SET name_words = $1, email_key = $2 WHERE id = $3",
                             {NameWords(store_.cipher(), restored->name),
                              EmailKey(store_.cipher(), restored->email), kept_id});
    if (!words) return std::unexpected(words.error());
    for (const auto& [contact, history_ids] : snapshot["history_moved"].items()) {
        int64_t cid = std::stoll(contact);
        for (const auto& hid : history_ids) {
            auto ok = store_.Exec("UPDATE history SET contact_id = $1 WHERE id = $2",
                                  {cid, hid.get<int64_t>()});
            if (!ok) return std::unexpected(ok.error());
        }
    }
    int64_t now = clock_.Now();
    auto done = store_.Exec("UPDATE merges SET undone_at = $1 WHERE id = $2", {now, merge_id});
    if (!done) return std::unexpected(done.error());
    for (auto id : ids) {
        HistoryEntry e{0, id, now, actor_, "unmerge", "merged_into", std::nullopt, std::nullopt,
                       ""};
        SetDetail(e,
                  Msg{"history.unmerge", "undo of merge #{merge} (kept #{kept}, merged {merged})"},
                  {{"merge", std::to_string(merge_id)},
                   {"kept", std::to_string(kept_id)},
                   {"merged", IdsText(std::vector<int64_t>(ids.begin() + 1, ids.end()))}});
        if (id != kept_id) e.before = fmt::format("#{}", kept_id);
        if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return {};
}

Result<DedupSummary> Deduplicator::ApplyDedup() {
    auto groups = FindDuplicates();
    if (!groups) return std::unexpected(groups.error());
    DedupSummary summary;
    for (const auto& g : *groups) {
        auto r = Merge(g.contact_ids);
        if (!r) return std::unexpected(r.error());
        summary.groups++;
        summary.contacts_merged += static_cast<int64_t>(r->merged_ids.size());
        summary.merges.push_back(std::move(*r));
    }
    return summary;
}

}  // namespace callbase::contacts
