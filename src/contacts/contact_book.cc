#include "contacts/contact_book.h"

#include <map>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <tuple>

#include "contacts/field_registry.h"
#include "contacts/history.h"
#include "contacts/phone_classes.h"
#include "contacts/status.h"
#include "contacts/tag_dictionary.h"
#include "contacts/text.h"
#include "core/text_limits.h"

namespace callbase::contacts {

const std::string_view kContactColumns =
    "id, name, region, source, owner_group, email, comment, status, callback_at, created_at, "
    "updated_at, last_interaction_at, import_id, merged_into";

namespace {

// A contact that is not there (or that the caller may not see).
constexpr Msg kNoContact = Msg{"contact.not_found", "contact #{id} does not exist",
                               "find the id with `callbase contacts find`"};

// The ORDER BY of a search: the key, then the id the same way.
Result<std::string> OrderBy(Sort sort, bool sealed_names) {
    const char* dir = sort.descending ? "DESC" : "ASC";
    std::string column;
    switch (sort.key) {
        case SortKey::kAdded:
            column = "c.created_at";
            break;
        case SortKey::kUpdated:
            column = "c.updated_at";
            break;
        case SortKey::kStatus:
            column = "c.status";
            break;
        case SortKey::kRegion:
            column = "c.region";
            break;
        case SortKey::kName:
            if (sealed_names) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"contact.sort_sealed_name",
                                "contacts cannot be sorted by name on an encrypted base (names are "
                                "sealed)",
                                "sort by added, updated, status or region"});
            }
            column = "c.name";
            break;
    }
    return fmt::format("{} {}, c.id {}", column, dir, dir);
}

}  // namespace

Result<Sort> ParseSort(std::string_view text) {
    Sort sort;
    if (text.empty()) return sort;
    sort.descending = text.front() == '-';
    if (sort.descending) text.remove_prefix(1);
    static const std::pair<std::string_view, SortKey> kKeys[] = {{"added", SortKey::kAdded},
                                                                 {"name", SortKey::kName},
                                                                 {"status", SortKey::kStatus},
                                                                 {"region", SortKey::kRegion},
                                                                 {"updated", SortKey::kUpdated}};
    for (const auto& [name, key] : kKeys) {
        if (text == name) {
            sort.key = key;
            return sort;
        }
    }
    return Fail(ErrorCode::kInvalidInput,
                Msg{"contact.sort_unknown", "cannot sort by '{sort}'",
                    "sort by added, name, status, region or updated; a leading '-' sorts "
                    "descending (e.g. -added, the newest first)"},
                {{"sort", std::string(text)}});
}

Result<Contact> ReadContact(const store::Store& store, const store::Row& r, size_t f) {
    Contact c;
    c.id = r.Int(f + 0);
    auto name = store::OpenText(store, r.Text(f + 1), kNameColumn);
    if (!name) return std::unexpected(name.error());
    c.name = std::move(*name);
    c.region = r.Text(f + 2);
    c.source = r.Text(f + 3);
    c.owner_group = r.Text(f + 4);
    auto email = store::OpenText(store, r.Text(f + 5), kEmailColumn);
    if (!email) return std::unexpected(email.error());
    c.email = std::move(*email);
    auto comment = store::OpenText(store, r.Text(f + 6), store::kNoteColumn);
    if (!comment) return std::unexpected(comment.error());
    c.comment = std::move(*comment);
    c.status = r.Text(f + 7);
    c.callback_at = r.OptInt(f + 8);
    c.created_at = r.Int(f + 9);
    c.updated_at = r.Int(f + 10);
    c.last_interaction_at = r.OptInt(f + 11);
    c.import_id = r.OptInt(f + 12);
    c.merged_into = r.OptInt(f + 13);
    return c;
}

std::string StoredName(const store::Store& store, std::string_view name) {
    return store::SealText(store, name, kNameColumn);
}

std::string StoredEmail(const store::Store& store, std::string_view email) {
    return store::SealText(store, email, kEmailColumn);
}

std::string EmailKey(const store::Cipher* cipher, std::string_view email) {
    std::string normalised = FoldCase(Trim(email));
    if (!cipher || normalised.empty()) return {};
    return cipher->BlindIndex(normalised, kEmailColumn);
}

std::string NameWordKey(int64_t key) {
    // 48 of the key's 64 bits, in ten lowercase base-32 letters: two words of
    // a base share a key with a chance of about 2^-48 per pair, which at worst
    // adds a contact to a search; every byte here is written once a contact.
    static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::string out(12, ' ');
    auto u = static_cast<uint64_t>(key);
    for (int i = 10; i >= 1; --i, u >>= 5)
        out[i] = kBase32[u & 31];
    return out;
}

