// GET /api/my-photos.zip on the real binary: the attendee's matched photos as one streamed ZIP,
// byte-identical to the originals, and the errors around it.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "integration/api_steps.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "integration/test_images.h"

namespace findme::integration {
namespace {

// Python's zipfile reads the archive (testzip checks every CRC) and prints each entry's name and
// whether its bytes equal the file given for it.
std::string inspect_zip(const std::string& zip_bytes, const std::string& expected_bytes) {
  TempDir dir;
  const std::filesystem::path zip = dir.path() / "photos.zip";
  const std::filesystem::path expected = dir.path() / "expected.jpg";
  std::ofstream(zip, std::ios::binary) << zip_bytes;
  std::ofstream(expected, std::ios::binary) << expected_bytes;
  const std::string script =
      "import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "print('crc', z.testzip())\n"
      "want = open(sys.argv[2], 'rb').read()\n"
      "for i in z.infolist(): print(i.filename, z.read(i) == want)\n";
  std::ofstream(dir.path() / "check.py") << script;
  const std::string command = "/usr/bin/python3 " + (dir.path() / "check.py").string() + " " +
                              zip.string() + " " + expected.string() + " 2>&1";
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
      out.append(buf, n);
    }
    pclose(p);
  }
  return out;
}

TEST(ArchiveTest, MyPhotosZipHoldsExactlyTheMatchedOriginals) {
  TestServer server;
  HttpClient organizer = sign_up_organizer(server.port(), unique_email("olga"));
  const std::string code = create_event(organizer, "Harbour Run");
  const std::string her_photo = photo_of_her();
  json uploaded = upload_photos(organizer, code,
                                {{"her photo.jpg", her_photo}, {"nobody.jpg", faceless_jpeg()}});
  for (const json& p : uploaded["photos"]) {
    wait_for_job(organizer, p["job_id"].get<std::string>());
  }

  Attendee her = register_attendee(server.port(), code, unique_email("her"),
                                   cut_jpeg(sample_bytes(6), kHerFaceRegion, 90, false));
  const json match = wait_for_job(her.client, her.registration["match_job"]["id"]);
  ASSERT_EQ(match["status"], "done") << match.dump();

  // As typed by a person: lower case, a dash; the file is named by the canonical code.
  std::string typed = code.substr(0, 3) + "-" + code.substr(3);
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  HttpResponse zip = her.client.get("/api/my-photos.zip?event_code=" + typed);

  ASSERT_EQ(zip.status, 200) << zip.describe();
  EXPECT_EQ(zip.header("content-type"), "application/zip");
  EXPECT_EQ(zip.header("content-length"), std::to_string(zip.body.size()));
  EXPECT_EQ(zip.header("content-disposition"), "attachment; filename=\"findme-" + code + ".zip\"");
  EXPECT_EQ(inspect_zip(zip.body, her_photo), "crc None\n" + code + "/her photo.jpg True\n");

  // Without event_code: every joined event, same content here.
  HttpResponse all = her.client.get("/api/my-photos.zip");
  ASSERT_EQ(all.status, 200) << all.describe();
  EXPECT_EQ(all.header("content-disposition"), "attachment; filename=\"findme-photos.zip\"");
  EXPECT_EQ(all.body, zip.body);
}

TEST(ArchiveTest, ErrorsAreTheContractsShape) {
  TestServer server;
  HttpClient organizer = sign_up_organizer(server.port(), unique_email("olga"));
  const std::string code = create_event(organizer, "Quiet Day");
  Attendee nobody = register_attendee(server.port(), code, unique_email("nobody"));

  EXPECT_TRUE(is_error(HttpClient(server.port()).get("/api/my-photos.zip"), 401, "unauthorized"));
  EXPECT_TRUE(is_error(organizer.get("/api/my-photos.zip"), 403, "forbidden"));
  EXPECT_TRUE(
      is_error(nobody.client.get("/api/my-photos.zip?event_code=" + code), 404, "not_found"));
  EXPECT_TRUE(is_error(nobody.client.get("/api/my-photos.zip?event_code=ZZZZZZ"), 400,
                       "invalid_event_code"));
}

}  // namespace
}  // namespace findme::integration
