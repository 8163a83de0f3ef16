#include "ivr/script.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/file.h"

namespace callbase::ivr {
namespace {

constexpr std::string_view kHint = "see docs/ivr.md for the format and examples";

struct ActionName {
    ActionKind kind;
    std::string_view id;
    bool takes_value;
};
constexpr ActionName kActions[] = {
    {ActionKind::kConnectOperator, "connect_operator", false},
    {ActionKind::kScheduleCallback, "schedule_callback", true},
    {ActionKind::kConfirmVisit, "confirm_visit", false},
    {ActionKind::kCancelVisit, "cancel_visit", false},
    {ActionKind::kOptOut, "opt_out", false},
    {ActionKind::kTag, "tag", true},
    {ActionKind::kSetStatus, "set_status", true},
    {ActionKind::kHangup, "hangup", false},
    {ActionKind::kQueue, "queue", true},
    {ActionKind::kExtension, "extension", true},
};

// What each kind of script may do: a robot's actions act on the contact it
// called; a menu's send the caller on inside the center.
bool MenuAction(ActionKind kind) {
    return kind == ActionKind::kQueue || kind == ActionKind::kExtension ||
           kind == ActionKind::kHangup;
}
bool RobotAction(ActionKind kind) {
    return kind != ActionKind::kQueue && kind != ActionKind::kExtension;
}

// Reads one script; the first problem is kept, with its line.
class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    void Problem(const YAML::Node& at, std::string_view where, std::string_view what) {
        if (error_) return;
        error_ = Error{ErrorCode::kInvalidInput,
                       fmt::format("{}:{}: {}: {}", file_, at.Mark().line + 1, where, what),
                       std::string(kHint)};
    }
    const std::optional<Error>& error() const { return error_; }

    std::string Text(const YAML::Node& map, const char* key, std::string_view where) {
        YAML::Node v = map[key];
        if (!v) return {};
        if (!v.IsScalar()) {
            Problem(v, where, fmt::format("{} must be text", key));
            return {};
        }
        return v.as<std::string>();
    }

    int Int(const YAML::Node& map, const char* key, std::string_view where, int fallback, int min,
            int max) {
        YAML::Node v = map[key];
        if (!v) return fallback;
        int out = fallback;
        if (!v.IsScalar() || !YAML::convert<int>::decode(v, out) || out < min || out > max) {
            Problem(v, where,
                    fmt::format("{} must be a whole number from {} to {}", key, min, max));
            return fallback;
        }
        return out;
    }

    void Known(const YAML::Node& map, std::string_view where,
               std::initializer_list<std::string_view> keys) {
        for (const auto& kv : map) {
            std::string key = kv.first.as<std::string>();
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                std::string list;
                for (auto k : keys)
                    list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
                Problem(kv.first, where,
                        fmt::format("unknown key '{}'; the keys are {}", key, list));
            }
        }
    }

    Action ReadAction(const YAML::Node& item, std::string_view where) {
        Action a;
        a.line = item.Mark().line + 1;
        std::string name, value;
        if (item.IsScalar()) {
            name = item.as<std::string>();
        } else if (item.IsMap() && item.size() == 1) {
            name = item.begin()->first.as<std::string>();
            if (item.begin()->second.IsScalar()) value = item.begin()->second.as<std::string>();
        } else {
            Problem(item, where, "an action is a name (hangup) or a name and a value (tag: VIP)");
            return a;
        }
        for (const auto& known : kActions) {
            if (known.id != name) continue;
            a.kind = known.kind;
            if (known.takes_value && value.empty()) {
                Problem(item, where, fmt::format("{} needs a value, e.g. {}: …", name, name));
            }
            a.value = value;
            return a;
        }
        std::string list;
        for (const auto& k : kActions)
            list += fmt::format("{}{}", list.empty() ? "" : ", ", k.id);
        Problem(item, where, fmt::format("unknown action '{}'; the actions are {}", name, list));
        return a;
    }

private:
    std::string file_;
    std::optional<Error> error_;
};