namespace {

constexpr std::string_view kShape = "fmt:";

// The shape of `raw` as a spelling of `e164`, or "" when it is not one.
std::string RawShape(std::string_view raw, std::string_view e164) {
    std::string digits, number;
    for (char c : raw) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (std::string_view(" ()-+./").find(c) == std::string_view::npos) {
            return "";  // a letter, a word: it may say more than the number
        }
    }
    for (char c : e164)
        if (c >= '0' && c <= '9') number += c;
    size_t common = 0;
    while (common < digits.size() && common < number.size() &&
           digits[digits.size() - 1 - common] == number[number.size() - 1 - common]) {
        ++common;
    }
    // The whole national number, after at most a trunk prefix or country code.
    if (number.size() < 8 || common + 3 < number.size() || digits.size() - common > 3) return "";
    std::string shape(kShape);
    size_t seen = 0;
    for (char c : raw) {
        const bool digit = c >= '0' && c <= '9';
        shape += digit && seen++ >= digits.size() - common ? '#' : c;
    }
    return shape;
}

}  // namespace

std::string StoredRaw(const store::Cipher* cipher, std::string_view raw, std::string_view e164) {
    if (!cipher || raw.empty()) return std::string(raw);
    std::string shape = RawShape(raw, e164);
    return shape.empty() ? cipher->Seal(raw, store::kRawColumn) : shape;
}

bool IsRawShape(std::string_view stored) {
    return stored.starts_with(kShape);
}

Result<std::string> OpenRaw(const store::Store& store, std::string_view stored,
                            std::string_view e164) {
    if (!store.cipher() || !IsRawShape(stored)) {
        return store::OpenText(store, stored, store::kRawColumn);
    }
    return FillRawShape(stored, e164);
}

Result<std::string> FillRawShape(std::string_view stored, std::string_view e164) {
    std::string_view shape = stored.substr(kShape.size());
    std::string number;
    for (char c : e164)
        if (c >= '0' && c <= '9') number += c;
    const auto holes = static_cast<size_t>(std::count(shape.begin(), shape.end(), '#'));
    if (holes > number.size()) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("a value of phones.raw does not fit its number ({})", e164),
                    "the database was changed outside callbase; restore it from the backup");
    }
    std::string out;
    size_t next = number.size() - holes;
    for (char c : shape)
        out += c == '#' ? number[next++] : c;
    return out;
}

std::string NameWords(const store::Cipher* cipher, std::string_view name) {
    const std::vector<std::string> words = SearchWords(name);
    if (words.empty()) return {};
    const std::string joined = fmt::format(" {} ", fmt::join(words, " "));
    if (!cipher) return joined;  // a plain base: the words themselves
    std::string out;
    for (int64_t word : cipher->WordKeys(joined)) {
        // " a b " rather than " a  b ": every key has a space either side.
        std::string term = NameWordKey(word);
        out += out.empty() ? term : term.substr(1);
    }
    return out;
}

Result<Contact> LoadContact(store::Store& store, int64_t id) {
    auto rows =
        store.Query(fmt::format("SELECT {} FROM contacts WHERE id = $1", kContactColumns), {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound, kNoContact, {{"id", std::to_string(id)}});
    }
    return ReadContact(store, rows->front());
}

