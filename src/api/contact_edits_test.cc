// Issue 18, section 3 and 6: a contact's name and phones edited through the
// API, the sort of the search, the count of a filter, mass edits, saved
// filters, the phone chosen on the card for the stop-list and the names in an
// operator's callbacks — each as the roles that may and as those refused.
#include "api/api_test_fixture.h"

namespace callbase::api {
namespace {

class ContactEditsTest : public ApiTest {
protected:
    json Card(int64_t id, const Login& who) {
        Reply r = Send(http::verb::get, fmt::format("/api/v1/contacts/{}", id), "", &who);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.Json();
    }
    Reply Edit(int64_t id, const json& body, const Login& who) {
        return Send(http::verb::put, fmt::format("/api/v1/contacts/{}", id), body.dump(), &who);
    }
    Reply Mass(const json& body, const Login& who) {
        return Send(http::verb::post, "/api/v1/contacts/bulk", body.dump(), &who);
    }
    // Assigns contacts to the operator oleg (he sees only those).
    void AssignToOleg(const std::vector<int64_t>& ids) {
        auto oleg = db_->QueryValue("SELECT id FROM users WHERE name = 'oleg'");
        ASSERT_TRUE(oleg);
        auto changed =
            contacts::AssignContacts(*db_, clock_, "seed", ids, contacts::Filter{}, std::nullopt,
                                     std::pair{store::Row({*oleg}).Int(0), "oleg"});
        ASSERT_TRUE(changed) << changed.error().message;
    }
    int64_t AddContact(const std::string& name, const std::vector<std::string>& phones,
                       const std::string& region = "") {
        contacts::ContactBook book(*db_, clock_, "seed");
        contacts::NewContact c;
        c.name = name;
        c.region = region;
        for (const auto& p : phones)
            c.phones.push_back({testing::TestCleaner().Clean(p)});
        auto id = book.Create(c);
        EXPECT_TRUE(id) << id.error().message;
        return id ? *id : 0;
    }
    bool HasHistory(const json& card, const std::string& action) {
        for (const auto& h : card["history"])
            if (h.value("action", "") == action) return true;
        return false;
    }
};

TEST_P(ContactEditsTest, EditRenamesAddsAndRemovesPhonesWithHistory) {
    const int64_t ivan = ids_["+79161234567"];
    Login anna = LogIn("anna");
    Reply r = Edit(ivan,
                   {{"name", "  Иван Петрович Петров "},
                    {"add_phones", {{{"phone", "8 (916) 555-44-33"}, {"label", "рабочий"}}}}},
                   anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.Json()["changed"].get<bool>());
    json card = Card(ivan, anna);
    EXPECT_EQ(card["name"], "Иван Петрович Петров");
    ASSERT_EQ(card["phones"].size(), 2u);
    EXPECT_EQ(card["phones"][1]["e164"], "+79165554433");
    EXPECT_EQ(card["phones"][1]["label"], "рабочий");
    EXPECT_TRUE(HasHistory(card, "rename"));
    EXPECT_TRUE(HasHistory(card, "phone_add"));
    // The renamed contact is found by its new words.
    json found = Send(http::verb::get, "/api/v1/contacts?name=Петрович", "", &anna).Json();
    ASSERT_EQ(found["total"], 1);
    EXPECT_EQ(found["items"][0]["id"], ivan);

    // The same number again is a conflict; a number that is no number is
    // refused with the reason, and the name sent with it is not changed.
    r = Edit(ivan, {{"add_phones", {{{"phone", "+7 916 555 44 33"}}}}}, anna);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact.phone_exists") << r.body;
    EXPECT_EQ(r.Json()["params"]["id"], std::to_string(ivan)) << r.body;
    r = Edit(ivan, {{"name", "Другое Имя"}, {"add_phones", {{{"phone", "12345"}}}}}, anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("not a phone number"), std::string::npos) << r.body;
    EXPECT_EQ(Card(ivan, anna)["name"], "Иван Петрович Петров");

    // Removing by the phone's id; an id of another contact's phone is not found.
    const int64_t first = card["phones"][0]["id"];
    const int64_t marias_phone = Card(ids_["+79031112233"], anna)["phones"][0]["id"];
    r = Edit(ivan, {{"remove_phones", {marias_phone}}}, anna);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact.no_phone") << r.body;
    EXPECT_EQ(r.Json()["params"],
              (json{{"id", std::to_string(ivan)}, {"phone_id", std::to_string(marias_phone)}}))
        << r.body;
    ASSERT_EQ(Edit(ivan, {{"remove_phones", {first}}}, anna).status, 200);
    card = Card(ivan, anna);
    ASSERT_EQ(card["phones"].size(), 1u);
    EXPECT_EQ(card["phones"][0]["e164"], "+79165554433");
    EXPECT_TRUE(HasHistory(card, "phone_remove"));
    r = Edit(ivan, json::object(), anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact_edit.nothing") << r.body;
    EXPECT_EQ(r.Json()["params"], json::object()) << r.body;
    r = Edit(ivan, {{"add_phones", "8 916 555-44-33"}}, anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact_edit.phones_not_arrays") << r.body;

    // A contact without a name keeps its last phone.
    const int64_t nameless = AddContact("", {"+79057654321"});
    const int64_t only = Card(nameless, anna)["phones"][0]["id"];
    r = Edit(nameless, {{"remove_phones", {only}}}, anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact.keeps_last_phone") << r.body;
    EXPECT_EQ(r.Json()["params"], (json{{"id", std::to_string(nameless)}})) << r.body;
    EXPECT_EQ(Card(nameless, anna)["phones"].size(), 1u);

    auto records = AuditOf("anna", 1);
    int edits = 0;
    for (const auto& rec : records)
        if (rec.object == "PUT /api/v1/contacts/{id}" && rec.action == "change") ++edits;
    EXPECT_GE(edits, 3);
}

TEST_P(ContactEditsTest, EditIsRefusedToRolesThatMayNot) {
    const int64_t ivan = ids_["+79161234567"];
    const json rename{{"name", "Кто-то Другой"}};
    // No edit_contacts: the analyst and the dpo.
    EXPECT_EQ(Edit(ivan, rename, LogIn("ivan")).status, 403);
    EXPECT_EQ(Edit(ivan, rename, LogIn("dina")).status, 403);
    // The admin sees pseudonyms in place of names: may add a phone, not rename.
    Login root = LogIn("root");
    EXPECT_EQ(Edit(ivan, rename, root).status, 403);
    EXPECT_EQ(Edit(ivan, {{"add_phones", {{{"phone", "+79160000001"}}}}}, root).status, 200);
    // An operator edits only the contacts they see.
    Login oleg = LogIn("oleg");
    EXPECT_EQ(Edit(ivan, rename, oleg).status, 404);
    AssignToOleg({ivan});
    EXPECT_EQ(Edit(ivan, rename, oleg).status, 200);
    EXPECT_EQ(Card(ivan, LogIn("anna"))["name"], "Кто-то Другой");
    // The operator sees numbers masked: the answer and the card name none.
    Reply r = Edit(ivan, {{"add_phones", {{{"phone", "8 916 000-00-02"}}}}}, oleg);
    EXPECT_EQ(r.status, 200);
    const std::string shown = Card(ivan, oleg).dump();
    EXPECT_EQ(shown.find("+79160000002"), std::string::npos) << shown;
}

TEST_P(ContactEditsTest, CreateTakesLabelsAndFields) {
    Login anna = LogIn("anna");
    ASSERT_EQ(Send(http::verb::post, "/api/v1/fields",
                   json{{"name", "Сумма"}, {"type", "number"}}.dump(), &anna)
                  .status,
              201);
    Reply r =
        Send(http::verb::post, "/api/v1/contacts",
             json{{"name", "Новая Клиентка"},
                  {"phones",
                   {{{"phone", "8 916 700-00-01"}, {"label", "мобильный"}}, "+7 495 700-00-02"}},
                  {"fields", {{"Сумма", "1500"}}}}
                 .dump(),
             &anna);
    ASSERT_EQ(r.status, 201) << r.body;
    json card = Card(r.Json()["id"], anna);
    ASSERT_EQ(card["phones"].size(), 2u);
    EXPECT_EQ(card["phones"][0]["label"], "мобильный");
    EXPECT_EQ(card["phones"][1]["label"], "основной");
    EXPECT_EQ(card["fields"]["Сумма"], "1500");
    // A field that is not a number refuses the contact: nothing is created.
    const int64_t before =
        Send(http::verb::get, "/api/v1/contacts/count", "", &anna).Json()["total"];
    r = Send(http::verb::post, "/api/v1/contacts",
             json{{"name", "Ещё Одна"}, {"fields", {{"Сумма", "много"}}}}.dump(), &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "field.not_number") << r.body;
    EXPECT_EQ(r.Json()["params"], (json{{"field", "Сумма"}, {"value", "много"}})) << r.body;
    // A body of the wrong shape is refused with what was wrong in it.
    r = Send(http::verb::post, "/api/v1/contacts",
             json{{"name", "Ещё Одна"}, {"tags", {"VIP", 7}}}.dump(), &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact_new.tag_not_text") << r.body;
    r = Send(http::verb::post, "/api/v1/contacts",
             json{{"name", "Ещё Одна"}, {"fields", {{"Сумма", 1500}}}}.dump(), &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("the value of field 'Сумма' must be a string"), std::string::npos)
        << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "contact_new.field_not_text") << r.body;
    EXPECT_EQ(r.Json()["params"], (json{{"field", "Сумма"}})) << r.body;
    EXPECT_EQ(Send(http::verb::get, "/api/v1/contacts/count", "", &anna).Json()["total"], before);
}

TEST_P(ContactEditsTest, SortIsByTheColumnAndStableAcrossPages) {
    // Names in an order unlike their ids, and equal regions so ties need the id.
    for (auto name : {"Яна Юрьева", "Анна Белова", "Борис Акимов", "Вера Бахова", "Глеб Гусев"})
        AddContact(name, {}, "Тверь");
    Login anna = LogIn("anna");
    const bool sealed = db_->cipher() != nullptr;
    auto pages = [&](const std::string& sort, const std::string& key) {
        std::vector<std::pair<std::string, int64_t>> seen;
        for (int offset = 0; offset < 8; offset += 3) {
            json page =
                Send(http::verb::get,
                     fmt::format("/api/v1/contacts?sort={}&limit=3&offset={}", sort, offset), "",
                     &anna)
                    .Json();
            for (const auto& item : page["items"])
                seen.emplace_back(item[key].get<std::string>(), item["id"].get<int64_t>());
        }
        return seen;
    };
    for (const std::string sort : {"name", "-name", "region", "-region", "status"}) {
        if (sealed && sort.ends_with("name")) {
            Reply r = Send(http::verb::get, "/api/v1/contacts?sort=" + sort, "", &anna);
            EXPECT_EQ(r.status, 400) << r.body;  // names are sealed
            continue;
        }
        const std::string key = sort.ends_with("name")     ? "name"
                                : sort.ends_with("region") ? "region"
                                                           : "status";
        auto seen = pages(sort, key);
        ASSERT_EQ(seen.size(), 8u) << sort;
        std::set<int64_t> ids;
        for (const auto& [value, id] : seen)
            ids.insert(id);
        EXPECT_EQ(ids.size(), 8u) << sort << ": a contact repeated across pages";
        auto expected = seen;
        const bool descending = sort.starts_with('-');
        std::stable_sort(expected.begin(), expected.end(),
                         [&](const auto& a, const auto& b) { return descending ? b < a : a < b; });
        EXPECT_EQ(seen, expected) << sort;
    }
    if (!sealed) {
        auto seen = pages("name", "name");
        EXPECT_EQ(seen.front().first, "Анна Белова");
        EXPECT_EQ(seen.back().first, "Яна Юрьева");
    }
    // The newest first by default, the oldest first with sort=added.
    json newest = Send(http::verb::get, "/api/v1/contacts?limit=1", "", &anna).Json();
    json oldest = Send(http::verb::get, "/api/v1/contacts?sort=added&limit=1", "", &anna).Json();
    EXPECT_EQ(oldest["items"][0]["id"], ids_["+79161234567"]);
    EXPECT_GT(newest["items"][0]["id"].get<int64_t>(), oldest["items"][0]["id"].get<int64_t>());
    Reply bad = Send(http::verb::get, "/api/v1/contacts?sort=phone", "", &anna);
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("cannot sort by 'phone'"), std::string::npos) << bad.body;
    EXPECT_EQ(bad.Json().value("code", ""), "contact.sort_unknown") << bad.body;
    EXPECT_EQ(bad.Json()["params"], (json{{"sort", "phone"}})) << bad.body;
}

TEST_P(ContactEditsTest, CountIsWhatTheSearchFindsAsTheCallerMaySee) {
    AddContact("Иван Грозный", {"+79250000001"}, "Тверь");
    Login anna = LogIn("anna");
    auto count = [&](const std::string& query, const Login& who) {
        Reply r = Send(http::verb::get, "/api/v1/contacts/count" + query, "", &who);
        return r.status == 200 ? r.Json()["total"].get<int64_t>() : -r.status;
    };
    EXPECT_EQ(count("", anna), 4);
    EXPECT_EQ(count("?filter=name~%D0%B8%D0%B2%D0%B0%D0%BD", anna), 2);  // name~иван
    // name~иван and region=Тверь
    EXPECT_EQ(
        count("?filter=name~%D0%B8%D0%B2%D0%B0%D0%BD&filter=region=%D0%A2%D0%B2%D0%B5%D1%80%D1%8C",
              anna),
        1);
    EXPECT_EQ(count("?filter=stat=new", anna), -400);
    // The analyst may count, but not by name (pseudonyms); the operator counts
    // only what is theirs.
    Login analyst = LogIn("ivan");
    EXPECT_EQ(count("", analyst), 4);
    EXPECT_EQ(count("?filter=name~%D0%B8%D0%B2%D0%B0%D0%BD", analyst), -400);
    Login oleg = LogIn("oleg");
    EXPECT_EQ(count("", oleg), 0);
    AssignToOleg({ids_["+79031112233"]});
    EXPECT_EQ(count("", oleg), 1);
}

TEST_P(ContactEditsTest, MassEditTagsSetsStatusStopsAndAssignsReportingFailures) {
    const int64_t ivan = ids_["+79161234567"], maria = ids_["+79031112233"],
                  olegs = ids_["+74951234567"];
    const int64_t nameless_phone = AddContact("Без Телефона", {});
    Login anna = LogIn("anna");
    Reply r = Mass({{"action", "tag"}, {"tag", "VIP"}, {"ids", {ivan, maria}}}, anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["selected"], 2);
    EXPECT_EQ(r.Json()["changed"], 2);
    // Again: nothing changes, nothing fails.
    r = Mass({{"action", "tag"}, {"tag", "VIP"}, {"ids", {ivan, maria}}}, anna);
    EXPECT_EQ(r.Json()["changed"], 0);
    EXPECT_EQ(r.Json()["unchanged"], 2);
    EXPECT_EQ(
        Send(http::verb::get, "/api/v1/contacts/count?filter=tag=VIP", "", &anna).Json()["total"],
        2);

    // By filter: every contact the filter finds.
    r = Mass({{"action", "status"}, {"status", "in_progress"}, {"filter", json::array()}}, anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["selected"], 4);
    EXPECT_EQ(r.Json()["changed"], 4);
    EXPECT_EQ(Card(olegs, anna)["status"], "in_progress");

    // The stop-list: every number, with the category and the reason; the
    // contact with no number is reported, the others are added.
    r = Mass({{"action", "stop"},
              {"category", "do_not_disturb"},
              {"reason", "просили не звонить"},
              {"ids", {ivan, nameless_phone, maria}}},
             anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["changed"], 2);
    ASSERT_EQ(r.Json()["failed"].size(), 1u);
    EXPECT_EQ(r.Json()["failed"][0]["id"], nameless_phone);
    EXPECT_NE(r.Json()["failed"][0]["reason"].get<std::string>().find("no valid number"),
              std::string::npos);
    // A Russian screen shows the reason by its code.
    EXPECT_EQ(r.Json()["failed"][0].value("code", ""), "mass_edit.no_valid_number") << r.body;
    EXPECT_EQ(r.Json()["failed"][0]["params"].value("id", ""), std::to_string(nameless_phone))
        << r.body;
    json stops = Card(maria, anna)["stop_list"];
    ASSERT_EQ(stops.size(), 1u);
    EXPECT_EQ(stops[0]["category"], "do_not_disturb");
    EXPECT_EQ(stops[0]["note"], "просили не звонить");
    r = Mass(
        {{"action", "stop"}, {"category", "do_not_disturb"}, {"reason", " "}, {"ids", {olegs}}},
        anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "mass_edit.stop_no_reason") << r.body;
    r = Mass({{"action", "stop"}, {"category", "never"}, {"reason", "x"}, {"ids", {olegs}}}, anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "mass_edit.unknown_category") << r.body;
    EXPECT_EQ(r.Json()["params"], (json{{"category", "never"}})) << r.body;
    r = Mass({{"action", "paint"}, {"ids", {olegs}}}, anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "mass_edit.unknown_action") << r.body;
    EXPECT_EQ(r.Json()["params"], (json{{"action", "paint"}})) << r.body;
    r = Mass({{"action", "tag"}, {"tag", "VIP"}}, anna);  // no ids, no filter
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "mass_edit.ids_or_filter") << r.body;
    r = Mass({{"action", "tag"}, {"tag", "VIP"}, {"ids", {olegs, -3}}}, anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "mass_edit.bad_id") << r.body;

    // Assign: the supervisor may; all at once.
    r = Mass({{"action", "assign"}, {"to", "oleg"}, {"ids", {ivan, maria}}}, anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["changed"], 2);

    // The operator: edits what is theirs, may not assign; a contact not theirs
    // is reported as not found, not changed.
    Login oleg = LogIn("oleg");
    r = Mass({{"action", "assign"}, {"to", "oleg"}, {"ids", {olegs}}}, oleg);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.Json().value("detail", ""),
              "oleg (operator) may not do this: it needs the assign_contacts permission; ask an "
              "administrator")
        << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "permission.denied") << r.body;
    EXPECT_EQ(r.Json()["params"],
              (json{{"user", "oleg"}, {"role", "operator"}, {"permission", "assign_contacts"}}))
        << r.body;
    r = Mass({{"action", "untag"}, {"tag", "VIP"}, {"ids", {ivan, olegs}}}, oleg);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["changed"], 1);
    ASSERT_EQ(r.Json()["failed"].size(), 1u);
    EXPECT_EQ(r.Json()["failed"][0]["id"], olegs);
    // The analyst and the dpo may not edit at all.
    EXPECT_EQ(Mass({{"action", "tag"}, {"tag", "VIP"}, {"ids", {ivan}}}, LogIn("ivan")).status,
              403);
    EXPECT_EQ(Mass({{"action", "tag"}, {"tag", "VIP"}, {"ids", {ivan}}}, LogIn("dina")).status,
              403);

