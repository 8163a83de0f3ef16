// Contacts: search, the card, edits, the screen-pop lookup, the dictionaries
// and base health.
#include <fmt/format.h>

#include <set>

#include "api/handlers.h"
#include "api/json.h"
#include "compliance/consent.h"
#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "compliance/stop_list.h"
#include "contacts/contact_book.h"
#include "contacts/field_registry.h"
#include "contacts/health.h"
#include "contacts/merge.h"
#include "contacts/status.h"
#include "contacts/tag_dictionary.h"
#include "phone/clean.h"

namespace callbase::api::handlers {
namespace {

using nlohmann::json;
using security::Permission;
namespace cp = compliance;

// The contact book as the caller may see it (api/scope.h): an operator's or
// a team supervisor's contacts only.
Result<contacts::ContactBook> Book(Call& c) {
    return ScopedBook(c);
}

// "contact:1,contact:2" for the audit record (the first 50 ids).
std::string ContactRecords(const std::vector<contacts::FoundContact>& found) {
    std::string out;
    for (size_t i = 0; i < found.size() && i < 50; ++i)
        out += fmt::format("{}contact:{}", i ? "," : "", found[i].contact.id);
    return out;
}

json FoundJson(const contacts::FoundContact& f) {
    return json{{"id", f.contact.id},
                {"name", f.contact.name},
                {"phone", f.phone},
                {"phone_count", f.phone_count},
                {"status", f.contact.status},
                {"region", f.contact.region},
                {"source", f.contact.source},
                {"callback_at", OptionalTime(f.contact.callback_at)},
                {"created_at", f.contact.created_at},
                {"updated_at", f.contact.updated_at}};
}

Result<Response> Changed(Call& c, int64_t id, Result<bool> changed, std::string what) {
    if (!changed) return std::unexpected(changed.error());
    c.records = fmt::format("contact:{}", id);
    c.detail = std::move(what);
    return JsonResponse(200, json{{"id", id}, {"changed", *changed}});
}

}  // namespace

Result<void> ShowPhone(Call& c, json* item) {
    auto e164 = item->value("e164", std::string());
    item->erase("e164");
    auto shown = c.Shown(e164);
    if (!shown) return std::unexpected(shown.error());
    (*item)["phone"] = *shown;
    return {};
}

Result<std::optional<Response>> OverReadLimit(Call& c) {
    auto limits = c.api.ReadLimits(*c.db);
    if (!limits) return std::unexpected(limits.error());
    auto over = c.api.reads().Check(*c.db, c.actor(), ClockOf(c).Now(), *limits);
    if (!over) return std::unexpected(over.error());
    if (!*over) return std::nullopt;
    if ((*over)->first) {
        auto logged =
            c.api.audit().Write({c.actor(), "bulk_read", c.request.method + " " + c.request.path,
                                 "", c.source, BulkReadDetail(**over)});
        if (!logged) return std::unexpected(logged.error());
    }
    const Error refusal = ReadRefusal(c.actor(), **over, "POST /api/v1/exports");
    Response r =
        server::Problem(429, "Too many contacts read", refusal.message + "; " + refusal.hint,
                        refusal.key, refusal.params);
    r.headers.emplace_back("Retry-After", std::to_string((*over)->retry_after));
    return std::optional<Response>(std::move(r));
}

void CountRead(Call& c, int64_t contacts) {
    // With both limits off nothing is counted (nor written): a read of the
    // cached limits, no more, on the screen pop's path.
    auto limits = c.api.ReadLimits(*c.db);
    if (limits && limits->off()) return;
    c.api.reads().Add(c.actor(), ClockOf(c).Now(), contacts);
}

Result<json> Decide(Call& c, const std::string& e164, const std::string& purpose, int64_t at) {
    auto rules = cp::LoadRules(*c.db);
    if (!rules) return std::unexpected(rules.error());
    std::shared_ptr<cp::RegistryCatalog> catalog;
    auto cleaned = c.api.options().cleaner->Clean(e164);
    auto state =
        cp::LoadNumberState(*c.db, e164, cleaned.utc_offset_minutes, at,
                            cp::CatalogCheck(*c.db, c.api.options().registry_dir, catalog));
    if (!state) return std::unexpected(state.error());
    return DecisionJson(cp::DialGate::Check(*state, purpose, at, *rules));
}

Result<Response> FindContacts(Call& c) {
    std::vector<std::string> expressions = c.request.QueryAll("filter");
    for (auto [param, prefix] : {std::pair{"phone", "phone="},
                                 {"name", "name~"},
                                 {"tag", "tag="},
                                 {"status", "status="},
                                 {"region", "region="},
                                 {"source", "source="}}) {
        auto v = c.request.Query(param);
        if (!v || v->empty()) continue;
        // A few digits in the phone box are the end of a number (phone~).
        const bool tail = std::string_view(param) == "phone" && contacts::PhoneTail(*v);
        expressions.push_back((tail ? std::string("phone~") : std::string(prefix)) + *v);
    }
    auto limit = c.QueryInt("limit", 50, 1, 1000);
    if (!limit) return std::unexpected(limit.error());
    auto offset = c.QueryInt("offset", 0, 0, INT64_MAX);
    if (!offset) return std::unexpected(offset.error());
    auto sort = contacts::ParseSort(c.request.Query("sort").value_or(""));
    if (!sort) return std::unexpected(sort.error());
    auto filter = contacts::ParseFilter(expressions, *c.api.options().cleaner);
    if (!filter) return std::unexpected(filter.error());
    if (auto ok = CheckFilter(c.viewer(), *filter); !ok) return std::unexpected(ok.error());
    auto over = OverReadLimit(c);
    if (!over) return std::unexpected(over.error());
    if (*over) return std::move(**over);
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    auto page = book->Search(*filter, *limit, *offset, *sort);
    if (!page) return std::unexpected(page.error());
    auto* found = &page->items;
    const int64_t* total = &page->total;
    CountRead(c, static_cast<int64_t>(found->size()));
    if (auto ok = RedactFound(c.viewer(), *c.db, &*found); !ok) return std::unexpected(ok.error());
    json items = json::array();
    for (const auto& f : *found)
        items.push_back(FoundJson(f));
    c.records = ContactRecords(*found);
    c.detail = c.api.PseudonymizedFilters(expressions);
    return JsonResponse(200, json{{"total", *total}, {"items", items}});
}

Result<Response> CreateContact(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    contacts::NewContact contact;
    for (auto [field, name] : {std::pair{&contact.name, "name"},
                               {&contact.region, "region"},
                               {&contact.source, "source"},
                               {&contact.email, "email"},
                               {&contact.comment, "comment"}}) {
        auto v = Text(*body, name);
        if (!v) return std::unexpected(v.error());
        *field = *v;
    }
    const json phones = body->value("phones", json::array());
    const json tags = body->value("tags", json::array());
    if (!phones.is_array() || !tags.is_array()) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"contact_new.not_arrays", "\"phones\" and \"tags\" must be arrays of strings"});
    }
    for (const auto& p : phones) {
        // A number, or {"phone": number, "label": "мобильный"}.
        const json* number = p.is_object() && p.contains("phone") ? &p["phone"] : &p;
        if (!number->is_string()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"contact_new.bad_phone",
                            "a phone must be a string or {\"phone\": \"…\", \"label\": \"…\"}"});
        }
        auto e164 = c.Phone(number->get<std::string>());
        if (!e164) return std::unexpected(e164.error());
        contacts::NewPhone phone;
        phone.cleaned = c.api.options().cleaner->Clean(number->get<std::string>());
        if (p.is_object()) {
            auto label = Text(p, "label");
            if (!label) return std::unexpected(label.error());
            if (!label->empty()) phone.label = *label;
        }
        contact.phones.push_back(std::move(phone));
    }
    const json fields = body->value("fields", json::object());
    if (!fields.is_object()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"contact_new.bad_fields",
                        "\"fields\" must be an object of custom field values, e.g. {\"Сумма\": "
                        "\"1000\"}"});
    }
    for (const auto& [field, value] : fields.items()) {
        if (!value.is_string()) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"contact_new.field_not_text", "the value of field '{field}' must be a string"},
                {{"field", field}});
        }
        if (!value.get<std::string>().empty()) {
            contact.fields.emplace_back(field, value.get<std::string>());
        }
    }
    for (const auto& t : tags) {
        if (!t.is_string()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"contact_new.tag_not_text", "a tag must be a string"});
        }
        contact.tags.push_back(t.get<std::string>());
    }
    auto id = contacts::ContactBook(*c.db, ClockOf(c), c.actor()).Create(contact);
    if (!id) return std::unexpected(id.error());
    // What an operator adds is theirs to work (else they could not see it).
    if (auto ok = AssignToCreator(c, *id); !ok) return std::unexpected(ok.error());
    c.records = fmt::format("contact:{}", *id);
    c.detail = "created";
    return JsonResponse(201, json{{"id", *id}});
}

