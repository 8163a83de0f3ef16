// Malformed input over the API (issue 17, items 14, 16 and 12): text that is
// not UTF-8 is refused with 400 and never reaches the audit log, what was
// stored before still answers; an upload beyond the import limits fails
// naming the column; robot scripts come from the scripts folder or as content,
// and no answer shows another file of the server.
#include "api/api_test_fixture.h"

#include <fmt/ranges.h>

#include "core/utf8.h"

namespace callbase::api {
namespace {

// Every audit record's text, for "nothing of this reached the log".
std::string AuditText(store::Store& db) {
    std::string all;
    auto rows = db.Query("SELECT action, object, records, detail FROM audit_log ORDER BY id");
    EXPECT_TRUE(rows);
    for (const auto& r : rows ? *rows : std::vector<store::Row>{})
        all += r.Text(0) + "|" + r.Text(1) + "|" + r.Text(2) + "|" + r.Text(3) + "\n";
    return all;
}

}  // namespace

TEST_P(ApiTest, TextThatIsNotUtf8IsRefusedWith400AndNotAudited) {
    Login anna = LogIn("anna");
    const int64_t id = ids_["+79161234567"];
    struct Case {
        http::verb verb;
        std::string target, body, says;
    };
    const std::vector<Case> cases = {
        {http::verb::get, "/api/v1/contacts?region=%FF", "",
         "the value of query parameter region is not UTF-8 text (byte 0xFF at position 1)"},
        {http::verb::get, "/api/v1/contacts?q=%D0%98%D0", "", "byte 0xD0 at position 3"},
        {http::verb::get, "/api/v1/contacts?%FF=1", "", "query parameter 1's name"},
        {http::verb::get, "/api/v1/lookup?phone=8916%C0%80", "", "byte 0xC0"},  // overlong
        {http::verb::get, "/api/v1/contacts/%FF", "", "the path is not UTF-8"},
        {http::verb::get, "/api/v1/phone?number=%ED%A0%80", "", "byte 0xED"},  // a surrogate
        {http::verb::put, fmt::format("/api/v1/contacts/{}/fields/%FF", id), "{\"value\":\"x\"}",
         "the path is not UTF-8"},
        {http::verb::post, "/api/v1/contacts", "{\"name\":\"\xFF\",\"phones\":[\"89161112233\"]}",
         "the JSON body is not UTF-8 text (byte 0xFF at position 10)"},
        {http::verb::post, "/api/v1/stop-list",
         "{\"phone\":\"8 916 123-45-67\",\"category\":\"do_not_disturb\",\"note\":\"\xC3\"}",
         "the JSON body is not UTF-8"},
    };
    for (const Case& c : cases) {
        Reply r = Send(c.verb, c.target, c.body, &anna);
        EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
        EXPECT_EQ(r.content_type, "application/problem+json") << c.target;
        json problem = r.Json();
        ASSERT_FALSE(problem.is_discarded()) << c.target << ": " << r.body;
        EXPECT_NE(problem.value("detail", "").find(c.says), std::string::npos)
            << c.target << ": " << r.body;
    }
    // A header the API reads.
    {
        asio::io_context io;
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        http::request<http::string_body> req(http::verb::get, "/api/v1/contacts", 11);
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::cookie, std::string(kSessionCookie) + "=" + anna.cookie);
        req.set(http::field::user_agent, "agent \xFF");
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        EXPECT_EQ(res.result_int(), 400u) << res.body();
        EXPECT_NE(res.body().find("the user-agent header is not UTF-8"), std::string::npos)
            << res.body();
    }
    // A path no route takes answers 404, not 500.
    EXPECT_EQ(Send(http::verb::get, "/%FF%FE", "", &anna).status, 404);

    // Nothing of it reached the base or the audit log, and the log still reads.
    auto reader = testing::OpenSecondConnection(*db_);
    ASSERT_TRUE(reader);
    EXPECT_TRUE(IsUtf8(AuditText(*reader)));
    Login root = LogIn("root");
    Reply audit = Send(http::verb::get, "/api/v1/audit?limit=500", "", &root);
    ASSERT_EQ(audit.status, 200) << audit.body;
    EXPECT_FALSE(audit.Json().is_discarded());
    EXPECT_EQ(Send(http::verb::get, "/api/v1/contacts?region=%D0%9C", "", &anna).status, 200)
        << "UTF-8 text still passes";
}