    int mass = 0;
    for (const auto& rec : AuditOf("anna", 1)) {
        if (rec.object == "POST /api/v1/contacts/bulk" && rec.action == "mass_edit") ++mass;
    }
    EXPECT_GE(mass, 4);
}

TEST_P(ContactEditsTest, SavedFiltersAreEachUsersOwn) {
    Login anna = LogIn("anna"), oleg = LogIn("oleg");
    Reply r = Send(
        http::verb::post, "/api/v1/saved-filters",
        json{{"name", "Москва, новые"}, {"filter", {"region=Москва", "status=new"}}}.dump(), &anna);
    ASSERT_EQ(r.status, 201) << r.body;
    const int64_t id = r.Json()["id"];
    json list = Send(http::verb::get, "/api/v1/saved-filters", "", &anna).Json();
    ASSERT_EQ(list["items"].size(), 1u);
    EXPECT_EQ(list["items"][0]["name"], "Москва, новые");
    EXPECT_EQ(list["items"][0]["filter"], json::array({"region=Москва", "status=new"}));
    // Another user sees none of them and cannot remove them.
    EXPECT_EQ(Send(http::verb::get, "/api/v1/saved-filters", "", &oleg).Json()["items"].size(), 0u);
    r = Send(http::verb::delete_, fmt::format("/api/v1/saved-filters/{}", id), "", &oleg);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "saved_filter.not_found") << r.body;
    EXPECT_EQ(r.Json()["params"], (json{{"id", std::to_string(id)}})) << r.body;
    // The same name replaces the filter.
    r = Send(http::verb::post, "/api/v1/saved-filters",
             json{{"name", "Москва, новые"}, {"filter", {"region=Москва"}}}.dump(), &anna);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json()["id"], id);
    list = Send(http::verb::get, "/api/v1/saved-filters", "", &anna).Json();
    ASSERT_EQ(list["items"].size(), 1u);
    EXPECT_EQ(list["items"][0]["filter"], json::array({"region=Москва"}));
    // Refused: no name, a filter the search would refuse, one the role may not use.
    Login analyst = LogIn("ivan");
    r = Send(http::verb::post, "/api/v1/saved-filters",
             json{{"name", " "}, {"filter", json::array()}}.dump(), &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "saved_filter.no_name") << r.body;
    r = Send(http::verb::post, "/api/v1/saved-filters",
             json{{"name", "x"}, {"filter", "region=Москва"}}.dump(), &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Json().value("code", ""), "request.filter_not_array") << r.body;
    EXPECT_EQ(Send(http::verb::post, "/api/v1/saved-filters",
                   json{{"name", "x"}, {"filter", {"stat=new"}}}.dump(), &anna)
                  .status,
              400);
    EXPECT_EQ(Send(http::verb::post, "/api/v1/saved-filters",
                   json{{"name", "x"}, {"filter", {"name~иван"}}}.dump(), &analyst)
                  .status,
              400);
    ASSERT_EQ(
        Send(http::verb::delete_, fmt::format("/api/v1/saved-filters/{}", id), "", &anna).status,
        200);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/saved-filters", "", &anna).Json()["items"].size(), 0u);
    // On an encrypted base the filter is sealed: no name in the table's text.
    if (db_->cipher()) {
        ASSERT_EQ(Send(http::verb::post, "/api/v1/saved-filters",
                       json{{"name", "Петровы"}, {"filter", {"name~Петров"}}}.dump(), &anna)
                      .status,
                  201);
        auto stored = db_->QueryValue("SELECT expressions FROM saved_filters");
        ASSERT_TRUE(stored);
        EXPECT_EQ(store::Row({*stored}).Text(0).find("Петров"), std::string::npos);
    }
}

