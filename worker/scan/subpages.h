// Which same-site links of a visited page `--pages N` goes on to: pure
// selection over the hrefs the visit read from the page. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace worker {

// Up to `n` distinct http(s) links in document order whose host is on `site`
// (registrable domain), fragments dropped, not `page_url` itself, and not
// files a browser would download or show bare (documents, images, media,
// archives, by extension).
std::vector<std::string> SelectSubpages(const std::vector<std::string>& links, std::string_view page_url,
                                        std::string_view site, int n);

}  // namespace worker
