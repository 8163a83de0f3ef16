#include "security/export_requests.h"

#include <fmt/format.h>

#include "core/text_limits.h"

namespace callbase::security {
namespace {

constexpr const char* kColumns =
    "id, requested_by, requested_at, filter, encoding, reason, status, decided_by, decided_at, "
    "rows_written, shown_as, format";

ExportRequest FromRow(const store::Row& r) {
    ExportRequest e;
    e.id = r.Int(0);
    e.requested_by = r.Text(1);
    e.requested_at = r.Int(2);
    e.filter = r.Text(3);
    e.encoding = r.Text(4);
    e.reason = r.Text(5);
    e.status = r.Text(6);
    e.decided_by = r.Text(7);
    if (!r.IsNull(8)) e.decided_at = r.Int(8);
    if (!r.IsNull(9)) e.rows_written = r.Int(9);
    // A value this binary does not know shows the least.
    e.view = ParseExportView(r.Text(10)).value_or(ExportView::kPseudonyms);
    e.format = r.Text(11);
    return e;
}

}  // namespace

std::string_view ExportViewId(ExportView view) {
    switch (view) {
        case ExportView::kFull:
            return "full";
        case ExportView::kMasked:
            return "masked";
        case ExportView::kPseudonyms:
            return "pseudonyms";
    }
    return "pseudonyms";
}

std::optional<ExportView> ParseExportView(std::string_view text) {
    for (ExportView v : {ExportView::kFull, ExportView::kMasked, ExportView::kPseudonyms})
        if (ExportViewId(v) == text) return v;
    return std::nullopt;
}

ExportView Stricter(ExportView a, ExportView b) {
    return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

Result<int64_t> ExportRequests::Request(const std::string& actor, const std::string& filter,
                                        const std::string& encoding, const std::string& reason,
                                        ExportView view, const std::string& format) {
    if (reason.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"export.no_reason", "say why the export is needed",
                        "give --reason, e.g. --reason \"list for the courier service\""});
    }
    if (auto ok = CheckLength("reason", reason, kMaxReasonChars); !ok) {
        return std::unexpected(ok.error());
    }
    auto id = store_.QueryValue(
        "INSERT INTO export_requests (requested_by, requested_at, filter, encoding, reason, "
        "shown_as, format) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {actor, clock_.Now(), filter, encoding, reason, std::string(ExportViewId(view)), format});
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<ExportRequest> ExportRequests::Get(int64_t id) {
    auto rows =
        store_.Query(fmt::format("SELECT {} FROM export_requests WHERE id = $1", kColumns), {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(
            ErrorCode::kNotFound,
            Msg{"export.no_request", "no export request #{id}", "see `callbase export list`"},
            {{"id", std::to_string(id)}});
    }
    return FromRow(rows->front());
}

Result<void> ExportRequests::Decide(int64_t id, bool approve, const std::string& actor) {
    auto e = Get(id);
    if (!e) return std::unexpected(e.error());
    if (e->status != "pending") {
        return Fail(ErrorCode::kConflict,
                    Msg{"export.decided", "export request #{id} is {export_state} already"},
                    {{"id", std::to_string(id)}, {"export_state", e->status}});
    }
    if (e->requested_by == actor) {
        return Fail(ErrorCode::kConflict,
                    Msg{"export.own_request", "{name} asked for export #{id} and cannot decide it",
                        "another supervisor or the dpo must approve it"},
                    {{"name", actor}, {"id", std::to_string(id)}});
    }
    auto ok = store_.Exec(
        "UPDATE export_requests SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 "
        "AND status = 'pending'",
        {std::string(approve ? "approved" : "rejected"), actor, clock_.Now(), id});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Result<ExportRequest> ExportRequests::TakeApproved(int64_t id, const std::string& actor) {
    auto e = Get(id);
    if (!e) return std::unexpected(e.error());
    if (e->requested_by != actor) {
        return Fail(ErrorCode::kConflict,
                    Msg{"export.not_yours",
                        "export #{id} was requested by {name}: only they may download it"},
                    {{"id", std::to_string(id)}, {"name", e->requested_by}});
    }
    if (e->status != "approved") {
        if (e->status == "pending") {
            return Fail(ErrorCode::kConflict,
                        Msg{"export.pending", "export #{id} is pending",
                            "wait for a supervisor or the dpo to approve it"},
                        {{"id", std::to_string(id)}});
        }
        return Fail(
            ErrorCode::kConflict,
            Msg{"export.not_approved", "export #{id} is {export_state}", "request a new export"},
            {{"id", std::to_string(id)}, {"export_state", e->status}});
    }
    return *e;
}

Result<void> ExportRequests::MarkDownloaded(int64_t id, int64_t rows) {
    auto ok = store_.Exec(
        "UPDATE export_requests SET status = 'downloaded', rows_written = $1 WHERE id = $2",
        {rows, id});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Result<std::vector<ExportRequest>> ExportRequests::List(bool pending_only) {
    auto rows = store_.Query(
        fmt::format("SELECT {} FROM export_requests WHERE status = 'pending' OR $1 = 0 ORDER BY "
                    "id DESC",
                    kColumns),
        {int64_t{pending_only ? 1 : 0}});
    if (!rows) return std::unexpected(rows.error());
    std::vector<ExportRequest> out;
    for (const auto& r : *rows)
        out.push_back(FromRow(r));
    return out;
}

}  // namespace callbase::security
