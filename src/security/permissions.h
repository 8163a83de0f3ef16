// Roles and the one permission table (R-SEC-1, R-SEC-2): who may see full
// numbers, export, merge, delete, manage users, read the audit log, ... The
// table lives here, in code; docs/security.md holds the same table, and a test
// fails when they differ (PermissionTableMarkdown() prints it).
//
// Masking: a role that may not see full numbers sees +7 (912) ***-**-89; the
// analyst sees stable pseudonyms (a keyed hash) instead of numbers and names,
// so their aggregates still join. Plain functions and constant data: safe to
// use from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callbase::security {

enum class Role { kOperator, kSupervisor, kAnalyst, kAdmin, kDpo, kService };
std::string_view RoleId(Role role);  // "operator", ...
std::optional<Role> ParseRole(std::string_view text);
// Roles that must use a second factor (TOTP) to log in.
bool RoleNeedsTotp(Role role);

enum class Permission {
    kReadContacts,     // find, show, report health
    kSeeFullNumbers,   // unmasked numbers (else +7 (912) ***-**-89)
    kSeeNames,         // real numbers and names (the analyst sees pseudonyms)
    kEditContacts,     // create, edit, tag, set status
    kDictionaries,     // the tag dictionary and custom field definitions
    kImport,           // import files, generate demo data
    kRequestExport,    // ask for an export
    kApproveExport,    // approve someone's export
    kAssignContacts,   // assign contacts to operators (api/scope.h)
    kMerge,            // dedup --apply, merge, undo
    kStopList,         // add to / remove from the stop-list
    kConsents,         // record and revoke consents
    kCanCall,          // ask the dial gate; record attempts
    kRegistries,       // load registries
    kRules,            // change calling rules and holidays
    kCampaigns,        // set up, start, pause and stop campaigns
    kCallRecords,      // read call records and why each dial was allowed
    kStaffing,         // the staffing forecast (Erlang C, routing/erlang.h)
    kMonitorCalls,     // listen to a live call, whisper to the operator, barge in
    kDeletionRequest,  // take a deletion request
    kDeletionProcess,  // process deletions, report to the regulator
    kManageUsers,      // users and roles
    kReadAudit,        // the audit log, verify, alerts
    kAdminister,       // init, numbering load, settings
    // The admin's time-limited view of business data for a support case
    // (break_glass.h): asked for by the admin, approved by the dpo.
    kBreakGlass,
    kApproveBreakGlass,
};
std::string_view PermissionId(Permission permission);
// "see full phone numbers": what the permission allows, for people.
std::string_view PermissionDescription(Permission permission);
const std::vector<Permission>& AllPermissions();
const std::vector<Role>& AllRoles();

bool Allowed(Role role, Permission permission);

// The table as Markdown (one row per permission, one column per role).
std::string PermissionTableMarkdown();

// "+7 (912) ***-**-89" for "+79121234589"; other countries keep the country
// code and the last two digits.
std::string MaskPhone(std::string_view e164);
// A stable pseudonym for a value under a key: "P-" and 12 hex digits of a
// keyed BLAKE2b; the same value and key give the same pseudonym.
std::string Pseudonym(std::string_view value, std::string_view key);

// `text` with every phone number in it replaced by "tel:" and the number's
// pseudonym (Pseudonym of its E.164 form, as analysts see it), for what is
// kept about commands (the audit log): the log never holds a number a
// deletion request would have to erase, and a number's records are still
// found by its pseudonym. A number is a run of digits, spaces, dashes and
// brackets: one starting with '+' and holding 8 to 15 digits, or a Russian
// spelling (11 digits from 7 or 8, 10 digits from 3, 4, 8 or 9). Dates, times
// and ids do not look like that and stay. A pseudonym already in the text
// ("P-" and 12 hex digits) is left as it is, so the function can be applied
// twice.
std::string PseudonymizeNumbers(std::string_view text, std::string_view key);
// `text` with every phone number in it, found as PseudonymizeNumbers finds
// them, replaced by what `replace` makes of its E.164 form (the masking of
// messages shown to a role that sees numbers masked, api/redact.h).
std::string ReplaceNumbers(std::string_view text,
                           const std::function<std::string(const std::string& e164)>& replace);

// Free text that may name a person (a contact's name, a note, a reason, an
// e-mail, a search value), for the audit log: "text:" and the pseudonym of
// the whole text under the same key as numbers. The log is append-only, so
// it never holds what a deletion request would have to erase; the dpo still
// finds the records that wrote a given text (`audit list --text`). An empty
// text stays empty.
std::string PseudonymizeText(std::string_view text, std::string_view key);

// A filter expression ("name~иван", "field:Сумма>=1000") with its value as
// PseudonymizeText, unless its key is a class that many people share
// (status, tag, region, source, added, idle) and says nothing of one person.
// Something that is not an expression is pseudonymized whole.
std::string PseudonymizeFilter(std::string_view expression, std::string_view key);

}  // namespace callbase::security
