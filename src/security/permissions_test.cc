// The permission table as each role relies on it, the same table in
// docs/security.md, masking and pseudonyms.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "security/permissions.h"

namespace callbase::security {
namespace {

TEST(Permissions, TheDocumentHoldsTheTableOfTheCode) {
    std::ifstream in(std::string(CALLBASE_SOURCE_DIR) + "/docs/security.md");
    ASSERT_TRUE(in) << "docs/security.md is missing";
    std::stringstream doc;
    doc << in.rdbuf();
    EXPECT_NE(doc.str().find(PermissionTableMarkdown()), std::string::npos)
        << "docs/security.md must contain exactly this table (callbase user permissions "
           "prints it):\n"
        << PermissionTableMarkdown();
}

TEST(Permissions, WhatEachRoleMayDo) {
    EXPECT_FALSE(Allowed(Role::kOperator, Permission::kSeeFullNumbers));
    EXPECT_TRUE(Allowed(Role::kOperator, Permission::kStopList)) << "first request: add at once";
    EXPECT_FALSE(Allowed(Role::kOperator, Permission::kMerge));
    EXPECT_FALSE(Allowed(Role::kAnalyst, Permission::kSeeNames));
    EXPECT_FALSE(Allowed(Role::kAnalyst, Permission::kEditContacts));
    EXPECT_TRUE(Allowed(Role::kSupervisor, Permission::kApproveExport));
    EXPECT_FALSE(Allowed(Role::kAdmin, Permission::kApproveExport)) << "four eyes";
    EXPECT_TRUE(Allowed(Role::kAdmin, Permission::kManageUsers));
    // Seed 004: the admin runs the system but neither views nor exports
    // business data (break-glass, approved by the dpo, is the way to see it).
    EXPECT_FALSE(Allowed(Role::kAdmin, Permission::kSeeNames));
    EXPECT_FALSE(Allowed(Role::kAdmin, Permission::kSeeFullNumbers));
    EXPECT_FALSE(Allowed(Role::kAdmin, Permission::kRequestExport));
    for (Role r : AllRoles()) {
        EXPECT_EQ(Allowed(r, Permission::kBreakGlass), r == Role::kAdmin) << RoleId(r);
        EXPECT_EQ(Allowed(r, Permission::kApproveBreakGlass), r == Role::kDpo) << RoleId(r);
        EXPECT_EQ(Allowed(r, Permission::kAssignContacts), r == Role::kSupervisor) << RoleId(r);
        // Planning staff: the supervisor, the analyst and the admin; not the
        // operators it plans, not the dpo, not automation.
        EXPECT_EQ(Allowed(r, Permission::kStaffing),
                  r == Role::kSupervisor || r == Role::kAnalyst || r == Role::kAdmin)
            << RoleId(r);
        // Live voices: the floor's supervisors only, not the admin who runs
        // the system nor the dpo who audits it.
        EXPECT_EQ(Allowed(r, Permission::kMonitorCalls), r == Role::kSupervisor) << RoleId(r);
    }
    for (Role r : AllRoles()) {
        EXPECT_EQ(Allowed(r, Permission::kDeletionProcess), r == Role::kDpo) << RoleId(r);
        EXPECT_EQ(Allowed(r, Permission::kManageUsers), r == Role::kAdmin) << RoleId(r);
        EXPECT_TRUE(Allowed(r, Permission::kReadContacts)) << RoleId(r);
    }
    EXPECT_TRUE(RoleNeedsTotp(Role::kAdmin));
    EXPECT_TRUE(RoleNeedsTotp(Role::kAnalyst));
    EXPECT_TRUE(RoleNeedsTotp(Role::kDpo));
    EXPECT_FALSE(RoleNeedsTotp(Role::kOperator));
    EXPECT_EQ(ParseRole("dpo"), Role::kDpo);
    EXPECT_FALSE(ParseRole("root"));
}

TEST(Masking, NumbersAreMaskedAndPseudonymsAreStablePerKey) {
    EXPECT_EQ(MaskPhone("+79121234589"), "+7 (912) ***-**-89");
    EXPECT_EQ(MaskPhone("+4930123456"), "+4 ***56");
    EXPECT_EQ(MaskPhone(""), "***");
    std::string a = Pseudonym("+79121234589", "key-1");
    EXPECT_EQ(a, Pseudonym("+79121234589", "key-1"));
    EXPECT_NE(a, Pseudonym("+79121234588", "key-1"));
    EXPECT_NE(a, Pseudonym("+79121234589", "key-2"));
    EXPECT_EQ(a.size(), 14u);
    EXPECT_EQ(a.find("9121234589"), std::string::npos);
}

TEST(PermissionsTest, PseudonymizeNumbersHidesEveryNumberAndKeepsTheRest) {
    const std::string key = "key-1";
    const std::string p = "tel:" + Pseudonym("+79161234567", key);
    for (const char* spelling : {"89161234567", "+7 (916) 123-45-67", "8 916 123 45 67",
                                 "9161234567", "7-916-123-45-67"}) {
        EXPECT_EQ(PseudonymizeNumbers(std::string("dnc add ") + spelling + " --channel=call", key),
                  "dnc add " + p + " --channel=call")
            << spelling;
    }
    EXPECT_EQ(PseudonymizeNumbers("phone=89161234567,4951234567", key),
              "phone=" + p + ",tel:" + Pseudonym("+74951234567", key));
    EXPECT_EQ(PseudonymizeNumbers("+44 20 7946 0958", key),
              "tel:" + Pseudonym("+442079460958", key));
    // Ids, dates, times and short numbers stay as they are.
    for (const char* kept : {"42", "--at=2026-11-23 09:00", "merge 1234567 7654321", "1234567890",
                             "--limit=100", "2026-11-23T10:00:00+03:00"}) {
        EXPECT_EQ(PseudonymizeNumbers(kept, key), kept);
    }
    EXPECT_EQ(PseudonymizeNumbers("id 12 89161234567", key), "id 12 " + p);
    // A pseudonym whose hex digits look like a number is left alone.
    EXPECT_EQ(PseudonymizeNumbers("tel:P-891612345670 x", key), "tel:P-891612345670 x");
    EXPECT_EQ(PseudonymizeNumbers(PseudonymizeNumbers("dnc add 89161234567", key), key),
              "dnc add " + p);
}

// Issue 17, item 6: names, notes and search values reach the audit log as
// pseudonyms only; the dpo finds them again by the same text.
TEST(PermissionsTest, PseudonymizeTextAndFiltersKeepNoPersonalText) {
    const std::string key = "key-1";
    const std::string name = PseudonymizeText("Аграфена Пантелеймонова", key);
    EXPECT_TRUE(name.starts_with("text:P-")) << name;
    EXPECT_EQ(name, PseudonymizeText("Аграфена Пантелеймонова", key));
    EXPECT_NE(name, PseudonymizeText("Аграфена Пантелеймонова", "key-2"));
    EXPECT_NE(name, PseudonymizeText("Аграфена", key));
    EXPECT_EQ(PseudonymizeText("", key), "");
    EXPECT_EQ(PseudonymizeFilter("name~Пантелеймонова", key),
              "name~" + PseudonymizeText("Пантелеймонова", key));
    EXPECT_EQ(PseudonymizeFilter("field:Паспорт=4510 123456", key),
              "field:Паспорт=" + PseudonymizeText("4510 123456", key));
    EXPECT_EQ(PseudonymizeFilter("email!=a@b.ru", key),
              "email!=" + PseudonymizeText("a@b.ru", key));
    for (const char* shared : {"status=new", "tag=VIP", "region=Москва", "added>=2026-01-01"})
        EXPECT_EQ(PseudonymizeFilter(shared, key), shared);
    EXPECT_EQ(PseudonymizeFilter("Пантелеймонова", key), PseudonymizeText("Пантелеймонова", key));
}

// The masking of error messages (api::RedactText) finds numbers the same way:
// a +7 number ends at its eleventh digit, whatever follows it.
TEST(PermissionsTest, ReplaceNumbersStopsARussianNumberAtItsLastDigit) {
    auto mask = [](const std::string& e164) { return MaskPhone(e164); };
    EXPECT_EQ(ReplaceNumbers("wrong code for +79161234567 (3 tries left)", mask),
              "wrong code for +7 (916) ***-**-67 (3 tries left)");
    EXPECT_EQ(ReplaceNumbers("no consent request for +7 (916) 123-45-67", mask),
              "no consent request for +7 (916) ***-**-67");
}

}  // namespace
}  // namespace callbase::security