bool ValidKeys(std::string_view keys) {
    return !keys.empty() && std::all_of(keys.begin(), keys.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#';
    });
}

// Whether the text says it is a robot. Latin letters are lower-cased; the
// Cyrillic word is looked for in the cases people write it.
bool MentionsRobot(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view word : {"робот", "Робот", "РОБОТ", "robot"}) {
        if (lower.find(word) != std::string::npos) return true;
    }
    return false;
}

// A key written twice in one map. yaml-cpp keeps both and a lookup takes the
// first, so `"1": confirmed` then `"1": cancelled` silently meant confirmed.
struct DuplicateKey {
    std::string key;
    int first_line = 0, second_line = 0;
};

std::optional<DuplicateKey> FindDuplicateKey(const YAML::Node& node) {
    if (node.IsSequence()) {
        for (const auto& item : node)
            if (auto d = FindDuplicateKey(item)) return d;
    }
    if (!node.IsMap()) return std::nullopt;
    std::map<std::string, int> seen;
    for (const auto& kv : node) {
        if (kv.first.IsScalar()) {
            const int line = kv.first.Mark().line + 1;
            auto [it, fresh] = seen.emplace(kv.first.Scalar(), line);
            if (!fresh) return DuplicateKey{kv.first.Scalar(), it->second, line};
        }
        if (auto d = FindDuplicateKey(kv.second)) return d;
    }
    return std::nullopt;
}

}  // namespace

std::string_view ActionId(ActionKind kind) {
    for (const auto& a : kActions) {
        if (a.kind == kind) return a.id;
    }
    return "?";
}

bool Node::Ends() const {
    return std::any_of(actions.begin(), actions.end(), [](const Action& a) {
        return a.kind == ActionKind::kHangup || a.kind == ActionKind::kConnectOperator ||
               a.kind == ActionKind::kQueue || a.kind == ActionKind::kExtension;
    });
}

const Node* Script::Find(std::string_view id) const {
    for (const Node& n : nodes) {
        if (n.id == id) return &n;
    }
    return nullptr;
}

namespace {
Result<Script> WalkScript(const YAML::Node& root, const std::string& file);
}  // namespace

Result<Script> ParseScript(std::string_view yaml, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        // Line, column and the parser's reason only: e.what() would add
        // nothing, and no excerpt of a file that is not a script is shown.
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}:{}:{}: not a YAML script: {}", file, e.mark.line + 1,
                                e.mark.column + 1, e.msg),
                    std::string(kHint));
    }
    // The walk reads scalars with as<>(), which throws where the file has a
    // map or a list instead (a key written `? key`, say): that is an error in
    // the file, named by line and column like the parser's own.
    try {
        return WalkScript(root, file);
    } catch (const YAML::Exception& e) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}:{}:{}: not a robot script: {}", file, e.mark.line + 1,
                                e.mark.column + 1, e.msg),
                    std::string(kHint));
    }
}

