// Exports of personal data need a second person's approval (R-SEC-2): one user
// requests an export (the filter, the encoding and why), a supervisor or the
// dpo approves or rejects it — never the one who asked — and only then may the
// requester download the file, once.
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::security {

// What an export shows of the people in it: the requester's view of the card
// (api/redact.h), fixed when the export is requested, shown to the approver
// and applied when the file is written. kFull: as stored; kMasked: numbers as
// +7 (912) ***-**-89; kPseudonyms: numbers and names as pseudonyms, no
// e-mail or comment.
enum class ExportView { kFull, kMasked, kPseudonyms };
std::string_view ExportViewId(ExportView view);  // "full", "masked", "pseudonyms"
std::optional<ExportView> ParseExportView(std::string_view text);
// The one of the two that shows less.
ExportView Stricter(ExportView a, ExportView b);

struct ExportRequest {
    int64_t id = 0;
    std::string requested_by;
    UnixSeconds requested_at = 0;
    std::string filter;  // the filter expressions, space-separated, as given
    std::string encoding, reason, status;
    std::string format = "csv";  // the file written: csv or xlsx
    std::string decided_by;
    std::optional<UnixSeconds> decided_at;
    std::optional<int64_t> rows_written;
    ExportView view = ExportView::kFull;
};

class ExportRequests {
public:
    ExportRequests(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    Result<int64_t> Request(const std::string& actor, const std::string& filter,
                            const std::string& encoding, const std::string& reason, ExportView view,
                            const std::string& format = "csv");
    // approve or reject; the requester cannot decide its own request.
    Result<void> Decide(int64_t id, bool approve, const std::string& actor);
    // The approved request, for its requester to download once.
    Result<ExportRequest> TakeApproved(int64_t id, const std::string& actor);
    Result<void> MarkDownloaded(int64_t id, int64_t rows);
    Result<std::vector<ExportRequest>> List(bool pending_only);
    Result<ExportRequest> Get(int64_t id);

private:
    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::security
