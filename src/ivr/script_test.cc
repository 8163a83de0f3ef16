// Robot scripts: the shipped examples check clean and walk as a caller
// expects; each mistake a person can make is caught and points at its node.
#include "ivr/script.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace callbase::ivr {
namespace {

std::string Example(const char* name) {
    return std::string(CALLBASE_SOURCE_DIR) + "/examples/ivr/" + name;
}

int Errors(const std::vector<Problem>& problems) {
    int n = 0;
    for (const auto& p : problems)
        n += p.error ? 1 : 0;
    return n;
}

std::string Described(const std::vector<Problem>& problems) {
    std::string out;
    for (const auto& p : problems)
        out += p.where + ": " + p.message + "\n";
    return out;
}

TEST(IvrScript, TheShippedExamplesCheckClean) {
    for (const char* name : {"webinar-reminder.yaml", "visit-confirmation.yaml",
                             "short-survey.yaml", "operator-offer.yaml"}) {
        auto script = LoadScript(Example(name));
        ASSERT_TRUE(script) << script.error().message;
        auto problems = CheckScript(*script);
        EXPECT_TRUE(problems.empty()) << name << "\n" << Described(problems);
    }
}

TEST(IvrScript, AVisitIsConfirmedByOneAndTheChoiceIsRepeatedBack) {
    auto script = LoadScript(Example("visit-confirmation.yaml"));
    ASSERT_TRUE(script);
    Walk walk(*script);
    auto step = walk.Start();
    ASSERT_EQ(step.said.size(), 2u);
    EXPECT_NE(step.said[0].find("робот"), std::string::npos);
    EXPECT_TRUE(step.waiting);
    EXPECT_EQ(step.timeout_seconds, 7);
    step = walk.Keys("1");
    EXPECT_TRUE(step.ended);
    ASSERT_EQ(step.said.size(), 1u);
    EXPECT_NE(step.said[0].find("подтвердили"), std::string::npos);
    ASSERT_EQ(step.actions.size(), 2u);
    EXPECT_EQ(step.actions[0].kind, ActionKind::kConfirmVisit);
    EXPECT_EQ(step.actions[1].kind, ActionKind::kHangup);
}

TEST(IvrScript, SilenceIsAskedAgainThenTakesTheNoInputWay) {
    auto script = LoadScript(Example("visit-confirmation.yaml"));
    ASSERT_TRUE(script);
    Walk walk(*script);
    walk.Start();
    auto again = walk.Keys("");  // retries: 2
    EXPECT_TRUE(again.waiting);
    again = walk.Keys("7");  // a key with no branch counts as a try too
    EXPECT_TRUE(again.waiting);
    EXPECT_EQ(again.said.front().find("Извините"), 0u) << again.said.front();
    auto later = walk.Keys("");
    EXPECT_TRUE(later.ended);
    ASSERT_EQ(later.actions.size(), 2u);
    EXPECT_EQ(later.actions[0].kind, ActionKind::kScheduleCallback);
    EXPECT_EQ(later.actions[0].value, "3h");
}

TEST(IvrScript, YesNoQuestionsTakeOneForYesAndTwoForNo) {
    auto script = LoadScript(Example("operator-offer.yaml"));
    ASSERT_TRUE(script);
    Walk yes(*script);
    yes.Start();
    auto connect = yes.Keys("1");
    EXPECT_TRUE(connect.ended);
    EXPECT_EQ(connect.actions.back().kind, ActionKind::kConnectOperator);
    Walk no(*script);
    no.Start();
    auto evening = no.Keys("2");
    EXPECT_TRUE(evening.waiting) << "a second question";
    EXPECT_EQ(evening.node, "evening");
}

TEST(IvrScript, AnOptOutIsAnAction) {
    auto script = LoadScript(Example("short-survey.yaml"));
    ASSERT_TRUE(script);
    Walk walk(*script);
    walk.Start();
    auto step = walk.Keys("9");
    EXPECT_EQ(step.actions.front().kind, ActionKind::kOptOut);
}

Result<Script> Parse(const std::string& yaml) {
    return ParseScript(yaml, "t.yaml");
}

// Found by fuzz/fuzz_ivr_script (input in fuzz/corpus/fuzz_ivr_script/complex-key.yaml):
// a key written as YAML's complex key (`? no_input`) is a map where a name
// is read, and the conversion threw out of ParseScript.
TEST(IvrScript, AKeyThatIsNotTextIsAnErrorNotACrash) {
    auto s = Parse(
        "name: x\nstart: hello\nnodes:\n  hello:\n    say: hi\n  ? [no_input]\n  : goodbye\n");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("t.yaml:6:"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("not a robot script"), std::string::npos) << s.error().message;
}

TEST(IvrScript, ShapeErrorsNameTheFileTheLineAndTheNode) {
    struct Case {
        const char* yaml;
        const char* says;
    };
    for (const Case& c : std::initializer_list<Case>{
             {"nodes:\n  a:\n    say: hi\n    nxt: b\n", "t.yaml:4: node 'a': unknown key 'nxt'"},
             {"nodes:\n  a:\n    say: x\n    actions: [dance]\n", "unknown action 'dance'"},
             {"nodes:\n  a:\n    say: x\n    actions: [tag]\n", "tag needs a value"},
             {"nodes:\n  a:\n    ask: x\n    branches: {\"12\": a}\n", "branch '12'"},
             {"nodes:\n  a:\n    ask: x\n    expect: yes_no\n    branches: {\"1\": a}\n",
              "branches on yes and no"},
             {"nodes:\n  a:\n    ask: x\n", "a question needs branches"},
             {"nodes:\n  a:\n    ask: x\n    timeout: 600\n    branches: {\"1\": a}\n",
              "timeout must be a whole number from 1 to 60"},
             {"nodes:\n  a: {}\n", "the node does nothing"},
             {"nodes: [1, 2]\n", "nodes is a map"},
             {"name: [unclosed\n", "t.yaml:"},
         }) {
        auto r = Parse(c.yaml);
        ASSERT_FALSE(r) << c.yaml;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(r.error().message.find(c.says), std::string::npos)
            << c.yaml << " -> " << r.error().message;
    }
}

TEST(IvrScript, TheCheckFindsWhatIsWrongForPeople) {
    struct Case {
        const char* yaml;
        const char* says;
    };
    for (const Case& c : std::initializer_list<Case>{
             // no introduction as a robot
             {"nodes:\n  a:\n    say: Здравствуйте!\n    actions: [hangup]\n",
              "introduce itself as a robot"},
             // a missing target
             {"nodes:\n  a:\n    say: Это робот.\n    next: b\n",
              "goes to 'b', which is not a node"},
             // an answer not repeated back
             {"nodes:\n  a:\n    ask: Это робот. Нажмите 1.\n    branches: {\"1\": b}\n  b:\n"
              "    actions: [connect_operator]\n",
              "repeat back"},
             // hang-up without goodbye
             {"nodes:\n  a:\n    say: Это робот.\n    next: b\n  b:\n    actions: [hangup]\n",
              "says goodbye"},
             // a dead end
             {"nodes:\n  a:\n    say: Это робот.\n", "a dead end"},
             // a loop with no way out
             {"nodes:\n  a:\n    say: Это робот.\n    next: b\n  b:\n    say: снова\n    next: a\n",
              "no path reaches an end"},
             // a start that is not a node
             {"start: x\nnodes:\n  a:\n    say: Это робот.\n    actions: [hangup]\n",
              "start 'x' is not a node"},
         }) {
        auto r = Parse(c.yaml);
        ASSERT_TRUE(r) << c.yaml << ": " << r.error().message;
        auto problems = CheckScript(*r);
        EXPECT_GT(Errors(problems), 0) << c.yaml;
        EXPECT_NE(Described(problems).find(c.says), std::string::npos)
            << c.yaml << " -> " << Described(problems);
    }
    // An unreachable node is a warning only.
    auto r = Parse(
        "nodes:\n  a:\n    say: Это робот. Пока!\n    actions: [hangup]\n  b:\n    say: x\n"
        "    actions: [hangup]\n");
    ASSERT_TRUE(r);
    auto problems = CheckScript(*r);
    ASSERT_EQ(problems.size(), 1u) << Described(problems);
    EXPECT_FALSE(problems[0].error);
    EXPECT_NE(problems[0].where.find("node 'b'"), std::string::npos);
}

// Issue 17, item 17: yaml-cpp kept both entries of a key written twice and a
// lookup took the first, so pressing 1 silently confirmed.
TEST(IvrScript, AKeyGivenTwiceIsAnErrorNamingBothLines) {
    auto r = ParseScript(
        "name: x\nstart: q\nnodes:\n  q:\n    ask: Это робот. Нажмите 1.\n    branches:\n"
        "      \"1\": confirmed\n      \"1\": cancelled\n  confirmed:\n    say: Да. Пока!\n"
        "    actions: [hangup]\n  cancelled:\n    say: Нет. Пока!\n    actions: [hangup]\n",
        "twice.yaml");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("twice.yaml:8: key '1' is given twice, on line 7 and on "
                                     "line 8"),
              std::string::npos)
        << r.error().message;
    auto nodes = ParseScript(
        "start: a\nnodes:\n  a:\n    say: Это робот. Пока!\n    actions: [hangup]\n"
        "  a:\n    say: Это робот. Привет!\n    actions: [hangup]\n",
        "nodes.yaml");
    ASSERT_FALSE(nodes);
    EXPECT_NE(nodes.error().message.find("nodes.yaml:6: key 'a' is given twice, on line 3 and "
                                         "on line 6"),
              std::string::npos)
        << nodes.error().message;
    auto top = ParseScript("name: x\nname: y\nnodes: {}\n", "top.yaml");
    ASSERT_FALSE(top);
    EXPECT_NE(top.error().message.find("top.yaml:2: key 'name'"), std::string::npos);
}