std::string FormatUtc(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

HistoryEntry ContactBook::Entry(int64_t contact_id, int64_t now, std::string action) const {
    HistoryEntry e;
    e.contact_id = contact_id;
    e.at = now;
    e.actor = actor_;
    e.action = std::move(action);
    return e;
}

Result<bool> ContactBook::Sees(int64_t id) {
    if (!scope_) return true;
    return InScope(store_, *scope_, clock_.Now(), id);
}

Result<void> ContactBook::RequireSeen(int64_t id) {
    auto sees = Sees(id);
    if (!sees) return std::unexpected(sees.error());
    if (!*sees) {
        return Fail(ErrorCode::kNotFound, kNoContact, {{"id", std::to_string(id)}});
    }
    return {};
}

Result<SqlWhere> ContactBook::Where(const Filter& filter, int first_param, NameIds* names) {
    auto where = ToSql(filter, clock_.Now(), first_param, store_.cipher(), names);
    if (!where || !scope_) return where;
    auto scoped = ScopeSql(*scope_, clock_.Now(),
                           first_param + static_cast<int>(where->params.size()), store_.cipher());
    if (!scoped) return std::unexpected(scoped.error());
    where->sql = fmt::format("({}) AND {}", where->sql, scoped->sql);
    where->params.insert(where->params.end(), scoped->params.begin(), scoped->params.end());
    return where;
}

Result<Contact> ContactBook::RequireLive(int64_t id) {
    if (auto seen = RequireSeen(id); !seen) return std::unexpected(seen.error());
    auto c = LoadContact(store_, id);
    if (!c) return c;
    if (c->merged_into) {
        return Fail(ErrorCode::kConflict,
                    Msg{"contact.merged",
                        "contact #{id} was merged into contact #{into} and cannot be changed",
                        "work with contact #{into}, or undo the merge (callbase merge --undo)"},
                    {{"id", std::to_string(id)}, {"into", std::to_string(*c->merged_into)}});
    }
    return c;
}

Result<void> ContactBook::Touch(int64_t id, int64_t now) {
    auto ok = store_.Exec("UPDATE contacts SET updated_at = $1 WHERE id = $2", {now, id});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Result<int64_t> ContactBook::Create(const NewContact& in) {
    std::string name = Trim(in.name);
    if (name.empty() && in.phones.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"contact.no_name_or_phone", "a new contact needs a name or a phone",
                        "give --name or --phone"});
    }
    const std::string email = Trim(in.email);
    for (auto [field, value, limit] :
         {std::tuple<std::string_view, std::string_view, size_t>{"name", name, kMaxNameChars},
          {"comment", in.comment, kMaxCommentChars},
          {"email", email, kMaxEmailChars}}) {
        if (auto ok = CheckLength(field, value, limit); !ok) return std::unexpected(ok.error());
    }
    // Resolve the dictionary and field types before the transaction (seeding the
    // tag dictionary runs a transaction of its own).
    TagDictionary tags(store_, clock_);
    std::vector<TagInfo> resolved_tags;
    for (const auto& t : in.tags) {
        auto seeded = tags.EnsureDefaults();
        if (!seeded) return std::unexpected(seeded.error());
        auto tag = tags.Resolve(t);
        if (!tag) return std::unexpected(tag.error());
        if (tag->retired_at) {
            return Fail(ErrorCode::kConflict,
                        Msg{"tag.retired", "tag '{tag}' is retired",
                            "retired tags stay on old contacts but cannot be added; pick another"},
                        {{"tag", tag->name}});
        }
        resolved_tags.push_back(*tag);
    }
    FieldRegistry registry(store_, clock_);
    std::vector<std::tuple<int64_t, std::string, std::string>> fields;  // id, name, value
    for (const auto& [field, value] : in.fields) {
        auto def = registry.Find(field);
        if (!def) return std::unexpected(def.error());
        auto normalized = ValidateFieldValue(*def, value);
        if (!normalized) return std::unexpected(normalized.error());
        fields.emplace_back(def->id, def->name, *normalized);
    }

    std::string region = Trim(in.region);
    for (const auto& p : in.phones) {
        if (region.empty() && !p.cleaned.region.empty()) region = p.cleaned.region;
    }
    int64_t now = clock_.Now();
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id_value = store_.QueryValue(
        "INSERT INTO contacts (name, name_words, region, source, owner_group, email, email_key, "
        "comment, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', "
        "$9, $9) RETURNING id",
        {StoredName(store_, name), NameWords(store_.cipher(), name), region, Trim(in.source),
         Trim(in.owner_group), StoredEmail(store_, Trim(in.email)),
         EmailKey(store_.cipher(), in.email),
         store::SealText(store_, in.comment, store::kNoteColumn), now});
    if (!id_value) return std::unexpected(id_value.error());
    int64_t id = store::Row({*id_value}).Int(0);

    std::vector<std::string> phone_list;
    int position = 0;
    PhoneClasses classes(store_);
    for (const auto& p : in.phones) {
        const phone::CleanResult& c = p.cleaned;
        auto class_id = classes.Id(c);
        if (!class_id) return std::unexpected(class_id.error());
        auto ok = store_.Exec(
            "INSERT INTO phones (contact_id, position, e164, extension, label, raw, class_id, qc, "
            "valid, inactive, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)",
            {id, int64_t{position++}, store::PhoneKey(store_, c.e164), c.extension,
             p.label.empty() ? std::string("основной") : Trim(p.label),
             StoredRaw(store_.cipher(), c.input, c.e164), *class_id,
             int64_t{static_cast<int>(c.qc)}, int64_t{c.valid() ? 1 : 0}, now});
        if (!ok) return std::unexpected(ok.error());
        phone_list.push_back(c.valid() ? c.e164 : c.input + " (invalid)");
    }
    for (const auto& [field_id, field_name, value] : fields) {
        auto ok = store_.Exec(
            "INSERT INTO field_values (contact_id, field_id, value) VALUES ($1, $2, $3)",
            {id, field_id, value});
        if (!ok) return std::unexpected(ok.error());
    }
    for (const auto& tag : resolved_tags) {
        auto ok = store_.Exec(
            "INSERT INTO contact_tags (contact_id, tag_id, added_at, added_by) VALUES "
            "($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            {id, tag.id, now, actor_});
        if (!ok) return std::unexpected(ok.error());
    }
    HistoryEntry e = Entry(id, now, "created");
    e.after = name;
    std::vector<std::string> field_texts, tag_names;
    for (const auto& [fid, fname, value] : fields)
        field_texts.push_back(fname + ": " + value);
    for (const auto& tag : resolved_tags)
        tag_names.push_back(tag.name);
    SetDetail(e,
              Msg{"history.created",
                  "[[phones: {phones}]][[; source: {source}]][[; fields: {fields}]][[; tags: "
                  "{tags}]]"},
              {{"phones", fmt::format("{}", fmt::join(phone_list, ", "))},
               {"source", Trim(in.source)},
               {"fields", fmt::format("{}", fmt::join(field_texts, "; "))},
               {"tags", fmt::format("{}", fmt::join(tag_names, ", "))}});
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return id;
}

Result<Card> ContactBook::Get(int64_t id) {
    if (auto seen = RequireSeen(id); !seen) return std::unexpected(seen.error());
    Card card;
    auto contact = LoadContact(store_, id);
    if (!contact) return std::unexpected(contact.error());
    card.contact = *contact;

    auto phones = store_.Query(
        "SELECT p.id, p.position, p.e164, p.extension, p.label, p.raw, k.type, k.region, "
        "k.operator, k.utc_offset, k.timezone, p.qc, p.valid, p.inactive, k.country FROM phones p "
        "LEFT JOIN phone_classes k ON k.id = p.class_id WHERE p.contact_id = $1 "
        "ORDER BY p.position, p.id",
        {id});
    if (!phones) return std::unexpected(phones.error());
    for (const auto& r : *phones) {
        Phone p;
        p.id = r.Int(0);
        p.position = static_cast<int>(r.Int(1));
        auto e164 = store::PhoneOf(store_, r.Text(2));
        if (!e164) return std::unexpected(e164.error());
        p.e164 = std::move(*e164);
        p.extension = r.Text(3);
        p.label = r.Text(4);
        auto raw = OpenRaw(store_, r.Text(5), p.e164);
        if (!raw) return std::unexpected(raw.error());
        p.raw = std::move(*raw);
        p.type = r.IsNull(6) ? "unknown" : r.Text(6);
        p.region = r.Text(7);
        p.operator_name = r.Text(8);
        if (!r.IsNull(9)) p.utc_offset_minutes = static_cast<int>(r.Int(9));
        p.timezone = r.Text(10);
        p.qc = static_cast<int>(r.Int(11));
        p.valid = r.Int(12) != 0;
        p.inactive = r.Int(13) != 0;
        p.country = r.Text(14);
        card.phones.push_back(std::move(p));
    }

    auto tags = store_.Query(
        "SELECT c.name, t.name, t.retired_at, ct.added_at, ct.added_by FROM contact_tags ct "
        "JOIN tags t ON t.id = ct.tag_id JOIN tag_categories c ON c.id = t.category_id "
        "WHERE ct.contact_id = $1 ORDER BY c.id, t.name",
        {id});
    if (!tags) return std::unexpected(tags.error());
    for (const auto& r : *tags) {
        card.tags.push_back({r.Text(0), r.Text(1), !r.IsNull(2), r.Int(3), r.Text(4)});
    }

    auto fields = store_.Query(
        "SELECT d.name, d.type, v.value FROM field_values v JOIN field_defs d ON d.id = v.field_id "
        "WHERE v.contact_id = $1 ORDER BY d.name",
        {id});
    if (!fields) return std::unexpected(fields.error());
    for (const auto& r : *fields)
        card.fields.push_back({r.Text(0), r.Text(1), r.Text(2)});

    auto history = LoadHistory(store_, id);
    if (!history) return std::unexpected(history.error());
    card.history = std::move(*history);

    // Imports do not write a history row per contact (for speed); the card shows
    // one from contacts.import_id, for this contact and those merged into it.
    auto imports = store_.Query(
        "SELECT c.id, c.created_at, i.id, i.file, i.actor FROM contacts c "
        "JOIN imports i ON i.id = c.import_id WHERE c.id = $1 OR c.merged_into = $1 "
        "ORDER BY c.id",
        {id});
    if (!imports) return std::unexpected(imports.error());
    for (const auto& r : *imports) {
        HistoryEntry e;
        e.contact_id = id;
        e.at = r.Int(1);
        e.actor = r.Text(4);
        e.action = "import";
        if (r.Int(0) == id) {
            SetDetail(e, Msg{"history.imported", "created by import #{import} ({file})"},
                      {{"import", std::to_string(r.Int(2))}, {"file", r.Text(3)}});
        } else {
            SetDetail(e,
                      Msg{"history.imported_merged",
                          "contact #{contact} (merged here) created by import #{import} ({file})"},
                      {{"contact", std::to_string(r.Int(0))},
                       {"import", std::to_string(r.Int(2))},
                       {"file", r.Text(3)}});
        }
        card.history.push_back(std::move(e));
    }
    std::stable_sort(card.history.begin(), card.history.end(),
                     [](const HistoryEntry& a, const HistoryEntry& b) {
                         if (a.at != b.at) return a.at < b.at;
                         // Synthesized import entries (id 0) come first at equal times.
                         return a.id < b.id;
                     });
    return card;
}

Result<std::vector<FoundContact>> ContactBook::Find(const Filter& filter, int64_t limit,
                                                    int64_t offset, Sort sort) {
    NameIds names(store_);
    return Find(filter, limit, offset, sort, &names);
}

Result<int64_t> ContactBook::Count(const Filter& filter) {
    NameIds names(store_);
    return Count(filter, &names);
}

Result<ContactBook::Page> ContactBook::Search(const Filter& filter, int64_t limit, int64_t offset,
                                              Sort sort) {
    NameIds names(store_);
    auto items = Find(filter, limit, offset, sort, &names);
    if (!items) return std::unexpected(items.error());
    auto total = Count(filter, &names);
    if (!total) return std::unexpected(total.error());
    return Page{std::move(*items), *total};
}

Result<std::vector<FoundContact>> ContactBook::Find(const Filter& filter, int64_t limit,
                                                    int64_t offset, Sort sort, NameIds* names) {
    auto order = OrderBy(sort, store_.cipher() != nullptr);
    if (!order) return std::unexpected(order.error());
    auto where = Where(filter, 3, names);
    if (!where) return std::unexpected(where.error());
    std::vector<store::Value> params{limit, offset};
    params.insert(params.end(), where->params.begin(), where->params.end());
    // The page's ids first, its rows after: the ids of the page are sorted
    // from the index contacts_live_added (migration 018) when the filter
    // needs no other column, and only the page's rows are read whole.
    auto rows =
        store_.Query(fmt::format("SELECT c.{}, "
                                 "(SELECT p.e164 || '|' || p.raw FROM phones p "
                                 " WHERE p.contact_id = c.id ORDER BY p.position, p.id LIMIT 1), "
                                 "(SELECT COUNT(*) FROM phones p WHERE p.contact_id = c.id) "
                                 "FROM contacts c WHERE c.id IN (SELECT c.id FROM contacts c "
                                 "WHERE {} ORDER BY {} LIMIT $1 OFFSET $2) ORDER BY {}",
                                 kContactColumns, where->sql, *order, *order),
                     params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<FoundContact> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) {
        auto contact = ReadContact(store_, r);
        if (!contact) return std::unexpected(contact.error());
        // The first phone: its number, or its raw spelling when it has none
        // (a number never holds '|'; both are sealed on an encrypted base).
        std::string first = r.Text(14);
        std::string_view e164(first), raw;
        if (size_t bar = first.find('|'); bar != std::string::npos) {
            e164 = std::string_view(first).substr(0, bar);
            raw = std::string_view(first).substr(bar + 1);
        }
        auto shown = e164.empty() ? OpenRaw(store_, raw, "") : store::PhoneOf(store_, e164);
        if (!shown) return std::unexpected(shown.error());
        out.push_back({std::move(*contact), std::move(*shown), static_cast<int>(r.Int(15))});
    }
    return out;
}

Result<std::optional<Contact>> ContactBook::FindByPhone(const std::string& e164) {
    static const std::string kSql = [] {
        std::string columns;
        for (std::string_view rest = kContactColumns; !rest.empty();) {
            size_t comma = rest.find(", ");
            columns += (columns.empty() ? "c." : ", c.") + std::string(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? "" : rest.substr(comma + 2);
        }
        // MIN() over the number's few rows, not ORDER BY ... LIMIT 1: SQLite
        // sorts the latter in a temporary B-tree, opened and freed on every
        // call (the screen pop's hot path).
        return fmt::format(
            "SELECT {} FROM contacts c WHERE c.id = (SELECT MIN(p.contact_id) FROM phones p "
            "JOIN contacts m ON m.id = p.contact_id WHERE p.e164 = $1 AND m.merged_into IS NULL)",
            columns);
    }();
    auto rows = store_.Query(kSql, {store::PhoneKey(store_, e164)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<Contact>();
    auto contact = ReadContact(store_, rows->front());
    if (!contact) return std::unexpected(contact.error());
    if (scope_) {
        auto sees = Sees(contact->id);
        if (!sees) return std::unexpected(sees.error());
        if (!*sees) return std::optional<Contact>();
    }
    return std::optional<Contact>(std::move(*contact));
}

Result<int64_t> ContactBook::Count(const Filter& filter, NameIds* names) {
    auto where = Where(filter, 1, names);
    if (!where) return std::unexpected(where.error());
    auto v = store_.QueryValue(fmt::format("SELECT COUNT(*) FROM contacts c WHERE {}", where->sql),
                               where->params);
    if (!v) return std::unexpected(v.error());
    return store::Row({*v}).Int(0);
}

Result<bool> ContactBook::SetStatus(int64_t id, std::string_view status_text,
                                    std::optional<int64_t> callback_at) {
    auto status = ParseStatus(status_text);
    if (!status) return std::unexpected(status.error());
    if (*status == Status::kCallback && !callback_at) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"contact.callback_needs_time",
                        "status Callback for contact #{id} needs a callback time",
                        "give the time, e.g. --callback-at '2026-03-01 15:00'"},
                    {{"id", std::to_string(id)}});
    }
    if (*status != Status::kCallback && callback_at) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"contact.callback_without_status",
                        "a callback time only goes with status Callback (contact #{id}, "
                        "status {status})",
                        "drop --callback-at or set the status to callback"},
                    {{"id", std::to_string(id)}, {"status", std::string(StatusId(*status))}});
    }
    if (callback_at) {
        if (auto ok = CheckCallbackHorizon(*callback_at, clock_.Now()); !ok) {
            // The horizon's own message (status.callback_too_far), named for the contact.
            MessageParams params{{"id", std::to_string(id)}};
            params.insert(params.end(), ok.error().params.begin(), ok.error().params.end());
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"contact.callback_too_far",
                            "contact #{id}: the callback time is {days} days ahead; a callback "
                            "may be set at most {max} days ahead",
                            "check the year of the date"},
                        std::move(params));
        }
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    std::string new_status(StatusId(*status));
    if (contact->status == new_status && contact->callback_at == callback_at) return false;
    int64_t now = clock_.Now();
    // A status is set after talking to the person: it counts as an interaction.
    auto ok = store_.Exec(
        "UPDATE contacts SET status = $1, callback_at = $2, updated_at = $3, "
        "last_interaction_at = $3 WHERE id = $4",
        {new_status, store::Nullable(callback_at), now, id});
    if (!ok) return std::unexpected(ok.error());
    HistoryEntry e = Entry(id, now, "status");
    e.field = "status";
    e.before = contact->status;
    e.after = new_status;
    if (contact->callback_at || callback_at) {
        SetDetail(e, Msg{"history.callback", "callback_at: {before} -> {after}"},
                  {{"before", contact->callback_at ? FormatUtc(*contact->callback_at) : "-"},
                   {"after", callback_at ? FormatUtc(*callback_at) : "-"}});
    }
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return true;
}

