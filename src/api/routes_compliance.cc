// Stop-lists, registries, can-call, consents and deletion requests.
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>

#include "api/handlers.h"
#include "api/json.h"
#include "compliance/attempts.h"
#include "compliance/consent.h"
#include "compliance/deletion.h"
#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "compliance/stop_list.h"
#include "contacts/contact_book.h"
#include "core/utf8.h"
#include "ingest/encoding.h"

namespace callbase::api::handlers {
namespace {

using nlohmann::json;
namespace cp = compliance;

// The number a changing request is about: "phone" in any spelling, or
// "contact_id" (its first valid number), for roles that see numbers masked.
Result<std::string> NumberOf(Call& c, const json& body) {
    if (auto it = body.find("contact_id"); it != body.end() && !it->is_null()) {
        if (!it->is_number_integer()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.not_contact_id", "\"contact_id\" must be a contact's id"});
        }
        const int64_t id = it->get<int64_t>();
        auto book = ScopedBook(c);  // a contact the caller may not see does not exist
        if (!book) return std::unexpected(book.error());
        auto card = book->Get(id);
        if (!card) return std::unexpected(card.error());
        // "phone_id": one of its phones (the card lists them with ids, also to
        // those who see them masked); else its first valid number.
        std::optional<int64_t> phone_id;
        if (auto p = body.find("phone_id"); p != body.end() && !p->is_null()) {
            if (!p->is_number_integer()) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"request.not_phone_id", "\"phone_id\" must be a phone's id"});
            }
            phone_id = p->get<int64_t>();
        }
        for (const auto& p : card->phones) {
            if (phone_id && p.id != *phone_id) continue;
            if (p.valid && !p.e164.empty()) return p.e164;
            if (phone_id) {
                return Fail(ErrorCode::kConflict,
                            Msg{"contact.phone_invalid",
                                "phone #{phone_id} of contact #{id} is not a valid number"},
                            {{"phone_id", std::to_string(*phone_id)}, {"id", std::to_string(id)}});
            }
        }
        if (phone_id) {
            return Fail(ErrorCode::kNotFound,
                        Msg{"contact.no_such_phone", "contact #{id} has no phone #{phone_id}"},
                        {{"id", std::to_string(id)}, {"phone_id", std::to_string(*phone_id)}});
        }
        return Fail(ErrorCode::kConflict,
                    Msg{"contact.no_valid_number", "contact #{id} has no valid number"},
                    {{"id", std::to_string(id)}});
    }
    auto phone = Text(body, "phone", true);
    if (!phone) return std::unexpected(phone.error());
    return c.Phone(*phone);
}

Result<std::optional<cp::StopCategory>> CategoryOf(const std::string& text, bool required) {
    if (text.empty() && !required) return std::nullopt;
    auto category = cp::ParseStopCategory(text);
    if (!category) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"stop.unknown_category", "unknown category '{category}'",
                        "use do_not_disturb, written_only or not_now"},
                    {{"category", text}});
    }
    return *category;
}

Result<json> Items(Call& c, std::vector<json> items) {
    json out = json::array();
    for (auto& item : items) {
        if (auto ok = ShowPhone(c, &item); !ok) return std::unexpected(ok.error());
        out.push_back(std::move(item));
    }
    return json{{"items", out}};
}

}  // namespace

Result<Response> ListStops(Call& c) {
    auto category = CategoryOf(c.request.Query("category").value_or(""), false);
    if (!category) return std::unexpected(category.error());
    auto limit = c.QueryInt("limit", 50, 1, 1000);
    if (!limit) return std::unexpected(limit.error());
    auto offset = c.QueryInt("offset", 0, 0, INT64_MAX);
    if (!offset) return std::unexpected(offset.error());
    auto entries = cp::StopList(*c.db, ClockOf(c)).List(*category, false);
    if (!entries) return std::unexpected(entries.error());
    std::vector<json> page;
    for (size_t i = static_cast<size_t>(*offset);
         i < entries->size() && page.size() < static_cast<size_t>(*limit); ++i) {
        page.push_back(StopJson((*entries)[i]));
    }
    auto out = Items(c, std::move(page));
    if (!out) return std::unexpected(out.error());
    (*out)["total"] = entries->size();
    return JsonResponse(200, *out);
}

