// Issue 18: editing and cloning campaigns, the call log with its filters and
// scopes, its CSV export, a call's recording over HTTP Range, and the
// supervisors' report — each with the roles that must be refused.
#include "api/api_test_fixture.h"
#include "security/teams.h"

namespace callbase::api {
namespace {

// 2026-03-02 00:00 in Moscow (UTC+3, the calling rules' default offset).
constexpr int64_t kMondayMsk = 1'772'398'800;

class CallsTest : public ApiTest {
protected:
    void SetUp() override {
        ApiTest::SetUp();
        if (HasFatalFailure()) return;
        security::Users users(*db_, clock_);
        ASSERT_TRUE(users.Add("boris", Role::kSupervisor, kPassword));
        ASSERT_TRUE(users.Add("olga", Role::kOperator, kPassword));
        security::Teams teams(*db_, clock_);
        ASSERT_TRUE(teams.Add("north", "root"));
        ASSERT_TRUE(teams.SetMember("boris", "north"));
        ASSERT_TRUE(teams.SetMember("olga", "north"));
    }

    int64_t AddCampaign(const std::string& name) {
        auto id = db_->QueryValue(
            "INSERT INTO campaigns (name, purpose, pacing, settings, created_at, created_by, "
            "updated_at, updated_by) VALUES ($1, 'service', 'preview', '{}', $2, 'seed', $2, "
            "'seed') RETURNING id",
            {name, clock_.Now()});
        EXPECT_TRUE(id);
        return id ? store::Row({*id}).Int(0) : 0;
    }

    struct CallRow {
        int64_t campaign = 0;
        int64_t at = 0;  // Unix seconds of the start
        std::string agent;
        std::string outcome = "answered";
        int64_t talk_s = 0;  // 0: not bridged
        int64_t wrap_s = -1;
        std::string disposition;
        std::string phone = "+79031112233";
        std::string recording;
    };

    int64_t AddCall(const CallRow& c) {
        const int64_t started = c.at * 1000;
        const int64_t bridged = c.talk_s ? started + 3000 : 0;
        const int64_t ended = c.talk_s ? bridged + c.talk_s * 1000 : started + 20000;
        auto id = db_->QueryValue(
            "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
            "started_at, answered_at, bridged_at, ended_at, outcome, evidence, agent, "
            "disposition, disposed_at, recording) VALUES ($1, $2, $3, '+74950000001', 1, $4, "
            "$5, $6, $7, $8, '{}', $9, $10, $11, $12) RETURNING id",
            {c.campaign, ids_[c.phone], store::PhoneKey(*db_, c.phone), started,
             c.talk_s ? store::Value(started + 2000) : store::Value(),
             c.talk_s ? store::Value(bridged) : store::Value(), ended, c.outcome, c.agent,
             c.disposition.empty() ? store::Value() : store::Value(c.disposition),
             c.wrap_s >= 0 ? store::Value(ended / 1000 + c.wrap_s) : store::Value(), c.recording});
        EXPECT_TRUE(id);
        return id ? store::Row({*id}).Int(0) : 0;
    }

    // GET with a Range header; the answer's headers in `whole`.
    Reply GetRange(const std::string& target, const std::string& range, const Login& who) {
        asio::io_context io;
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        http::request<http::string_body> req(http::verb::get, target, 11);
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::cookie, std::string(kSessionCookie) + "=" + who.cookie);
        if (!range.empty()) req.set(http::field::range, range);
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        std::ostringstream whole;
        whole << res;
        return {static_cast<int>(res.result_int()),
                res.body(),
                std::string(res[http::field::content_type]),
                "",
                "",
                whole.str()};
    }

