// Robot scripts (R-OUT-6): what a robot says, what it asks, where each answer
// leads, and what it does — connect to an operator, schedule a callback,
// confirm or cancel a visit, record an opt-out, tag, set a status, hang up.
// docs/ivr.md describes the file format (YAML) with seed 003's examples.
//
// The same format describes the menus of incoming calls (`direction:
// inbound`, docs/ivr.md "Menus for incoming calls"): «Отдел продаж — нажмите
// 1», an extension dialed by the caller, «Как вы о нас узнали?» with the
// answer kept on the call; branches end in a queue, an extension or a
// goodbye.
//
// ParseScript reads the shape (every error names the file, the line and the
// node); CheckScript finds what makes a script wrong for people even when it
// parses: a target that does not exist, a node that never reaches an end,
// a robot that does not introduce itself as a robot, an answer that is not
// repeated back, a hang-up without a goodbye. Walk runs a script one step at
// a time, without a network: `callbase ivr try` and, later, the SIP robot.
//
// Plain values; a Script is immutable once parsed and safe to share.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase::ivr {

enum class ActionKind {
    kConnectOperator,
    kScheduleCallback,  // value: the delay ("2h", "1d")
    kConfirmVisit,
    kCancelVisit,
    kOptOut,     // the number goes on the stop-list
    kTag,        // value: the tag
    kSetStatus,  // value: the status
    kHangup,
    // Menus of incoming calls only:
    kQueue,      // value: the queue the caller goes to
    kExtension,  // value: the extension ("101"); a dialed one carries the keys
};
std::string_view ActionId(ActionKind kind);  // "connect_operator", ...

struct Action {
    ActionKind kind = ActionKind::kHangup;
    std::string value;
    int line = 0;
};

struct Node {
    std::string id;
    int line = 0;
    std::string say;    // text for speech synthesis
    std::string audio;  // or a recorded file
    // A question: after saying, wait for keys.
    bool ask = false;
    bool yes_no = false;  // branches "yes" and "no": 1 is yes, 2 is no
    // Incoming menus: the keys are an extension (101) the caller dials;
    // branches may still catch single keys ("0").
    bool extension = false;
    // Incoming menus: the answer is kept on the call under this name, as the
    // branch's label when it has one («Поиск»), else as the keys pressed.
    std::string store;
    std::map<std::string, std::string> labels;  // keys -> what they mean
    int max_digits = 1;
    int timeout_seconds = 6;
    int retries = 1;                              // asked again this many times on silence
    std::map<std::string, std::string> branches;  // keys (or yes/no) -> node
    std::string no_input;                         // after the retries; empty: hang up
    std::vector<Action> actions;                  // done after saying
    std::string next;                             // then here (not for a question)

    bool Ends() const;  // hangs up, connects to an operator, goes to a queue or an extension
};

struct Script {
    std::string file;
    std::string name;
    std::string language = "ru";
    std::string start;
    bool inbound = false;  // `direction: inbound`: a menu for incoming calls
    std::vector<Node> nodes;

    const Node* Find(std::string_view id) const;
};

Result<Script> ParseScript(std::string_view yaml, const std::string& file);
Result<Script> LoadScript(const std::string& path);

// The path of script `name` in `folder` (the server's scripts folder, `serve
// --scripts-dir`): `name` is taken relative to the folder, and the resolved
// path (symlinks followed) must be a regular file inside it. A file that does
// not exist and one outside the folder get the same answer, so the answer
// tells nothing about other files of the server; nothing is read.
Result<std::string> ScriptInFolder(const std::string& folder, const std::string& name);

struct Problem {
    std::string where;  // "webinar.yaml:12: node 'ask'"
    std::string message;
    bool error = true;  // false: a warning (an unreachable node)
};
std::vector<Problem> CheckScript(const Script& script);
// A robot campaign's script: CheckScript's problems, and a menu for incoming
// calls (direction: inbound) is not one.
std::vector<Problem> CheckRobotScript(const Script& script);

// An incoming menu against the center's routing book: every queue it sends
// callers to exists, every extension it names has a route.
std::vector<Problem> CheckMenuTargets(const Script& script, const std::vector<std::string>& queues,
                                      const std::function<bool(std::string_view)>& extension);

// One call through a script. Start() and each Keys() return what the robot
// says and does next, until it ends.
class Walk {
public:
    explicit Walk(const Script& script) : script_(script) {}
    // An incoming menu: whether keys dialed at an extension question name an
    // extension of the center (a wrong one is asked again, like a wrong key).
    Walk(const Script& script, std::function<bool(std::string_view)> extension)
        : script_(script), extension_(std::move(extension)) {}

    struct Step {
        std::vector<std::string> said;  // in order
        std::vector<Action> actions;    // in order
        bool waiting = false;           // a question waits for keys
        int max_digits = 1;
        int timeout_seconds = 0;
        bool ended = false;
        std::string node;  // where the walk stands
        // Keys(): what the keys were to the question — "key" (a branch or
        // an extension), "timeout" (none pressed), "invalid" (no branch) —
        // and whether it is asked again.
        std::string heard;
        bool repeated = false;
        // Answers kept at this step (Node::store -> the label or keys).
        std::map<std::string, std::string> answers;
    };
    Step Start();
    // The keys pressed ("" when the time ran out).
    Step Keys(std::string_view keys);

private:
    Step Run(const Node* node, Step step);
    const Script& script_;
    std::function<bool(std::string_view)> extension_;
    const Node* at_ = nullptr;
    int tries_ = 0;
};

}  // namespace callbase::ivr
