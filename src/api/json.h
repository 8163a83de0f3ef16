// The JSON shapes of the base's records, shared by the CLI's --json output
// and the HTTP API (docs/api.md), so that a script and the web UI read the
// same fields. Plain functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "compliance/attempts.h"
#include "compliance/consent.h"
#include "compliance/deletion.h"
#include "compliance/gate.h"
#include "compliance/stop_list.h"
#include "contacts/contact.h"
#include "contacts/health.h"
#include "contacts/merge.h"
#include "core/clock.h"
#include "ingest/importer.h"
#include "routing/erlang.h"
#include "security/audit.h"
#include "security/audit_alerts.h"
#include "security/break_glass.h"
#include "security/export_requests.h"
#include "security/users.h"
#include "telephony/telephony.h"

namespace callbase::api {

nlohmann::json OptionalTime(std::optional<UnixSeconds> t);
// A trunk and its registration (GET /api/v1/telephony, /healthz).
nlohmann::json TrunkStatusJson(const telephony::TrunkStatus& t);
// `text` as a JSON string, quoted and escaped, appended to `out` (for an
// answer on a hot path, written without building a JSON tree).
void AppendJsonString(std::string& out, std::string_view text);
nlohmann::json ContactJson(const contacts::Contact& c);
// The contact with its phones, tags, fields and history.
nlohmann::json CardJson(const contacts::Card& card);
nlohmann::json StopJson(const compliance::StopListEntry& e);
nlohmann::json ConsentJson(const compliance::Consent& c);
nlohmann::json DeletionJson(const compliance::DeletionRequest& d);
nlohmann::json AuditRecordJson(const security::AuditRecord& r);
// An import's counts (without its errors, which are listed apart).
nlohmann::json ImportSummaryJson(const ingest::ImportSummary& s);
// An export request; its filter and reason are null unless `sees_purpose`
// (export_view.h: SeesExportPurpose).
nlohmann::json ExportRequestJson(const security::ExportRequest& e, bool sees_purpose = true);
nlohmann::json UserJson(const security::User& u);
nlohmann::json HealthJson(const contacts::HealthReport& report);
nlohmann::json MergeJson(const contacts::MergeResult& m);
// An inactive number of the review list; `e164` as stored (callers mask it).
nlohmann::json ReviewItemJson(const compliance::ReviewItem& i);
nlohmann::json AlertJson(const security::Alert& a);
// A break-glass access with its state at `now` (pending, active, expired, ended).
nlohmann::json BreakGlassJson(const security::BreakGlass& b, UnixSeconds now);
nlohmann::json StopImportJson(const compliance::StopListImport& r);
// {"allowed", "reasons":[{"reason","detail"}], "earliest", "utc_offset_assumed"}
nlohmann::json DecisionJson(const compliance::Decision& d);
// A staffing forecast (routing/erlang.h): {"input":{…},"calls_per_hour",
// "traffic_erlangs","answer":ROW,"rows":[ROW…]}, each ROW {"agents","scheduled",
// "service_level","asa_seconds" (null when the queue is not stable),
// "wait_probability","occupancy","stable","meets","misses":["target",
// "occupancy","max_asa"]}; shares as fractions, times in seconds.
nlohmann::json StaffingJson(const routing::Staffing& s);
nlohmann::json StaffingRowJson(const routing::StaffingRow& row);

}  // namespace callbase::api