    // The actor's audit records once `done` holds of them (reads are written
    // in batches, a moment after their answer), or after 20 s.
    std::vector<security::AuditRecord> AuditUntil(
        const std::string& actor,
        const std::function<bool(const std::vector<security::AuditRecord>&)>& done) {
        std::vector<security::AuditRecord> records;
        for (int i = 0; i < 200; ++i) {
            records = AuditOf(actor, 1);
            if (done(records)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return records;
    }

    static bool HasDetail(const std::vector<security::AuditRecord>& records,
                          std::string_view action, std::string_view prefix) {
        return std::any_of(records.begin(), records.end(), [&](const auto& r) {
            return r.action == action && r.detail.starts_with(prefix);
        });
    }

    static std::vector<std::string> Agents(const json& calls) {
        std::vector<std::string> out;
        for (const auto& c : calls)
            out.push_back(c["agent"]);
        return out;
    }
};

TEST_P(CallsTest, ADraftIsEditedAndAnyCampaignCloned) {
    Login anna = LogIn("anna");
    Reply created = Send(http::verb::post, "/api/v1/campaigns",
                         json{{"name", "Весна"},
                              {"caller_ids", {"+7 495 123-45-67"}},
                              {"segment", {"status=new"}},
                              {"schedule", "09:00-20:00"}}
                             .dump(),
                         &anna);
    ASSERT_EQ(created.status, 201) << created.body;
    const int64_t id = created.Json()["id"];
    const std::string path = fmt::format("/api/v1/campaigns/{}", id);

    Reply edited = Send(http::verb::put, path,
                        json{{"name", "Весна-2"},
                             {"caller_ids", {"8 (495) 123-45-68", "+7 495 123-45-69"}},
                             {"segment", {"region=Москва"}},
                             {"pacing", "preview"},
                             {"daily_cap", 40},
                             {"schedule", "10:00-19:30"}}
                            .dump(),
                        &anna);
    ASSERT_EQ(edited.status, 200) << edited.body;
    json shown = Send(http::verb::get, path, "", &anna).Json();
    EXPECT_EQ(shown["name"], "Весна-2");
    EXPECT_EQ(shown["state"], "draft");
    EXPECT_EQ(shown["pacing"], "preview");
    EXPECT_EQ(shown["daily_cap"], 40);
    EXPECT_EQ(shown["schedule_start_minute"], 600);
    EXPECT_EQ(shown["schedule_end_minute"], 19 * 60 + 30);
    EXPECT_EQ(shown["segment"], json({"region=Москва"}));
    ASSERT_EQ(shown["caller_ids"].size(), 2u);
    EXPECT_EQ(shown["caller_ids"][0]["number"], "+74951234568") << "cleaned to E.164";
    EXPECT_EQ(shown["created_by"], "anna");

    // Bad settings are refused and the draft keeps the ones it had.
    Reply bad = Send(http::verb::put, path,
                     json{{"name", "Весна-3"}, {"caller_ids", {"12"}}}.dump(), &anna);
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.body.find("caller ID '12'"), std::string::npos) << bad.body;
    EXPECT_EQ(bad.Json()["code"], "campaign.caller_id_invalid") << bad.body;
    EXPECT_EQ(bad.Json()["params"]["number"], "12") << bad.body;
    EXPECT_EQ(Send(http::verb::get, path, "", &anna).Json()["name"], "Весна-2");
    // Another campaign's name is taken.
    ASSERT_EQ(Send(http::verb::post, "/api/v1/campaigns",
                   json{{"name", "Лето"}, {"caller_ids", {"+74951234567"}}}.dump(), &anna)
                  .status,
              201);
    Reply taken = Send(http::verb::put, path,
                       json{{"name", "Лето"}, {"caller_ids", {"+74951234567"}}}.dump(), &anna);
    EXPECT_EQ(taken.status, 409) << taken.body;
    EXPECT_EQ(taken.Json()["code"], "campaign.name_taken") << taken.body;
    EXPECT_EQ(taken.Json()["params"]["name"], "Лето") << taken.body;

    // Started, it is no longer a draft: refused with the reason.
    ASSERT_EQ(Send(http::verb::post, path + "/start", "", &anna).status, 200);
    Reply late = Send(http::verb::put, path,
                      json{{"name", "Весна-2"}, {"caller_ids", {"+74951234567"}}}.dump(), &anna);
    EXPECT_EQ(late.status, 409) << late.body;
    EXPECT_NE(late.body.find("is running: only a draft can be edited"), std::string::npos)
        << late.body;

    // A clone is a new draft with the same settings; a second one is numbered.
    Reply clone = Send(http::verb::post, path + "/clone", "", &anna);
    ASSERT_EQ(clone.status, 201) << clone.body;
    json copy = clone.Json();
    EXPECT_EQ(copy["name"], "Весна-2 (копия)");
    EXPECT_EQ(copy["state"], "draft");
    EXPECT_NE(copy["id"], id);
    EXPECT_EQ(copy["caller_ids"], shown["caller_ids"]);
    EXPECT_EQ(copy["segment"], shown["segment"]);
    EXPECT_EQ(copy["schedule_end_minute"], 19 * 60 + 30);
    EXPECT_EQ(Send(http::verb::post, path + "/clone", "", &anna).Json()["name"],
              "Весна-2 (копия 2)");
    // The copy is a draft: it can be edited.
    EXPECT_EQ(Send(http::verb::put, fmt::format("/api/v1/campaigns/{}", copy["id"].get<int64_t>()),
                   json{{"name", "Осень"}, {"caller_ids", {"+74951234567"}}}.dump(), &anna)
                  .status,
              200);

    const std::string cloned = fmt::format("campaign #{} cloned: Весна-2 (копия);", id);
    auto records = AuditUntil("anna", [&](const auto& r) {
        return HasDetail(r, "change", "campaign edited: Весна-2;") &&
               HasDetail(r, "change", cloned);
    });
    EXPECT_TRUE(HasDetail(records, "change", "campaign edited: Весна-2;"));
    EXPECT_TRUE(HasDetail(records, "change", cloned));

    for (const char* who : {"oleg", "ivan", "dina"}) {
        Login l = LogIn(who);
        EXPECT_EQ(Send(http::verb::post, path + "/clone", "", &l).status, 403) << who;
        EXPECT_EQ(Send(http::verb::put, path, json{{"name", "x"}}.dump(), &l).status, 403) << who;
    }
}

TEST_P(CallsTest, TheCallLogFiltersPagesAndKeepsToTheViewersCalls) {
    const int64_t spring = AddCampaign("Весна"), autumn = AddCampaign("Осень");
    // Monday: 5 answered calls of olga (north) in spring, two with a disposition;
    // Tuesday: 3 of oleg (no team) in autumn, 2 no-answer nobody took.
    // 23:30 on Sunday in Moscow is Sunday's, though Monday's... no: 20:30 UTC.
    for (int i = 0; i < 5; ++i) {
        AddCall({.campaign = spring,
                 .at = kMondayMsk + 9 * 3600 + i * 60,
                 .agent = "olga",
                 .talk_s = 30,
                 .wrap_s = i < 2 ? 5 : -1,
                 .disposition = i < 2 ? "callback" : ""});
    }
    for (int i = 0; i < 3; ++i) {
        AddCall({.campaign = autumn,
                 .at = kMondayMsk + 86400 + 10 * 3600 + i * 60,
                 .agent = "oleg",
                 .talk_s = 10});
    }
    for (int i = 0; i < 2; ++i) {
        AddCall(
            {.campaign = autumn, .at = kMondayMsk + 86400 + 11 * 3600 + i, .outcome = "no_answer"});
    }
    // 23:59 Moscow on Sunday (20:59 UTC): outside a period that begins on Monday.
    AddCall({.campaign = spring, .at = kMondayMsk - 60, .agent = "olga", .talk_s = 5});

    Login anna = LogIn("anna");  // a supervisor in no team: the whole
    auto log = [&](const Login& who, const std::string& query) {
        Reply r = Send(http::verb::get, "/api/v1/call-log?" + query, "", &who);
        EXPECT_EQ(r.status, 200) << query << ": " << r.body;
        return r.Json();
    };
    json all = log(anna, "");
    EXPECT_EQ(all["total"], 11);
    EXPECT_EQ(all["utc_offset_minutes"], 180);
    EXPECT_TRUE(all["team"].is_null());
    EXPECT_EQ(all["calls"][0]["outcome"], "no_answer") << "newest first";
    EXPECT_EQ(all["calls"][0]["phone"], "+79031112233") << "a supervisor sees the number";

    EXPECT_EQ(log(anna, "from=02.03.2026&to=02.03.2026")["total"], 5) << "Monday, Russian dates";
    EXPECT_EQ(log(anna, "from=2026-03-02&to=2026-03-03")["total"], 10);
    EXPECT_EQ(log(anna, "to=2026-03-01")["total"], 1) << "Sunday 23:59 in Moscow";
    EXPECT_EQ(log(anna, "from=2026-03-03&outcome=no_answer")["total"], 2);
    EXPECT_EQ(log(anna, fmt::format("campaign={}", autumn))["total"], 5);
    EXPECT_EQ(log(anna, "agent=oleg")["total"], 3);
    EXPECT_EQ(log(anna, "disposition=callback")["total"], 2);
    EXPECT_EQ(log(anna, "disposition=none&outcome=answered")["total"], 7);
    json page = log(anna, "limit=4&offset=8");
    EXPECT_EQ(page["total"], 11);
    EXPECT_EQ(page["calls"].size(), 3u);

    for (const char* bad :
         {"from=31.02.2026", "from=2026-03-05&to=2026-03-01", "outcome=maybe", "limit=500"}) {
        EXPECT_EQ(Send(http::verb::get, std::string("/api/v1/call-log?") + bad, "", &anna).status,
                  400)
            << bad;
    }

    // boris leads north (boris, olga): olga's calls only.
    Login boris = LogIn("boris");
    json north = log(boris, "");
    EXPECT_EQ(north["total"], 6);
    EXPECT_EQ(north["team"]["name"], "north");
    for (const auto& agent : Agents(north["calls"]))
        EXPECT_EQ(agent, "olga");
    EXPECT_EQ(log(boris, "agent=oleg")["total"], 0) << "no way round the team by a filter";

    // An operator reads their own calls, masked, and not the log.
    Login oleg = LogIn("oleg");
    Reply own = Send(http::verb::get, "/api/v1/agent/calls", "", &oleg);
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(own.Json()["total"], 3);
    for (const auto& agent : Agents(own.Json()["calls"]))
        EXPECT_EQ(agent, "oleg");
    EXPECT_EQ(own.Json()["calls"][0]["phone"].get<std::string>().find("+79031112233"),
              std::string::npos)
        << own.body;
    EXPECT_EQ(Send(http::verb::get, "/api/v1/agent/calls?agent=olga", "", &oleg).Json()["total"],
              0);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/call-log", "", &oleg).status, 403);
    Login ivan = LogIn("ivan");
    EXPECT_EQ(Send(http::verb::get, "/api/v1/call-log", "", &ivan).status, 403);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/agent/calls", "", &ivan).status, 403);

    // The export: the filtered log, numbers masked even for a supervisor.
    Reply csv =
        Send(http::verb::get, "/api/v1/call-log/export?from=02.03.2026&to=03.03.2026", "", &anna);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 11) << csv.body;
    EXPECT_NE(csv.body.find("Начало;Кампания;Направление;Номер"), std::string::npos);
    EXPECT_EQ(csv.body.find("+79031112233"), std::string::npos) << csv.body;
    EXPECT_EQ(csv.body.find("9031112233"), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find("02.03.2026 09:00:00;Весна;исходящий"), std::string::npos)
        << "times on the center's clock: " << csv.body.substr(0, 400);
    Reply north_csv = Send(http::verb::get, "/api/v1/call-log/export?lang=en", "", &boris);
    EXPECT_EQ(std::count(north_csv.body.begin(), north_csv.body.end(), '\n'), 7) << north_csv.body;
    EXPECT_NE(north_csv.body.find("Started;Campaign"), std::string::npos);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/call-log/export", "", &oleg).status, 403);
    const bool exported = HasDetail(
        AuditUntil(
            "anna",
            [](const auto& r) { return HasDetail(r, "export", "call log exported: 10 calls"); }),
        "export", "call log exported: 10 calls");
    EXPECT_TRUE(exported) << "the export is an audit record";
}

TEST_P(CallsTest, ARecordingStreamsWithRangesToThoseAllowedAndEachPlayIsAudited) {
    // A stereo WAV as the SIP adapter writes: 8 kHz, 16 bits, 2 channels, 1 s.
    const std::string wav_path =
        ::testing::TempDir() +
        fmt::format("/callbase-call-{}-{}.wav", ::getpid(), GetParam() == store::Backend::kSqlite);
    std::string wav;
    auto u32 = [&wav](uint32_t v) {
        for (int i = 0; i < 4; ++i)
            wav.push_back(static_cast<char>(v >> (8 * i)));
    };
    auto u16 = [&wav](uint16_t v) {
        wav.push_back(static_cast<char>(v));
        wav.push_back(static_cast<char>(v >> 8));
    };
    const uint32_t data = 8000 * 2 * 2;
    wav += "RIFF";
    u32(36 + data);
    wav += "WAVEfmt ";
    u32(16);
    u16(1);
    u16(2);
    u32(8000);
    u32(8000 * 4);
    u16(4);
    u16(16);
    wav += "data";
    u32(data);
    for (uint32_t i = 0; i < data / 2; ++i)
        u16(static_cast<uint16_t>(i * 37));
    std::ofstream(wav_path, std::ios::binary) << wav;

    const int64_t campaign = AddCampaign("Весна");
    const int64_t call = AddCall({.campaign = campaign,
                                  .at = kMondayMsk + 3600,
                                  .agent = "olga",
                                  .talk_s = 1,
                                  .recording = wav_path});
    const int64_t oleg_call = AddCall({.campaign = campaign,
                                       .at = kMondayMsk + 7200,
                                       .agent = "oleg",
                                       .talk_s = 1,
                                       .recording = wav_path});
    const int64_t unrecorded = AddCall({.campaign = campaign, .at = kMondayMsk, .agent = "olga"});
    const std::string path = fmt::format("/api/v1/calls/{}/recording", call);

    Login anna = LogIn("anna");
    Reply whole = GetRange(path, "", anna);
    ASSERT_EQ(whole.status, 200) << whole.body;
    EXPECT_EQ(whole.content_type, "audio/wav");
    EXPECT_EQ(whole.body, wav);
    EXPECT_NE(whole.whole.find("Accept-Ranges: bytes"), std::string::npos);

    Reply part = GetRange(path, "bytes=100-199", anna);
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.body, wav.substr(100, 100));
    EXPECT_NE(part.whole.find(fmt::format("Content-Range: bytes 100-199/{}", wav.size())),
              std::string::npos)
        << part.whole.substr(0, 300);
    Reply open_end = GetRange(path, "bytes=32000-", anna);
    EXPECT_EQ(open_end.status, 206);
    EXPECT_EQ(open_end.body, wav.substr(32000));
    Reply tail = GetRange(path, "bytes=-10", anna);
    EXPECT_EQ(tail.status, 206);
    EXPECT_EQ(tail.body, wav.substr(wav.size() - 10));
    Reply past = GetRange(path, fmt::format("bytes={}-", wav.size()), anna);
    EXPECT_EQ(past.status, 416);
    EXPECT_NE(past.whole.find(fmt::format("Content-Range: bytes */{}", wav.size())),
              std::string::npos);
    EXPECT_EQ(GetRange(fmt::format("/api/v1/calls/{}/recording", unrecorded), "", anna).status,
              404);

