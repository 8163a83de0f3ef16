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

}  // namespace
}  // namespace callbase::security
