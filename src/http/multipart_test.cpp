#include "http/multipart.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace findme::http {
namespace {

using ::testing::StartsWith;

// The shape Chrome sends for <form enctype="multipart/form-data"> with a text field and a file.
constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string browser_body(std::string_view jpeg_bytes) {
  std::string b;
  b += "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n";
  b += "Content-Disposition: form-data; name=\"event_code\"\r\n\r\n";
  b += "K7QX9P\r\n";
  b += "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n";
  b += "Content-Disposition: form-data; name=\"photos\"; filename=\"IMG 0001.jpg\"\r\n";
  b += "Content-Type: image/jpeg\r\n\r\n";
  b += jpeg_bytes;
  b += "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
  return b;
}

TEST(MultipartTest, BoundaryFromContentType) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*multipart_boundary("multipart/form-data; charset=utf-8; BOUNDARY=\"a b;c\""), "a b;c");
  EXPECT_TRUE(is_multipart_form_data("Multipart/Form-Data; boundary=x"));
  EXPECT_FALSE(is_multipart_form_data("application/json"));
  auto missing = multipart_boundary("multipart/form-data");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::invalid_request);
  EXPECT_THAT(missing.error().message, StartsWith("malformed multipart body: missing boundary"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"\""));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"abc"));
}

TEST(MultipartTest, BrowserShapedBody) {
  const std::string jpeg("\xff\xd8\xff\xe0\r\n\r\n--\x00\r\x01\n\xff\xd9", 16);
  std::string body = browser_body(jpeg);
  auto parts = parse_multipart(body, kBoundary);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "event_code");
  EXPECT_FALSE((*parts)[0].is_file());
  EXPECT_EQ((*parts)[0].data, "K7QX9P");
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].name, "photos");
  EXPECT_EQ((*parts)[1].filename, "IMG 0001.jpg");
  EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
  EXPECT_EQ((*parts)[1].data, jpeg);
}

TEST(MultipartTest, PreambleEpilogueAndPadding) {
  std::string body =
      "This is the preamble.\r\n--xyz  \t\r\n"
      "content-disposition: form-data; name=a\r\n\r\n1\r\n--xyz\r\n"
      "Content-Disposition: form-data; name=\"b\"\r\n\r\n\r\n--xyz--epilogue, ignored";
  auto parts = parse_multipart(body, "xyz");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].data, "1");
  EXPECT_EQ((*parts)[1].data, "");  // an empty part
}

TEST(MultipartTest, BoundaryTextInsideDataIsData) {
  std::string body =
      "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n"
      "--xyz at line start without CRLF before it\r\n--xyzzy is longer\r\n--xyz\r\n"
      "Content-Disposition: form-data; name=g\r\n\r\nv\r\n--xyz--";
  auto parts = parse_multipart(body, "xyz");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].data, "--xyz at line start without CRLF before it\r\n--xyzzy is longer");
  EXPECT_EQ((*parts)[1].data, "v");
}

TEST(MultipartTest, FilenameQuotesEscapesAndExtendedForm) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"p\"; filename=\"say \\\"hi\\\" C:\\x.jpg\"\r\n"
      "\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"p\"; filename=\"fallback.jpg\"; "
      "filename*=UTF-8''%E2%82%AC%20rate.jpg\r\n\r\ny\r\n--b\r\n"
      "Content-Disposition: form-data; name=\"p\"; filename=\"\"\r\n\r\n\r\n--b--\r\n";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].filename, "say \"hi\" C:\\x.jpg");
  EXPECT_EQ((*parts)[1].filename, "\xE2\x82\xAC rate.jpg");
  EXPECT_EQ((*parts)[2].filename, "");
  EXPECT_TRUE((*parts)[2].is_file());
  EXPECT_EQ((*parts)[2].content_type, "application/octet-stream");
}

void expect_malformed(std::string_view body, std::string_view boundary, std::string_view what) {
  auto parts = parse_multipart(body, boundary);
  ASSERT_FALSE(parts) << "accepted: " << body;
  EXPECT_EQ(parts.error().code, Errc::invalid_request);
  EXPECT_THAT(parts.error().message, StartsWith("malformed multipart body: " + std::string(what)));
}

TEST(MultipartTest, PreciseErrors) {
  expect_malformed("", "b", "no opening boundary");
  expect_malformed("x", "b", "no opening boundary");
  expect_malformed("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv", "b", "truncated");
  expect_malformed("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b", "b",
                   "truncated");
  expect_malformed("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--", "b",
                   "part header without a name");
  expect_malformed("--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n--b--", "b",
                   "part header without a name");
  expect_malformed("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--", "b",
                   "part without a Content-Disposition");
  expect_malformed("--b\r\n\r\nv\r\n--b--", "b", "part without a Content-Disposition");
  expect_malformed("--b\r\nno colon here\r\n\r\nv\r\n--b--", "b", "invalid part header line");
  expect_malformed("--bX\r\n", "b", "invalid characters after a boundary");
  expect_malformed("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--b--", "b",
                   "unterminated quoted string");
}

TEST(MultipartTest, EveryTruncationIsRejected) {
  std::string body = browser_body(std::string("\r\n\xff\r", 4));
  ASSERT_TRUE(parse_multipart(body, kBoundary));
  // Every cut before the closing "--" must fail; cuts inside the final CRLF still parse.
  std::size_t close = body.rfind("--");
  for (std::size_t cut = 0; cut < close + 2; ++cut) {
    auto parts = parse_multipart(std::string_view(body).substr(0, cut), kBoundary);
    ASSERT_FALSE(parts) << "accepted a body cut at " << cut;
    EXPECT_EQ(parts.error().code, Errc::invalid_request);
  }
  for (std::size_t cut = close + 2; cut <= body.size(); ++cut) {
    EXPECT_TRUE(parse_multipart(std::string_view(body).substr(0, cut), kBoundary)) << cut;
  }
}

TEST(MultipartTest, EveryOneByteBodyIsRejected) {
  for (int c = 0; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    EXPECT_FALSE(parse_multipart(one, "b")) << c;
  }
}

TEST(MultipartTest, TooManyFilesIsPayloadTooLarge) {
  std::string body;
  for (int i = 0; i < 4; ++i) {
    body += "--b\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"" +
            std::to_string(i) + ".jpg\"\r\n\r\ndata\r\n";
  }
  body += "--b--";
  MultipartLimits limits;
  limits.max_files = 3;
  auto parts = parse_multipart(body, "b", limits);
  ASSERT_FALSE(parts);
  EXPECT_EQ(parts.error().code, Errc::payload_too_large);
  limits.max_files = 4;
  EXPECT_TRUE(parse_multipart(body, "b", limits));
  limits.max_fields = 0;
  EXPECT_TRUE(parse_multipart(body, "b", limits));
}

TEST(MultipartTest, HugePartHeaderIsRejected) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: " + std::string(10000, 'p') +
      "\r\n\r\nv\r\n--b--";
  expect_malformed(body, "b", "part headers too large");
  MultipartLimits limits;
  limits.max_part_header_bytes = 20000;
  EXPECT_TRUE(parse_multipart(body, "b", limits));
}

}  // namespace
}  // namespace findme::http