Result<Response> ShowContact(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto over = OverReadLimit(c);
    if (!over) return std::unexpected(over.error());
    if (*over) return std::move(**over);
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    auto card = book->Get(*id);
    if (!card) return std::unexpected(card.error());
    CountRead(c, 1);
    c.records = fmt::format("contact:{}", *id);
    const Clock& clock = *c.api.options().clock;
    const security::Role role = c.session->role;
    std::string e164;
    for (const auto& p : card->phones) {
        if (p.valid && !p.e164.empty()) {
            e164 = p.e164;
            break;
        }
    }
    json stops = nullptr, consents = nullptr, can_call = nullptr;
    if (!e164.empty() && security::Allowed(role, Permission::kStopList)) {
        // Every phone's entries: any of them may have been added from the card.
        stops = json::array();
        std::set<std::string> asked;
        for (const auto& p : card->phones) {
            if (!p.valid || p.e164.empty() || !asked.insert(p.e164).second) continue;
            auto entries = cp::StopList(*c.db, clock).InForce(p.e164, clock.Now());
            if (!entries) return std::unexpected(entries.error());
            for (const auto& e : *entries) {
                json item = StopJson(e);
                if (auto ok = ShowPhone(c, &item); !ok) return std::unexpected(ok.error());
                stops.push_back(std::move(item));
            }
        }
    }
    if (!e164.empty() && security::Allowed(role, Permission::kConsents)) {
        auto list = cp::Consents(*c.db, clock).ForNumber(e164);
        if (!list) return std::unexpected(list.error());
        consents = json::array();
        for (const auto& e : *list) {
            json item = ConsentJson(e);
            if (auto ok = ShowPhone(c, &item); !ok) return std::unexpected(ok.error());
            consents.push_back(std::move(item));
        }
    }
    if (!e164.empty() && security::Allowed(role, Permission::kCanCall)) {
        can_call = json::object();
        for (const char* purpose : {"service", "marketing"}) {
            auto d = Decide(c, e164, purpose, clock.Now());
            if (!d) return std::unexpected(d.error());
            can_call[purpose] = std::move(*d);
        }
    }
    if (auto ok = RedactCard(c.viewer(), *c.db, &*card); !ok) return std::unexpected(ok.error());
    json out = CardJson(*card);
    out["stop_list"] = std::move(stops);
    out["consents"] = std::move(consents);
    out["can_call"] = std::move(can_call);
    return JsonResponse(200, out);
}

