#include "api/json.h"

#include <fmt/format.h>

#include <cmath>

namespace callbase::api {

using nlohmann::json;
namespace cp = compliance;

void AppendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u < 0x20) {
            out += fmt::format("\\u{:04x}", u);
        } else {
            out += ch;
        }
    }
    out += '"';
}

json OptionalTime(std::optional<UnixSeconds> t) {
    return t ? json(*t) : json(nullptr);
}

json BreakGlassJson(const security::BreakGlass& b, UnixSeconds now) {
    return json{{"id", b.id},
                {"user", b.user},
                {"reason", b.reason},
                {"seconds", b.seconds},
                {"requested_at", b.requested_at},
                {"approved_by", b.approved_by},
                {"approved_at", OptionalTime(b.approved_at)},
                {"ends_at", OptionalTime(b.ends_at)},
                {"ended_at", OptionalTime(b.ended_at)},
                {"ended_by", b.ended_by},
                {"state", b.State(now)}};
}

json ContactJson(const contacts::Contact& c) {
    return json{{"id", c.id},
                {"name", c.name},
                {"region", c.region},
                {"source", c.source},
                {"owner_group", c.owner_group},
                {"email", c.email},
                {"comment", c.comment},
                {"status", c.status},
                {"created_at", c.created_at},
                {"updated_at", c.updated_at},
                {"callback_at", OptionalTime(c.callback_at)},
                {"last_interaction_at", OptionalTime(c.last_interaction_at)},
                {"import_id", c.import_id ? json(*c.import_id) : json(nullptr)},
                {"merged_into", c.merged_into ? json(*c.merged_into) : json(nullptr)}};
}

json CardJson(const contacts::Card& card) {
    json j = ContactJson(card.contact);
    j["phones"] = json::array();
    for (const auto& p : card.phones) {
        j["phones"].push_back({{"id", p.id},
                               {"e164", p.e164},
                               {"extension", p.extension},
                               {"label", p.label},
                               {"raw", p.raw},
                               {"type", p.type},
                               {"region", p.region},
                               {"operator", p.operator_name},
                               {"timezone", p.timezone},
                               {"qc", p.qc},
                               {"valid", p.valid},
                               {"inactive", p.inactive}});
    }
    j["tags"] = json::array();
    for (const auto& t : card.tags) {
        j["tags"].push_back({{"category", t.category},
                             {"name", t.name},
                             {"retired", t.retired},
                             {"added_at", t.added_at},
                             {"added_by", t.added_by}});
    }
    j["fields"] = json::object();
    for (const auto& f : card.fields)
        j["fields"][f.name] = f.value;
    j["history"] = json::array();
    for (const auto& e : card.history) {
        json entry{{"at", e.at},
                   {"actor", e.actor},
                   {"action", e.action},
                   {"field", e.field},
                   {"before", e.before ? json(*e.before) : json(nullptr)},
                   {"after", e.after ? json(*e.after) : json(nullptr)},
                   {"detail", e.detail}};
        if (!e.detail_key.empty()) {
            entry["detail_code"] = e.detail_key;
            json params = json::object();
            for (const auto& [name, value] : e.detail_params)
                params[name] = value;
            entry["detail_params"] = std::move(params);
        }
        j["history"].push_back(std::move(entry));
    }
    return j;
}

json StopJson(const cp::StopListEntry& e) {
    return json{{"id", e.id},
                {"e164", e.e164},
                {"category", cp::StopCategoryId(e.category)},
                {"until", OptionalTime(e.until)},
                {"channel", e.channel},
                {"note", e.note},
                {"added_at", e.added_at},
                {"added_by", e.added_by},
                {"removed_at", OptionalTime(e.removed_at)},
                {"removed_by", e.removed_by},
                {"removal_reason", e.removal_reason}};
}

json ConsentJson(const cp::Consent& c) {
    return json{{"id", c.id},
                {"e164", c.e164},
                {"purpose", c.purpose},
                {"channel", c.channel},
                {"obtained_at", c.obtained_at},
                {"text_version", c.text_version ? json(*c.text_version) : json(nullptr)},
                {"form_id", c.form_id},
                {"ip", c.ip},
                {"user_agent", c.user_agent},
                {"sms_sent_at", OptionalTime(c.sms_sent_at)},
                {"sms_confirmed_at", OptionalTime(c.sms_confirmed_at)},
                {"recorded_at", c.recorded_at},
                {"recorded_by", c.recorded_by},
                {"revoked_at", OptionalTime(c.revoked_at)},
                {"revoked_how", c.revoked_how},
                {"revoked_by", c.revoked_by}};
}

json DeletionJson(const cp::DeletionRequest& d) {
    json steps = json::array();
    for (const auto& s : d.steps)
        steps.push_back({{"at", s.at}, {"step", s.step}, {"detail", s.detail}});
    return json{{"id", d.id},
                {"e164", d.e164},
                {"channel", d.channel},
                {"note", d.note},
                {"received_at", d.received_at},
                {"received_by", d.received_by},
                {"status", d.status},
                {"processed_at", OptionalTime(d.processed_at)},
                {"archives_due_at", d.archives_due_at},
                {"archives_done_at", OptionalTime(d.archives_done_at)},
                {"steps", steps}};
}

json AuditRecordJson(const security::AuditRecord& r) {
    return json{{"id", r.id},         {"at", r.at},         {"actor", r.actor},
                {"action", r.action}, {"object", r.object}, {"records", r.records},
                {"source", r.source}, {"detail", r.detail}, {"prev_hash", r.prev_hash},
                {"hash", r.hash}};
}