// What was stored before input was checked (the audit log of an older
// version held 0xFF) is still shown: invalid bytes become U+FFFD.
TEST_P(ApiTest, BytesThatAreNotUtf8AlreadyInTheBaseAreShownNotA500) {
    if (GetParam() != store::Backend::kSqlite) {
        GTEST_SKIP() << "PostgreSQL never stores text that is not UTF-8";
    }
    {
        auto writer = testing::OpenSecondConnection(*db_);
        ASSERT_TRUE(writer);
        security::AuditLog log(*writer, clock_);
        ASSERT_TRUE(log.Append({"anna", "read", "GET /api/v1/contacts", "", "api:127.0.0.1",
                                "region=\xFF; status 200"}));
        ASSERT_TRUE(writer->Exec(
            "UPDATE contacts SET name = $1, comment = $2 WHERE id = $3",
            {std::string("Иван \xFF Петров"), std::string("\xC3"), ids_["+79161234567"]}));
    }
    Login root = LogIn("root"), anna = LogIn("anna");
    Reply audit = Send(http::verb::get, "/api/v1/audit?actor=anna", "", &root);
    ASSERT_EQ(audit.status, 200) << audit.body;
    ASSERT_FALSE(audit.Json().is_discarded()) << audit.body;
    EXPECT_NE(audit.body.find("region=\xEF\xBF\xBD; status 200"), std::string::npos) << audit.body;
    Reply verify = Send(http::verb::get, "/api/v1/audit/verify", "", &root);
    ASSERT_EQ(verify.status, 200) << verify.body;
    EXPECT_EQ(verify.Json()["ok"], true) << "shown replaced, hashed as stored: " << verify.body;

    Reply card =
        Send(http::verb::get, fmt::format("/api/v1/contacts/{}", ids_["+79161234567"]), "", &anna);
    ASSERT_EQ(card.status, 200) << card.body;
    EXPECT_EQ(card.Json()["name"], "Иван \xEF\xBF\xBD Петров");
    Reply found = Send(http::verb::get, "/api/v1/contacts?q=Петров", "", &anna);
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_FALSE(found.Json().is_discarded());
}

