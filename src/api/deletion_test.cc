// Issue 17, item 6: what the API writes into the audit log names no person.
// Numbers were pseudonyms already; names, notes, reasons and search values
// (in a handler's detail or in the query string of a refused or failed call)
// are kept as "text:P-…" pseudonyms too, so that the append-only log holds
// nothing a deletion request would have to erase.
#include "api/api_test_fixture.h"

namespace callbase::api {
namespace {

std::string UrlEncoded(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

TEST_P(ApiTest, TheAuditLogKeepsNamesNotesAndSearchValuesAsPseudonyms) {
    Login anna = LogIn("anna");
    const std::string surname = "Пантелеймонова", reason = "Аграфена перезвонила сама";
    EXPECT_EQ(
        Send(http::verb::get, "/api/v1/contacts?name=" + UrlEncoded(surname), "", &anna).status,
        200);
    EXPECT_EQ(
        Send(http::verb::get,
             "/api/v1/contacts?filter=" + UrlEncoded("email~agrafena.p@example.ru"), "", &anna)
            .status,
        200);
    // A failed search: its query string is what the record keeps.
    EXPECT_EQ(Send(http::verb::get,
                   "/api/v1/contacts?filter=" + UrlEncoded("name~" + surname) +
                       "&filter=" + UrlEncoded("nosuchkey=1"),
                   "", &anna)
                  .status,
              400);
    EXPECT_EQ(Send(http::verb::post, "/api/v1/stop-list",
                   json{{"phone", "89031112233"}, {"category", "not_now"}}.dump(), &anna)
                  .status,
              201);
    EXPECT_EQ(Send(http::verb::delete_,
                   "/api/v1/stop-list?phone=89031112233&reason=" + UrlEncoded(reason), "", &anna)
                  .status,
              200);
    EXPECT_EQ(
        Send(http::verb::post, "/api/v1/exports",
             json{{"filter", {"name~" + surname}}, {"reason", "для " + surname}}.dump(), &anna)
            .status,
        201);
    auto records = AuditOf("anna", 7);
    int pseudonyms = 0;
    for (const auto& r : records) {
        const std::string text = r.records + " " + r.detail;
        for (const std::string& secret :
             {surname, std::string("Аграфена"), std::string("agrafena"), UrlEncoded(surname),
              UrlEncoded(reason), std::string("79031112233")}) {
            EXPECT_EQ(text.find(secret), std::string::npos)
                << r.object << " keeps '" << secret << "': " << text;
        }
        if (text.find("text:P-") != std::string::npos) ++pseudonyms;
    }
    EXPECT_GE(pseudonyms, 5) << "the search, the failed search, the removal and the export";
}

}  // namespace
}  // namespace callbase::api
