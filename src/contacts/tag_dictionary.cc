#include "contacts/tag_dictionary.h"

#include <fmt/format.h>

#include <utility>

#include "contacts/text.h"
#include "core/text_limits.h"

namespace callbase::contacts {
namespace {

struct DefaultCategory {
    std::string_view name;
    std::vector<std::string_view> tags;
};

// Seed 002: the categories of the tag dictionary with the examples it gives.
const std::vector<DefaultCategory>& Defaults() {
    static const std::vector<DefaultCategory> kDefaults{
        {"Продукт/услуга", {"Тариф_Базовый", "Услуга_доставки", "АКЦИЯ_Май"}},
        {"Причина отказа", {"Дорого", "Нет потребности", "Выбрал конкурента", "Не актуально"}},
        {"Действие",
         {"Перезвонить позже", "Отправить_каталог", "Назначить_демо", "Уточнить_склад"}},
        {"Сегмент", {"VIP", "Клиент_с_сайта", "Участник_вебинара", "Холодный_контакт"}},
    };
    return kDefaults;
}

}  // namespace

Result<bool> TagDictionary::EnsureDefaults() {
    auto count = store_.QueryValue("SELECT COUNT(*) FROM tag_categories");
    if (!count) return std::unexpected(count.error());
    if (store::Row({*count}).Int(0) > 0) return false;
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    int64_t now = clock_.Now();
    for (const auto& cat : Defaults()) {
        auto id = store_.QueryValue(
            "INSERT INTO tag_categories (name, created_at) VALUES ($1, $2) RETURNING id",
            {std::string(cat.name), now});
        if (!id) return std::unexpected(id.error());
        int64_t cat_id = store::Row({*id}).Int(0);
        for (auto tag : cat.tags) {
            auto ok =
                store_.Exec("INSERT INTO tags (category_id, name, created_at) VALUES ($1, $2, $3)",
                            {cat_id, std::string(tag), now});
            if (!ok) return std::unexpected(ok.error());
        }
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return true;
}

Result<std::vector<std::string>> TagDictionary::Categories() {
    if (auto seeded = EnsureDefaults(); !seeded) return std::unexpected(seeded.error());
    auto rows = store_.Query("SELECT name FROM tag_categories ORDER BY id");
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::string> out;
    for (const auto& r : *rows)
        out.push_back(r.Text(0));
    return out;
}

Result<int64_t> TagDictionary::CategoryId(std::string_view name) {
    auto rows = store_.Query("SELECT id, name FROM tag_categories ORDER BY id");
    if (!rows) return std::unexpected(rows.error());
    std::string wanted = FoldCase(Trim(name));
    std::vector<std::string> names;
    for (const auto& r : *rows) {
        if (FoldCase(r.Text(1)) == wanted) return r.Int(0);
        names.push_back(r.Text(1));
    }
    return Fail(ErrorCode::kNotFound,
                Msg{"tag.no_category", "tag category '{tag_category}' does not exist",
                    "categories: {categories}; or add it: callbase tags add-category NAME"},
                {{"tag_category", std::string(name)},
                 {"categories", fmt::format("{}", fmt::join(names, ", "))}});
}

Result<int64_t> TagDictionary::AddCategory(std::string_view name_in) {
    if (auto seeded = EnsureDefaults(); !seeded) return std::unexpected(seeded.error());
    std::string name = Trim(name_in);
    if (auto ok = CheckLength("tag category name", name, kMaxTagNameChars); !ok) {
        return std::unexpected(ok.error());
    }
    if (name.empty() || name.find(':') != std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"tag.bad_category_name",
                        "tag category name '{tag_category}' is empty or contains ':'",
                        "give a name without ':' (it separates category and tag)"},
                    {{"tag_category", std::string(name_in)}});
    }
    if (auto existing = CategoryId(name); existing) {
        return Fail(ErrorCode::kConflict,
                    Msg{"tag.category_exists", "tag category '{tag_category}' already exists",
                        "add tags to it: callbase tags add CATEGORY NAME"},
                    {{"tag_category", name}});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id = store_.QueryValue(
        "INSERT INTO tag_categories (name, created_at) VALUES ($1, $2) RETURNING id",
        {name, clock_.Now()});
    if (!id) return std::unexpected(id.error());
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return store::Row({*id}).Int(0);
}

Result<TagInfo> TagDictionary::AddTag(std::string_view category, std::string_view name_in) {
    if (auto seeded = EnsureDefaults(); !seeded) return std::unexpected(seeded.error());
    std::string name = Trim(name_in);
    if (auto ok = CheckLength("tag name", name, kMaxTagNameChars); !ok) {
        return std::unexpected(ok.error());
    }
    if (name.empty() || name.find(':') != std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"tag.bad_name", "tag name '{tag}' is empty or contains ':'",
                        "give a name without ':' (it separates category and tag)"},
                    {{"tag", std::string(name_in)}});
    }
    auto cat_id = CategoryId(category);
    if (!cat_id) return std::unexpected(cat_id.error());
    auto all = All();
    if (!all) return std::unexpected(all.error());
    for (const auto& t : *all) {
        if (FoldCase(t.name) == FoldCase(name)) {
            if (t.retired_at) {
                return Fail(
                    ErrorCode::kConflict,
                    Msg{"tag.exists_retired",
                        "tag '{tag}' already exists in category '{tag_category}' (retired)",
                        "tag names are unique across categories so operators can type them"},
                    {{"tag", t.name}, {"tag_category", t.category}});
            }
            return Fail(ErrorCode::kConflict,
                        Msg{"tag.exists", "tag '{tag}' already exists in category '{tag_category}'",
                            "tag names are unique across categories so operators can type them"},
                        {{"tag", t.name}, {"tag_category", t.category}});
        }
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id = store_.QueryValue(
        "INSERT INTO tags (category_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        {*cat_id, name, clock_.Now()});
    if (!id) return std::unexpected(id.error());
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return Resolve(name);
}

Result<TagInfo> TagDictionary::Retire(std::string_view name) {
    if (auto seeded = EnsureDefaults(); !seeded) return std::unexpected(seeded.error());
    auto tag = Resolve(name);
    if (!tag) return std::unexpected(tag.error());
    if (tag->retired_at) {
        return Fail(ErrorCode::kConflict,
                    Msg{"tag.already_retired", "tag '{tag}' is already retired", "nothing to do"},
                    {{"tag", tag->name}});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    int64_t now = clock_.Now();
    auto ok = store_.Exec("UPDATE tags SET retired_at = $1 WHERE id = $2", {now, tag->id});
    if (!ok) return std::unexpected(ok.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    tag->retired_at = now;
    return *tag;
}

Result<std::vector<TagInfo>> TagDictionary::All() {
    auto rows = store_.Query(
        "SELECT t.id, c.name, t.name, t.retired_at FROM tags t "
        "JOIN tag_categories c ON c.id = t.category_id ORDER BY c.id, t.name");
    if (!rows) return std::unexpected(rows.error());
    std::vector<TagInfo> out;
    for (const auto& r : *rows) {
        TagInfo t{r.Int(0), r.Text(1), r.Text(2), std::nullopt, 0};
        if (!r.IsNull(3)) t.retired_at = r.Int(3);
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::vector<TagInfo>> TagDictionary::List() {
    if (auto seeded = EnsureDefaults(); !seeded) return std::unexpected(seeded.error());
    auto rows = store_.Query(
        "SELECT t.id, c.name, t.name, t.retired_at, "
        "(SELECT COUNT(*) FROM contact_tags ct JOIN contacts k ON k.id = ct.contact_id "
        " WHERE ct.tag_id = t.id AND k.merged_into IS NULL) "
        "FROM tags t JOIN tag_categories c ON c.id = t.category_id ORDER BY c.id, t.name");
    if (!rows) return std::unexpected(rows.error());
    std::vector<TagInfo> out;
    for (const auto& r : *rows) {
        TagInfo t{r.Int(0), r.Text(1), r.Text(2), std::nullopt, r.Int(4)};
        if (!r.IsNull(3)) t.retired_at = r.Int(3);
        out.push_back(std::move(t));
    }
    return out;
}

Result<TagInfo> TagDictionary::Resolve(std::string_view name_in) {
    auto all = All();
    if (!all) return std::unexpected(all.error());
    std::string name = Trim(name_in);
    std::string category;
    if (auto colon = name.rfind(':'); colon != std::string::npos) {
        category = FoldCase(Trim(name.substr(0, colon)));
        name = Trim(name.substr(colon + 1));
    }
    std::string wanted = FoldCase(name);
    std::vector<const TagInfo*> found;
    std::vector<std::string> names;
    for (const auto& t : *all) {
        if (!t.retired_at) names.push_back(t.name);
        if (FoldCase(t.name) != wanted) continue;
        if (!category.empty() && FoldCase(t.category) != category) continue;
        found.push_back(&t);
    }
    if (found.size() == 1) return *found.front();
    if (found.size() > 1) {
        std::vector<std::string> q;
        for (auto* t : found)
            q.push_back(t->Qualified());
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"tag.ambiguous", "tag '{tag}' is in several categories",
                "write it with its category: {choices}"},
            {{"tag", std::string(name_in)}, {"choices", fmt::format("{}", fmt::join(q, " or "))}});
    }
    auto close = CloseMatches(name, names);
    if (close.empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"tag.unknown", "tag '{tag}' is not in the tag dictionary",
                        "operators cannot invent tags; see `callbase tags list`, or ask a "
                        "supervisor to add it: callbase tags add CATEGORY NAME"},
                    {{"tag", std::string(name_in)}});
    }
    return Fail(
        ErrorCode::kNotFound,
        Msg{"tag.unknown_close", "tag '{tag}' is not in the tag dictionary",
            "did you mean: {close}? Operators cannot invent tags; a supervisor adds them "
            "with `callbase tags add CATEGORY NAME`"},
        {{"tag", std::string(name_in)}, {"close", fmt::format("{}", fmt::join(close, ", "))}});
}

}  // namespace callbase::contacts