    // The log tells who may play.
    json listed = Send(http::verb::get, "/api/v1/call-log", "", &anna).Json();
    for (const auto& c : listed["calls"])
        EXPECT_EQ(c["playable"], c["call"] != unrecorded) << c.dump();

    // The dpo hears it; the admin (pseudonyms) does not; operators and the
    // analyst have no call records; a team's supervisor hears the team's calls.
    Login dina = LogIn("dina");
    EXPECT_EQ(GetRange(path, "bytes=0-", dina).status, 206);
    Login root = LogIn("root");
    Reply admin = GetRange(path, "", root);
    EXPECT_EQ(admin.status, 403) << admin.body;
    EXPECT_EQ(admin.Json()["code"], "recording.role_denied") << admin.body;
    EXPECT_EQ(admin.body.find("RIFF"), std::string::npos);
    EXPECT_FALSE(Send(http::verb::get, "/api/v1/call-log", "", &root)
                     .Json()["calls"][0]["playable"]
                     .get<bool>());
    for (const char* who : {"oleg", "olga", "ivan"}) {
        Login l = LogIn(who);
        EXPECT_EQ(GetRange(path, "", l).status, 403) << who;
    }
    Login boris = LogIn("boris");
    EXPECT_EQ(GetRange(path, "", boris).status, 200) << "olga is in north";
    EXPECT_EQ(GetRange(fmt::format("/api/v1/calls/{}/recording", oleg_call), "", boris).status, 404)
        << "oleg is in no team";