Result<bool> ContactBook::Tag(int64_t id, std::string_view tag_name) {
    TagDictionary dict(store_, clock_);
    if (auto seeded = dict.EnsureDefaults(); !seeded) return std::unexpected(seeded.error());
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    auto tag = dict.Resolve(tag_name);
    if (!tag) return std::unexpected(tag.error());
    if (tag->retired_at) {
        return Fail(ErrorCode::kConflict,
                    Msg{"tag.retired_on",
                        "tag '{tag}' was retired on {date} and cannot be added to contact #{id}",
                        "retired tags stay on the contacts that have them; pick a current tag "
                        "(callbase tags list)"},
                    {{"tag", tag->Qualified()},
                     {"date", FormatUtc(*tag->retired_at)},
                     {"id", std::to_string(id)}});
    }
    int64_t now = clock_.Now();
    auto added = store_.Exec(
        "INSERT INTO contact_tags (contact_id, tag_id, added_at, added_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING",
        {id, tag->id, now, actor_});
    if (!added) return std::unexpected(added.error());
    if (*added == 0) return false;
    if (auto t = Touch(id, now); !t) return std::unexpected(t.error());
    HistoryEntry e = Entry(id, now, "tag");
    e.field = "tag";
    e.after = tag->name;
    e.detail = tag->category;
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return true;
}