TEST_P(ContactEditsTest, StopListFromTheCardTakesTheChosenPhone) {
    const int64_t two = AddContact("Два Номера", {"+79161110001", "+79161110002"});
    AssignToOleg({two});
    Login oleg = LogIn("oleg");
    json card = Card(two, oleg);
    ASSERT_EQ(card["phones"].size(), 2u);
    const int64_t second = card["phones"][1]["id"];
    Reply r = Send(http::verb::post, "/api/v1/stop-list",
                   json{{"contact_id", two},
                        {"phone_id", second},
                        {"category", "written_only"},
                        {"note", "только письма"}}
                       .dump(),
                   &oleg);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body.find("+79161110002"), std::string::npos) << "masked for the operator";
    json stops = Card(two, LogIn("anna"))["stop_list"];
    ASSERT_EQ(stops.size(), 1u);
    EXPECT_EQ(stops[0]["phone"], "+79161110002");
    EXPECT_EQ(stops[0]["category"], "written_only");
    // A phone of another contact is not this contact's.
    const int64_t ivans_phone = Card(ids_["+79161234567"], LogIn("anna"))["phones"][0]["id"];
    Reply other = Send(http::verb::post, "/api/v1/stop-list",
                       json{{"contact_id", two}, {"phone_id", ivans_phone}}.dump(), &oleg);
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(other.Json().value("code", ""), "contact.no_such_phone") << other.body;
    EXPECT_EQ(other.Json().value("params", json::object()),
              json({{"id", std::to_string(two)}, {"phone_id", std::to_string(ivans_phone)}}))
        << other.body;
    Reply not_id = Send(http::verb::post, "/api/v1/stop-list",
                        json{{"contact_id", two}, {"phone_id", "second"}}.dump(), &oleg);
    EXPECT_EQ(not_id.status, 400);
    EXPECT_EQ(not_id.Json().value("code", ""), "request.not_phone_id") << not_id.body;
}

