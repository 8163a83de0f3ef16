// Contacts edited from the web UI (issue 18, section 3): a contact's name and
// phones, mass edits of a search's results, the count of a filter (the
// segment builder's), and each user's saved filters.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

#include "api/handlers.h"
#include "api/scope.h"
#include "compliance/stop_list.h"
#include "contacts/contact_book.h"
#include "contacts/saved_filters.h"
#include "contacts/text.h"
#include "phone/clean.h"

namespace callbase::api::handlers {
namespace {

using nlohmann::json;
using security::Permission;
namespace cp = compliance;

// The most contacts one mass edit changes; a larger selection is refused
// with the count, before anything changes.
constexpr int64_t kMassEditLimit = 5000;

// The "filter" member of a body: an array of expressions, parsed and checked
// against what the caller may filter on.
Result<std::pair<std::vector<std::string>, contacts::Filter>> BodyFilter(Call& c,
                                                                         const json& body) {
    const json listed = body.value("filter", json::array());
    if (!listed.is_array()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.filter_not_array",
                        "\"filter\" must be an array of expressions like \"region=Москва\""});
    }
    std::vector<std::string> expressions;
    for (const auto& v : listed) {
        if (!v.is_string()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.filter_not_text", "a filter must be a string"});
        }
        expressions.push_back(v.get<std::string>());
    }
    auto filter = contacts::ParseFilter(expressions, *c.api.options().cleaner);
    if (!filter) return std::unexpected(filter.error());
    if (auto ok = CheckFilter(c.viewer(), *filter); !ok) return std::unexpected(ok.error());
    return std::pair{std::move(expressions), std::move(*filter)};
}

// The refusal of a part of a route that needs a permission the route does
// not, worded as the permission check of every route words it.
Response Forbidden(const Call& c, Permission permission) {
    return server::Problem(
        403, "Forbidden",
        Msg{"permission.denied",
            "{user} ({role}) may not do this: it needs the {permission} permission",
            "ask an administrator"},
        {{"user", c.session->user},
         {"role", std::string(security::RoleId(c.session->role))},
         {"permission", std::string(security::PermissionId(permission))}});
}

std::string Records(const std::vector<int64_t>& ids) {
    std::string out;
    for (size_t i = 0; i < ids.size() && i < 50; ++i)
        out += fmt::format("{}contact:{}", i ? "," : "", ids[i]);
    return out;
}

// One change of a mass edit to one contact: whether it changed anything.
using MassChange = std::function<Result<bool>(contacts::ContactBook&, int64_t)>;

