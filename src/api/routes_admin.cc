// Exports (request, approve, download once), users and the audit log.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/export_view.h"
#include "api/handlers.h"
#include "api/json.h"
#include "contacts/filter.h"
#include "core/utf8.h"
#include "ingest/exporter.h"
#include "security/audit_alerts.h"
#include "security/export_requests.h"
#include "security/users.h"

namespace callbase::api::handlers {
namespace {

using nlohmann::json;

Result<Response> Decided(Call& c, bool approve) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    security::ExportRequests requests(*c.db, ClockOf(c));
    if (auto ok = requests.Decide(*id, approve, c.actor()); !ok) return std::unexpected(ok.error());
    auto request = requests.Get(*id);
    if (!request) return std::unexpected(request.error());
    auto preview = ExportPreview(*c.db, *request, *c.api.options().cleaner, ClockOf(c).Now());
    if (!preview) return std::unexpected(preview.error());
    c.records = fmt::format("export:{}", *id);
    c.detail = fmt::format("{} ({}, {} rows)", approve ? "approved" : "rejected",
                           security::ExportViewId(request->view),
                           (*preview)["matching_rows"].get<int64_t>());
    json out = *preview;
    out["id"] = *id;
    out["status"] = request->status;
    return JsonResponse(200, out);
}

}  // namespace

Result<Response> RequestExport(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    std::vector<std::string> expressions;
    const json filter = body->value("filter", json::array());
    if (!filter.is_array()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.filter_not_array",
                        "\"filter\" must be an array of expressions like \"region=Москва\""});
    }
    for (const auto& e : filter) {
        if (!e.is_string()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.filter_not_text", "a filter must be a string"});
        }
        expressions.push_back(e.get<std::string>());
    }
    auto parsed = contacts::ParseFilter(expressions, *c.api.options().cleaner);
    if (!parsed) return std::unexpected(parsed.error());
    if (auto ok = CheckFilter(c.viewer(), *parsed); !ok) return std::unexpected(ok.error());
    auto reason = Text(*body, "reason", true);
    if (!reason) return std::unexpected(reason.error());
    auto encoding = Text(*body, "encoding");
    if (!encoding) return std::unexpected(encoding.error());
    if (encoding->empty()) *encoding = "utf-8";
    if (auto ok = ingest::ParseEncoding(*encoding); !ok) return std::unexpected(ok.error());
    auto format = Text(*body, "format");
    if (!format) return std::unexpected(format.error());
    if (format->empty()) *format = "csv";
    if (auto ok = ingest::ParseExportFormat(*format); !ok) return std::unexpected(ok.error());
    auto id = security::ExportRequests(*c.db, ClockOf(c))
                  .Request(c.actor(), fmt::format("{}", fmt::join(expressions, "\n")), *encoding,
                           *reason, ExportViewOf(c.viewer()), *format);
    if (!id) return std::unexpected(id.error());
    c.records = fmt::format("export:{}", *id);
    c.detail = fmt::format("requested: {}; reason: {}", c.api.PseudonymizedFilters(expressions),
                           c.api.PseudonymizedText(*reason));
    return JsonResponse(201, json{{"id", *id},
                                  {"status", "pending"},
                                  {"view", security::ExportViewId(ExportViewOf(c.viewer()))}});
}