namespace {

Result<Script> WalkScript(const YAML::Node& root, const std::string& file) {
    Reader r(file);
    Script s;
    s.file = file;
    // A file without nodes is not a script: nothing of it is quoted (the
    // first line of /etc/shadow once came back as an "unknown key").
    if (!root.IsMap() || !root["nodes"]) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}: not a robot script: a script is a map with name, start "
                                "and nodes",
                                file),
                    std::string(kHint));
    }
    if (auto d = FindDuplicateKey(root)) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}:{}: key '{}' is given twice, on line {} and on line {}", file,
                                d->second_line, d->key, d->first_line, d->second_line),
                    "keep one of them: the script would mean one or the other");
    }
    r.Known(root, "script", {"name", "language", "direction", "start", "nodes"});
    s.name = r.Text(root, "name", "script");
    s.language = r.Text(root, "language", "script");
    if (s.language.empty()) s.language = "ru";
    if (s.language != "ru" && s.language != "en") {
        r.Problem(root["language"], "script", "language is ru or en");
    }
    const std::string direction = r.Text(root, "direction", "script");
    if (!direction.empty() && direction != "inbound" && direction != "outbound") {
        r.Problem(root["direction"], "script",
                  "direction is outbound (a robot that calls) or inbound (a menu for callers)");
    }
    s.inbound = direction == "inbound";
    s.start = r.Text(root, "start", "script");
    YAML::Node nodes = root["nodes"];
    if (!nodes || !nodes.IsMap() || nodes.size() == 0) {
        r.Problem(nodes ? nodes : root, "script", "nodes is a map of named nodes");
    } else {
        for (const auto& kv : nodes) {
            Node n;
            n.id = kv.first.as<std::string>();
            n.line = kv.first.Mark().line + 1;
            const YAML::Node& m = kv.second;
            std::string where = fmt::format("node '{}'", n.id);
            if (!m.IsMap()) {
                r.Problem(kv.first, where, "a node is a map (say, ask, actions, next)");
                continue;
            }
            r.Known(m, where,
                    {"say", "audio", "ask", "expect", "digits", "timeout", "retries", "branches",
                     "no_input", "actions", "next", "store", "labels"});
            n.say = r.Text(m, "say", where);
            n.audio = r.Text(m, "audio", where);
            if (YAML::Node ask = m["ask"]) {
                n.ask = true;
                if (!ask.IsScalar()) r.Problem(ask, where, "ask is the question's text");
                n.say = ask.IsScalar() ? ask.as<std::string>() : "";
                if (m["say"]) r.Problem(m["say"], where, "a question has ask, not say");
            }
            std::string expect = r.Text(m, "expect", where);
            if (!expect.empty() && expect != "digits" && expect != "yes_no" &&
                expect != "extension") {
                r.Problem(m["expect"], where, "expect is digits, yes_no or extension");
            }
            n.yes_no = expect == "yes_no";
            n.extension = expect == "extension";
            n.max_digits = r.Int(m, "digits", where, n.extension ? 4 : 1, 1, 20);
            n.timeout_seconds = r.Int(m, "timeout", where, 6, 1, 60);
            n.retries = r.Int(m, "retries", where, 1, 0, 5);
            if (YAML::Node b = m["branches"]) {
                if (!b.IsMap()) {
                    r.Problem(b, where, "branches map keys to nodes: { \"1\": confirm }");
                } else {
                    for (const auto& branch : b) {
                        std::string key = branch.first.as<std::string>();
                        bool ok = n.yes_no ? (key == "yes" || key == "no")
                                           : ValidKeys(key) &&
                                                 static_cast<int>(key.size()) <= n.max_digits;
                        if (!ok) {
                            r.Problem(branch.first, where,
                                      n.yes_no ? "a yes/no question branches on yes and no"
                                               : fmt::format("branch '{}' is not keys a caller "
                                                             "can press (0-9 * #, at most {})",
                                                             key, n.max_digits));
                        }
                        n.branches[key] = branch.second.as<std::string>();
                    }
                }
            }
            n.no_input = r.Text(m, "no_input", where);
            n.next = r.Text(m, "next", where);
            n.store = r.Text(m, "store", where);
            if (YAML::Node labels = m["labels"]) {
                if (!labels.IsMap()) {
                    r.Problem(labels, where, "labels map keys to what they mean: { \"1\": Поиск }");
                } else {
                    for (const auto& label : labels) {
                        std::string key = label.first.as<std::string>();
                        if (!n.branches.contains(key)) {
                            r.Problem(
                                label.first, where,
                                fmt::format("label '{}' names no branch of this question", key));
                        }
                        if (!label.second.IsScalar()) {
                            r.Problem(label.second, where, "a label is text");
                            continue;
                        }
                        n.labels[key] = label.second.as<std::string>();
                    }
                }
            }
            if (!n.ask && (!n.store.empty() || !n.labels.empty())) {
                r.Problem(kv.first, where, "store and labels belong to a question (ask)");
            }
            if (YAML::Node actions = m["actions"]) {
                if (!actions.IsSequence()) {
                    r.Problem(actions, where, "actions is a list: [confirm_visit, hangup]");
                } else {
                    for (const auto& a : actions)
                        n.actions.push_back(r.ReadAction(a, where));
                }
            }
            if (n.ask && (!n.next.empty() || !n.actions.empty())) {
                r.Problem(kv.first, where,
                          "a question leads on by its branches, not next or actions");
            }
            if (!n.ask && (!n.branches.empty() || !n.no_input.empty())) {
                r.Problem(kv.first, where, "branches and no_input belong to a question (ask)");
            }
            if (n.ask && n.branches.empty() && !n.extension) {
                r.Problem(kv.first, where, "a question needs branches");
            }
            if (n.say.empty() && n.audio.empty() && n.actions.empty() && n.next.empty()) {
                r.Problem(kv.first, where, "the node does nothing: give say, ask, actions or next");
            }
            s.nodes.push_back(std::move(n));
        }
    }
    if (s.start.empty() && !s.nodes.empty()) s.start = s.nodes.front().id;
    if (r.error()) return std::unexpected(*r.error());
    return s;
}

}  // namespace

