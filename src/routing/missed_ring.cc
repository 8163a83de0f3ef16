#include "routing/missed_ring.h"

namespace callbase::routing {

using nlohmann::json;

json MissedRingsJson(const std::vector<MissedRing>& missed) {
    json out = json::array();
    for (const MissedRing& m : missed) {
        out.push_back({{"agent", m.agent}, {"at", m.at}, {"rang_ms", m.rang}, {"cause", m.cause}});
    }
    return out;
}

std::vector<MissedRing> ParseMissedRings(const json& route) {
    std::vector<MissedRing> out;
    if (!route.is_object()) return out;
    auto list = route.find("missed");
    if (list == route.end() || !list->is_array()) return out;
    for (const json& m : *list) {
        if (!m.is_object()) continue;
        MissedRing ring;
        if (auto a = m.find("agent"); a != m.end() && a->is_string()) ring.agent = *a;
        if (ring.agent.empty()) continue;
        if (auto at = m.find("at"); at != m.end() && at->is_number_integer()) ring.at = *at;
        if (auto r = m.find("rang_ms"); r != m.end() && r->is_number_integer()) ring.rang = *r;
        if (auto c = m.find("cause"); c != m.end() && c->is_number_integer()) ring.cause = *c;
        out.push_back(std::move(ring));
    }
    return out;
}

}  // namespace callbase::routing