Result<Response> ListExports(Call& c) {
    auto all = security::ExportRequests(*c.db, ClockOf(c)).List(false);
    if (!all) return std::unexpected(all.error());
    json items = json::array();
    for (const auto& e : *all)
        items.push_back(ExportRequestJson(e, SeesExportPurpose(c.viewer(), c.actor(), e)));
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> ShowExport(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto request = security::ExportRequests(*c.db, ClockOf(c)).Get(*id);
    if (!request) return std::unexpected(request.error());
    c.records = fmt::format("export:{}", *id);
    json out = ExportRequestJson(*request, SeesExportPurpose(c.viewer(), c.actor(), *request));
    if (!SeesExportPurpose(c.viewer(), c.actor(), *request)) return JsonResponse(200, out);
    auto preview = ExportPreview(*c.db, *request, *c.api.options().cleaner, ClockOf(c).Now());
    if (!preview) return std::unexpected(preview.error());
    out.update(*preview);
    // The requester's role now (null when the user is gone): the view was its
    // role's when it asked, and the file is written with the stricter of the two.
    auto requester = security::Users(*c.db, ClockOf(c)).Find(request->requested_by);
    if (!requester && requester.error().code != ErrorCode::kNotFound) {
        return std::unexpected(requester.error());
    }
    out["requested_by_role"] = requester ? json(security::RoleId(requester->role)) : json(nullptr);
    return JsonResponse(200, out);
}

Result<Response> ApproveExport(Call& c) {
    return Decided(c, true);
}

Result<Response> RejectExport(Call& c) {
    return Decided(c, false);
}

Result<Response> DownloadExport(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    security::ExportRequests requests(*c.db, ClockOf(c));
    auto approved = requests.TakeApproved(*id, c.actor());
    if (!approved) return std::unexpected(approved.error());
    auto filter = contacts::ParseFilter(ExportFilterTerms(*approved), *c.api.options().cleaner);
    if (!filter) return std::unexpected(filter.error());
    ingest::ExportOptions options;
    // As approved, or less if the requester's role now sees less.
    if (auto ok = ApplyExportView(security::Stricter(approved->view, ExportViewOf(c.viewer())),
                                  c.viewer(), &options);
        !ok) {
        return std::unexpected(ok.error());
    }
    auto encoding = ingest::ParseEncoding(approved->encoding);
    if (!encoding) return std::unexpected(encoding.error());
    options.encoding = *encoding;
    auto format = ingest::ParseExportFormat(approved->format);
    if (!format) return std::unexpected(format.error());
    options.format = *format;
    const bool xlsx = options.format == ingest::ExportFormat::kXlsx;
    const std::string path =
        (WorkDir(c) / fmt::format("callbase-export-{}-{}.{}", getpid(), *id, xlsx ? "xlsx" : "csv"))
            .string();
    auto summary = ingest::ExportContacts(*c.db, *filter, ClockOf(c).Now(), path, options);
    auto bytes = summary ? ReadFile(path) : Result<std::string>(std::unexpected(summary.error()));
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    if (!bytes) return std::unexpected(bytes.error());
    if (auto ok = requests.MarkDownloaded(*id, summary->contacts); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = fmt::format("export:{}", *id);
    c.detail = fmt::format("downloaded {} contacts", summary->contacts);
    Response r{200,
               xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    : "text/csv; charset=" + approved->encoding,
               std::move(*bytes),
               {}};
    r.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"export-{}.{}\"", *id, xlsx ? "xlsx" : "csv"));
    return r;
}

Result<Response> ListUsers(Call& c) {
    auto all = security::Users(*c.db, ClockOf(c)).List();
    if (!all) return std::unexpected(all.error());
    json items = json::array();
    for (const auto& u : *all)
        items.push_back(UserJson(u));
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> AddUser(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = Text(*body, "name", true);
    if (!name) return std::unexpected(name.error());
    auto role_text = Text(*body, "role", true);
    if (!role_text) return std::unexpected(role_text.error());
    auto password = Text(*body, "password", true);
    if (!password) return std::unexpected(password.error());
    auto role = security::ParseRole(*role_text);
    if (!role) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"user.unknown_role", "unknown role '{name}'",
                        "use operator, supervisor, analyst, admin, dpo or service"},
                    {{"name", *role_text}});
    }
    auto id = security::Users(*c.db, ClockOf(c)).Add(*name, *role, *password);
    if (!id) return std::unexpected(id.error());
    c.records = "user:" + *name;
    c.detail = "user added as " + *role_text;
    return JsonResponse(201, json{{"id", *id}, {"name", *name}, {"role", *role_text}});
}