Result<Response> AddStop(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto category_text = Text(*body, "category");
    if (!category_text) return std::unexpected(category_text.error());
    auto category = CategoryOf(category_text->empty() ? "do_not_disturb" : *category_text, true);
    if (!category) return std::unexpected(category.error());
    auto until = OptionalSeconds(*body, "until");
    if (!until) return std::unexpected(until.error());
    auto note = Text(*body, "note");
    if (!note) return std::unexpected(note.error());
    bool inserted = false;
    auto entry = cp::StopList(*c.db, ClockOf(c))
                     .Add(*e164, **category, *until, "api", *note, c.actor(), &inserted);
    if (!entry) return std::unexpected(entry.error());
    c.records = *e164;
    c.detail = fmt::format("stop-list add {}", cp::StopCategoryId(**category));
    json item = StopJson(*entry);
    if (auto ok = ShowPhone(c, &item); !ok) return std::unexpected(ok.error());
    item["inserted"] = inserted;
    return JsonResponse(inserted ? 201 : 200, item);
}

Result<Response> RemoveStop(Call& c) {
    if (c.request.Query("id")) {
        auto id = c.QueryInt("id", 0, 1, INT64_MAX);
        if (!id) return std::unexpected(id.error());
        const std::string reason = c.request.Query("reason").value_or("");
        auto removed = cp::StopList(*c.db, ClockOf(c)).RemoveEntry(*id, reason, c.actor());
        if (!removed) return std::unexpected(removed.error());
        c.records = fmt::format("stop:{}", *id);
        c.detail = "stop-list remove: " + c.api.PseudonymizedText(reason);
        return JsonResponse(200, json{{"removed", 1}});
    }
    auto e164 = c.Phone(c.request.Query("phone").value_or(""));
    if (!e164) return std::unexpected(e164.error());
    auto category = CategoryOf(c.request.Query("category").value_or(""), false);
    if (!category) return std::unexpected(category.error());
    const std::string reason = c.request.Query("reason").value_or("");
    if (reason.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"stop.reason_required", "a reason is required to take a number off",
                        "add &reason=… (it is kept with the entry)"});
    }
    auto removed = cp::StopList(*c.db, ClockOf(c)).Remove(*e164, *category, reason, c.actor());
    if (!removed) return std::unexpected(removed.error());
    c.records = *e164;
    c.detail = "stop-list remove: " + c.api.PseudonymizedText(reason);
    return JsonResponse(200, json{{"removed", *removed}});
}

Result<Response> CanCall(Call& c) {
    auto e164 = c.Phone(c.request.Query("phone").value_or(""));
    if (!e164) return std::unexpected(e164.error());
    const std::string purpose = c.request.Query("purpose").value_or("marketing");
    const int64_t now = ClockOf(c).Now();
    auto at = c.QueryInt("at", now, 0, INT64_MAX);
    if (!at) return std::unexpected(at.error());
    auto decision = Decide(c, *e164, purpose, *at);
    if (!decision) return std::unexpected(decision.error());
    auto shown = c.Shown(*e164);
    if (!shown) return std::unexpected(shown.error());
    c.records = *e164;
    c.detail = "can-call " + purpose;
    json out = *decision;
    out["phone"] = *shown;
    out["purpose"] = purpose;
    out["at"] = *at;
    return JsonResponse(200, out);
}

