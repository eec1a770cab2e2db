#include <gtest/gtest.h>

#include "daemon/logging.hpp"

namespace leadsync::daemon {
namespace {

TEST(MaskEmails, KeepsTheFirstLetterAndTheDomain) {
  EXPECT_EQ(mask_emails("lead ada.lovelace+crm@example.co.uk failed"), "lead a***@example.co.uk failed");
  EXPECT_EQ(mask_emails("Contact already exists: bob@acme.com, eve@acme.com"),
            "Contact already exists: b***@acme.com, e***@acme.com");
}

TEST(MaskEmails, LeavesTextWithoutAddressesAlone) {
  EXPECT_EQ(mask_emails("no address here"), "no address here");
  EXPECT_EQ(mask_emails("user@ alone, @handle, a@b"), "user@ alone, @handle, a@b");
  EXPECT_EQ(mask_emails(""), "");
}

TEST(MaskEmails, AOneLetterLocalPartStaysAsItIs) {
  EXPECT_EQ(mask_emails("x@example.com"), "x***@example.com");
}

}  // namespace
}  // namespace leadsync::daemon
