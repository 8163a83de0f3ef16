#include "contacts/history.h"

#include "contacts/contact_book.h"

namespace callbase::contacts {

Result<int64_t> AppendHistory(store::Store& store, const HistoryEntry& e) {
    auto id = store.QueryValue(
        "INSERT INTO history (contact_id, at, actor, action, field, before, after, detail) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        {e.contact_id, e.at, e.actor, e.action, e.field,
         store::SealOptional(store, e.before, kHistoryColumn),
         store::SealOptional(store, e.after, kHistoryColumn),
         store::SealText(store, e.detail, kHistoryColumn)});
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<std::vector<HistoryEntry>> LoadHistory(store::Store& store, int64_t contact_id) {
    auto rows = store.Query(
        "SELECT id, contact_id, at, actor, action, field, before, after, detail FROM history "
        "WHERE contact_id = $1 ORDER BY at, id",
        {contact_id});
    if (!rows) return std::unexpected(rows.error());
    std::vector<HistoryEntry> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) {
        HistoryEntry e;
        e.id = r.Int(0);
        e.contact_id = r.Int(1);
        e.at = r.Int(2);
        e.actor = r.Text(3);
        e.action = r.Text(4);
        e.field = r.Text(5);
        for (auto [column, value] : {std::pair{6, &e.before}, std::pair{7, &e.after}}) {
            if (r.IsNull(column)) continue;
            auto text = store::OpenText(store, r.Text(column), kHistoryColumn);
            if (!text) return std::unexpected(text.error());
            *value = std::move(*text);
        }
        auto detail = store::OpenText(store, r.Text(8), kHistoryColumn);
        if (!detail) return std::unexpected(detail.error());
        e.detail = std::move(*detail);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace callbase::contacts
