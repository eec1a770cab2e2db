#include <gtest/gtest.h>

#include "daemon/proxy.hpp"

namespace leadsync::daemon {
namespace {

TEST(ProxySettings, HttpsAndHttpUseTheirOwnVariables) {
  const proxy_settings p{"http://proxy.corp:3128", "http://plain.corp:8080", ""};
  const auto https = p.for_target("https", "login.salesforce.com");
  ASSERT_TRUE(https.has_value());
  EXPECT_EQ(https->host, "proxy.corp");
  EXPECT_EQ(https->port, "3128");
  EXPECT_EQ(https->authorization, "");
  const auto http = p.for_target("http", "crm.example.com");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->host, "plain.corp");
}

TEST(ProxySettings, CredentialsBecomeBasicAuthorization) {
  const proxy_settings p{"http://user:secret@proxy.corp:3128", "", ""};
  EXPECT_EQ(p.for_target("https", "api.hubapi.com")->authorization, "Basic dXNlcjpzZWNyZXQ=");
}

TEST(ProxySettings, NoProxyMatchesHostsAndSubdomainsButNotLookalikes) {
  const proxy_settings p{"proxy.corp:3128", "", "example.com, .internal.test,10.0.0.7:443"};
  EXPECT_FALSE(p.for_target("https", "example.com").has_value());
  EXPECT_FALSE(p.for_target("https", "api.EXAMPLE.com").has_value());
  EXPECT_FALSE(p.for_target("https", "crm.internal.test").has_value());
  EXPECT_FALSE(p.for_target("https", "10.0.0.7").has_value());
  EXPECT_TRUE(p.for_target("https", "notexample.com").has_value());
  EXPECT_EQ(p.for_target("https", "notexample.com")->port, "3128") << "a proxy without scheme is http://";
}

TEST(ProxySettings, LoopbackNeverGoesThroughAProxy) {
  const proxy_settings p{"http://proxy.corp:3128", "http://proxy.corp:3128", ""};
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "app.localhost"}) {
    EXPECT_FALSE(p.for_target("https", host).has_value()) << host;
  }
}

TEST(ProxySettings, AStarInNoProxyTurnsProxyingOff) {
  const proxy_settings p{"http://proxy.corp:3128", "", "*"};
  EXPECT_FALSE(p.for_target("https", "login.salesforce.com").has_value());
}

TEST(ProxySettings, AnUnusableProxyUrlIsReportedAndIgnored) {
  const proxy_settings p{"socks5://proxy.corp:1080", "", ""};
  EXPECT_FALSE(p.for_target("https", "login.salesforce.com").has_value());
  ASSERT_EQ(p.problems().size(), 1U);
  EXPECT_NE(p.problems()[0].find("HTTPS_PROXY"), std::string::npos);
}

}  // namespace
}  // namespace leadsync::daemon
