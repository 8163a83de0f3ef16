// The handlers of the API's routes (internal to src/api): one function per
// route, grouped by file. RouteTable() in routes.cc ties them to paths.
#pragma once

#include <filesystem>
#include <string>

#include "api/api.h"
#include "contacts/contact_book.h"

namespace callbase::api::handlers {

using server::Response;

// routes.cc: sessions, the permission table, the OpenAPI document
Result<Response> OpenApi(Call& c);
Result<Response> Login(Call& c);
Result<Response> WhoAmI(Call& c);
Result<Response> Logout(Call& c);
Result<Response> Permissions(Call& c);

// routes_contacts.cc
Result<Response> FindContacts(Call& c);
Result<Response> CreateContact(Call& c);
Result<Response> ShowContact(Call& c);
Result<Response> SetStatus(Call& c);
Result<Response> AddTag(Call& c);
Result<Response> RemoveTag(Call& c);
Result<Response> SetField(Call& c);
Result<Response> Lookup(Call& c);
Result<Response> ListTags(Call& c);
Result<Response> AddTagDefinition(Call& c);
Result<Response> ListFields(Call& c);
Result<Response> AddFieldDefinition(Call& c);
Result<Response> ListStatuses(Call& c);
Result<Response> Health(Call& c);
Result<Response> CleanPhone(Call& c);
Result<Response> AddTagCategory(Call& c);
Result<Response> SeedDefaultTags(Call& c);
Result<Response> RetireTag(Call& c);
Result<Response> ListDuplicates(Call& c);
Result<Response> MergeAllDuplicates(Call& c);
Result<Response> MergeContacts(Call& c);
Result<Response> UndoMerge(Call& c);

// routes_contact_edits.cc: a contact's name and phones, mass edits, the count
// of a filter, saved filters
Result<Response> EditContact(Call& c);
Result<Response> CountContacts(Call& c);
Result<Response> MassEdit(Call& c);
Result<Response> ListSavedFilters(Call& c);
Result<Response> SaveFilter(Call& c);
Result<Response> RemoveSavedFilter(Call& c);

// routes_import.cc
Result<Response> PreviewImport(Call& c);
Result<Response> StartImport(Call& c);
Result<Response> ImportState(Call& c);
Result<server::Feed> ImportEvents(Call& c);
Result<Response> ImportErrors(Call& c);
// A registry's next version from an upload, loaded on a job thread.
Result<Response> LoadRegistry(Call& c);
Result<Response> RegistryLoadState(Call& c);

// routes_admin.cc: exports, users, the audit log
Result<Response> RequestExport(Call& c);
Result<Response> ListExports(Call& c);
Result<Response> ShowExport(Call& c);
Result<Response> ApproveExport(Call& c);
Result<Response> RejectExport(Call& c);
Result<Response> DownloadExport(Call& c);
Result<Response> ListUsers(Call& c);
Result<Response> AddUser(Call& c);
Result<Response> SetUserRole(Call& c);
Result<Response> DisableUser(Call& c);
Result<Response> EnableUser(Call& c);
Result<Response> UnlockUser(Call& c);
Result<Response> ResetUserTotp(Call& c);
Result<Response> SetUserPassword(Call& c);
Result<Response> ChangeOwnPassword(Call& c);
Result<Response> BeginTotpEnrolment(Call& c);
Result<Response> ConfirmTotpEnrolment(Call& c);
Result<Response> ListAudit(Call& c);
Result<Response> VerifyAudit(Call& c);
Result<Response> AuditHead(Call& c);
Result<Response> AuditAlerts(Call& c);
Result<Response> ShowAlertRules(Call& c);
Result<Response> SetAlertRules(Call& c);

// routes_compliance.cc
Result<Response> ListStops(Call& c);
Result<Response> AddStop(Call& c);
Result<Response> RemoveStop(Call& c);
Result<Response> CanCall(Call& c);
Result<Response> ListRegistries(Call& c);
Result<Response> ListRegistryVersions(Call& c);
Result<Response> ListConsents(Call& c);
Result<Response> AddConsent(Call& c);
Result<Response> RevokeConsent(Call& c);
Result<Response> ListPurposes(Call& c);
Result<Response> ListDeletions(Call& c);
Result<Response> RequestDeletion(Call& c);
Result<Response> ProcessDeletions(Call& c);
Result<Response> DeletionStatus(Call& c);
Result<Response> DeletionNotice(Call& c);
Result<Response> RequestConsentCode(Call& c);
Result<Response> ConfirmConsentCode(Call& c);
Result<Response> ImportStops(Call& c);
Result<Response> DiffRegistry(Call& c);
Result<Response> RecordAttempt(Call& c);
Result<Response> AddPurpose(Call& c);
Result<Response> AddConsentText(Call& c);
Result<Response> ListConsentTexts(Call& c);
Result<Response> ArchivesDone(Call& c);
Result<Response> ListInactive(Call& c);
Result<Response> ReviewInactive(Call& c);
Result<Response> ShowRules(Call& c);
Result<Response> SetRules(Call& c);
Result<Response> AddHoliday(Call& c);
Result<Response> RemoveHoliday(Call& c);
Result<Response> ListHolidays(Call& c);

// routes_campaigns.cc
Result<Response> ListCampaigns(Call& c);
Result<Response> CreateCampaign(Call& c);
Result<Response> EditCampaign(Call& c);
Result<Response> CloneCampaign(Call& c);
Result<Response> ShowCampaign(Call& c);
Result<Response> StartCampaign(Call& c);
Result<Response> PauseCampaign(Call& c);
Result<Response> StopCampaign(Call& c);
Result<server::Feed> CampaignLive(Call& c);
Result<Response> CallsToNumber(Call& c);
Result<Response> AgentCampaigns(Call& c);
Result<Response> AgentState(Call& c);
Result<Response> AgentJoin(Call& c);
Result<Response> AgentLeave(Call& c);
Result<Response> AgentReady(Call& c);
// The server's campaign runner; 409 campaign.no_telephony when it runs none
// (`serve --telephony none`).
Result<campaigns::CampaignRunner*> RunnerOf(const Call& c);
Result<Response> AgentPause(Call& c);
Result<Response> PauseReasons(Call& c);
// The network and its trunks' registrations (routes_telephony.cc).
Result<Response> TelephonyStatus(Call& c);
// The routing book (routes_routing.cc).
Result<Response> RoutingConfig(Call& c);
Result<Response> PutRoutingQueue(Call& c);
Result<Response> DeleteRoutingQueue(Call& c);
Result<Response> PutRoutingNumber(Call& c);
Result<Response> DeleteRoutingNumber(Call& c);
Result<Response> PutRoutingRules(Call& c);
Result<Response> RoutingList(Call& c);
Result<Response> AddToRoutingList(Call& c);
Result<Response> RemoveFromRoutingList(Call& c);
Result<Response> PutPauseReason(Call& c);
Result<Response> PutAgentProfile(Call& c);
Result<Response> DeleteAgentProfile(Call& c);
Result<Response> DeletePauseReason(Call& c);
Result<Response> AgentNextCard(Call& c);
Result<Response> AgentDial(Call& c);
Result<Response> AgentHangup(Call& c);
Result<Response> AgentHold(Call& c);
Result<Response> AgentTransfer(Call& c);
Result<Response> AgentConsult(Call& c);
Result<Response> AgentTransferTargets(Call& c);
Result<Response> AgentDisposition(Call& c);
Result<server::Feed> AgentEvents(Call& c);

// routes_calls.cc: the call log, recordings, the supervisors' reports
Result<Response> CallLog(Call& c);
Result<Response> OwnCalls(Call& c);
Result<Response> ExportCallLog(Call& c);
Result<Response> PlayRecording(Call& c);
Result<Response> CallReport(Call& c);
Result<Response> InboundReport(Call& c);
Result<Response> InboundQueueLog(Call& c);
// The wallboard (routes_wallboard.cc): a snapshot, and its WebSocket.
Result<Response> Wallboard(Call& c);
Result<server::Feed> WallboardLive(Call& c);
Result<Response> WallboardMonitor(Call& c);

// routes_staffing.cc: the staffing forecast (Erlang C)
Result<Response> Staffing(Call& c);

// routes_access.cc: break-glass access, the access review, assignment, teams
Result<Response> ListBreakGlass(Call& c);
Result<Response> RequestBreakGlass(Call& c);
Result<Response> ApproveBreakGlass(Call& c);
Result<Response> EndBreakGlass(Call& c);

// The contacts the caller may see (api/scope.h): every read of contacts by a
// handler goes through this book.
Result<contacts::ContactBook> ScopedBook(Call& c);
// A contact an operator creates is assigned to them.
Result<void> AssignToCreator(Call& c, int64_t contact_id);
Result<Response> AssignContacts(Call& c);
Result<Response> ListTeams(Call& c);
Result<Response> AddTeam(Call& c);
Result<Response> SetUserTeam(Call& c);
Result<Response> AccessReview(Call& c);

// Shared by the handlers.
inline const Clock& ClockOf(const Call& c) {
    return *c.api.options().clock;
}
// Where uploads and export files are kept while they are made.
std::filesystem::path WorkDir(const Call& c);
// A whole file's bytes.
Result<std::string> ReadFile(const std::string& path);
// A string member of a JSON body; "" when absent; 400 when not a string.
Result<std::string> Text(const nlohmann::json& body, const char* name, bool required = false);
// The "user" member of a login-like body: 400 when missing or empty (an
// empty name would reach the audit log as a record without an actor).
Result<std::string> UserName(const nlohmann::json& body);
// An optional time member (Unix seconds).
Result<std::optional<int64_t>> OptionalSeconds(const nlohmann::json& body, const char* name);
// The can-call decision for a number now (registries, stop-list, consents, rules).
Result<nlohmann::json> Decide(Call& c, const std::string& e164, const std::string& purpose,
                              int64_t at);
// Before a read of contacts: the 429 to answer when the caller has read past
// a limit of contacts read (api/read_volume.h), with the bulk_read audit
// record written the first time in the window; nothing when under.
Result<std::optional<Response>> OverReadLimit(Call& c);
// After it: `contacts` more read by the caller.
void CountRead(Call& c, int64_t contacts);
// "phone" renamed from "e164", shown as the caller may see it.
Result<void> ShowPhone(Call& c, nlohmann::json* item);

}  // namespace callbase::api::handlers