Result<bool> ContactBook::Untag(int64_t id, std::string_view tag_name) {
    TagDictionary dict(store_, clock_);
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    auto tag = dict.Resolve(tag_name);
    if (!tag) return std::unexpected(tag.error());
    auto removed = store_.Exec("DELETE FROM contact_tags WHERE contact_id = $1 AND tag_id = $2",
                               {id, tag->id});
    if (!removed) return std::unexpected(removed.error());
    if (*removed == 0) return false;
    int64_t now = clock_.Now();
    if (auto t = Touch(id, now); !t) return std::unexpected(t.error());
    HistoryEntry e = Entry(id, now, "untag");
    e.field = "tag";
    e.before = tag->name;
    e.detail = tag->category;
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return true;
}

Result<bool> ContactBook::SetField(int64_t id, std::string_view field, std::string_view value) {
    FieldRegistry registry(store_, clock_);
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    auto def = registry.Find(field);
    if (!def) return std::unexpected(def.error());
    std::optional<std::string> normalized;
    if (!Trim(value).empty()) {
        auto v = ValidateFieldValue(*def, value);
        if (!v) {
            // The value's own code and parameters (field.not_number, ...): a screen
            // shows it on the contact's card; the English names the contact.
            Error error = v.error();
            error.message = fmt::format("contact #{}: {}", id, error.message);
            return std::unexpected(std::move(error));
        }
        normalized = *v;
    }
    auto old = store_.Query(
        "SELECT value FROM field_values WHERE contact_id = $1 AND field_id = $2", {id, def->id});
    if (!old) return std::unexpected(old.error());
    std::optional<std::string> before;
    if (!old->empty()) before = old->front().Text(0);
    if (before == normalized) return false;
    Result<int64_t> ok = 0;
    if (!normalized) {
        ok = store_.Exec("DELETE FROM field_values WHERE contact_id = $1 AND field_id = $2",
                         {id, def->id});
    } else if (before) {
        ok = store_.Exec(
            "UPDATE field_values SET value = $1 WHERE contact_id = $2 AND field_id = $3",
            {*normalized, id, def->id});
    } else {
        ok = store_.Exec(
            "INSERT INTO field_values (contact_id, field_id, value) VALUES ($1, $2, $3)",
            {id, def->id, *normalized});
    }
    if (!ok) return std::unexpected(ok.error());
    int64_t now = clock_.Now();
    if (auto t = Touch(id, now); !t) return std::unexpected(t.error());
    HistoryEntry e = Entry(id, now, "field");
    e.field = def->name;
    e.before = before;
    e.after = normalized;
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return true;
}