Result<Script> LoadScript(const std::string& path) {
    auto text = ReadWholeFile(path);
    if (!text) {
        return Fail(ErrorCode::kNotFound, fmt::format("{}: cannot open the script", path),
                    "give the path of a .yaml script; examples are in examples/ivr");
    }
    return ParseScript(*text, path);
}

Result<std::string> ScriptInFolder(const std::string& folder, const std::string& name) {
    namespace fs = std::filesystem;
    auto refused = [&] {
        return Fail(ErrorCode::kNotFound,
                    Msg{"robot.no_script",
                        "robot script '{name}' is not a script of the server's scripts folder",
                        "name a .yaml file of the scripts folder (serve --scripts-dir) relative to "
                        "it, e.g. reminder.yaml, or send the script itself as robot_script_text"},
                    {{"name", name}});
    };
    if (folder.empty() || name.empty()) return refused();
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(fs::absolute(folder, ec), ec);
    if (ec) return refused();
    // weakly_canonical follows every symlink of the existing part, so a link
    // that leads out of the folder resolves to where it leads.
    const fs::path file = fs::weakly_canonical(base / name, ec);
    if (ec) return refused();
    const fs::path inside = file.lexically_relative(base);
    if (inside.empty() || inside == "." || *inside.begin() == "..") return refused();
    if (!fs::is_regular_file(file, ec)) return refused();
    return file.string();
}

