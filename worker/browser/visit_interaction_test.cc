// AutoconsentScript: built once per binding, and only the last one is kept.
#include "worker/browser/visit_interaction.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace worker {
namespace {

namespace fs = std::filesystem;

// A stand-in autoconsent package: a one-line bundle and an empty rule set.
struct FakeAutoconsentDir {
  fs::path root = fs::temp_directory_path() / ("trackscan_autoconsent_" + std::to_string(::getpid()));
  FakeAutoconsentDir() {
    fs::create_directories(root / "dist");
    fs::create_directories(root / "rules");
    std::ofstream(root / "dist" / "autoconsent.playwright.js") << "/* bundle */";
    std::ofstream(root / "rules" / "rules.json") << "{}";
  }
  ~FakeAutoconsentDir() { fs::remove_all(root); }
};

TEST_CASE("the autoconsent script is kept for the last binding only", "[visit_interaction]") {
  FakeAutoconsentDir dir;
  interact::InteractOptions options;
  options.autoconsent_dir = dir.root.string();
  CHECK(AutoconsentScript(options, "b1") == nullptr);  // no --consent
  options.consent = interact::ConsentMode::kReject;

  auto first = AutoconsentScript(options, "b1");
  REQUIRE(first != nullptr);
  CHECK_THAT(*first, Catch::Contains("\"b1\"") && Catch::Contains("/* bundle */"));
  CHECK(AutoconsentScript(options, "b1") == first);  // read once per binding

  // A new Browser (new binding) replaces the source instead of adding one.
  std::weak_ptr<const std::string> old = first;
  first.reset();
  auto second = AutoconsentScript(options, "b2");
  REQUIRE(second != nullptr);
  CHECK_THAT(*second, Catch::Contains("\"b2\"") && !Catch::Contains("\"b1\""));
  CHECK(old.expired());
}

TEST_CASE("an unreadable autoconsent package gives no script", "[visit_interaction]") {
  interact::InteractOptions options;
  options.consent = interact::ConsentMode::kAccept;
  options.autoconsent_dir = "/nonexistent";
  CHECK(AutoconsentScript(options, "b1") == nullptr);
}

}  // namespace
}  // namespace worker
