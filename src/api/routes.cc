// The route table, and the handlers of sessions, the permission table and the
// OpenAPI document.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "api/handlers.h"
#include "core/file.h"
#include "security/users.h"

namespace callbase::api {

extern const char* const kOpenApiDocument;  // openapi.json, embedded by CMake

namespace {

using nlohmann::json;
using security::Permission;
using server::Response;
namespace h = handlers;

constexpr size_t kUploadLimit = 256u << 20;

ApiRoute Public(std::string method, std::string path, ApiHandler handler) {
    return {std::move(method), std::move(path), Access::kPublic, Permission::kAdminister, "",
            std::move(handler)};
}

// Any logged-in user; `action` names the audit record of a route that writes one.
ApiRoute LoggedIn(std::string method, std::string path, ApiHandler handler,
                  std::string action = "") {
    return {std::move(method),       std::move(path),   Access::kSession,
            Permission::kAdminister, std::move(action), std::move(handler)};
}

ApiRoute Needs(Permission permission, std::string action, std::string method, std::string path,
               ApiHandler handler, size_t body_limit = 0) {
    return {std::move(method), std::move(path),    Access::kPermission, permission,
            std::move(action), std::move(handler), body_limit};
}

json SessionJson(const api::Session& s) {
    json permissions = json::array();
    for (Permission p : security::AllPermissions())
        if (security::Allowed(s.role, p)) permissions.push_back(security::PermissionId(p));
    return json{{"user", s.user},
                {"role", security::RoleId(s.role)},
                {"permissions", permissions},
                {"csrf", s.csrf},
                {"created_at", s.created_at}};
}

}  // namespace

const std::vector<ApiRoute>& RouteTable() {
    using P = Permission;
    static const std::vector<ApiRoute> kRoutes = [] {
        std::vector<ApiRoute> r = {
            Public("GET", "/api/v1/openapi.json", h::OpenApi),
            Public("POST", "/api/v1/session", h::Login),
            LoggedIn("GET", "/api/v1/session", h::WhoAmI),
            LoggedIn("DELETE", "/api/v1/session", h::Logout),
            LoggedIn("GET", "/api/v1/permissions", h::Permissions),
            LoggedIn("GET", "/api/v1/phone", h::CleanPhone),
            LoggedIn("PUT", "/api/v1/session/password", h::ChangeOwnPassword, "admin"),
            // Before a first login: the roles that need a second factor cannot
            // log in without one.
            Public("POST", "/api/v1/totp", h::BeginTotpEnrolment),
            Public("POST", "/api/v1/totp/confirm", h::ConfirmTotpEnrolment),

            Needs(P::kReadContacts, "read", "GET", "/api/v1/contacts", h::FindContacts),
            Needs(P::kEditContacts, "change", "POST", "/api/v1/contacts", h::CreateContact),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/contacts/count", h::CountContacts),
            Needs(P::kEditContacts, "mass_edit", "POST", "/api/v1/contacts/bulk", h::MassEdit),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/contacts/{id}", h::ShowContact),
            Needs(P::kEditContacts, "change", "PUT", "/api/v1/contacts/{id}", h::EditContact),
            Needs(P::kEditContacts, "change", "PUT", "/api/v1/contacts/{id}/status", h::SetStatus),
            Needs(P::kEditContacts, "change", "POST", "/api/v1/contacts/{id}/tags", h::AddTag),
            Needs(P::kEditContacts, "change", "DELETE", "/api/v1/contacts/{id}/tags/{tag}",
                  h::RemoveTag),
            Needs(P::kEditContacts, "change", "PUT", "/api/v1/contacts/{id}/fields/{field}",
                  h::SetField),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/lookup", h::Lookup),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/saved-filters", h::ListSavedFilters),
            Needs(P::kReadContacts, "change", "POST", "/api/v1/saved-filters", h::SaveFilter),
            Needs(P::kReadContacts, "change", "DELETE", "/api/v1/saved-filters/{id}",
                  h::RemoveSavedFilter),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/tags", h::ListTags),
            Needs(P::kDictionaries, "change", "POST", "/api/v1/tags", h::AddTagDefinition),
            Needs(P::kDictionaries, "change", "POST", "/api/v1/tags/retire", h::RetireTag),
            Needs(P::kDictionaries, "change", "POST", "/api/v1/tags/defaults", h::SeedDefaultTags),
            Needs(P::kDictionaries, "change", "POST", "/api/v1/tag-categories", h::AddTagCategory),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/fields", h::ListFields),
            Needs(P::kDictionaries, "change", "POST", "/api/v1/fields", h::AddFieldDefinition),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/statuses", h::ListStatuses),
            Needs(P::kReadContacts, "read", "GET", "/api/v1/health", h::Health),
            Needs(P::kMerge, "read", "GET", "/api/v1/duplicates", h::ListDuplicates),
            Needs(P::kMerge, "merge", "POST", "/api/v1/duplicates/merge", h::MergeAllDuplicates),
            Needs(P::kMerge, "merge", "POST", "/api/v1/merges", h::MergeContacts),
            Needs(P::kMerge, "merge", "POST", "/api/v1/merges/{id}/undo", h::UndoMerge),

            Needs(P::kImport, "mass_edit", "POST", "/api/v1/imports/preview", h::PreviewImport,
                  kUploadLimit),
            Needs(P::kImport, "mass_edit", "POST", "/api/v1/imports", h::StartImport, kUploadLimit),
            Needs(P::kImport, "read", "GET", "/api/v1/imports/{job}", h::ImportState),
            Needs(P::kImport, "read", "GET", "/api/v1/imports/{job}/errors", h::ImportErrors),

            Needs(P::kRequestExport, "export", "POST", "/api/v1/exports", h::RequestExport),
            Needs(P::kRequestExport, "read", "GET", "/api/v1/exports", h::ListExports),
            Needs(P::kRequestExport, "read", "GET", "/api/v1/exports/{id}", h::ShowExport),
            Needs(P::kApproveExport, "export", "POST", "/api/v1/exports/{id}/approve",
                  h::ApproveExport),
            Needs(P::kApproveExport, "export", "POST", "/api/v1/exports/{id}/reject",
                  h::RejectExport),
            Needs(P::kRequestExport, "export", "GET", "/api/v1/exports/{id}/download",
                  h::DownloadExport),

            Needs(P::kStopList, "read", "GET", "/api/v1/stop-list", h::ListStops),
            Needs(P::kStopList, "change", "POST", "/api/v1/stop-list", h::AddStop),
            Needs(P::kStopList, "change", "DELETE", "/api/v1/stop-list", h::RemoveStop),
            Needs(P::kStopList, "mass_edit", "POST", "/api/v1/stop-list/import", h::ImportStops,
                  kUploadLimit),
            Needs(P::kCanCall, "read", "GET", "/api/v1/can-call", h::CanCall),
            Needs(P::kCanCall, "read", "GET", "/api/v1/registries", h::ListRegistries),
            Needs(P::kRegistries, "read", "GET", "/api/v1/registry-versions",
                  h::ListRegistryVersions),
            Needs(P::kRegistries, "read", "GET", "/api/v1/registries/{name}/diff", h::DiffRegistry),
            Needs(P::kRegistries, "mass_edit", "POST", "/api/v1/registries/{name}/versions",
                  h::LoadRegistry, kUploadLimit),
            Needs(P::kRegistries, "read", "GET", "/api/v1/registry-loads/{job}",
                  h::RegistryLoadState),
            Needs(P::kConsents, "read", "GET", "/api/v1/consents", h::ListConsents),
            Needs(P::kConsents, "change", "POST", "/api/v1/consents", h::AddConsent),
            Needs(P::kConsents, "change", "POST", "/api/v1/consents/revoke", h::RevokeConsent),
            Needs(P::kConsents, "change", "POST", "/api/v1/consents/request",
                  h::RequestConsentCode),
            Needs(P::kConsents, "change", "POST", "/api/v1/consents/confirm",
                  h::ConfirmConsentCode),
            Needs(P::kConsents, "read", "GET", "/api/v1/purposes", h::ListPurposes),
            Needs(P::kRules, "admin", "POST", "/api/v1/purposes", h::AddPurpose),
            Needs(P::kRules, "admin", "POST", "/api/v1/purposes/{name}/texts", h::AddConsentText),
            Needs(P::kConsents, "read", "GET", "/api/v1/purposes/{name}/texts",
                  h::ListConsentTexts),
            Needs(P::kDeletionProcess, "read", "GET", "/api/v1/deletion-requests",
                  h::ListDeletions),
            Needs(P::kDeletionRequest, "change", "POST", "/api/v1/deletion-requests",
                  h::RequestDeletion),
            Needs(P::kDeletionProcess, "delete", "POST", "/api/v1/deletion-requests/process",
                  h::ProcessDeletions),
            Needs(P::kDeletionProcess, "delete", "POST",
                  "/api/v1/deletion-requests/{id}/archives-done", h::ArchivesDone),
            Needs(P::kDeletionProcess, "read", "GET", "/api/v1/deletion-requests/{id}",
                  h::DeletionStatus),
            Needs(P::kDeletionProcess, "read", "GET", "/api/v1/deletion-requests/{id}/notice",
                  h::DeletionNotice),
            Needs(P::kCanCall, "change", "POST", "/api/v1/attempts", h::RecordAttempt),
            Needs(P::kCanCall, "read", "GET", "/api/v1/inactive", h::ListInactive),
            Needs(P::kRules, "change", "POST", "/api/v1/inactive/review", h::ReviewInactive),
            Needs(P::kCanCall, "read", "GET", "/api/v1/rules", h::ShowRules),
            Needs(P::kRules, "admin", "PUT", "/api/v1/rules", h::SetRules),
            Needs(P::kCanCall, "read", "GET", "/api/v1/holidays", h::ListHolidays),
            Needs(P::kRules, "admin", "POST", "/api/v1/holidays", h::AddHoliday),
            Needs(P::kRules, "admin", "DELETE", "/api/v1/holidays/{date}", h::RemoveHoliday),

            Needs(P::kManageUsers, "admin", "GET", "/api/v1/users", h::ListUsers),
            Needs(P::kManageUsers, "admin", "POST", "/api/v1/users", h::AddUser),
            Needs(P::kManageUsers, "admin", "PUT", "/api/v1/users/{name}/role", h::SetUserRole),
            Needs(P::kManageUsers, "admin", "POST", "/api/v1/users/{name}/disable", h::DisableUser),
            Needs(P::kManageUsers, "admin", "POST", "/api/v1/users/{name}/enable", h::EnableUser),
            Needs(P::kManageUsers, "admin", "POST", "/api/v1/users/{name}/unlock", h::UnlockUser),
            Needs(P::kManageUsers, "admin", "PUT", "/api/v1/users/{name}/password",
                  h::SetUserPassword),
            Needs(P::kManageUsers, "admin", "POST", "/api/v1/users/{name}/totp/reset",
                  h::ResetUserTotp),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/audit", h::ListAudit),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/audit/verify", h::VerifyAudit),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/audit/head", h::AuditHead),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/audit/alerts", h::AuditAlerts),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/audit/alert-rules", h::ShowAlertRules),
            Needs(P::kManageUsers, "admin", "PUT", "/api/v1/audit/alert-rules", h::SetAlertRules),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/break-glass", h::ListBreakGlass),
            Needs(P::kBreakGlass, "admin", "POST", "/api/v1/break-glass", h::RequestBreakGlass),
            Needs(P::kApproveBreakGlass, "admin", "POST", "/api/v1/break-glass/{id}/approve",
                  h::ApproveBreakGlass),
            Needs(P::kReadAudit, "admin", "POST", "/api/v1/break-glass/{id}/end", h::EndBreakGlass),
            Needs(P::kAssignContacts, "change", "POST", "/api/v1/assignments", h::AssignContacts),
            Needs(P::kManageUsers, "admin", "GET", "/api/v1/teams", h::ListTeams),
            Needs(P::kManageUsers, "admin", "POST", "/api/v1/teams", h::AddTeam),
            Needs(P::kManageUsers, "admin", "PUT", "/api/v1/users/{name}/team", h::SetUserTeam),
            Needs(P::kReadAudit, "read", "GET", "/api/v1/access-review", h::AccessReview),
        };
        for (ApiRoute route : {
                 Needs(P::kCampaigns, "read", "GET", "/api/v1/campaigns", h::ListCampaigns),
                 Needs(P::kCampaigns, "change", "POST", "/api/v1/campaigns", h::CreateCampaign),
                 Needs(P::kCampaigns, "read", "GET", "/api/v1/campaigns/{id}", h::ShowCampaign),
                 Needs(P::kCampaigns, "change", "PUT", "/api/v1/campaigns/{id}", h::EditCampaign),
                 Needs(P::kCampaigns, "change", "POST", "/api/v1/campaigns/{id}/clone",
                       h::CloneCampaign),
                 Needs(P::kCampaigns, "change", "POST", "/api/v1/campaigns/{id}/start",
                       h::StartCampaign),
                 Needs(P::kCampaigns, "change", "POST", "/api/v1/campaigns/{id}/pause",
                       h::PauseCampaign),
                 Needs(P::kCampaigns, "change", "POST", "/api/v1/campaigns/{id}/stop",
                       h::StopCampaign),
                 Needs(P::kCallRecords, "read", "GET", "/api/v1/wallboard", h::Wallboard),
                 Needs(P::kMonitorCalls, "change", "POST", "/api/v1/wallboard/monitor",
                       h::WallboardMonitor),
                 Needs(P::kCallRecords, "read", "GET", "/api/v1/calls", h::CallsToNumber),
                 Needs(P::kCallRecords, "read", "GET", "/api/v1/call-log", h::CallLog),
                 Needs(P::kCallRecords, "export", "GET", "/api/v1/call-log/export",
                       h::ExportCallLog),
                 Needs(P::kCallRecords, "read", "GET", "/api/v1/calls/{id}/recording",
                       h::PlayRecording),
                 Needs(P::kCallRecords, "read", "GET", "/api/v1/reports/calls", h::CallReport),
                 Needs(P::kCallRecords, "read", "GET", "/api/v1/reports/inbound", h::InboundReport),
                 Needs(P::kCallRecords, "export", "GET", "/api/v1/reports/inbound/queue-log",
                       h::InboundQueueLog),
                 Needs(P::kStaffing, "read", "GET", "/api/v1/staffing", h::Staffing),
                 Needs(P::kCampaigns, "read", "GET", "/api/v1/routing", h::RoutingConfig),
                 Needs(P::kCampaigns, "read", "GET", "/api/v1/telephony", h::TelephonyStatus),
                 Needs(P::kCampaigns, "change", "PUT", "/api/v1/routing/queues/{name}",
                       h::PutRoutingQueue),
                 Needs(P::kCampaigns, "change", "DELETE", "/api/v1/routing/queues/{name}",
                       h::DeleteRoutingQueue),
                 Needs(P::kCampaigns, "change", "PUT", "/api/v1/routing/numbers/{number}",
                       h::PutRoutingNumber),
                 Needs(P::kCampaigns, "change", "DELETE", "/api/v1/routing/numbers/{number}",
                       h::DeleteRoutingNumber),
                 Needs(P::kCampaigns, "change", "PUT", "/api/v1/routing/rules", h::PutRoutingRules),
                 Needs(P::kCampaigns, "read", "GET", "/api/v1/routing/lists/{list}",
                       h::RoutingList),
                 Needs(P::kCampaigns, "change", "POST", "/api/v1/routing/lists/{list}",
                       h::AddToRoutingList),
                 Needs(P::kCampaigns, "change", "DELETE", "/api/v1/routing/lists/{list}/{number}",
                       h::RemoveFromRoutingList),
                 Needs(P::kCampaigns, "change", "PUT", "/api/v1/routing/pause-reasons/{code}",
                       h::PutPauseReason),
                 Needs(P::kCampaigns, "change", "DELETE", "/api/v1/routing/pause-reasons/{code}",
                       h::DeletePauseReason),
                 Needs(P::kCampaigns, "change", "PUT", "/api/v1/routing/agents/{agent}",
                       h::PutAgentProfile),
                 Needs(P::kCampaigns, "change", "DELETE", "/api/v1/routing/agents/{agent}",
                       h::DeleteAgentProfile),
                 Needs(P::kCanCall, "read", "GET", "/api/v1/agent/calls", h::OwnCalls),
                 Needs(P::kCanCall, "read", "GET", "/api/v1/agent", h::AgentState),
                 Needs(P::kCanCall, "read", "GET", "/api/v1/agent/campaigns", h::AgentCampaigns),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/join", h::AgentJoin),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/leave", h::AgentLeave),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/ready", h::AgentReady),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/pause", h::AgentPause),
                 Needs(P::kCanCall, "read", "GET", "/api/v1/agent/pause-reasons", h::PauseReasons),
                 Needs(P::kCanCall, "read", "POST", "/api/v1/agent/next-card", h::AgentNextCard),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/dial", h::AgentDial),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/hangup", h::AgentHangup),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/hold", h::AgentHold),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/transfer", h::AgentTransfer),
                 Needs(P::kCanCall, "change", "POST", "/api/v1/agent/consult", h::AgentConsult),
                 Needs(P::kCanCall, "read", "GET", "/api/v1/agent/transfer-targets",
                       h::AgentTransferTargets),
                 Needs(P::kEditContacts, "change", "POST", "/api/v1/agent/disposition",
                       h::AgentDisposition),
             }) {
            r.push_back(std::move(route));
        }
        ApiRoute events = Needs(P::kImport, "read", "GET", "/api/v1/imports/{job}/events", nullptr);
        events.socket = h::ImportEvents;
        r.push_back(std::move(events));
        ApiRoute live = Needs(P::kCampaigns, "read", "GET", "/api/v1/campaigns/{id}/live", nullptr);
        live.socket = h::CampaignLive;
        r.push_back(std::move(live));
        ApiRoute agent = Needs(P::kCanCall, "read", "GET", "/api/v1/agent/events", nullptr);
        agent.socket = h::AgentEvents;
        r.push_back(std::move(agent));
        ApiRoute board = Needs(P::kCallRecords, "read", "GET", "/api/v1/wallboard/live", nullptr);
        board.socket = h::WallboardLive;
        r.push_back(std::move(board));
        return r;
    }();
    return kRoutes;
}

