#include "contacts/history.h"

#include <nlohmann/json.hpp>

#include "contacts/contact_book.h"

namespace callbase::contacts {

namespace {

// A coded detail is kept as {"code": …, "params": {…}, "text": English} in the
// detail column; a plain one as its text.
std::string StoredDetail(const HistoryEntry& e) {
    if (e.detail_key.empty()) return e.detail;
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [name, value] : e.detail_params)
        params[name] = value;
    return nlohmann::json{{"code", e.detail_key}, {"params", params}, {"text", e.detail}}.dump();
}

void LoadDetail(std::string stored, HistoryEntry& e) {
    if (stored.starts_with("{\"code\"")) {
        auto j = nlohmann::json::parse(stored, nullptr, /*allow_exceptions=*/false);
        if (j.is_object() && j.value("code", "") != "" && j.contains("params") &&
            j["params"].is_object() && j.contains("text") && j["text"].is_string()) {
            e.detail_key = j["code"].get<std::string>();
            for (const auto& [name, value] : j["params"].items()) {
                e.detail_params.emplace_back(
                    name, value.is_string() ? value.get<std::string>() : value.dump());
            }
            e.detail = j["text"].get<std::string>();
            return;
        }
    }
    e.detail = std::move(stored);
}

}  // namespace

void SetDetail(HistoryEntry& entry, Msg msg, MessageParams params) {
    entry.detail = FillPlaceholders(msg.message, params);
    entry.detail_key = std::string(msg.key);
    entry.detail_params = std::move(params);
}

Result<int64_t> AppendHistory(store::Store& store, const HistoryEntry& e) {
    auto id = store.QueryValue(
        "INSERT INTO history (contact_id, at, actor, action, field, before, after, detail) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        {e.contact_id, e.at, e.actor, e.action, e.field,
         store::SealOptional(store, e.before, kHistoryColumn),
         store::SealOptional(store, e.after, kHistoryColumn),
         store::SealText(store, StoredDetail(e), kHistoryColumn)});
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
        LoadDetail(std::move(*detail), e);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace callbase::contacts
