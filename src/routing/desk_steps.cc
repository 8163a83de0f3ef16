#include "routing/desk_steps.h"

namespace callbase::routing {

using nlohmann::json;

int64_t DeskSteps::HoldMs() const {
    int64_t ms = 0;
    for (const HoldSpell& h : holds)
        ms += h.ms;
    return ms;
}

void AddDeskSteps(json& route, const DeskSteps& steps) {
    if (!steps.holds.empty()) {
        json holds = json::array();
        for (const HoldSpell& h : steps.holds)
            holds.push_back({{"agent", h.agent}, {"at", h.at}, {"ms", h.ms}});
        route["holds"] = std::move(holds);
    }
    if (!steps.transfers.empty()) {
        json transfers = json::array();
        for (const Transfer& t : steps.transfers) {
            transfers.push_back({{"from", t.from},
                                 {"to", t.to},
                                 {"mode", t.mode},
                                 {"at", t.at},
                                 {"talked_ms", t.talked_ms}});
        }
        route["transfers"] = std::move(transfers);
    }
    if (!steps.conferences.empty()) {
        json conferences = json::array();
        for (const Conference& c : steps.conferences)
            conferences.push_back(
                {{"agent", c.agent}, {"with", c.with}, {"at", c.at}, {"ms", c.ms}});
        route["conferences"] = std::move(conferences);
    }
}

namespace {

std::string TextOf(const json& o, const char* key) {
    auto v = o.find(key);
    return v != o.end() && v->is_string() ? v->get<std::string>() : std::string();
}

int64_t IntOf(const json& o, const char* key) {
    auto v = o.find(key);
    return v != o.end() && v->is_number_integer() ? v->get<int64_t>() : 0;
}

}  // namespace

DeskSteps ParseDeskSteps(const json& route) {
    DeskSteps out;
    if (!route.is_object()) return out;
    if (auto list = route.find("holds"); list != route.end() && list->is_array()) {
        for (const json& h : *list) {
            if (!h.is_object() || TextOf(h, "agent").empty()) continue;
            out.holds.push_back(
                HoldSpell{.agent = TextOf(h, "agent"), .at = IntOf(h, "at"), .ms = IntOf(h, "ms")});
        }
    }
    if (auto list = route.find("transfers"); list != route.end() && list->is_array()) {
        for (const json& t : *list) {
            if (!t.is_object() || TextOf(t, "from").empty()) continue;
            Transfer transfer{.from = TextOf(t, "from"),
                              .to = TextOf(t, "to"),
                              .at = IntOf(t, "at"),
                              .talked_ms = IntOf(t, "talked_ms")};
            if (std::string mode = TextOf(t, "mode"); !mode.empty()) transfer.mode = mode;
            out.transfers.push_back(std::move(transfer));
        }
    }
    if (auto list = route.find("conferences"); list != route.end() && list->is_array()) {
        for (const json& c : *list) {
            if (!c.is_object() || TextOf(c, "agent").empty()) continue;
            out.conferences.push_back(Conference{.agent = TextOf(c, "agent"),
                                                 .with = TextOf(c, "with"),
                                                 .at = IntOf(c, "at"),
                                                 .ms = IntOf(c, "ms")});
        }
    }
    return out;
}

}  // namespace callbase::routing