Result<MassChange> MassAction(Call& c, const json& body, std::string* what) {
    auto action = Text(body, "action", true);
    if (!action) return std::unexpected(action.error());
    if (*action == "tag" || *action == "untag") {
        auto tag = Text(body, "tag", true);
        if (!tag) return std::unexpected(tag.error());
        *what = fmt::format("{} {}", *action, *tag);
        const bool add = *action == "tag";
        return MassChange([tag = *tag, add](contacts::ContactBook& book, int64_t id) {
            return add ? book.Tag(id, tag) : book.Untag(id, tag);
        });
    }
    if (*action == "status") {
        auto status = Text(body, "status", true);
        if (!status) return std::unexpected(status.error());
        auto at = OptionalSeconds(body, "callback_at");
        if (!at) return std::unexpected(at.error());
        *what = "status " + *status;
        return MassChange([status = *status, at = *at](contacts::ContactBook& book, int64_t id) {
            return book.SetStatus(id, status, at);
        });
    }
    if (*action == "stop") {
        auto category_text = Text(body, "category", true);
        if (!category_text) return std::unexpected(category_text.error());
        auto category = cp::ParseStopCategory(*category_text);
        if (!category) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"mass_edit.unknown_category", "unknown category '{category}'",
                            "use do_not_disturb, written_only or not_now"},
                        {{"category", *category_text}});
        }
        auto reason = Text(body, "reason", true);
        if (!reason) return std::unexpected(reason.error());
        if (contacts::Trim(*reason).empty()) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"mass_edit.stop_no_reason", "a reason is required to add to the stop-list",
                    "say why, e.g. «просил не звонить» (it is kept with each entry)"});
        }
        *what = "stop-list " + std::string(cp::StopCategoryId(*category));
        return MassChange([&c, category = *category, reason = contacts::Trim(*reason)](
                              contacts::ContactBook& book, int64_t id) -> Result<bool> {
            auto card = book.Get(id);
            if (!card) return std::unexpected(card.error());
            bool any = false, changed = false;
            cp::StopList stops(*c.db, ClockOf(c));
            for (const auto& p : card->phones) {
                if (!p.valid || p.e164.empty()) continue;
                any = true;
                bool inserted = false;
                auto entry =
                    stops.Add(p.e164, category, std::nullopt, "api", reason, c.actor(), &inserted);
                if (!entry) return std::unexpected(entry.error());
                changed = changed || inserted;
            }
            if (!any) {
                return Fail(ErrorCode::kConflict,
                            Msg{"mass_edit.no_valid_number", "contact #{id} has no valid number",
                                "add a number to the contact first"},
                            {{"id", std::to_string(id)}});
            }
            return changed;
        });
    }
    return Fail(ErrorCode::kInvalidInput,
                Msg{"mass_edit.unknown_action", "unknown mass edit '{action}'",
                    "\"action\" is tag, untag, status, stop or assign"},
                {{"action", *action}});
}

}  // namespace

Result<Response> CountContacts(Call& c) {
    auto filter = contacts::ParseFilter(c.request.QueryAll("filter"), *c.api.options().cleaner);
    if (!filter) return std::unexpected(filter.error());
    if (auto ok = CheckFilter(c.viewer(), *filter); !ok) return std::unexpected(ok.error());
    auto book = ScopedBook(c);
    if (!book) return std::unexpected(book.error());
    auto total = book->Count(*filter);
    if (!total) return std::unexpected(total.error());
    c.detail = c.api.PseudonymizedFilters(c.request.QueryAll("filter"));
    return JsonResponse(200, json{{"total", *total}});
}

Result<Response> EditContact(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    // Everything is checked before anything changes: a number that is no
    // number refuses the whole edit, with the reason.
    std::optional<std::string> name;
    if (body->contains("name")) {
        auto v = Text(*body, "name", true);
        if (!v) return std::unexpected(v.error());
        // A role that sees pseudonyms would write one over the name it cannot see.
        if (!security::Allowed(c.session->role, Permission::kSeeNames)) {
            return Forbidden(c, Permission::kSeeNames);
        }
        name = *v;
    }
    const json add = body->value("add_phones", json::array());
    const json remove = body->value("remove_phones", json::array());
    if (!add.is_array() || !remove.is_array()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"contact_edit.phones_not_arrays",
                        "\"add_phones\" must be an array of {\"phone\", \"label\"} and "
                        "\"remove_phones\" an array of phone ids",
                        "e.g. {\"add_phones\": [{\"phone\": \"8 916 123-45-67\", \"label\": "
                        "\"мобильный\"}], \"remove_phones\": [12]}"});
    }
    std::vector<contacts::NewPhone> phones;
    for (const auto& p : add) {
        if (!p.is_object()) {
            return Fail(ErrorCode::kInvalidInput, Msg{"contact_edit.bad_phone_to_add",
                                                      "a phone to add is {\"phone\", \"label\"}"});
        }
        auto number = Text(p, "phone", true);
        if (!number) return std::unexpected(number.error());
        auto label = Text(p, "label");
        if (!label) return std::unexpected(label.error());
        if (auto e164 = c.Phone(*number); !e164) return std::unexpected(e164.error());
        contacts::NewPhone phone;
        phone.cleaned = c.api.options().cleaner->Clean(*number);
        phone.label = *label;
        phones.push_back(std::move(phone));
    }
    std::vector<int64_t> removed;
    for (const auto& p : remove) {
        if (!p.is_number_integer() || p.get<int64_t>() <= 0) {
            return Fail(ErrorCode::kInvalidInput, Msg{"contact_edit.bad_phone_to_remove",
                                                      "a phone to remove is the phone's id"});
        }
        removed.push_back(p.get<int64_t>());
    }
    if (!name && phones.empty() && removed.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"contact_edit.nothing", "nothing to change",
                        "give \"name\", \"add_phones\" or \"remove_phones\""});
    }
    auto book = ScopedBook(c);
    if (!book) return std::unexpected(book.error());
    std::vector<std::string> done;
    // Phones first, so that a contact renamed to "" keeps the phone it gets.
    for (const auto& phone : phones) {
        auto added = book->AddPhone(*id, phone);
        if (!added) return std::unexpected(added.error());
        done.push_back("phone added");
    }
    for (int64_t phone_id : removed) {
        if (auto ok = book->RemovePhone(*id, phone_id); !ok) return std::unexpected(ok.error());
        done.push_back(fmt::format("phone #{} removed", phone_id));
    }
    bool changed = !done.empty();
    if (name) {
        auto renamed = book->Rename(*id, *name);
        if (!renamed) return std::unexpected(renamed.error());
        if (*renamed) done.push_back("renamed");
        changed = changed || *renamed;
    }
    c.records = fmt::format("contact:{}", *id);
    c.detail = done.empty() ? "unchanged" : fmt::format("{}", fmt::join(done, ", "));
    return JsonResponse(200, json{{"id", *id}, {"changed", changed}});
}

