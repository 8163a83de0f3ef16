#include "api/export_view.h"

#include <fmt/format.h>

#include <sstream>
#include <string_view>

#include "contacts/filter.h"

namespace callbase::api {

using nlohmann::json;
using security::ExportView;

ExportView ExportViewOf(const Viewer& viewer) {
    if (SeesNumbers(viewer)) return ExportView::kFull;
    return security::Allowed(*viewer.role, security::Permission::kSeeNames)
               ? ExportView::kMasked
               : ExportView::kPseudonyms;
}

Result<void> ApplyExportView(ExportView view, const Viewer& viewer,
                             ingest::ExportOptions* options) {
    switch (view) {
        case ExportView::kFull:
            return {};
        case ExportView::kMasked:
            // No exception for numbers the requester called lately (the card
            // has one): a file outlives the day.
            options->number = [](const std::string& e164) -> Result<std::string> {
                return security::MaskPhone(e164);
            };
            return {};
        case ExportView::kPseudonyms: {
            if (!viewer.pseudonym_key) return Fail(ErrorCode::kInternal, "no pseudonym key");
            auto key = viewer.pseudonym_key();
            if (!key) return std::unexpected(key.error());
            options->number = [key = *key](const std::string& e164) -> Result<std::string> {
                return security::Pseudonym(e164, key);
            };
            // As RedactName shows a name to the analyst.
            Viewer analyst{security::Role::kAnalyst, 0, 0,
                           [key = *key]() -> Result<std::string> { return key; }};
            options->name = [analyst](const std::string& name) {
                auto shown = RedactName(analyst, name);
                return shown ? *shown : std::string();
            };
            options->free_text = false;
            return {};
        }
    }
    return {};
}

std::vector<std::string> ExportFilterTerms(const security::ExportRequest& request) {
    std::vector<std::string> out;
    std::istringstream lines(request.filter);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

Result<json> ExportPreview(store::Store& db, const security::ExportRequest& request,
                           const phone::Cleaner& cleaner, UnixSeconds now) {
    auto filter = contacts::ParseFilter(ExportFilterTerms(request), cleaner);
    if (!filter) return std::unexpected(filter.error());
    auto where = contacts::ToSql(*filter, now, 1, db.cipher());
    if (!where) return std::unexpected(where.error());
    auto count = db.QueryValue(fmt::format("SELECT COUNT(*) FROM contacts c WHERE {}", where->sql),
                               where->params);
    if (!count) return std::unexpected(count.error());
    auto fields = db.Query("SELECT name FROM field_defs ORDER BY id");
    if (!fields) return std::unexpected(fields.error());
    const ExportView view = request.view;
    json columns = json::array();
    // "masking" is the code a tool shows in its own language; "shown" says the same in English.
    struct Shown {
        std::string_view masking, text;
    };
    auto shown = [&](const std::string& column) -> Shown {
        if (view == ExportView::kFull) return {"full", "as stored"};
        if (column == "Телефон") {
            return view == ExportView::kMasked
                       ? Shown{"masked", "masked: +7 (912) ***-**-89"}
                       : Shown{"pseudonym", "pseudonym: P- and 12 hex digits"};
        }
        if (view == ExportView::kPseudonyms) {
            if (column == "ФИО") return {"pseudonym", "pseudonym: P- and 12 hex digits"};
            if (column == "E-mail" || column == "Комментарий") return {"empty", "left empty"};
        }
        return {"full", "as stored"};
    };
    auto add = [&](const std::string& column, Shown how) {
        columns.push_back({{"name", column}, {"masking", how.masking}, {"shown", how.text}});
    };
    for (const auto& column : ingest::ExportFixedColumns())
        add(column, shown(column));
    for (const auto& f : *fields)
        add(f.Text(0), {"full", "as stored"});
    return json{{"view", security::ExportViewId(view)},
                {"columns", columns},
                {"matching_rows", store::Row({*count}).Int(0)}};
}

bool SeesExportPurpose(const Viewer& viewer, const std::string& user,
                       const security::ExportRequest& request) {
    return !viewer.role || request.requested_by == user ||
           security::Allowed(*viewer.role, security::Permission::kApproveExport) ||
           *viewer.role == security::Role::kDpo;
}

}  // namespace callbase::api