Result<int64_t> AssignContacts(store::Store& store, const Clock& clock, const std::string& actor,
                               const std::vector<int64_t>& ids, const Filter& filter,
                               const std::optional<Scope>& scope,
                               std::optional<std::pair<int64_t, std::string>> to) {
    auto tx = store::Transaction::Start(store);
    if (!tx) return std::unexpected(tx.error());
    ContactBook book(store, clock, actor);
    book.Restrict(scope);
    // The contacts and who has them now.
    std::vector<std::pair<int64_t, std::optional<int64_t>>> targets;
    std::map<int64_t, std::string> names;  // user id -> name, for the history
    auto read = [&](const std::string& where, std::vector<store::Value> params) -> Result<void> {
        return store.ForEach(
            fmt::format("SELECT c.id, c.assigned_to, u.name FROM contacts c LEFT JOIN users u ON "
                        "u.id = c.assigned_to WHERE {} ORDER BY c.id",
                        where),
            params, [&](const store::Row& r) {
                targets.emplace_back(r.Int(0), r.OptInt(1));
                if (!r.IsNull(1)) names[r.Int(1)] = r.Text(2);
                return true;
            });
    };
    const int64_t now = clock.Now();
    if (!ids.empty()) {
        for (int64_t id : ids) {
            auto sees = book.Sees(id);
            if (!sees) return std::unexpected(sees.error());
            std::optional<Contact> live;
            if (*sees) {
                auto c = LoadContact(store, id);
                if (!c && c.error().code != ErrorCode::kNotFound) return std::unexpected(c.error());
                if (c) live = std::move(*c);
            }
            if (!live) {
                return Fail(
                    ErrorCode::kNotFound,
                    Msg{"assign.no_contact", "contact #{id} does not exist; nothing was assigned",
                        "find the ids with `callbase contacts find`"},
                    {{"id", std::to_string(id)}});
            }
            if (live->merged_into) {
                return Fail(
                    ErrorCode::kConflict,
                    Msg{"assign.merged",
                        "contact #{id} was merged into contact #{into}; nothing was assigned",
                        "assign contact #{into}"},
                    {{"id", std::to_string(id)}, {"into", std::to_string(*live->merged_into)}});
            }
            if (auto ok = read("c.id = $1", {id}); !ok) return std::unexpected(ok.error());
        }
    } else {
        auto where = ToSql(filter, now, 1, store.cipher());
        if (!where) return std::unexpected(where.error());
        if (scope) {
            auto s =
                ScopeSql(*scope, now, 1 + static_cast<int>(where->params.size()), store.cipher());
            if (!s) return std::unexpected(s.error());
            where->sql = fmt::format("({}) AND {}", where->sql, s->sql);
            where->params.insert(where->params.end(), s->params.begin(), s->params.end());
        }
        if (auto ok = read(where->sql, where->params); !ok) return std::unexpected(ok.error());
    }
    const std::optional<int64_t> new_id = to ? std::optional<int64_t>(to->first) : std::nullopt;
    int64_t changed = 0;
    for (const auto& [id, old] : targets) {
        if (old == new_id) continue;
        auto ok = store.Exec("UPDATE contacts SET assigned_to = $1, updated_at = $2 WHERE id = $3",
                             {new_id ? store::Value(*new_id) : store::Value(), now, id});
        if (!ok) return std::unexpected(ok.error());
        HistoryEntry e;
        e.contact_id = id;
        e.at = now;
        e.actor = actor;
        e.action = "assign";
        e.field = "assigned_to";
        if (old) e.before = names[*old];
        if (to) e.after = to->second;
        if (!to)
            SetDetail(e, Msg{"history.unassigned", "unassigned"}, {});
        else if (old)
            SetDetail(e, Msg{"history.reassigned", "reassigned"}, {});
        else
            SetDetail(e, Msg{"history.assigned", "assigned"}, {});
        if (auto h = AppendHistory(store, e); !h) return std::unexpected(h.error());
        ++changed;
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return changed;
}

Result<std::vector<int64_t>> ContactBook::FindIds(const Filter& filter, int64_t limit) {
    NameIds names(store_);
    auto where = Where(filter, 2, &names);
    if (!where) return std::unexpected(where.error());
    std::vector<store::Value> params{limit};
    params.insert(params.end(), where->params.begin(), where->params.end());
    auto rows = store_.Query(
        fmt::format("SELECT c.id FROM contacts c WHERE {} ORDER BY c.id LIMIT $1", where->sql),
        params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<int64_t> out;
    out.reserve(rows->size());
    for (const auto& r : *rows)
        out.push_back(r.Int(0));
    return out;
}

namespace {

Result<int64_t> PhoneCount(store::Store& store, int64_t contact_id) {
    auto v = store.QueryValue("SELECT COUNT(*) FROM phones WHERE contact_id = $1", {contact_id});
    if (!v) return std::unexpected(v.error());
    return store::Row({*v}).Int(0);
}

}  // namespace

Result<bool> ContactBook::Rename(int64_t id, std::string_view name_text) {
    const std::string name = Trim(name_text);
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    if (contact->name == name) return false;
    if (name.empty()) {
        auto phones = PhoneCount(store_, id);
        if (!phones) return std::unexpected(phones.error());
        if (*phones == 0) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"contact.keeps_name", "contact #{id} has no phone, so it cannot lose its name",
                    "give a name, or add a phone first"},
                {{"id", std::to_string(id)}});
        }
    }
    const int64_t now = clock_.Now();
    auto ok =
        store_.Exec("UPDATE contacts SET name = $1, name_words = $2, updated_at = $3 WHERE id = $4",
                    {StoredName(store_, name), NameWords(store_.cipher(), name), now, id});
    if (!ok) return std::unexpected(ok.error());
    HistoryEntry e = Entry(id, now, "rename");
    e.field = "name";
    e.before = contact->name;
    e.after = name;
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return true;
}