Result<Response> MassEdit(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    const json ids_json = body->value("ids", json::array());
    if (!ids_json.is_array()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"mass_edit.ids_not_array", "\"ids\" must be an array of contact ids"});
    }
    std::vector<int64_t> ids;
    for (const auto& v : ids_json) {
        if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"mass_edit.bad_id", "a contact id is a positive whole number"});
        }
        ids.push_back(v.get<int64_t>());
    }
    auto filter = BodyFilter(c, *body);
    if (!filter) return std::unexpected(filter.error());
    if (ids.empty() == body->value("filter", json()).is_null()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"mass_edit.ids_or_filter",
                        "give either \"ids\" or \"filter\" (an empty filter is every contact)",
                        "e.g. {\"action\": \"tag\", \"tag\": \"VIP\", \"ids\": [1, 2]}"});
    }
    auto action_text = Text(*body, "action", true);
    if (!action_text) return std::unexpected(action_text.error());
    const std::string action = *action_text;
    std::string what;
    std::optional<MassChange> change;
    std::optional<std::pair<int64_t, std::string>> assignee;
    // The route needs edit_contacts; adding to the stop-list and assigning
    // need the permissions of their own routes too.
    const Permission needed = action == "stop"     ? Permission::kStopList
                              : action == "assign" ? Permission::kAssignContacts
                                                   : Permission::kEditContacts;
    if (!security::Allowed(c.session->role, needed)) return Forbidden(c, needed);
    if (action == "assign") {
        auto to = Text(*body, "to");
        if (!to) return std::unexpected(to.error());
        if (!to->empty()) {
            auto user = AssignableUser(c.viewer(), *c.db, ClockOf(c), *to);
            if (!user) return std::unexpected(user.error());
            assignee = std::pair{*user, *to};
        }
        what = "assign to " + (to->empty() ? std::string("nobody") : *to);
    } else {
        auto made = MassAction(c, *body, &what);
        if (!made) return std::unexpected(made.error());
        change = std::move(*made);
    }
    auto book = ScopedBook(c);
    if (!book) return std::unexpected(book.error());
    if (ids.empty()) {
        auto total = book->Count(filter->second);
        if (!total) return std::unexpected(total.error());
        if (*total > kMassEditLimit) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"mass_edit.filter_too_many",
                    "the filter finds {count} contacts, more than {limit} in one mass edit",
                    "narrow the filter (e.g. by region or status) and repeat for each part"},
                {{"count", std::to_string(*total)}, {"limit", std::to_string(kMassEditLimit)}});
        }
        auto found = book->FindIds(filter->second, kMassEditLimit);
        if (!found) return std::unexpected(found.error());
        ids = std::move(*found);
    } else if (static_cast<int64_t>(ids.size()) > kMassEditLimit) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"mass_edit.too_many", "{count} contacts, more than {limit} in one mass edit",
                "send them in parts"},
            {{"count", std::to_string(ids.size())}, {"limit", std::to_string(kMassEditLimit)}});
    }
    int64_t changed = 0;
    json failed = json::array();
    if (!change) {
        // One transaction: every contact is reassigned or none (a contact the
        // caller may not see refuses the whole assignment).
        auto scope = ContactScope(c.viewer(), *c.db, ClockOf(c), c.api.options().cleaner,
                                  c.api.options().campaigns);
        if (!scope) return std::unexpected(scope.error());
        auto assigned = contacts::AssignContacts(*c.db, ClockOf(c), c.actor(), ids,
                                                 contacts::Filter{}, *scope, assignee);
        if (!assigned) return std::unexpected(assigned.error());
        changed = *assigned;
    } else {
        // Each contact in a transaction of its own: one that cannot take the
        // change (merged, a retired tag, no number) is reported, the others
        // are changed.
        for (int64_t id : ids) {
            auto one = (*change)(*book, id);
            if (!one) {
                // The reason in English, and its code and parameters for a
                // screen in another language.
                const Error shown = ShownError(c, one.error());
                json item{{"id", id}, {"reason", shown.message}};
                if (!shown.key.empty()) {
                    json params = json::object();
                    for (const auto& [name, value] : shown.params)
                        params[name] = value;
                    item["code"] = shown.key;
                    item["params"] = params;
                }
                failed.push_back(std::move(item));
            } else if (*one) {
                ++changed;
            }
        }
    }
    c.records = Records(ids);
    c.detail = fmt::format(
        "{}: {} selected, {} changed, {} failed{}", what, ids.size(), changed, failed.size(),
        filter->first.empty() ? std::string()
                              : "; filter " + c.api.PseudonymizedFilters(filter->first));
    return JsonResponse(200, json{{"selected", ids.size()},
                                  {"changed", changed},
                                  {"unchanged", static_cast<int64_t>(ids.size()) - changed -
                                                    static_cast<int64_t>(failed.size())},
                                  {"failed", failed}});
}