Result<Response> SetUserRole(Call& c) {
    const std::string name = c.request.params.at("name");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto role_text = Text(*body, "role", true);
    if (!role_text) return std::unexpected(role_text.error());
    auto role = security::ParseRole(*role_text);
    if (!role) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"user.unknown_role", "unknown role '{name}'",
                        "use operator, supervisor, analyst, admin, dpo or service"},
                    {{"name", *role_text}});
    }
    security::Users users(*c.db, ClockOf(c));
    if (auto ok = users.SetRole(name, *role); !ok) return std::unexpected(ok.error());
    if (auto user = users.Find(name)) c.api.sessions().RemoveUser(user->id);
    c.records = "user:" + name;
    c.detail = "role " + *role_text;
    return JsonResponse(200, json{{"name", name}, {"role", *role_text}});
}

Result<Response> DisableUser(Call& c) {
    const std::string name = c.request.params.at("name");
    security::Users users(*c.db, ClockOf(c));
    if (auto ok = users.Disable(name); !ok) return std::unexpected(ok.error());
    if (auto user = users.Find(name)) c.api.sessions().RemoveUser(user->id);
    c.records = "user:" + name;
    c.detail = "disabled";
    return JsonResponse(200, json{{"name", name}, {"disabled", true}});
}

Result<Response> EnableUser(Call& c) {
    const std::string name = c.request.params.at("name");
    if (auto ok = security::Users(*c.db, ClockOf(c)).Enable(name); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = "user:" + name;
    c.detail = "enabled";
    return JsonResponse(200, json{{"name", name}, {"disabled", false}});
}

Result<Response> UnlockUser(Call& c) {
    const std::string name = c.request.params.at("name");
    if (auto ok = security::Users(*c.db, ClockOf(c)).Unlock(name); !ok) {
        return std::unexpected(ok.error());
    }
    c.records = "user:" + name;
    c.detail = "unlocked";
    return JsonResponse(200, json{{"name", name}, {"locked", false}});
}

Result<Response> ResetUserTotp(Call& c) {
    const std::string name = c.request.params.at("name");
    security::Users users(*c.db, ClockOf(c));
    if (auto ok = users.ResetTotp(name); !ok) return std::unexpected(ok.error());
    // A session opened with the lost phone ends with it.
    if (auto user = users.Find(name)) c.api.sessions().RemoveUser(user->id);
    c.records = "user:" + name;
    c.detail = "second factor reset";
    return JsonResponse(200, json{{"name", name}, {"totp_enabled", false}});
}

Result<Response> SetUserPassword(Call& c) {
    const std::string name = c.request.params.at("name");
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto password = Text(*body, "password", true);
    if (!password) return std::unexpected(password.error());
    security::Users users(*c.db, ClockOf(c));
    if (auto ok = users.SetPassword(name, *password); !ok) return std::unexpected(ok.error());
    // Whoever knew the old password is logged out with it.
    if (auto user = users.Find(name)) c.api.sessions().RemoveUser(user->id);
    c.records = "user:" + name;
    c.detail = "password set by an administrator";
    return JsonResponse(200, json{{"name", name}, {"password_set", true}});
}

namespace {

// The user and password of a body, checked as a login checks them (limited
// per address, failures counted towards the lock); `code` is the TOTP code of
// a user who has one. A refusal is audited as a failed login.
Result<security::User> CheckOwner(Call& c, const json& body, const std::string& name,
                                  std::string_view what, Response* refusal) {
    if (auto wait = c.api.limiter().Attempt(c.source)) {
        *refusal = server::Problem(
            429, "Too many attempts",
            Msg{"password.too_many_checks", "too many password checks from this address",
                "wait {wait} seconds"},
            {{"wait", std::to_string(*wait)}});
        refusal->headers.emplace_back("Retry-After", std::to_string(*wait));
        return Fail(ErrorCode::kConflict, "limited");
    }
    auto password = Text(body, "password", true);
    if (!password) return std::unexpected(password.error());
    auto totp = Text(body, "totp");
    if (!totp) return std::unexpected(totp.error());
    security::Users users(*c.db, ClockOf(c));
    auto user = users.Authenticate(name, *password, *totp, /*enrolling=*/true,
                                   /*spend_code=*/true);
    if (!user) {
        auto logged = c.api.audit().Write(
            {name, "login_failed", fmt::format("{} {}", c.request.method, c.request.path), "",
             c.source, fmt::format("{}: {}", what, user.error().message)});
        if (!logged) return std::unexpected(logged.error());
        *refusal = ErrorProblem(401, "Not allowed", user.error());
        return std::unexpected(user.error());
    }
    return user;
}

// Writes the record of a change a route made on its own (no session to
// write it for the route).
Result<void> Audited(Call& c, const std::string& actor, const std::string& detail) {
    return c.api.audit().Write({actor, "admin",
                                fmt::format("{} {}", c.request.method, c.request.path),
                                "user:" + actor, c.source, detail});
}

}  // namespace

Result<Response> ChangeOwnPassword(Call& c) {
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto fresh = Text(*body, "new_password", true);
    if (!fresh) return std::unexpected(fresh.error());
    Response refusal;
    auto user = CheckOwner(c, *body, c.session->user, "password change", &refusal);
    if (!user) return refusal.status ? Result<Response>(refusal) : std::unexpected(user.error());
    security::Users users(*c.db, ClockOf(c));
    if (auto ok = users.SetPassword(user->name, *fresh); !ok) return std::unexpected(ok.error());
    // Every session of the user ends, this one too: the browser logs in anew.
    c.api.sessions().RemoveUser(user->id);
    c.records = "user:" + user->name;
    c.detail = "own password changed";
    return JsonResponse(200, json{{"name", user->name}, {"password_set", true}});
}

Result<Response> BeginTotpEnrolment(Call& c) {
    c.audit = false;  // no session: the record is written here
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = UserName(*body);
    if (!name) return std::unexpected(name.error());
    Response refusal;
    auto user = CheckOwner(c, *body, *name, "second-factor enrolment", &refusal);
    if (!user) return refusal.status ? Result<Response>(refusal) : std::unexpected(user.error());
    auto secret = security::Users(*c.db, ClockOf(c)).BeginTotp(user->name);
    if (!secret) return std::unexpected(secret.error());
    if (auto ok = Audited(c, user->name, "second-factor enrolment started"); !ok) {
        return std::unexpected(ok.error());
    }
    return JsonResponse(200, json{{"user", user->name},
                                  {"secret", *secret},
                                  {"uri", security::TotpUri(user->name, *secret)}});
}

Result<Response> ConfirmTotpEnrolment(Call& c) {
    c.audit = false;  // no session: the record is written here
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = UserName(*body);
    if (!name) return std::unexpected(name.error());
    auto code = Text(*body, "code", true);
    if (!code) return std::unexpected(code.error());
    Response refusal;
    auto user = CheckOwner(c, *body, *name, "second-factor confirmation", &refusal);
    if (!user) return refusal.status ? Result<Response>(refusal) : std::unexpected(user.error());
    if (auto ok = security::Users(*c.db, ClockOf(c)).ConfirmTotp(user->name, *code); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = Audited(c, user->name, "second factor on"); !ok) {
        return std::unexpected(ok.error());
    }
    return JsonResponse(200, json{{"user", user->name}, {"totp", true}});
}

Result<Response> ListAudit(Call& c) {
    security::AuditLog::Filter filter;
    filter.actor = c.request.Query("actor").value_or("");
    filter.action = c.request.Query("action").value_or("");
    if (!filter.action.empty()) {
        if (auto ok = security::CheckAction(filter.action); !ok) return std::unexpected(ok.error());
    }
    auto limit = c.QueryInt("limit", 100, 1, 1000);
    if (!limit) return std::unexpected(limit.error());
    filter.limit = *limit;
    for (auto [name, field] : {std::pair{"from", &filter.from}, {"to", &filter.to}}) {
        if (c.request.Query(name)) {
            auto t = c.QueryInt(name, 0, 0, INT64_MAX);
            if (!t) return std::unexpected(t.error());
            *field = *t;
        }
    }
    auto records = security::AuditLog(*c.db, ClockOf(c)).List(filter);
    if (!records) return std::unexpected(records.error());
    json items = json::array();
    for (const auto& r : *records)
        items.push_back(AuditRecordJson(r));
    return JsonResponse(200, json{{"items", items}});
}

Result<Response> VerifyAudit(Call& c) {
    // ?anchor=ID:HASH, as `callbase audit head` printed it earlier and as
    // `callbase audit verify --anchor` takes it.
    std::optional<security::Anchor> anchor;
    if (auto text = c.request.Query("anchor"); text && !text->empty()) {
        auto parsed = security::ParseAnchor(*text);
        if (!parsed) return std::unexpected(parsed.error());
        anchor = *parsed;
        c.detail = fmt::format("anchor {}", anchor->id);
    }
    auto check = security::AuditLog(*c.db, ClockOf(c)).Inspect(anchor);
    if (!check) return std::unexpected(check.error());
    json broken = nullptr;
    if (check->broken) {
        const security::ChainBreak& b = *check->broken;
        broken = {{"kind", security::ChainBreakName(b.kind)},
                  {"record_id", b.record_id},
                  {"message", b.message},
                  {"hint", security::TamperHint(b)}};
        if (b.first_missing > 0) {
            broken["missing"] = {{"first", b.first_missing}, {"last", b.last_missing}};
        }
    }
    return JsonResponse(200, json{{"ok", !check->broken},
                                  {"records", check->records},
                                  {"head_id", check->head_id},
                                  {"head", check->head},
                                  {"anchor_checked", check->anchor_checked},
                                  {"break", broken}});
}

}  // namespace callbase::api::handlers