Result<int64_t> ContactBook::AddPhone(int64_t id, const NewPhone& phone) {
    const phone::CleanResult& c = phone.cleaned;
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    if (c.valid()) {
        auto same =
            store_.QueryValue("SELECT COUNT(*) FROM phones WHERE contact_id = $1 AND e164 = $2",
                              {id, store::PhoneKey(store_, c.e164)});
        if (!same) return std::unexpected(same.error());
        if (store::Row({*same}).Int(0) > 0) {
            return Fail(ErrorCode::kConflict,
                        Msg{"contact.phone_exists", "contact #{id} already has the number {phone}",
                            "change its label instead, or add another number"},
                        {{"id", std::to_string(id)}, {"phone", c.e164}});
        }
    }
    auto last = store_.QueryValue(
        "SELECT COALESCE(MAX(position), -1) FROM phones WHERE contact_id = $1", {id});
    if (!last) return std::unexpected(last.error());
    const int64_t position = store::Row({*last}).Int(0) + 1;
    auto class_id = PhoneClasses(store_).Id(c);
    if (!class_id) return std::unexpected(class_id.error());
    const int64_t now = clock_.Now();
    const std::string label = Trim(phone.label).empty() ? "основной" : Trim(phone.label);
    auto phone_id = store_.QueryValue(
        "INSERT INTO phones (contact_id, position, e164, extension, label, raw, class_id, qc, "
        "valid, inactive, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10) "
        "RETURNING id",
        {id, position, store::PhoneKey(store_, c.e164), c.extension, label,
         StoredRaw(store_.cipher(), c.input, c.e164), *class_id, int64_t{static_cast<int>(c.qc)},
         int64_t{c.valid() ? 1 : 0}, now});
    if (!phone_id) return std::unexpected(phone_id.error());
    if (auto t = Touch(id, now); !t) return std::unexpected(t.error());
    HistoryEntry e = Entry(id, now, "phone_add");
    e.field = "phone";
    e.after = c.valid() ? c.e164 : c.input + " (invalid)";
    e.detail = label;
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return store::Row({*phone_id}).Int(0);
}

