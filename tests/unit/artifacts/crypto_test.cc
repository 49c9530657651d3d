#include "artifacts/crypto.h"

#include <gtest/gtest.h>

#include "artifacts/xml_text.h"
#include "core/markup.h"

namespace mlflow::artifacts {
namespace {

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                          {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::optional<std::string>(plain));
  }
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xfe", 3)), "-__-");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xfe", 3)), "+//+");
}

TEST(Base64, DecodeRefusesOtherAlphabets) {
  EXPECT_FALSE(Base64Decode("-__-"));
  EXPECT_FALSE(Base64Decode("Zm9v!"));
  EXPECT_FALSE(Base64Decode("Z"));
  EXPECT_EQ(Base64Decode("Zm8"), std::optional<std::string>("fo"));  // padding optional
}

TEST(RandomHex, LengthAndVariety) {
  std::string a = RandomHex(8), b = RandomHex(8);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
}

TEST(RsaSha256Sign, RefusesANonKey) {
  EXPECT_EQ(RsaSha256Sign("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", "x").status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST(XmlText, ElementsWithAttributesSelfClosingAndLongerNames) {
  std::string xml =
      "<EnumerationResults ContainerName=\"c\"><Marker/><Blobs>"
      "<BlobPrefix><Name>dir/</Name></BlobPrefix>"
      "<Blob><Name>a &amp; b.txt</Name><Properties><Content-Length>5</Content-Length></Properties></Blob>"
      "<Blob><Name Encoded=\"false\">caf&#233;&#x2F;x</Name></Blob>"
      "</Blobs><NextMarker /></EnumerationResults>";
  size_t pos = 0;
  std::string item;
  std::vector<std::string> names;
  while (XmlNextElement(xml, "Blob", &pos, &item)) names.push_back(XmlElementText(item, "Name"));
  EXPECT_EQ(names, (std::vector<std::string>{"a & b.txt", "caf\xc3\xa9/x"}));
  EXPECT_EQ(XmlElementText(xml, "NextMarker"), "");
  EXPECT_EQ(XmlElementText(xml, "Marker"), "");
  pos = 0;
  ASSERT_TRUE(XmlNextElement(xml, "BlobPrefix", &pos, &item));
  EXPECT_EQ(XmlElementText(item, "Name"), "dir/");
  const std::string escaped = EscapeMarkup("<a&'\">");
  EXPECT_EQ(escaped, "&lt;a&amp;&#39;&quot;&gt;");
  EXPECT_EQ(XmlUnescape(escaped), "<a&'\">");
}

}  // namespace
}  // namespace mlflow::artifacts