// Issue 17, item 16, over the upload path: the caps of `serve` apply.
TEST_P(ApiTest, AnUploadBeyondTheImportLimitsFailsNamingTheColumn) {
    Login anna = LogIn("anna");
    std::string header = "ФИО;Телефон", row = "Анна;89161112233";
    for (int i = 0; i < 600; ++i) {
        header += fmt::format(";c{}", i);
        row += ";x";
    }
    const std::string file = header + "\n" + row + "\n";
    auto job_of = [&](const std::string& bytes) {
        Reply started = Send(http::verb::post, "/api/v1/imports?file_name=wide.csv", bytes, &anna,
                             true, "text/csv");
        EXPECT_EQ(started.status, 202) << started.body;
        const std::string state =
            fmt::format("/api/v1/imports/{}", started.Json().value("job", int64_t{0}));
        json job;
        for (int i = 0; i < 200; ++i) {
            job = Send(http::verb::get, state, "", &anna).Json();
            if (job["state"] != "running") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return job;
    };
    json job = job_of(file);
    EXPECT_EQ(job["state"], "failed") << job.dump();
    EXPECT_NE(job.value("error", "").find("the header row has 602 columns, more than the 500"),
              std::string::npos)
        << job.dump();
    EXPECT_NE(job.value("error", "").find("column 501 'c498'"), std::string::npos) << job.dump();
    Reply preview = Send(http::verb::post, "/api/v1/imports/preview?file_name=wide.csv", file,
                         &anna, true, "text/csv");
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_NE(preview.Json().value("mapping_error", "").find("602 columns"), std::string::npos);

    // Raised for this server, the same file goes in, with its custom fields
    // capped apart.
    StopServing();
    options_.import_limits.max_columns = 1000;
    options_.import_limits.max_new_fields = 600;
    ASSERT_NO_FATAL_FAILURE(Serve());
    anna = LogIn("anna");
    job = job_of(file);
    EXPECT_EQ(job["state"], "done") << job.dump();
    EXPECT_EQ(job["summary"]["custom_fields"].size(), 600u) << job.dump();

    // A cell over the size limit rejects its row, named in the error report.
    job = job_of("ФИО;Телефон;Комментарий\nБорис;89031119988;" + std::string(70'000, 'z') + "\n");
    EXPECT_EQ(job["state"], "done") << job.dump();
    EXPECT_EQ(job["summary"]["rejected"], 1) << job.dump();
    Reply errors =
        Send(http::verb::get, fmt::format("/api/v1/imports/{}/errors", job["job"].get<int64_t>()),
             "", &anna);
    ASSERT_EQ(errors.status, 200) << errors.body;
    EXPECT_NE(errors.body.find("2;Комментарий;"), std::string::npos) << errors.body.substr(0, 300);
    EXPECT_NE(errors.body.find("holds 70000 bytes, more than the 65536"), std::string::npos);
    EXPECT_LT(errors.body.size(), 1000u);
}

// Issue 17, item 12: `robot_script` once read any file the server could and
// showed its first line in the error.
TEST_P(ApiTest, RobotScriptsComeOnlyFromTheScriptsFolderAndNoErrorShowsAFile) {
    namespace fs = std::filesystem;
    const fs::path root =
        fs::path(::testing::TempDir()) /
        fmt::format("callbase-scripts-{}-{}", ::getpid(), static_cast<int>(GetParam()));
    fs::remove_all(root);
    const fs::path folder = root / "scripts";
    fs::create_directories(folder);
    const std::string secret_line = "root:$6$s3cr3tSalt$HashOfRootPassword:19000:0:99999:7:::";
    std::ofstream(root / "shadow") << secret_line << "\n";
    std::ofstream(folder / "broken.yaml") << "name: x\npassword: \"hunter2-the-secret\n";
    fs::copy_file(fs::path(CALLBASE_SOURCE_DIR) / "examples/ivr/visit-confirmation.yaml",
                  folder / "visit.yaml");
    fs::create_symlink(root / "shadow", folder / "link.yaml");
    StopServing();
    options_.scripts_dir = folder.string();
    ASSERT_NO_FATAL_FAILURE(Serve());
    Login anna = LogIn("anna");

    const json spec = {{"name", "Робот"},
                       {"pacing", "robot"},
                       {"caller_ids", {"+7 495 111-22-33"}},
                       {"schedule", "00:00-24:00"}};
    auto create = [&](const json& script) {
        json body = spec;
        for (auto& [key, value] : script.items())
            body[key] = value;
        return Send(http::verb::post, "/api/v1/campaigns", body.dump(), &anna);
    };
    // Outside the folder, through it, by a link out of it, or missing: one
    // answer, which shows nothing of any file.
    const std::string outside = (root / "shadow").string();
    std::set<std::string> details;
    for (const std::string& name :
         {outside, std::string("../shadow"), std::string("link.yaml"), std::string("/etc/shadow"),
          std::string("/etc/passwd"), std::string("missing.yaml"), std::string("."),
          std::string("sub/../../shadow")}) {
        Reply r = create({{"robot_script", name}});
        EXPECT_EQ(r.status, 404) << name << ": " << r.body;
        EXPECT_EQ(r.body.find("s3cr3t"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("root:"), std::string::npos) << r.body;
        std::string detail = r.Json().value("detail", "");
        const size_t at = detail.find(name);
        EXPECT_NE(at, std::string::npos) << detail;
        if (at != std::string::npos) detail.replace(at, name.size(), "NAME");
        details.insert(detail);
    }
    EXPECT_EQ(details.size(), 1u) << "not found and not allowed answer alike: "
                                  << fmt::format("{}", fmt::join(details, " | "));

    // A file of the folder that is not a script: line, column and reason only.
    Reply broken = create({{"robot_script", "broken.yaml"}});
    EXPECT_EQ(broken.status, 400) << broken.body;
    EXPECT_NE(broken.body.find("broken.yaml:"), std::string::npos) << broken.body;
    EXPECT_EQ(broken.body.find("hunter2"), std::string::npos) << broken.body;
    EXPECT_EQ(broken.body.find(folder.string()), std::string::npos)
        << "the server's folder is not shown: " << broken.body;

    // A script of the folder, by its name.
    Reply made = create({{"robot_script", "visit.yaml"}});
    ASSERT_EQ(made.status, 201) << made.body;

    // Or the script itself, kept in the folder's uploaded/.
    std::ifstream example(folder / "visit.yaml");
    const std::string text((std::istreambuf_iterator<char>(example)), {});
    Reply sent = create({{"name", "Робот 2"}, {"robot_script_text", text}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    const std::string kept = sent.Json().value("robot_script", "");
    EXPECT_TRUE(kept.starts_with(fs::weakly_canonical(folder / "uploaded").string())) << kept;
    EXPECT_TRUE(fs::is_regular_file(kept)) << kept;
    Reply bad_text = create({{"name", "Робот 3"}, {"robot_script_text", "name: x\nnodes: [\n"}});
    EXPECT_EQ(bad_text.status, 400) << bad_text.body;
    EXPECT_NE(bad_text.body.find("robot_script_text:"), std::string::npos) << bad_text.body;
    // A tag the dictionary lacks: coded, with where it is and the tag.
    Reply no_tag = create({{"name", "Робот 4"},
                           {"robot_script_text",
                            "name: t\nstart: a\nnodes:\n  a:\n    say: Здравствуйте, с вами "
                            "говорит робот\n    actions: [{tag: Нет "
                            "такого}, hangup]\n"}});
    EXPECT_EQ(no_tag.status, 400) << no_tag.body;
    EXPECT_EQ(no_tag.Json().value("code", ""), "campaign.script_tag_unknown") << no_tag.body;
    EXPECT_EQ(no_tag.Json()["params"].value("node", ""), "a") << no_tag.body;
    EXPECT_EQ(no_tag.Json()["params"].value("tag", ""), "Нет такого") << no_tag.body;
    EXPECT_EQ(no_tag.Json()["params"].value("line", ""), "6") << no_tag.body;
    EXPECT_EQ(create({{"robot_script", "visit.yaml"}, {"robot_script_text", text}}).status, 400);
    fs::remove_all(root);
}

}  // namespace callbase::api
