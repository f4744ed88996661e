// Entry URLs: reading a list of them and checking one before it is visited.
// The one list reader of `scan --input`, `crawl` and `submit`, and the one
// entry check of scan, submit and the fleet worker, so that they accept the
// same lines and refuse the same URLs.
// Thread-safe; ReadUrlList reads a file, CheckEntryUrl may resolve a name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/private_address.h"
#include "common/url.h"

namespace common {

// The URL one list line names: "" for a blank or '#' comment line; a Tranco
// "rank,domain" line becomes "https://domain/"; anything else comes back
// trimmed and unchecked (CheckEntryUrl says whether it is an entry URL).
std::string UrlOfListLine(std::string_view line);

// The URLs of the list at `path` ('-': stdin), in order, blank and comment
// lines left out. kInvalidArgument "cannot read PATH" when it cannot be opened.
Result<std::vector<std::string>> ReadUrlList(const std::string& path);

// An entry URL a scan may visit: it parses, is http or https and has a host
// (ValidateEntryUrl's reasons); no address its host resolves to here is
// refused by `policy` (CheckPublicHost's reason, then `private_hint`). A name
// that does not resolve here passes: this is an early refusal only, the egress
// guard decides at the connection. Always kInvalidArgument.
Result<ParsedUrl> CheckEntryUrl(std::string_view url, const AddressPolicy& policy,
                                std::string_view private_hint = "");

}  // namespace common