Result<Response> SetStatus(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto status = Text(*body, "status", true);
    if (!status) return std::unexpected(status.error());
    auto at = OptionalSeconds(*body, "callback_at");
    if (!at) return std::unexpected(at.error());
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    return Changed(c, *id, book->SetStatus(*id, *status, *at), "status " + *status);
}

Result<Response> AddTag(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto tag = Text(*body, "tag", true);
    if (!tag) return std::unexpected(tag.error());
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    return Changed(c, *id, book->Tag(*id, *tag), "tag " + *tag);
}

Result<Response> RemoveTag(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    const std::string tag = c.request.params.at("tag");
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    return Changed(c, *id, book->Untag(*id, tag), "untag " + tag);
}

Result<Response> SetField(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto value = Text(*body, "value", true);
    if (!value) return std::unexpected(value.error());
    const std::string field = c.request.params.at("field");
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    return Changed(c, *id, book->SetField(*id, field, *value), "field " + field);
}

Result<Response> Lookup(Call& c) {
    auto e164 = c.Phone(c.request.Query("phone").value_or(""));
    if (!e164) return std::unexpected(e164.error());
    // A lookup is a search by phone= and obeys the same rule.
    if (auto ok = CheckFilter(c.viewer(), contacts::Filter{{{"phone", "=", *e164}}}); !ok) {
        return std::unexpected(ok.error());
    }
    auto over = OverReadLimit(c);
    if (!over) return std::unexpected(over.error());
    if (*over) return std::move(**over);
    // The card and the operator's right to see the number, read at one moment.
    auto snapshot = store::ReadSnapshot::Start(*c.db);
    if (!snapshot) return std::unexpected(snapshot.error());
    auto book = Book(c);
    if (!book) return std::unexpected(book.error());
    auto found = book->FindByPhone(*e164);
    if (!found) return std::unexpected(found.error());
    c.detail = "phone " + *e164;
    auto shown = c.Shown(*e164);
    if (!shown) return std::unexpected(shown.error());
    if (!*found) {
        return JsonResponse(200, json{{"found", false}, {"contact", nullptr}, {"phone", *shown}});
    }
    const contacts::Contact& contact = **found;
    CountRead(c, 1);
    c.records = fmt::format("contact:{}", contact.id);
    auto name = RedactName(c.viewer(), contact.name);
    if (!name) return std::unexpected(name.error());
    // Written directly (the screen pop's hot path), in the key order a JSON
    // tree would give.
    std::string body = R"({"contact":{"callback_at":)";
    body += contact.callback_at ? std::to_string(*contact.callback_at) : "null";
    body += R"(,"id":)" + std::to_string(contact.id) + R"(,"name":)";
    AppendJsonString(body, *name);
    body += R"(,"region":)";
    AppendJsonString(body, contact.region);
    body += R"(,"status":)";
    AppendJsonString(body, contact.status);
    body += R"(},"found":true,"phone":)";
    AppendJsonString(body, *shown);
    body += '}';
    return Response{200, "application/json", std::move(body), {}};
}