namespace callbase::api::handlers {

Result<Response> AuditHead(Call& c) {
    auto head = security::AuditLog(*c.db, ClockOf(c)).Head();
    if (!head) return std::unexpected(head.error());
    return JsonResponse(200, json{{"head", *head}});
}

Result<Response> AuditAlerts(Call& c) {
    auto since = c.QueryInt("since", ClockOf(c).Now() - 86400, 0, INT64_MAX);
    if (!since) return std::unexpected(since.error());
    auto alerts = security::AuditLog(*c.db, ClockOf(c)).Alerts(*since);
    if (!alerts) return std::unexpected(alerts.error());
    json items = json::array();
    for (const auto& a : *alerts) {
        items.push_back(AlertJson(a));
    }
    return JsonResponse(200, json{{"since", *since}, {"items", items}});
}

Result<Response> ShowAlertRules(Call& c) {
    auto rules = security::LoadAlertSettings(*c.db);
    if (!rules) return std::unexpected(rules.error());
    return Response{200, "application/json", security::AlertRulesJson(*rules), {}};
}

Result<Response> SetAlertRules(Call& c) {
    if (auto body = c.Body(); !body) return std::unexpected(body.error());
    if (auto ok = security::SaveAlertSettings(*c.db, c.request.body, c.actor(), ClockOf(c)); !ok) {
        return std::unexpected(ok.error());
    }
    c.api.ForgetReadLimits();
    auto rules = security::LoadAlertSettings(*c.db);
    if (!rules) return std::unexpected(rules.error());
    c.records = "settings:audit_alerts";
    c.detail = "alert rules changed: " + std::string(Utf8Prefix(c.request.body, 500));
    return Response{200, "application/json", security::AlertRulesJson(*rules), {}};
}

}  // namespace callbase::api::handlers