namespace handlers {

Result<Response> OpenApi(Call&) {
    return Response{200, "application/json", kOpenApiDocument, {}};
}

Result<Response> Login(Call& c) {
    c.audit = false;  // the record is written here, under the name tried
    if (auto wait = c.api.limiter().Attempt(c.source)) {
        Response r =
            server::Problem(429, "Too many logins",
                            Msg{"login.too_many", "too many login attempts from this address",
                                "wait {wait} seconds"},
                            {{"wait", std::to_string(*wait)}});
        r.headers.emplace_back("Retry-After", std::to_string(*wait));
        return r;
    }
    if (auto refused = CrossSiteRefusal(c.request, c.api.options().allowed_origins)) {
        return *refused;
    }
    auto body = c.Body();
    if (!body) return std::unexpected(body.error());
    auto name = UserName(*body);
    if (!name) return std::unexpected(name.error());
    auto password = Text(*body, "password", true);
    if (!password) return std::unexpected(password.error());
    auto totp = Text(*body, "totp");
    if (!totp) return std::unexpected(totp.error());
    security::Users users(*c.db, *c.api.options().clock);
    auto user = users.Authenticate(*name, *password, *totp, /*enrolling=*/false,
                                   /*spend_code=*/true);
    if (!user) {
        auto logged = c.api.audit().Write(
            {*name, "login_failed", "POST /api/v1/session", "", c.source, user.error().message});
        if (!logged) return std::unexpected(logged.error());
        return ErrorProblem(401, "Login failed", user.error());
    }
    auto [token, session] = c.api.sessions().Create(user->id, user->name, user->role);
    auto logged = c.api.audit().Write({user->name, "login", "POST /api/v1/session", "", c.source,
                                       fmt::format("role {}", security::RoleId(user->role))});
    if (!logged) return std::unexpected(logged.error());
    Response r = JsonResponse(200, SessionJson(session));
    r.headers.emplace_back("Set-Cookie",
                           fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}", kSessionCookie,
                                       token, c.api.options().secure_cookies ? "; Secure" : ""));
    return r;
}