TEST_P(ContactEditsTest, CallbacksNameTheirContactsAsTheCallerMaySee) {
    auto campaign = db_->QueryValue(
        "INSERT INTO campaigns (name, purpose, pacing, settings, created_at, created_by, "
        "updated_at, updated_by) VALUES ('cb', 'service', 'preview', '{}', $1, 'seed', $1, "
        "'seed') RETURNING id",
        {clock_.Now()});
    ASSERT_TRUE(campaign);
    const int64_t campaign_id = store::Row({*campaign}).Int(0);
    for (auto [agent, phone] : {std::pair{"oleg", "+79031112233"}, {"root", "+79161234567"}}) {
        auto call = db_->QueryValue(
            "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
            "started_at, ended_at, outcome, evidence, agent) VALUES ($1, $2, $3, '+74950000000', "
            "1, $4, $4, 'answered', '{}', $5) RETURNING id",
            {campaign_id, ids_[phone], store::PhoneKey(*db_, phone), (clock_.Now() - 60) * 1000,
             std::string(agent)});
        ASSERT_TRUE(call);
        ASSERT_TRUE(
            db_->Exec("INSERT INTO callbacks (campaign_id, call_id, contact_id, agent, due_at) "
                      "VALUES ($1, $2, $3, $4, $5)",
                      {campaign_id, store::Row({*call}).Int(0), ids_[phone], std::string(agent),
                       clock_.Now() + 3600}));
    }
    Login oleg = LogIn("oleg"), root = LogIn("root");
    json olegs = Send(http::verb::get, "/api/v1/agent", "", &oleg).Json();
    ASSERT_EQ(olegs["callbacks"].size(), 1u);
    EXPECT_EQ(olegs["callbacks"][0]["name"], "Мария Соколова");
    // The admin sees a pseudonym in place of the name, as on the card.
    json roots = Send(http::verb::get, "/api/v1/agent", "", &root).Json();
    ASSERT_EQ(roots["callbacks"].size(), 1u);
    const std::string shown = roots["callbacks"][0]["name"];
    EXPECT_NE(shown, "Иван Петров");
    EXPECT_EQ(shown.find("Иван"), std::string::npos) << shown;
}

INSTANTIATE_TEST_SUITE_P(Backends, ContactEditsTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::api