// Issue 17, item 12: a file that is not a script is named by line and column
// and the parser's reason, never by an excerpt of its lines.
TEST(IvrScript, AFileThatIsNotYamlIsNamedByLineAndColumnWithoutItsContent) {
    auto r = ParseScript("name: ok\npassword: \"hunter2-secret\n", "secret.yaml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
    EXPECT_TRUE(r.error().message.starts_with("secret.yaml:")) << r.error().message;
    auto shadow = ParseScript("root:$6$s3cr3t$hash:19000:0:99999:7:::\n", "shadow");
    ASSERT_FALSE(shadow);
    EXPECT_EQ(shadow.error().message.find("s3cr3t"), std::string::npos) << shadow.error().message;
    auto bad = ParseScript("nodes: [\n  a: {\n", "bad.yaml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("bad.yaml:3:1: not a YAML script: "), std::string::npos)
        << bad.error().message;
}

TEST(IvrScript, AScriptOfTheFolderIsFoundAndNothingOutsideIt) {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("callbase-ivr-" + std::to_string(getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "scripts" / "sub");
    std::ofstream(root / "secret") << "x";
    std::ofstream(root / "scripts" / "a.yaml") << "x";
    std::ofstream(root / "scripts" / "sub" / "b.yaml") << "x";
    fs::create_symlink(root / "secret", root / "scripts" / "out.yaml");
    fs::create_symlink(root / "scripts" / "a.yaml", root / "scripts" / "in.yaml");
    const std::string folder = (root / "scripts").string();
    const std::string canonical = fs::canonical(root / "scripts").string();
    EXPECT_EQ(ScriptInFolder(folder, "a.yaml").value_or(""), canonical + "/a.yaml");
    EXPECT_EQ(ScriptInFolder(folder, "sub/b.yaml").value_or(""), canonical + "/sub/b.yaml");
    EXPECT_EQ(ScriptInFolder(folder, "in.yaml").value_or(""), canonical + "/a.yaml");
    EXPECT_EQ(ScriptInFolder(folder, canonical + "/a.yaml").value_or(""), canonical + "/a.yaml");
    std::set<std::string> answers;
    for (const std::string& name :
         {std::string("../secret"), (root / "secret").string(), std::string("out.yaml"),
          std::string("missing.yaml"), std::string("sub"), std::string(""), std::string("."),
          std::string("sub/../../secret"), std::string("/etc/passwd")}) {
        auto found = ScriptInFolder(folder, name);
        ASSERT_FALSE(found) << name;
        EXPECT_EQ(found.error().code, ErrorCode::kNotFound) << name;
        EXPECT_EQ(found.error().key, "robot.no_script") << name;
        EXPECT_EQ(found.error().params, (MessageParams{{"name", name}})) << name;
        std::string message = found.error().message;
        message.replace(message.find("'" + name + "'"), name.size() + 2, "NAME");
        answers.insert(message + found.error().hint);
    }
    EXPECT_EQ(answers.size(), 1u);
    EXPECT_FALSE(ScriptInFolder("", "a.yaml"));
    fs::remove_all(root);
}

// Menus for incoming calls (issue 19, item 2): the shipped menu checks clean,
// keeps the caller's answer, and sends them on by a key or a dialed extension.
TEST(IvrMenu, TheShippedMenuChecksCleanAndKeepsTheAnswer) {
    auto script = LoadScript(Example("inbound-menu.yaml"));
    ASSERT_TRUE(script) << script.error().message;
    EXPECT_TRUE(script->inbound);
    auto problems = CheckScript(*script);
    EXPECT_TRUE(problems.empty()) << Described(problems);
    std::vector<std::string> asked;
    Walk walk(*script, [&](std::string_view digits) {
        asked.emplace_back(digits);
        return digits == "101";
    });
    auto step = walk.Start();
    EXPECT_TRUE(step.waiting);
    EXPECT_EQ(step.node, "source");
    EXPECT_NE(step.said.front().find("Здравствуйте"), std::string::npos);
    step = walk.Keys("2");
    EXPECT_EQ(step.heard, "key");
    EXPECT_EQ(step.answers, (std::map<std::string, std::string>{{"source", "Соцсети"}}));
    EXPECT_EQ(step.node, "menu");
    EXPECT_EQ(step.max_digits, 3);
    // A wrong extension is said and asked again; a right one is said back and
    // the call goes there.
    step = walk.Keys("555");
    EXPECT_EQ(step.heard, "invalid");
    EXPECT_TRUE(step.repeated);
    EXPECT_EQ(step.said.front(), "Номера 555 нет.");
    step = walk.Keys("101");
    EXPECT_TRUE(step.ended);
    EXPECT_EQ(step.said.front(), "Соединяю с номером 101.");
    ASSERT_EQ(step.actions.size(), 1u);
    EXPECT_EQ(step.actions[0].kind, ActionKind::kExtension);
    EXPECT_EQ(step.actions[0].value, "101");
    EXPECT_EQ(asked, (std::vector<std::string>{"555", "101"}));
}

TEST(IvrMenu, AKeyGoesToItsQueueAndSilenceToTheOperator) {
    auto script = LoadScript(Example("inbound-menu.yaml"));
    ASSERT_TRUE(script);
    Walk walk(*script, [](std::string_view) { return false; });
    walk.Start();
    auto step = walk.Keys("");  // no answer about the source: on to the menu, nothing kept
    EXPECT_EQ(step.heard, "timeout");
    EXPECT_TRUE(step.answers.empty());
    EXPECT_EQ(step.node, "menu");
    step = walk.Keys("1");
    ASSERT_TRUE(step.ended);
    EXPECT_EQ(step.said.front(), "Соединяю с отделом продаж.");
    ASSERT_EQ(step.actions.size(), 1u);
    EXPECT_EQ(step.actions[0].kind, ActionKind::kQueue);
    EXPECT_EQ(step.actions[0].value, "sales");

    Walk quiet(*script, [](std::string_view) { return false; });
    quiet.Start();
    quiet.Keys("3");  // Знакомые
    EXPECT_TRUE(quiet.Keys("").repeated);
    EXPECT_TRUE(quiet.Keys("").repeated);
    step = quiet.Keys("");  // retries 2 spent: no_input, the operator
    ASSERT_TRUE(step.ended);
    EXPECT_FALSE(step.repeated);
    EXPECT_EQ(step.actions.at(0).value, "general");
}

TEST(IvrMenu, TheCheckKnowsAMenuFromARobot) {
    struct Case {
        const char* yaml;
        const char* says;
        bool error;
    };
    const std::string head = "direction: inbound\nnodes:\n";
    for (const Case& c : std::initializer_list<Case>{
             // a menu need not say it is a robot, but it greets first
             {"  a:\n    next: b\n  b:\n    say: Соединяю.\n    actions: [{queue: q}]\n",
              "greets the caller first", true},
             // a robot's actions are not a menu's
             {"  a:\n    say: Привет. Соединяю.\n    actions: [connect_operator]\n",
              "cannot connect_operator", true},
             {"  a:\n    say: Привет. Записала.\n    actions: [{schedule_callback: 1h}, hangup]\n",
              "cannot schedule_callback", true},
             // the choice is repeated back before the queue
             {"  a:\n    ask: Продажи — 1, оператор — 0.\n    branches: {\"1\": s, \"0\": s}\n"
              "  s:\n    actions: [{queue: sales}]\n",
              "repeat back", true},
             // a dead end names a menu's ends
             {"  a:\n    say: Привет.\n", "end with queue, extension or hangup", true},
             // no 0: a warning
             {"  a:\n    ask: Продажи — 1.\n    branches: {\"1\": s}\n  s:\n    say: Соединяю.\n"
              "    actions: [{queue: sales}]\n",
              "no branch for 0", false},
             // no no_input: a warning (the caller who presses nothing is hung up on)
             {"  a:\n    ask: Продажи — 1, оператор — 0.\n    branches: {\"1\": s, \"0\": s}\n"
              "  s:\n    say: Соединяю.\n    actions: [{queue: sales}]\n",
              "no no_input", false},
         }) {
        auto r = Parse(head + c.yaml);
        ASSERT_TRUE(r) << c.yaml << ": " << r.error().message;
        auto problems = CheckScript(*r);
        EXPECT_EQ(Errors(problems) > 0, c.error) << c.yaml << " -> " << Described(problems);
        EXPECT_NE(Described(problems).find(c.says), std::string::npos)
            << c.yaml << " -> " << Described(problems);
    }
    // A menu's actions in a robot's script, and a robot's in a menu.
    auto robot =
        Parse("nodes:\n  a:\n    say: Это робот. Соединяю.\n    actions: [{queue: sales}]\n");
    ASSERT_TRUE(robot);
    EXPECT_NE(Described(CheckScript(*robot)).find("queue belongs to menus"), std::string::npos);
    auto asks = Parse(
        "nodes:\n  a:\n    ask: Это робот. Номер?\n    expect: extension\n    store: x\n"
        "    no_input: b\n  b:\n    say: Пока.\n    actions: [hangup]\n");
    ASSERT_TRUE(asks) << asks.error().message;
    EXPECT_NE(Described(CheckScript(*asks)).find("belong to menus"), std::string::npos);
    // Shape: a label for a key with no branch, an unknown direction.
    auto label = Parse(head +
                       "  a:\n    ask: 1 или 0.\n    branches: {\"1\": b, \"0\": b}\n"
                       "    labels: {\"2\": Соцсети}\n  b:\n    say: Да.\n    actions: [hangup]\n");
    ASSERT_FALSE(label);
    EXPECT_NE(label.error().message.find("t.yaml:6: node 'a': label '2' names no branch"),
              std::string::npos)
        << label.error().message;
    auto direction = Parse("direction: in\nnodes:\n  a:\n    say: x\n    actions: [hangup]\n");
    ASSERT_FALSE(direction);
    EXPECT_NE(direction.error().message.find("direction is outbound"), std::string::npos);
}

TEST(IvrMenu, TheMenuTargetsAreCheckedAgainstTheCenter) {
    auto script = LoadScript(Example("inbound-menu.yaml"));
    ASSERT_TRUE(script);
    auto none = [](std::string_view) { return false; };
    auto problems = CheckMenuTargets(*script, {"sales", "general"}, none);
    ASSERT_EQ(problems.size(), 1u) << Described(problems);
    EXPECT_NE(problems[0].where.find("node 'service'"), std::string::npos);
    EXPECT_NE(problems[0].message.find("queue 'service' is not a queue"), std::string::npos);
    EXPECT_TRUE(CheckMenuTargets(*script, {"sales", "service", "general"}, none).empty());
    auto ext = Parse(
        "direction: inbound\nnodes:\n  a:\n    say: Соединяю.\n    actions: [{extension: 102}]\n");
    ASSERT_TRUE(ext);
    problems = CheckMenuTargets(*ext, {}, [](std::string_view d) { return d == "101"; });
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].message.find("extension 102 has no route"), std::string::npos);
}

}  // namespace
}  // namespace callbase::ivr
