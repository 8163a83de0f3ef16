#include "contacts/saved_filters.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "contacts/text.h"
#include "core/json_text.h"

namespace callbase::contacts {

Result<std::vector<SavedFilter>> SavedFilters::List() {
    auto rows = store_.Query(
        "SELECT id, name, expressions, created_at, updated_at FROM saved_filters WHERE owner = $1 "
        "ORDER BY name, id",
        {owner_});
    if (!rows) return std::unexpected(rows.error());
    std::vector<SavedFilter> out;
    for (const auto& r : *rows) {
        SavedFilter f{r.Int(0), r.Text(1), {}, r.Int(3), r.Int(4)};
        auto text = store::OpenText(store_, r.Text(2), store::kNoteColumn);
        if (!text) return std::unexpected(text.error());
        const auto parsed = nlohmann::json::parse(*text, nullptr, false);
        if (!parsed.is_array()) {
            return Fail(
                ErrorCode::kDatabase,
                fmt::format("saved filter #{} of {} is not a list of expressions", f.id, owner_),
                "remove it and save the filter again");
        }
        for (const auto& e : parsed)
            if (e.is_string()) f.expressions.push_back(e.get<std::string>());
        out.push_back(std::move(f));
    }
    return out;
}

Result<SavedFilter> SavedFilters::Save(std::string_view name_text,
                                       const std::vector<std::string>& expressions) {
    const std::string name = Trim(name_text);
    if (name.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"saved_filter.no_name", "a saved filter needs a name",
                        "name it for what it finds, e.g. «Москва, новые»"});
    }
    if (name.size() > kMaxNameBytes) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"saved_filter.name_too_long",
                "a saved filter's name is {bytes} bytes long, more than {max}",
                "give a shorter name"},
            {{"bytes", std::to_string(name.size())}, {"max", std::to_string(kMaxNameBytes)}});
    }
    const std::string stored =
        store::SealText(store_, JsonText(nlohmann::json(expressions)), store::kNoteColumn);
    const int64_t now = clock_.Now();
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto existing = store_.Query(
        "SELECT id, created_at FROM saved_filters WHERE owner = $1 AND name = $2", {owner_, name});
    if (!existing) return std::unexpected(existing.error());
    SavedFilter out{0, name, expressions, now, now};
    if (!existing->empty()) {
        out.id = existing->front().Int(0);
        out.created_at = existing->front().Int(1);
        auto ok =
            store_.Exec("UPDATE saved_filters SET expressions = $1, updated_at = $2 WHERE id = $3",
                        {stored, now, out.id});
        if (!ok) return std::unexpected(ok.error());
    } else {
        auto count =
            store_.QueryValue("SELECT COUNT(*) FROM saved_filters WHERE owner = $1", {owner_});
        if (!count) return std::unexpected(count.error());
        if (store::Row({*count}).Int(0) >= kMaxPerUser) {
            return Fail(ErrorCode::kConflict,
                        Msg{"saved_filter.too_many", "{user} already keeps {count} saved filters",
                            "remove the ones no longer used"},
                        {{"user", owner_}, {"count", std::to_string(kMaxPerUser)}});
        }
        auto id = store_.QueryValue(
            "INSERT INTO saved_filters (owner, name, expressions, created_at, updated_at) VALUES "
            "($1, $2, $3, $4, $4) RETURNING id",
            {owner_, name, stored, now});
        if (!id) return std::unexpected(id.error());
        out.id = store::Row({*id}).Int(0);
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return out;
}

Result<void> SavedFilters::Remove(int64_t id) {
    auto removed =
        store_.Exec("DELETE FROM saved_filters WHERE id = $1 AND owner = $2", {id, owner_});
    if (!removed) return std::unexpected(removed.error());
    if (*removed == 0) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"saved_filter.not_found", "saved filter #{id} does not exist",
                        "GET /api/v1/saved-filters lists yours"},
                    {{"id", std::to_string(id)}});
    }
    return {};
}

}  // namespace callbase::contacts
