#include "campaigns/demo_base.h"

#include <fmt/format.h>

namespace callbase::campaigns {

Result<bool> IsDemoBase(store::Store& store) {
    auto rows = store.Query("SELECT value FROM settings WHERE name = 'demo_base'");
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty() && rows->front().Text(0) == "true";
}

Result<void> MarkDemoBase(store::Store& store, const Clock& clock, const std::string& actor) {
    auto ok = store.Exec(
        "INSERT INTO settings (name, value, updated_at, updated_by) VALUES ('demo_base', 'true', "
        "$1, $2) ON CONFLICT (name) DO UPDATE SET value = 'true', updated_at = $1, "
        "updated_by = $2",
        {clock.Now(), actor});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Error DemoBaseRefusal(std::string_view network) {
    return Error{ErrorCode::kConflict,
                 fmt::format("this is a demo base (callbase init --demo): its numbers are invented "
                             "in real ranges and may belong to real people, so campaigns never "
                             "dial it over a real network ({})",
                             network),
                 "serve it with --telephony sim (the default), or set up a base of your own "
                 "contacts for the trunk"};
}

}  // namespace callbase::campaigns