std::vector<Problem> CheckScript(const Script& s) {
    std::vector<Problem> out;
    auto at = [&](const Node& n) { return fmt::format("{}:{}: node '{}'", s.file, n.line, n.id); };
    auto add = [&](std::string where, std::string message, bool error = true) {
        out.push_back({std::move(where), std::move(message), error});
    };
    const Node* start = s.Find(s.start);
    if (start == nullptr) {
        add(s.file, fmt::format("start '{}' is not a node", s.start));
        return out;
    }
    if (s.inbound) {
        if (start->say.empty() && start->audio.empty()) {
            add(at(*start), "a menu greets the caller first: give the start node a say");
        }
    } else if (!MentionsRobot(start->say)) {
        add(at(*start),
            "the robot must introduce itself as a robot first (say «…с вами говорит "
            "робот…» / «…this is a robot…»)");
    }
    // Every target exists; the nodes after an answer repeat it back.
    for (const Node& n : s.nodes) {
        auto target = [&](const std::string& id, std::string_view what) {
            if (id.empty()) return;
            if (s.Find(id) == nullptr) {
                add(at(n), fmt::format("{} goes to '{}', which is not a node", what, id));
            }
        };
        target(n.next, "next");
        target(n.no_input, "no_input");
        for (const auto& [key, id] : n.branches) {
            target(id, fmt::format("branch '{}'", key));
            const Node* t = s.Find(id);
            if (t != nullptr && t->say.empty() && t->audio.empty()) {
                add(at(*t), fmt::format("after '{}' is pressed at '{}' the robot must repeat back "
                                        "what the person chose: give it a say",
                                        key, n.id));
            }
        }
        if (!n.ask && n.next.empty() && !n.Ends()) {
            add(at(n), s.inbound ? "a dead end: give next, or end with queue, extension or hangup"
                                 : "a dead end: give next, or end with hangup or connect_operator");
        }
        if (!s.inbound && (n.extension || !n.store.empty())) {
            add(at(n),
                "expect: extension and store belong to menus for incoming calls "
                "(direction: inbound)");
        }
        // A caller lost in a menu presses 0 for a person: a menu that does not
        // take it keeps them there.
        if (s.inbound && n.ask && !n.yes_no && !n.branches.contains("0")) {
            add(at(n), "no branch for 0: a caller who wants a person has no way to one",
                /*error=*/false);
        }
        // A robot may hang up on silence; a caller who called in and pressed
        // nothing (a rotary phone, a confused caller) should reach a person.
        if (s.inbound && n.ask && n.no_input.empty()) {
            add(at(n),
                "no no_input: a caller who presses nothing is hung up on after the retries; send "
                "them to an operator's queue",
                /*error=*/false);
        }
        for (const Action& a : n.actions) {
            if (s.inbound && !MenuAction(a.kind)) {
                add(fmt::format("{}:{}: node '{}'", s.file, a.line, n.id),
                    fmt::format("a menu for incoming calls cannot {}: it sends the caller to a "
                                "queue, an extension, or says goodbye and hangs up",
                                ActionId(a.kind)));
            } else if (!s.inbound && !RobotAction(a.kind)) {
                add(fmt::format("{}:{}: node '{}'", s.file, a.line, n.id),
                    fmt::format("{} belongs to menus for incoming calls (direction: inbound); a "
                                "robot that calls hands over with connect_operator",
                                ActionId(a.kind)));
            }
            if (a.kind == ActionKind::kHangup && n.say.empty() && n.audio.empty()) {
                add(at(n), "the robot says goodbye before it hangs up: give this node a say");
            }
        }
    }
    // Reachable from the start, and every reachable node reaches an end.
    std::set<std::string> seen{s.start};
    std::deque<const Node*> queue{start};
    while (!queue.empty()) {
        const Node* n = queue.front();
        queue.pop_front();
        std::vector<std::string> targets{n->next, n->no_input};
        for (const auto& [key, id] : n->branches)
            targets.push_back(id);
        for (const auto& id : targets) {
            const Node* t = id.empty() ? nullptr : s.Find(id);
            if (t != nullptr && seen.insert(id).second) queue.push_back(t);
        }
    }
    for (const Node& n : s.nodes) {
        if (!seen.contains(n.id)) {
            add(at(n), "no path from the start reaches this node", /*error=*/false);
        }
    }
    // Ends: fixed point of "can reach a node that ends" (a question without
    // no_input hangs up on silence, which is an end too).
    std::set<std::string> ending;
    for (bool grew = true; grew;) {
        grew = false;
        for (const Node& n : s.nodes) {
            if (ending.contains(n.id)) continue;
            bool ends = n.Ends() || (n.ask && n.no_input.empty()) ||
                        (!n.next.empty() && ending.contains(n.next)) ||
                        (!n.no_input.empty() && ending.contains(n.no_input));
            for (const auto& [key, id] : n.branches)
                ends = ends || ending.contains(id);
            if (ends) grew = ending.insert(n.id).second || grew;
        }
    }
    for (const Node& n : s.nodes) {
        if (seen.contains(n.id) && !ending.contains(n.id)) {
            add(at(n), s.inbound ? "from here no path reaches an end (queue, extension or hangup): "
                                   "a dead loop or a missing node"
                                 : "from here no path reaches an end (hangup or "
                                   "connect_operator): a dead loop or a missing node");
        }
    }
    return out;
}

std::vector<Problem> CheckRobotScript(const Script& s) {
    std::vector<Problem> out;
    if (s.inbound) {
        out.push_back({s.file,
                       "this is a menu for incoming calls (direction: inbound), not a robot's "
                       "script: route a number to it (routing number set NUMBER ivr:FILE)"});
    }
    for (auto& p : CheckScript(s))
        out.push_back(std::move(p));
    return out;
}