Result<Response> ListRegistries(Call& c) {
    auto catalog =
        cp::RegistryCatalog::Open(*c.db, c.api.options().registry_dir, cp::Verify::kStructure);
    if (!catalog) return std::unexpected(catalog.error());
    auto versions = catalog->Versions();
    if (!versions) return std::unexpected(versions.error());
    json items = json::array();
    for (const auto& v : *versions) {
        items.push_back({{"name", v.name},
                         {"version", v.version},
                         {"entries", v.numbers},
                         {"rejected", v.rejected},
                         {"loaded_at", v.loaded_at},
                         {"loaded_by", v.loaded_by}});
    }
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> ListRegistryVersions(Call& c) {
    const std::string name = c.request.Query("name").value_or("");
    if (!name.empty()) {
        if (auto ok = cp::RegistryCatalog::CheckName(name); !ok) return std::unexpected(ok.error());
    }
    auto catalog =
        cp::RegistryCatalog::Open(*c.db, c.api.options().registry_dir, cp::Verify::kStructure);
    if (!catalog) return std::unexpected(catalog.error());
    auto versions = catalog->Versions(name);
    if (!versions) return std::unexpected(versions.error());
    json items = json::array();
    for (const auto& v : *versions) {
        items.push_back({{"name", v.name},
                         {"version", v.version},
                         {"entries", v.numbers},
                         {"rejected", v.rejected},
                         {"bytes", v.bytes},
                         {"source_sha256", v.source_sha256},
                         {"loaded_at", v.loaded_at},
                         {"loaded_by", v.loaded_by}});
    }
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> ListConsents(Call& c) {
    auto e164 = c.Phone(c.request.Query("phone").value_or(""));
    if (!e164) return std::unexpected(e164.error());
    auto list = cp::Consents(*c.db, ClockOf(c)).ForNumber(*e164);
    if (!list) return std::unexpected(list.error());
    std::vector<json> items;
    for (const auto& consent : *list)
        items.push_back(ConsentJson(consent));
    c.records = *e164;
    auto out = Items(c, std::move(items));
    if (!out) return std::unexpected(out.error());
    return JsonResponse(200, *out);
}

Result<Response> AddConsent(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    cp::ConsentInput in;
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    in.e164 = *e164;
    auto purpose = Text(*body, "purpose", true);
    if (!purpose) return std::unexpected(purpose.error());
    in.purpose = *purpose;
    auto channel = Text(*body, "channel", true);
    if (!channel) return std::unexpected(channel.error());
    in.channel = *channel;
    if (auto ok = cp::CheckConsentChannel(in.channel); !ok) return std::unexpected(ok.error());
    auto obtained = OptionalSeconds(*body, "obtained_at");
    if (!obtained) return std::unexpected(obtained.error());
    in.obtained_at = obtained->value_or(ClockOf(c).Now());
    in.ip = c.source.substr(4);
    in.user_agent = c.request.Header("user-agent");
    auto id = cp::Consents(*c.db, ClockOf(c)).Add(in, c.actor());
    if (!id) return std::unexpected(id.error());
    c.records = *e164;
    c.detail = fmt::format("consent {} via {}", in.purpose, in.channel);
    return JsonResponse(201, json{{"id", *id}});
}

Result<Response> RevokeConsent(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto purpose = Text(*body, "purpose", true);
    if (!purpose) return std::unexpected(purpose.error());
    auto how = Text(*body, "how");
    if (!how) return std::unexpected(how.error());
    auto revoked = cp::Consents(*c.db, ClockOf(c))
                       .Revoke(*e164, *purpose, how->empty() ? "api" : *how, c.actor());
    if (!revoked) return std::unexpected(revoked.error());
    c.records = *e164;
    c.detail = "consent revoked: " + *purpose;
    return JsonResponse(200, json{{"revoked", *revoked}});
}

Result<Response> ListPurposes(Call& c) {
    auto purposes = cp::Consents(*c.db, ClockOf(c)).Purposes();
    if (!purposes) return std::unexpected(purposes.error());
    json items = json::array();
    for (const auto& p : *purposes) {
        items.push_back({{"name", p.name},
                         {"description", p.description},
                         {"builtin", p.builtin},
                         {"latest_text", p.latest_text}});
    }
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> ListConsentTexts(Call& c) {
    const std::string purpose = c.request.params.at("name");
    auto texts = cp::Consents(*c.db, ClockOf(c)).Texts(purpose);
    if (!texts) return std::unexpected(texts.error());
    json items = json::array();
    for (const auto& t : *texts) {
        items.push_back({{"version", t.version}, {"text", t.body}, {"created_at", t.created_at}});
    }
    return JsonResponse(200, json{{"purpose", purpose}, {"items", items}});
}

Result<Response> ListDeletions(Call& c) {
    const int64_t now = ClockOf(c).Now();
    auto from = c.QueryInt("from", 0, 0, INT64_MAX);
    if (!from) return std::unexpected(from.error());
    auto to = c.QueryInt("to", now + 1, 0, INT64_MAX);
    if (!to) return std::unexpected(to.error());
    auto list = cp::Deletions(*c.db, ClockOf(c)).Report(*from, *to);
    if (!list) return std::unexpected(list.error());
    std::vector<json> items;
    for (auto it = list->rbegin(); it != list->rend(); ++it)
        items.push_back(DeletionJson(*it));
    auto out = Items(c, std::move(items));
    if (!out) return std::unexpected(out.error());
    return JsonResponse(200, *out);
}

Result<Response> RequestDeletion(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto channel = Text(*body, "channel");
    if (!channel) return std::unexpected(channel.error());
    auto note = Text(*body, "note");
    if (!note) return std::unexpected(note.error());
    auto id = cp::Deletions(*c.db, ClockOf(c))
                  .Request(*e164, channel->empty() ? "web" : *channel, *note, c.actor());
    if (!id) return std::unexpected(id.error());
    c.records = *e164;
    c.detail = fmt::format("deletion request #{}", *id);
    return JsonResponse(201, json{{"id", *id}});
}

Result<Response> ProcessDeletions(Call& c) {
    auto processed = cp::Deletions(*c.db, ClockOf(c)).Process(c.actor());
    if (!processed) return std::unexpected(processed.error());
    std::string records;
    for (int64_t id : *processed)
        records += fmt::format("{}deletion:{}", records.empty() ? "" : ",", id);
    c.records = records;
    return JsonResponse(200, json{{"processed", *processed}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> ShowRules(Call& c) {
    auto rules = compliance::LoadRules(*c.db);
    if (!rules) return std::unexpected(rules.error());
    return Response{200, "application/json", compliance::RulesJson(*rules), {}};
}

Result<Response> SetRules(Call& c) {
    if (auto body = c.Body(); !body) return std::unexpected(body.error());
    auto rules = compliance::SaveRulesJson(*c.db, c.request.body, c.actor(), ClockOf(c));
    if (!rules) return std::unexpected(rules.error());
    c.records = "settings:calling_rules";
    c.detail = "rules changed: " + std::string(Utf8Prefix(c.request.body, 500));
    return Response{200, "application/json", compliance::RulesJson(*rules), {}};
}

Result<Response> AddHoliday(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto date = Text(*body, "date", true);
    if (!date) return std::unexpected(date.error());
    auto name = Text(*body, "name");
    if (!name) return std::unexpected(name.error());
    if (auto ok = compliance::AddHoliday(*c.db, *date, *name); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = "holiday:" + *date;
    c.detail = "holiday added" + (name->empty() ? "" : ": " + *name);
    return JsonResponse(201, nlohmann::json{{"date", *date}, {"name", *name}});
}

Result<Response> ListHolidays(Call& c) {
    auto holidays = compliance::ListHolidays(*c.db);
    if (!holidays) return std::unexpected(holidays.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& h : *holidays)
        items.push_back({{"date", h.date}, {"name", h.name}});
    return JsonResponse(200, nlohmann::json{{"items", items}});
}

Result<Response> RemoveHoliday(Call& c) {
    const std::string date = c.request.params.at("date");
    if (auto ok = compliance::RemoveHoliday(*c.db, date); !ok) return std::unexpected(ok.error());
    c.records = "holiday:" + date;
    c.detail = "holiday removed";
    return JsonResponse(200, nlohmann::json{{"date", date}, {"removed", true}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> DeletionStatus(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto d = compliance::Deletions(*c.db, ClockOf(c)).Status(*id);
    if (!d) return std::unexpected(d.error());
    nlohmann::json out = DeletionJson(*d);
    if (auto ok = ShowPhone(c, &out); !ok) return std::unexpected(ok.error());
    c.records = fmt::format("deletion:{}", *id);
    return JsonResponse(200, out);
}

Result<Response> DeletionNotice(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    const std::string lang = c.request.Query("lang").value_or("ru");
    if (lang != "ru" && lang != "en") {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"deletion.no_notice_lang", "no notice in '{lang}'", "use lang=ru or lang=en"},
            {{"lang", lang}});
    }
    auto d = compliance::Deletions(*c.db, ClockOf(c)).Status(*id);
    if (!d) return std::unexpected(d.error());
    auto shown = c.Shown(d->e164);
    if (!shown) return std::unexpected(shown.error());
    d->e164 = *shown;
    c.records = fmt::format("deletion:{}", *id);
    return JsonResponse(
        200, nlohmann::json{{"id", *id}, {"text", compliance::DeletionNotice(*d, lang)}});
}

Result<Response> RequestConsentCode(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto purpose = Text(*body, "purpose", true);
    if (!purpose) return std::unexpected(purpose.error());
    compliance::LogSmsSender sender(c.api.options().sms_log, ClockOf(c));
    auto request =
        compliance::Consents(*c.db, ClockOf(c)).Request(*e164, *purpose, sender, c.actor());
    if (!request) return std::unexpected(request.error());
    c.records = *e164;
    c.detail = fmt::format("confirmation code sent for {}", *purpose);
    return JsonResponse(
        201, nlohmann::json{{"request", request->id}, {"expires_at", request->expires_at}});
}

Result<Response> ConfirmConsentCode(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto code = Text(*body, "code", true);
    if (!code) return std::unexpected(code.error());
    auto id = compliance::Consents(*c.db, ClockOf(c)).Confirm(*e164, *code, c.actor());
    if (!id) return std::unexpected(id.error());
    c.records = *e164;
    c.detail = fmt::format("consent {} confirmed by SMS code", *id);
    return JsonResponse(201, nlohmann::json{{"consent", *id}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> ListInactive(Call& c) {
    const bool all = c.request.Query("all").value_or("") == "1";
    auto items = compliance::Attempts(*c.db, ClockOf(c)).ReviewList(!all);
    if (!items) return std::unexpected(items.error());
    std::vector<nlohmann::json> out;
    for (const auto& i : *items) {
        out.push_back(ReviewItemJson(i));
    }
    auto shown = Items(c, std::move(out));
    if (!shown) return std::unexpected(shown.error());
    return JsonResponse(200, *shown);
}

Result<Response> ReviewInactive(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto decision = Text(*body, "decision", true);
    if (!decision) return std::unexpected(decision.error());
    if (auto ok = compliance::Attempts(*c.db, ClockOf(c)).Review(*e164, *decision, c.actor());
        !ok) {
        return std::unexpected(ok.error());
    }
    c.records = *e164;
    c.detail = "inactive number reviewed: " + *decision;
    auto shown = c.Shown(*e164);
    if (!shown) return std::unexpected(shown.error());
    return JsonResponse(200, nlohmann::json{{"phone", *shown}, {"decision", *decision}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> RecordAttempt(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto e164 = NumberOf(c, *body);
    if (!e164) return std::unexpected(e164.error());
    auto outcome = Text(*body, "outcome", true);
    if (!outcome) return std::unexpected(outcome.error());
    auto at = OptionalSeconds(*body, "at");
    if (!at) return std::unexpected(at.error());
    // The callee's offset, as the numbering plan gives it for the number.
    const auto cleaned = c.api.options().cleaner->Clean(*e164);
    auto result = compliance::Attempts(*c.db, ClockOf(c))
                      .Record(*e164, at->value_or(ClockOf(c).Now()), *outcome,
                              cleaned.utc_offset_minutes, c.actor());
    if (!result) return std::unexpected(result.error());
    c.records = *e164;
    c.detail = fmt::format("attempt recorded: {}{}", *outcome,
                           result->became_inactive ? "; the number became inactive" : "");
    return JsonResponse(201, nlohmann::json{{"id", result->id},
                                            {"failed_days", result->failed_days},
                                            {"became_inactive", result->became_inactive}});
}

Result<Response> AddPurpose(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto description = Text(*body, "description");
    if (!description) return std::unexpected(description.error());
    if (auto ok = compliance::Consents(*c.db, ClockOf(c)).AddPurpose(*name, *description); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = "purpose:" + *name;
    c.detail = "consent purpose added";
    return JsonResponse(201, nlohmann::json{{"name", *name}, {"description", *description}});
}

Result<Response> AddConsentText(Call& c) {
    const std::string purpose = c.request.params.at("name");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto text = Text(*body, "text", true);
    if (!text) return std::unexpected(text.error());
    auto version = compliance::Consents(*c.db, ClockOf(c)).AddText(purpose, *text);
    if (!version) return std::unexpected(version.error());
    c.records = "purpose:" + purpose;
    c.detail = fmt::format("consent text version {}", *version);
    return JsonResponse(201, nlohmann::json{{"purpose", purpose}, {"version", *version}});
}

Result<Response> ArchivesDone(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    if (auto ok = compliance::Deletions(*c.db, ClockOf(c)).ArchivesDone(*id, c.actor()); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = fmt::format("deletion:{}", *id);
    c.detail = "archives and backups cleared";
    return JsonResponse(200, nlohmann::json{{"id", *id}, {"archives_done", true}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> ImportStops(Call& c) {
    auto category = CategoryOf(c.request.Query("category").value_or("do_not_disturb"), true);
    if (!category) return std::unexpected(category.error());
    std::optional<UnixSeconds> until;
    if (c.request.Query("until")) {
        auto at = c.QueryInt("until", 0, 1, INT64_MAX);
        if (!at) return std::unexpected(at.error());
        until = *at;
    }
    if (c.request.body.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"stop.import_no_file", "the request has no file",
                        "send the file as the body: one number per line, in any usual spelling"});
    }
    static std::atomic<uint64_t> uploads{0};
    const std::string path =
        (WorkDir(c) / fmt::format("callbase-stops-{}-{}.txt", ::getpid(), ++uploads)).string();
    {
        std::ofstream out(path, std::ios::binary);
        out << c.request.body;
        if (!out)
            return Fail(ErrorCode::kIo, "cannot keep the uploaded file",
                        "the server's log says more");
    }
    // A picture, an archive or a workbook is refused as a contacts import
    // refuses one.
    Result<cp::StopListImport> report = std::unexpected(Error{});
    if (auto text = ingest::CheckTextFile(path); !text) {
        report = std::unexpected(text.error());
    } else {
        report = cp::StopList(*c.db, ClockOf(c))
                     .Import(path, **category, until, *c.api.options().cleaner, c.actor());
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    if (!report) return std::unexpected(report.error());
    c.records = fmt::format("stop_list:{}", cp::StopCategoryId(**category));
    c.detail = fmt::format("stop-list import: read {}, added {}, already {}, rejected {}",
                           report->read, report->added, report->already, report->rejected);
    return JsonResponse(200, StopImportJson(*report));
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> DiffRegistry(Call& c) {
    const std::string name = c.request.params.at("name");
    auto from = c.QueryInt("from", 0, 1, INT64_MAX);
    if (!from) return std::unexpected(from.error());
    auto to = c.QueryInt("to", 0, 1, INT64_MAX);
    if (!to) return std::unexpected(to.error());
    if (*from == 0 || *to == 0) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"registry.diff_versions", "from and to are needed: two versions of the registry",
                "e.g. ?from=1&to=2; GET /api/v1/registries lists the versions"});
    }
    auto catalog =
        cp::RegistryCatalog::Open(*c.db, c.api.options().registry_dir, cp::Verify::kStructure);
    if (!catalog) return std::unexpected(catalog.error());
    auto older = catalog->AtVersion(name, *from);
    if (!older) return std::unexpected(older.error());
    auto newer = catalog->AtVersion(name, *to);
    if (!newer) return std::unexpected(newer.error());
    const cp::RegistryDiff diff = (*older)->Diff(**newer);
    c.records = fmt::format("registry:{}", name);
    // Counts only: the numbers themselves are personal data (the CLI lists them).
    return JsonResponse(200, json{{"registry", name},
                                  {"from", *from},
                                  {"to", *to},
                                  {"added", diff.added},
                                  {"removed", diff.removed}});
}

}  // namespace callbase::api::handlers