Result<Response> ListSavedFilters(Call& c) {
    auto list = contacts::SavedFilters(*c.db, ClockOf(c), c.actor()).List();
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& f : *list) {
        items.push_back({{"id", f.id},
                         {"name", f.name},
                         {"filter", f.expressions},
                         {"created_at", f.created_at},
                         {"updated_at", f.updated_at}});
    }
    c.records = "saved_filters:" + c.actor();
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> SaveFilter(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    // A filter the caller could not search with is refused now, not when opened.
    auto filter = BodyFilter(c, *body);
    if (!filter) return std::unexpected(filter.error());
    auto saved = contacts::SavedFilters(*c.db, ClockOf(c), c.actor()).Save(*name, filter->first);
    if (!saved) return std::unexpected(saved.error());
    c.records = fmt::format("saved_filter:{}", saved->id);
    c.detail = "saved filter: " + c.api.PseudonymizedFilters(filter->first);
    return JsonResponse(201, json{{"id", saved->id},
                                  {"name", saved->name},
                                  {"filter", saved->expressions},
                                  {"created_at", saved->created_at},
                                  {"updated_at", saved->updated_at}});
}

Result<Response> RemoveSavedFilter(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    if (auto ok = contacts::SavedFilters(*c.db, ClockOf(c), c.actor()).Remove(*id); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = fmt::format("saved_filter:{}", *id);
    c.detail = "removed";
    return JsonResponse(200, json{{"id", *id}, {"removed", true}});
}

}  // namespace callbase::api::handlers