Result<void> ContactBook::RemovePhone(int64_t id, int64_t phone_id) {
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    auto rows = store_.Query(
        "SELECT e164, raw, label FROM phones WHERE id = $1 AND contact_id = $2", {phone_id, id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"contact.no_phone", "contact #{id} has no phone #{phone_id}",
                        "the card lists the contact's phones with their ids"},
                    {{"id", std::to_string(id)}, {"phone_id", std::to_string(phone_id)}});
    }
    auto e164 = store::PhoneOf(store_, rows->front().Text(0));
    if (!e164) return std::unexpected(e164.error());
    auto raw = OpenRaw(store_, rows->front().Text(1), *e164);
    if (!raw) return std::unexpected(raw.error());
    if (Trim(contact->name).empty()) {
        auto phones = PhoneCount(store_, id);
        if (!phones) return std::unexpected(phones.error());
        if (*phones <= 1) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"contact.keeps_last_phone",
                            "contact #{id} has no name, so it cannot lose its last phone",
                            "give the contact a name first"},
                        {{"id", std::to_string(id)}});
        }
    }
    auto ok = store_.Exec("DELETE FROM phones WHERE id = $1", {phone_id});
    if (!ok) return std::unexpected(ok.error());
    const int64_t now = clock_.Now();
    if (auto t = Touch(id, now); !t) return std::unexpected(t.error());
    HistoryEntry e = Entry(id, now, "phone_remove");
    e.field = "phone";
    e.before = e164->empty() ? *raw : *e164;
    e.detail = rows->front().Text(2);
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return {};
}

Result<void> ContactBook::AddNote(int64_t id, std::string_view note) {
    const std::string text = Trim(note);
    if (text.empty()) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"contact.empty_note", "an empty note for contact #{id}", "write what was said"},
            {{"id", std::to_string(id)}});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto contact = RequireLive(id);
    if (!contact) return std::unexpected(contact.error());
    const int64_t now = clock_.Now();
    if (auto t = Touch(id, now); !t) return std::unexpected(t.error());
    HistoryEntry e = Entry(id, now, "note");
    e.detail = text;
    if (auto h = AppendHistory(store_, e); !h) return std::unexpected(h.error());
    if (auto c = tx->Commit(); !c) return std::unexpected(c.error());
    return {};
}

}  // namespace callbase::contacts