std::vector<Problem> CheckMenuTargets(const Script& s, const std::vector<std::string>& queues,
                                      const std::function<bool(std::string_view)>& extension) {
    std::vector<Problem> out;
    for (const Node& n : s.nodes) {
        for (const Action& a : n.actions) {
            const std::string where = fmt::format("{}:{}: node '{}'", s.file, a.line, n.id);
            if (a.kind == ActionKind::kQueue &&
                std::find(queues.begin(), queues.end(), a.value) == queues.end()) {
                out.push_back({where, fmt::format("queue '{}' is not a queue of the center: add "
                                                  "it with `routing queue set` first",
                                                  a.value)});
            }
            if (a.kind == ActionKind::kExtension && !extension(a.value)) {
                out.push_back({where, fmt::format("extension {} has no route: give it one with "
                                                  "`routing number set {} ROUTE` first",
                                                  a.value, a.value)});
            }
        }
    }
    return out;
}

Walk::Step Walk::Start() {
    tries_ = 0;
    return Run(script_.Find(script_.start), {});
}

Walk::Step Walk::Keys(std::string_view keys) {
    Step step;
    if (at_ == nullptr || !at_->ask) {
        step.ended = true;
        return step;
    }
    std::string key(keys);
    if (at_->yes_no) key = key == "1" ? "yes" : key == "2" ? "no" : key;
    auto keep = [&](const std::string& value) {
        if (!at_->store.empty()) step.answers[at_->store] = value;
    };
    auto branch = at_->branches.find(key);
    if (branch != at_->branches.end()) {
        tries_ = 0;
        step.heard = "key";
        auto label = at_->labels.find(key);
        keep(label != at_->labels.end() ? label->second : key);
        return Run(script_.Find(branch->second), step);
    }
    // An extension the caller dialed: said back, then the call goes there.
    if (at_->extension && !keys.empty() && (!extension_ || extension_(keys))) {
        tries_ = 0;
        step.heard = "key";
        keep(key);
        step.node = at_->id;
        step.said.push_back(script_.language == "en"
                                ? fmt::format("Connecting you to extension {}.", key)
                                : fmt::format("Соединяю с номером {}.", key));
        step.actions.push_back({ActionKind::kExtension, key, at_->line});
        step.ended = true;
        at_ = nullptr;
        return step;
    }
    step.heard = keys.empty() ? "timeout" : "invalid";
    // Silence or a key that means nothing: ask again, then give up.
    if (tries_ < at_->retries) {
        ++tries_;
        step.repeated = true;
        const Node* again = at_;
        if (!keys.empty() && at_->extension) {
            step.said.push_back(script_.language == "en"
                                    ? fmt::format("There is no extension {}.", keys)
                                    : fmt::format("Номера {} нет.", keys));
        } else if (!keys.empty()) {
            step.said.push_back(script_.language == "en" ? "Sorry, I did not get that."
                                                         : "Извините, я не поняла ответ.");
        }
        return Run(again, step);
    }
    tries_ = 0;
    if (!at_->no_input.empty()) return Run(script_.Find(at_->no_input), step);
    step.ended = true;
    step.actions.push_back({ActionKind::kHangup, "", 0});
    at_ = nullptr;
    return step;
}

Walk::Step Walk::Run(const Node* node, Step step) {
    for (int hops = 0; node != nullptr && hops < 1000; ++hops) {
        at_ = node;
        step.node = node->id;
        if (!node->say.empty()) step.said.push_back(node->say);
        if (!node->audio.empty() && node->say.empty()) step.said.push_back("[" + node->audio + "]");
        if (node->ask) {
            step.waiting = true;
            step.max_digits = node->max_digits;
            step.timeout_seconds = node->timeout_seconds;
            return step;
        }
        for (const Action& a : node->actions)
            step.actions.push_back(a);
        if (node->Ends()) {
            step.ended = true;
            at_ = nullptr;
            return step;
        }
        node = script_.Find(node->next);
    }
    step.ended = true;
    at_ = nullptr;
    return step;
}

}  // namespace callbase::ivr
