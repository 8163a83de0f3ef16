// Menus for incoming calls (docs/routing.md, "Menus"; the file format is
// docs/ivr.md, "Menus for incoming calls"): a menu checked against the
// center's routing book, what each caller did in a menu (a visit, migration
// 023), and the IVR-menu report — where callers hang up, time out, press a
// key the menu does not know, are asked again or press 0, per menu and node,
// so a confusing menu shows before and after it is simplified.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "ivr/script.h"
#include "routing/router.h"
#include "routing/routing_book.h"
#include "store/store.h"

namespace callbase::routing {

// A menu checked as `ivr check` checks a script, and more: it is a menu
// (direction: inbound), and every queue and extension it sends callers to
// exists in the routing book (`router`, `queues`).
std::vector<ivr::Problem> CheckMenu(const ivr::Script& script, const Router& router,
                                    const std::vector<std::string>& queues);

// What a menu is checked against: the book's numbers and extensions as a
// Router, and its queues' names.
struct MenuTargets {
    Router router;
    std::vector<std::string> queues;
};
Result<MenuTargets> MenuTargetsOf(RoutingBook& book);

// Menu `name` of the scripts folder `folder` (serve --scripts-dir), read and
// checked as CheckMenu does: refused with the first error (routing.no_menu
// when it is not a file of the folder, routing.menu_problem naming file,
// line, node and the problem).
Result<ivr::Script> LoadMenu(const std::string& folder, const std::string& name,
                             const Router& router, const std::vector<std::string>& queues);

// One question answered (or not) on the way through a menu.
struct MenuStep {
    std::string node;
    std::string keys;   // as pressed; "" for none
    std::string heard;  // key, timeout, invalid (ivr::Walk::Step::heard)
    bool repeated = false;
};

// One caller's way through a menu.
struct MenuVisit {
    int64_t at = 0, ended = 0;  // Unix ms
    std::string menu;           // the script's file in the scripts folder
    std::string did;            // the number dialed
    std::vector<MenuStep> steps;
    std::map<std::string, std::string> answers;  // Node::store -> label or keys
    std::string node;                            // where the caller was at the end
    // queue:NAME, extension:101, hangup (the menu said goodbye),
    // caller_hung_up, failed (the script could not be read)
    std::string outcome;
};
Result<void> RecordMenuVisit(store::Store& store, const MenuVisit& visit);
Result<std::vector<MenuVisit>> LoadMenuVisits(store::Store& store, int64_t from, int64_t to);

struct MenuNodeFigures {
    int64_t callers = 0;                     // visits that reached the question
    int64_t asked = 0;                       // times it was asked, repeats included
    int64_t timeouts = 0;                    // no key pressed in time
    int64_t invalid = 0;                     // a key the question has no branch for
    int64_t repeated = 0;                    // asked again after a timeout or a wrong key
    int64_t zero = 0;                        // pressed 0 (a person, please)
    int64_t hung_up = 0;                     // the caller hung up here
    std::map<std::string, int64_t> pressed;  // keys -> times
};
struct MenuFigures {
    std::string menu;
    int64_t visits = 0;
    double mean_seconds = 0;                  // time spent in the menu
    std::map<std::string, int64_t> outcomes;  // how visits ended
    std::map<std::string, MenuNodeFigures> nodes;
    std::map<std::string, std::map<std::string, int64_t>> answers;  // store -> value -> calls
};
// The visits that began in [from, to), per menu.
std::vector<MenuFigures> MakeMenuReport(const std::vector<MenuVisit>& visits, int64_t from,
                                        int64_t to);
nlohmann::json MenuReportJson(const std::vector<MenuFigures>& report);

}  // namespace callbase::routing