Result<Response> ListTags(Call& c) {
    auto tags = contacts::TagDictionary(*c.db, *c.api.options().clock).List();
    if (!tags) return std::unexpected(tags.error());
    json items = json::array();
    for (const auto& t : *tags) {
        items.push_back({{"category", t.category},
                         {"name", t.name},
                         {"retired", t.retired_at.has_value()},
                         {"usage", t.usage}});
    }
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> AddTagDefinition(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto category = Text(*body, "category", true);
    if (!category) return std::unexpected(category.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto tag = contacts::TagDictionary(*c.db, *c.api.options().clock).AddTag(*category, *name);
    if (!tag) return std::unexpected(tag.error());
    c.records = fmt::format("tag:{}", tag->id);
    c.detail = "tag defined: " + tag->Qualified();
    return JsonResponse(201,
                        json{{"id", tag->id}, {"category", tag->category}, {"name", tag->name}});
}

Result<Response> AddFieldDefinition(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto type = Text(*body, "type", true);
    if (!type) return std::unexpected(type.error());
    std::vector<std::string> values;
    const json listed = body->value("values", json::array());
    if (!listed.is_array()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.values_not_array", "\"values\" must be an array"});
    }
    for (const auto& v : listed) {
        if (!v.is_string()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"field.value_not_text", "a value must be a string"});
        }
        values.push_back(v.get<std::string>());
    }
    auto field =
        contacts::FieldRegistry(*c.db, *c.api.options().clock).Define(*name, *type, values);
    if (!field) return std::unexpected(field.error());
    c.records = fmt::format("field:{}", field->id);
    c.detail = fmt::format("field defined: {} ({})", field->name, field->type);
    return JsonResponse(201, json{{"id", field->id},
                                  {"name", field->name},
                                  {"type", field->type},
                                  {"values", field->enum_values}});
}

