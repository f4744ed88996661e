// common/url_list: a URL list (scan --input, crawl, submit), read by
// ReadUrlList from a file; the file is a memfd here. Each URL it returns is
// what UrlOfListLine makes of one line: trimmed, not a comment, no newline.
// Each then goes through CheckEntryUrl (curl's URL parser; no DNS, since
// private targets are allowed).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "common/url_list.h"

namespace {

// One in-memory file for the whole run, rewritten for each input.
struct ListFile {
  int fd = memfd_create("url_list_fuzz", 0);
  std::string path = "/proc/self/fd/" + std::to_string(fd);
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const ListFile file;
  if (file.fd < 0 || ftruncate(file.fd, 0) != 0) std::abort();
  if (pwrite(file.fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  auto urls = common::ReadUrlList(file.path);
  if (!urls.ok()) std::abort();
  // The same lines, split here the way std::getline splits them.
  std::vector<std::string> expected;
  for (size_t start = 0; start < input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    if (std::string url = common::UrlOfListLine(input.substr(start, end - start)); !url.empty()) {
      expected.push_back(std::move(url));
    }
    start = end + 1;
  }
  if (*urls != expected) std::abort();
  for (const std::string& url : *urls) {
    if (url.front() == '#' || url.find('\n') != std::string::npos) std::abort();
    if (common::Trim(url) != url) std::abort();
    // Everything allowed: no DNS lookup of fuzzed names.
    (void)common::CheckEntryUrl(url, common::AddressPolicy{.allow_private = true, .allowed = {}});
  }
  return 0;
}