    // Each play is a read of personal data in the audit log: the call, the
    // contact and the bytes sent.
    const std::string object = "GET /api/v1/calls/{id}/recording";
    auto plays_of = [&](const std::vector<security::AuditRecord>& records) {
        return std::count_if(records.begin(), records.end(), [&](const auto& r) {
            return r.object == object && r.action == "read" &&
                   r.records == fmt::format("call:{} contact:{}", call, ids_["+79031112233"]);
        });
    };
    auto records = AuditUntil("anna", [&](const auto& r) { return plays_of(r) >= 5; });
    EXPECT_EQ(plays_of(records), 5) << "200, two 206s, the tail, the 416";
    EXPECT_TRUE(
        HasDetail(records, "read",
                  fmt::format("recording played: bytes 100-199 of {}; status 206", wav.size())));
    EXPECT_TRUE(HasDetail(records, "read", "recording: range past the end; status 416"));
    std::filesystem::remove(wav_path);
}

TEST_P(CallsTest, TheReportCountsThePeriodForTheViewer) {
    const int64_t spring = AddCampaign("Весна"), autumn = AddCampaign("Осень");
    AddCall({.campaign = spring,
             .at = kMondayMsk + 9 * 3600,
             .agent = "olga",
             .talk_s = 60,
             .wrap_s = 20,
             .disposition = "callback"});
    AddCall(
        {.campaign = spring, .at = kMondayMsk + 9 * 3600 + 600, .agent = "olga", .talk_s = 120});
    AddCall({.campaign = autumn,
             .at = kMondayMsk + 86400 + 14 * 3600,
             .agent = "oleg",
             .talk_s = 30,
             .wrap_s = 10,
             .disposition = "refused"});
    AddCall({.campaign = autumn, .at = kMondayMsk + 86400 + 14 * 3600 + 5, .outcome = "abandoned"});
    AddCall({.campaign = autumn, .at = kMondayMsk + 3 * 86400, .agent = "oleg", .talk_s = 5});

    Login anna = LogIn("anna");
    Reply r =
        Send(http::verb::get, "/api/v1/reports/calls?from=02.03.2026&to=03.03.2026", "", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    json report = r.Json();
    EXPECT_EQ(report["from"], "2026-03-02");
    EXPECT_EQ(report["to"], "2026-03-03");
    EXPECT_EQ(report["total"]["calls"], 4);
    EXPECT_EQ(report["total"]["answered"], 3);
    EXPECT_EQ(report["total"]["abandoned"], 1);
    EXPECT_DOUBLE_EQ(report["total"]["avg_talk_s"].get<double>(), 70.0);
    EXPECT_DOUBLE_EQ(report["total"]["avg_wrap_up_s"].get<double>(), 15.0);
    ASSERT_EQ(report["hours"].size(), 24u);
    EXPECT_EQ(report["hours"][9]["calls"], 2) << "09:00 in Moscow";
    EXPECT_EQ(report["hours"][14]["calls"], 2);
    ASSERT_EQ(report["days"].size(), 2u);
    EXPECT_EQ(report["days"][0]["day"], "2026-03-02");
    EXPECT_EQ(report["days"][0]["calls"], 2);
    EXPECT_EQ(report["days"][1]["dispositions"], json({{"refused", 1}}));
    ASSERT_EQ(report["operators"].size(), 2u);
    EXPECT_EQ(report["operators"][1]["agent"], "olga");
    EXPECT_DOUBLE_EQ(report["operators"][1]["avg_handle_s"].get<double>(), 100.0);
    ASSERT_EQ(report["campaigns"].size(), 2u);
    EXPECT_EQ(report["campaigns"][1]["campaign"], "Осень");
    EXPECT_EQ(report["campaigns"][1]["calls"], 2);

    Login boris = LogIn("boris");
    json north =
        Send(http::verb::get, "/api/v1/reports/calls?from=2026-03-02&to=2026-03-05", "", &boris)
            .Json();
    EXPECT_EQ(north["team"]["name"], "north");
    EXPECT_EQ(north["total"]["calls"], 2) << north.dump().substr(0, 300);
    EXPECT_EQ(north["operators"].size(), 1u);

    Reply no_from = Send(http::verb::get, "/api/v1/reports/calls?to=2026-03-02", "", &anna);
    EXPECT_EQ(no_from.status, 400);
    EXPECT_EQ(no_from.Json()["code"], "period.no_from") << no_from.body;
    Reply too_long =
        Send(http::verb::get, "/api/v1/reports/calls?from=2026-01-01&to=2026-06-01", "", &anna);
    EXPECT_EQ(too_long.status, 400);
    EXPECT_EQ(too_long.Json()["code"], "report.too_long") << too_long.body;
    EXPECT_EQ(too_long.Json()["params"], (json{{"days", "93"}})) << too_long.body;
    EXPECT_NE(too_long.body.find("a report covers at most 93 days"), std::string::npos);
    Reply not_date =
        Send(http::verb::get, "/api/v1/reports/calls?from=31.02.2026&to=2026-06-01", "", &anna);
    EXPECT_EQ(not_date.status, 400);
    EXPECT_EQ(not_date.Json()["code"], "period.not_a_date") << not_date.body;
    EXPECT_EQ(not_date.Json()["params"], (json{{"name", "from"}, {"text", "31.02.2026"}}))
        << not_date.body;
    for (const char* who : {"oleg", "ivan"}) {
        Login l = LogIn(who);
        EXPECT_EQ(
            Send(http::verb::get, "/api/v1/reports/calls?from=2026-03-02&to=2026-03-02", "", &l)
                .status,
            403)
            << who;
    }
}

// Issue 19: the inbound report and the queue_log from the incoming calls'
// records with their routes, for the viewer's scope.
TEST_P(CallsTest, TheInboundReportAndQueueLogKeepToTheViewersCalls) {
    const int64_t line = AddCampaign("Входящая линия");
    auto add = [&](int64_t at, const std::string& phone, const std::string& agent, int64_t wait_s,
                   int64_t talk_s, const std::string& route, const std::string& missed_by = "") {
        const int64_t started = at * 1000;
        const bool answered = talk_s > 0;
        json kept{{"route", route}, {"reason", "number"}, {"params", json::object()}};
        if (!missed_by.empty()) {
            kept["missed"] = json::array(
                {{{"agent", missed_by}, {"at", started}, {"rang_ms", 3000}, {"cause", 486}}});
        }
        auto id = db_->QueryValue(
            "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
            "started_at, answered_at, bridged_at, ended_at, outcome, evidence, agent, direction, "
            "route) VALUES ($1, 0, $2, '+74950000001', 0, $3, $4, $4, $5, $6, '{}', $7, 'in', $8) "
            "RETURNING id",
            {line, store::PhoneKey(*db_, phone), started,
             answered ? store::Value(started + wait_s * 1000) : store::Value(),
             started + (wait_s + talk_s) * 1000, answered ? "answered" : "abandoned", agent,
             kept.dump()});
        ASSERT_TRUE(id);
    };
    const int64_t nine = kMondayMsk + 9 * 3600;
    add(nine, "+79031112233", "olga", 4, 60, "queue:general", "oleg");  // oleg's phone refused
    add(nine + 100, "+79031114455", "", 12, 0, "queue:general");        // gave up after 12 s
    add(nine + 200, "+79031116677", "oleg", 30, 120, "queue:general");
    add(nine + 300, "+79031118899", "olga", 1, 30, "agent:olga");
    add(kMondayMsk + 86400 + 3600, "+79031112233", "olga", 1, 10, "queue:general");  // next day

    Login anna = LogIn("anna");
    Reply r = Send(http::verb::get, "/api/v1/reports/inbound?from=02.03.2026", "", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    json report = r.Json();
    EXPECT_EQ(report["calls"], 4) << "the period is the one day";
    ASSERT_EQ(report["routes"].size(), 2u) << report.dump();
    const json& agent_route = report["routes"][0];
    const json& general = report["routes"][1];
    EXPECT_EQ(agent_route["name"], "agent:olga");
    EXPECT_EQ(general["name"], "general");
    EXPECT_EQ(general["offered"], 3);
    EXPECT_EQ(general["answered"], 2);
    EXPECT_EQ(general["abandoned"], 1);
    EXPECT_DOUBLE_EQ(general["service_level"].get<double>(), 0.5) << "4 s within 20, 30 s not";
    EXPECT_DOUBLE_EQ(general["service_level_with_abandons"].get<double>(), 2.0 / 3);
    EXPECT_DOUBLE_EQ(general["asa_seconds"].get<double>(), 17.0);
    EXPECT_DOUBLE_EQ(general["aht_seconds"].get<double>(), 90.0);
    // The number called again the next day: olga's first call is not resolved.
    EXPECT_EQ(report["first_contact"]["answered"], 3);
    EXPECT_EQ(report["quick_returns"], 0);
    EXPECT_EQ(general["offers_missed"], 1);
    ASSERT_EQ(report["agents"].size(), 2u) << report.dump();
    EXPECT_EQ(report["agents"][0]["agent"], "oleg");
    EXPECT_EQ(report["agents"][0]["missed"], 1);

    Login boris = LogIn("boris");
    json north =
        Send(http::verb::get, "/api/v1/reports/inbound?from=02.03.2026&to=03.03.2026", "", &boris)
            .Json();
    EXPECT_EQ(north["calls"], 3) << "the team's olga took three of them: " << north.dump();
    ASSERT_EQ(north["agents"].size(), 1u) << "oleg, who missed olga's call, is not the team's";
    EXPECT_EQ(north["agents"][0]["agent"], "olga");
    EXPECT_EQ(north["routes"][0]["offers_missed"], 0) << north.dump();

    Reply log =
        Send(http::verb::get, "/api/v1/reports/inbound/queue-log?from=2026-03-02", "", &anna);
    ASSERT_EQ(log.status, 200) << log.body;
    EXPECT_EQ(log.content_type, "text/plain; charset=utf-8");
    EXPECT_NE(log.body.find("|general|NONE|ENTERQUEUE||+79031112233|1\n"), std::string::npos)
        << log.body;
    EXPECT_NE(log.body.find("|general|Agent/oleg|CONNECT|30|"), std::string::npos) << log.body;
    EXPECT_NE(log.body.find("|general|NONE|ABANDON|1|1|12\n"), std::string::npos) << log.body;
    EXPECT_NE(log.body.find("|general|Agent/oleg|RINGNOANSWER|3000\n"), std::string::npos)
        << log.body;
    EXPECT_EQ(log.body.find("agent:olga"), std::string::npos) << "not a queue";

    Reply bad = Send(http::verb::get, "/api/v1/reports/inbound?from=31.02.2026", "", &anna);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.Json()["code"], "period.not_a_date") << bad.body;
    for (const char* who : {"oleg", "ivan"}) {
        Login l = LogIn(who);
        EXPECT_EQ(Send(http::verb::get, "/api/v1/reports/inbound", "", &l).status, 403) << who;
        EXPECT_EQ(Send(http::verb::get, "/api/v1/reports/inbound/queue-log", "", &l).status, 403)
            << who;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, CallsTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::api
