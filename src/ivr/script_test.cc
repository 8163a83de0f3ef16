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

}  // namespace
}  // namespace callbase::ivr
