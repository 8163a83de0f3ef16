// What an export shows of the people in it (issue 17): the requester's view
// of the card (redact.h) — pseudonyms for the analyst, masked numbers for a
// role that sees them masked — fixed when the export is requested, shown to
// the approver before approving (columns, masking, row count) and applied
// when the file is written. Shared by the API and the CLI.
//
// Plain functions over the Store given; the Store's thread rules apply.
#pragma once

#include <nlohmann/json.hpp>

#include "api/redact.h"
#include "ingest/exporter.h"
#include "phone/clean.h"
#include "security/export_requests.h"

namespace callbase::api {

// The viewer's view of the card, as an export's view.
security::ExportView ExportViewOf(const Viewer& viewer);
// Sets `options` to write `view`: numbers masked or as pseudonyms, names as
// pseudonyms and no e-mail or comment for kPseudonyms (the key from `viewer`).
Result<void> ApplyExportView(security::ExportView view, const Viewer& viewer,
                             ingest::ExportOptions* options);
// What the export would hold if written now: {"view", "columns": [{"name",
// "masking", "shown"}], "matching_rows"}: the columns of the file, how each is
// shown under the request's view ("masking": "full", "masked", "pseudonym" or
// "empty", for a tool to say in its language; "shown": the same in English)
// and how many contacts its filter finds now.
Result<nlohmann::json> ExportPreview(store::Store& db, const security::ExportRequest& request,
                                     const phone::Cleaner& cleaner, UnixSeconds now);
// The request's filter as the expressions it was given.
std::vector<std::string> ExportFilterTerms(const security::ExportRequest& request);
// Whether `viewer` (named `user`) may read a request's filter and reason:
// its requester, the approvers and the dpo; others see that it exists.
bool SeesExportPurpose(const Viewer& viewer, const std::string& user,
                       const security::ExportRequest& request);

}  // namespace callbase::api
