#include "common/output_file.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace common {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("output-file-test-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST_CASE("OutputFile: the target appears whole, and only on Commit", "[common]") {
  TempDir dir;
  const fs::path target = dir.path / "out.jsonl";
  {
    std::ofstream(target) << "old\n";
  }
  auto file = OutputFile::Open(target.string());
  REQUIRE(file.ok());
  std::fputs("line 1\n", file.value()->file());
  file.value()->stream() << "line 2\n";
  std::fputs("line 3\n", file.value()->file());
  CHECK(Read(target) == "old\n");  // not yet
  REQUIRE(file.value()->Commit().ok());
  CHECK(Read(target) == "line 1\nline 2\nline 3\n");
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);  // no temporary left
}

TEST_CASE("OutputFile: without Commit the temporary goes and the old file stays", "[common]") {
  TempDir dir;
  const fs::path target = dir.path / "out.jsonl";
  {
    std::ofstream(target) << "old\n";
  }
  {
    auto file = OutputFile::Open(target.string());
    REQUIRE(file.ok());
    file.value()->stream() << "half a scan";
  }
  CHECK(Read(target) == "old\n");
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("OutputFile: failures name the step", "[common]") {
  TempDir dir;
  auto nowhere = OutputFile::Open((dir.path / "no-such-dir" / "out.jsonl").string());
  REQUIRE_FALSE(nowhere.ok());
  CHECK_THAT(nowhere.status().message(), Catch::Contains("cannot write") && Catch::Contains("no-such-dir"));

  // The rename fails when the target became a directory meanwhile.
  const fs::path target = dir.path / "out.jsonl";
  auto file = OutputFile::Open(target.string());
  REQUIRE(file.ok());
  file.value()->stream() << "records\n";
  fs::create_directories(target / "blocker");
  common::Status committed = file.value()->Commit();
  REQUIRE_FALSE(committed.ok());
  CHECK(committed.code() == Code::kInternal);
  CHECK_THAT(committed.message(), Catch::Contains("renaming"));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);  // the temporary went
}

}  // namespace
}  // namespace common