json ImportSummaryJson(const ingest::ImportSummary& s) {
    return json{{"import_id", s.import_id},
                {"already_imported_as", s.already_imported_as},
                {"encoding", s.encoding},
                {"delimiter", s.delimiter},
                {"sheet", s.sheet},
                {"read", s.read},
                {"inserted", s.inserted},
                {"merged", s.merged},
                {"unchanged", s.unchanged},
                {"rejected", s.rejected},
                {"consents", s.consents},
                {"errors", s.errors.size()},
                {"custom_fields", s.custom_fields},
                {"seconds", s.seconds}};
}

json ExportRequestJson(const security::ExportRequest& e, bool sees_purpose) {
    return json{{"id", e.id},
                {"requested_by", e.requested_by},
                {"requested_at", e.requested_at},
                {"filter", sees_purpose ? json(e.filter) : json(nullptr)},
                {"encoding", e.encoding},
                {"format", e.format},
                {"reason", sees_purpose ? json(e.reason) : json(nullptr)},
                {"view", security::ExportViewId(e.view)},
                {"status", e.status},
                {"decided_by", e.decided_by},
                {"decided_at", OptionalTime(e.decided_at)},
                {"rows", e.rows_written ? json(*e.rows_written) : json(nullptr)}};
}

json UserJson(const security::User& u) {
    return json{{"id", u.id},
                {"name", u.name},
                {"role", security::RoleId(u.role)},
                {"totp_enabled", u.totp_enabled},
                {"failed_logins", u.failed_logins},
                {"locked_until", OptionalTime(u.locked_until)},
                {"disabled_at", OptionalTime(u.disabled_at)},
                {"created_at", u.created_at}};
}

json HealthJson(const contacts::HealthReport& report) {
    json metrics = json::array();
    for (const auto& m : report.metrics) {
        const bool na = m.verdict == contacts::HealthVerdict::kNotApplicable;
        metrics.push_back(
            {{"id", m.id},
             {"name_en", m.name_en},
             {"name_ru", m.name_ru},
             {"percent", na ? json(nullptr) : json(std::round(m.percent * 100) / 100)},
             {"count", m.count},
             {"total", m.total},
             {"target", m.target},
             {"target_percent", m.target_percent},
             {"lower_is_better", m.lower_is_better},
             {"verdict", contacts::VerdictName(m.verdict)},
             {"note", m.note},
             {"note_code", m.note_code},
             {"action_en", m.action_en},
             {"action_ru", m.action_ru}});
    }
    return json{{"at", report.at},
                {"contacts", report.contacts},
                {"merged_contacts", report.merged_contacts},
                {"phones", report.phones},
                {"metrics", metrics}};
}

json DecisionJson(const cp::Decision& d) {
    json reasons = json::array();
    for (const auto& r : d.reasons)
        reasons.push_back({{"reason", cp::DenyReasonId(r.reason)}, {"detail", r.detail}});
    return json{{"allowed", d.allowed},
                {"reasons", reasons},
                {"earliest", OptionalTime(d.earliest)},
                {"utc_offset_assumed", d.offset_assumed}};
}

json MergeJson(const contacts::MergeResult& m) {
    return json{{"merge_id", m.merge_id},
                {"kept_id", m.kept_id},
                {"merged_ids", m.merged_ids},
                {"conflicts", m.conflicts}};
}

json ReviewItemJson(const compliance::ReviewItem& i) {
    return json{{"e164", i.e164},
                {"since", i.since},
                {"reason", i.reason},
                {"reviewed_at", OptionalTime(i.reviewed_at)},
                {"reviewed_by", i.reviewed_by},
                {"decision", i.decision}};
}

json AlertJson(const security::Alert& a) {
    return json{{"rule", a.rule},
                {"actor", a.actor},
                {"at", a.at},
                {"detail", a.detail},
                {"record_ids", a.record_ids}};
}

json StopImportJson(const compliance::StopListImport& r) {
    return json{{"read", r.read},
                {"added", r.added},
                {"already", r.already},
                {"rejected", r.rejected},
                {"errors", r.errors}};
}

json StaffingRowJson(const routing::StaffingRow& row) {
    json misses = json::array();
    if (row.misses_target) misses.push_back("target");
    if (row.misses_occupancy) misses.push_back("occupancy");
    if (row.misses_asa) misses.push_back("max_asa");
    return json{{"agents", row.agents},
                {"scheduled", row.scheduled},
                {"service_level", row.service_level},
                {"asa_seconds", std::isfinite(row.asa_seconds) ? json(row.asa_seconds) : json()},
                {"wait_probability", row.wait_probability},
                {"occupancy", row.occupancy},
                {"stable", row.stable},
                {"meets", row.meets()},
                {"misses", misses}};
}

json StaffingJson(const routing::Staffing& s) {
    auto optional = [](const std::optional<double>& v) { return v ? json(*v) : json(); };
    json rows = json::array();
    for (const auto& row : s.rows)
        rows.push_back(StaffingRowJson(row));
    return json{{"input",
                 {{"calls", s.input.calls},
                  {"interval_minutes", s.input.interval_minutes},
                  {"aht_seconds", s.input.aht_seconds},
                  {"target", s.input.target},
                  {"threshold_seconds", s.input.threshold_seconds},
                  {"max_occupancy", optional(s.input.max_occupancy)},
                  {"max_asa_seconds", optional(s.input.max_asa_seconds)},
                  {"shrinkage", s.input.shrinkage}}},
                {"calls_per_hour", s.calls_per_hour},
                {"traffic_erlangs", s.traffic_erlangs},
                {"answer", StaffingRowJson(s.answer)},
                {"rows", rows}};
}

}  // namespace callbase::api
