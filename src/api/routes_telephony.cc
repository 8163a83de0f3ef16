// The telephony's state for the admin page (Telephony) and /healthz: the
// network the server runs campaigns on and each trunk with its registration —
// registered until when, or why it failed and when it tries again
// (docs/telephony.md, "Registration").
#include "api/handlers.h"
#include "api/json.h"
#include "campaigns/runner.h"

namespace callbase::api {

nlohmann::json TrunkStatusJson(const telephony::TrunkStatus& t) {
    auto ms = [](telephony::Millis at) -> nlohmann::json {
        return at > 0 ? nlohmann::json(at) : nlohmann::json(nullptr);
    };
    nlohmann::json j{{"name", t.name},
                     {"host", t.host},
                     {"transport", t.transport},
                     {"registers", !t.registration.empty()}};
    if (!t.did.empty()) j["did"] = t.did;
    j["default"] = t.is_default;
    j["dids"] = t.dids;
    j["max_calls"] = t.max_calls;
    j["calls_per_second"] = t.calls_per_second;
    j["failover"] = t.failover;
    j["up"] = t.up;
    j["down_reason"] =
        t.down_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.down_reason);
    j["down_until_ms"] = ms(t.down_until);
    j["active"] = t.active;
    j["calls"] = t.calls;
    j["failed_over"] = t.failed_over;
    j["incoming"] = t.incoming;
    if (!t.registration.empty()) {
        j["account"] = t.account;
        j["registration"] = t.registration;
        j["problem"] = t.problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.problem);
        j["status"] = t.status;
        j["detail"] = t.detail;
        j["registered_until_ms"] = ms(t.registered_until);
        j["next_attempt_ms"] = ms(t.next_attempt);
        j["granted_seconds"] = t.granted;
        j["registrations"] = t.registrations;
        j["failures"] = t.failures;
    }
    return j;
}

namespace handlers {

Result<Response> TelephonyStatus(Call& c) {
    campaigns::CampaignRunner* runner = c.api.options().campaigns;
    nlohmann::json out{{"network", runner ? runner->network_name() : "none"},
                       {"trunks", nlohmann::json::array()}};
    if (runner != nullptr) {
        for (const auto& t : runner->Trunks())
            out["trunks"].push_back(TrunkStatusJson(t));
    }
    return JsonResponse(200, out);
}

}  // namespace handlers
}  // namespace callbase::api