Result<Response> ListFields(Call& c) {
    auto fields = contacts::FieldRegistry(*c.db, *c.api.options().clock).List();
    if (!fields) return std::unexpected(fields.error());
    json items = json::array();
    for (const auto& f : *fields) {
        items.push_back(
            {{"name", f.name}, {"type", f.type}, {"values", f.enum_values}, {"usage", f.usage}});
    }
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> ListStatuses(Call&) {
    json items = json::array();
    for (contacts::Status s : contacts::AllStatuses()) {
        items.push_back({{"id", contacts::StatusId(s)},
                         {"en", contacts::StatusLabelEn(s)},
                         {"ru", contacts::StatusLabelRu(s)}});
    }
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> Health(Call& c) {
    auto report = contacts::BaseHealth(*c.db, *c.api.options().clock).Compute();
    if (!report) return std::unexpected(report.error());
    return JsonResponse(200, HealthJson(*report));
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {
namespace {

std::string ContactRecords(const std::vector<int64_t>& ids) {
    std::string records;
    for (int64_t id : ids)
        records += fmt::format("{}contact:{}", records.empty() ? "" : ",", id);
    return records;
}

}  // namespace

Result<Response> ListDuplicates(Call& c) {
    auto groups = contacts::Deduplicator(*c.db, ClockOf(c), c.actor()).FindDuplicates();
    if (!groups) return std::unexpected(groups.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& g : *groups) {
        nlohmann::json numbers = nlohmann::json::array();
        for (const auto& number : g.numbers) {
            auto shown = c.Shown(number);
            if (!shown) return std::unexpected(shown.error());
            numbers.push_back(*shown);
        }
        items.push_back({{"numbers", numbers}, {"contacts", g.contact_ids}});
    }
    c.detail = fmt::format("{} groups", groups->size());
    return JsonResponse(200, nlohmann::json{{"groups", items}});
}

Result<Response> MergeAllDuplicates(Call& c) {
    auto summary = contacts::Deduplicator(*c.db, ClockOf(c), c.actor()).ApplyDedup();
    if (!summary) return std::unexpected(summary.error());
    nlohmann::json merges = nlohmann::json::array();
    std::vector<int64_t> kept;
    for (const auto& m : summary->merges) {
        merges.push_back(MergeJson(m));
        kept.push_back(m.kept_id);
    }
    c.records = ContactRecords(kept);
    c.detail = fmt::format("{} groups merged, {} contacts merged into others", summary->groups,
                           summary->contacts_merged);
    return JsonResponse(200, nlohmann::json{{"groups", summary->groups},
                                            {"contacts_merged", summary->contacts_merged},
                                            {"merges", merges}});
}

Result<Response> MergeContacts(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    const auto it = body->find("contacts");
    std::vector<int64_t> ids;
    if (it != body->end() && it->is_array()) {
        for (const auto& id : *it) {
            if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
                ids.clear();
                break;
            }
            ids.push_back(id.get<int64_t>());
        }
    }
    if (ids.size() < 2) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"merge.too_few_ids", "\"contacts\" must be a list of two or more contact ids",
                "e.g. {\"contacts\": [12, 57]}; the oldest of them is kept"});
    }
    auto merged = contacts::Deduplicator(*c.db, ClockOf(c), c.actor()).Merge(ids);
    if (!merged) return std::unexpected(merged.error());
    c.records = ContactRecords(ids);
    c.detail = fmt::format("merge {} kept contact:{}", merged->merge_id, merged->kept_id);
    return JsonResponse(201, MergeJson(*merged));
}

Result<Response> UndoMerge(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    if (auto ok = contacts::Deduplicator(*c.db, ClockOf(c), c.actor()).Undo(*id); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = fmt::format("merge:{}", *id);
    c.detail = "undone";
    return JsonResponse(200, nlohmann::json{{"merge_id", *id}, {"undone", true}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> AddTagCategory(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto id = contacts::TagDictionary(*c.db, ClockOf(c)).AddCategory(*name);
    if (!id) return std::unexpected(id.error());
    c.records = fmt::format("tag_category:{}", *id);
    c.detail = "tag category defined: " + *name;
    return JsonResponse(201, nlohmann::json{{"id", *id}, {"name", *name}});
}

Result<Response> RetireTag(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto tag = contacts::TagDictionary(*c.db, ClockOf(c)).Retire(*name);
    if (!tag) return std::unexpected(tag.error());
    c.records = fmt::format("tag:{}", tag->id);
    c.detail = "tag retired: " + tag->Qualified();
    return JsonResponse(
        200,
        nlohmann::json{
            {"id", tag->id}, {"category", tag->category}, {"name", tag->name}, {"retired", true}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> SeedDefaultTags(Call& c) {
    auto seeded = contacts::TagDictionary(*c.db, ClockOf(c)).EnsureDefaults();
    if (!seeded) return std::unexpected(seeded.error());
    c.detail = *seeded ? "default tag dictionary seeded" : "the tag dictionary had categories";
    return JsonResponse(200, nlohmann::json{{"seeded", *seeded}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> CleanPhone(Call& c) {
    const std::string text = c.request.Query("number").value_or("");
    if (text.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"phone.clean_no_number", "number is missing",
                        "give ?number= in any spelling, e.g. 8 916 123-45-67"});
    }
    // What `callbase phone clean` prints: the number the caller typed, cleaned
    // (E.164, type, region, operator, time zone, or why it is no number).
    return Response{
        200, "application/json", phone::ToJson(c.api.options().cleaner->Clean(text)), {}};
}

}  // namespace callbase::api::handlers