Result<Response> WhoAmI(Call& c) {
    return JsonResponse(200, SessionJson(*c.session));
}

Result<Response> Logout(Call& c) {
    if (auto token = c.request.Cookie(kSessionCookie)) c.api.sessions().Remove(*token);
    Response r{204, "application/json", "", {}};
    r.headers.emplace_back(
        "Set-Cookie",
        fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", kSessionCookie,
                    c.api.options().secure_cookies ? "; Secure" : ""));
    return r;
}

Result<Response> Permissions(Call&) {
    json roles = json::array();
    for (security::Role role : security::AllRoles())
        roles.push_back(security::RoleId(role));
    json rows = json::array();
    for (Permission p : security::AllPermissions()) {
        json allowed = json::array();
        for (security::Role role : security::AllRoles())
            if (security::Allowed(role, p)) allowed.push_back(security::RoleId(role));
        rows.push_back({{"id", security::PermissionId(p)},
                        {"description", security::PermissionDescription(p)},
                        {"roles", allowed}});
    }
    return JsonResponse(200, json{{"roles", roles}, {"permissions", rows}});
}

std::filesystem::path WorkDir(const Call& c) {
    const std::string& dir = c.api.options().work_dir;
    return dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(dir);
}

Result<std::string> ReadFile(const std::string& path) {
    auto body = ReadWholeFile(path);
    if (!body) return Fail(ErrorCode::kIo, "cannot read " + path);
    return *body;
}

Result<std::string> Text(const json& body, const char* name, bool required) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"request.field_missing", "\"{field}\" is missing",
                            "see /api/v1/openapi.json for what this request takes"},
                        {{"field", name}});
        }
        return std::string();
    }
    if (!it->is_string()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.field_not_text", "\"{field}\" must be a string"},
                    {{"field", name}});
    }
    return it->get<std::string>();
}

Result<std::string> UserName(const json& body) {
    auto name = Text(body, "user", true);
    if (!name) return std::unexpected(name.error());
    if (name->empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"login.no_user", "the user name is empty", "type the user name"});
    }
    return name;
}

Result<std::optional<int64_t>> OptionalSeconds(const json& body, const char* name) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("\"{}\" must be a time in Unix seconds (a whole number)", name));
    }
    return it->get<int64_t>();
}

}  // namespace handlers
}  // namespace callbase::api
