#include "cdp/protocol/internal/json_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "common/strings.h"

namespace cdp::protocol::internal {

error_code Iterate(Parser& parser, std::string_view json, od::document& doc) {
  parser.buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  parser.buffer.assign(json);
  const std::string& buf = parser.buffer;
  return parser.parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc);
}

Parser& LocalParser() {
  thread_local Parser parser;
  return parser;
}

void ReleaseIfLarge(Parser& parser) {
  if (parser.buffer.capacity() > kRetainedParserBytes) std::string().swap(parser.buffer);  // = {} keeps the buffer
  // simdjson keeps its string and structural buffers (about 6x the input)
  // at the largest document's size; a fresh parser starts empty.
  if (parser.parser.capacity() > kRetainedParserBytes) parser.parser = od::parser();
}

namespace {

// The code unit of the \uXXXX escape at json[at] ('\\' at `at`), or -1.
int EscapedUnit(std::string_view json, size_t at) {
  if (at + 6 > json.size() || json[at] != '\\' || json[at + 1] != 'u') return -1;
  int unit = 0;
  for (size_t i = at + 2; i < at + 6; ++i) {
    const int digit = common::HexValue(json[i]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

bool IsHigh(int unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool IsLow(int unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::optional<std::string> RepairLoneSurrogates(std::string_view json) {
  std::optional<std::string> out;
  size_t copied = 0;  // json[0, copied) is in *out already
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '\\') continue;
    const int unit = EscapedUnit(json, i);
    if (unit < 0) {
      ++i;  // any other escape, "\\\\" included: skip the escaped character
      continue;
    }
    if (IsHigh(unit) && IsLow(EscapedUnit(json, i + 6))) {
      i += 11;  // a proper pair
      continue;
    }
    if (IsHigh(unit) || IsLow(unit)) {
      if (!out) out.emplace();
      out->append(json.substr(copied, i - copied));
      out->append("\\ufffd");
      copied = i + 6;
    }
    i += 5;
  }
  if (out) out->append(json.substr(copied));
  return out;
}

// ---- scalars ----

bool IsNull(od::value& v) {
  od::json_type type;
  return !v.type().get(type) && type == od::json_type::null;
}

error_code Read(od::value v, std::string& out) {
  if (IsNull(v)) return SUCCESS;
  std::string_view s;
  if (auto err = v.get_string().get(s)) return err;
  out.assign(s);
  return SUCCESS;
}

error_code Read(od::value v, double& out) {
  if (IsNull(v)) return SUCCESS;
  return v.get_double().get(out);
}

error_code Read(od::value v, int64_t& out) {
  if (IsNull(v)) return SUCCESS;
  double d = 0;
  if (auto err = v.get_double().get(d)) return err;  // accepts 200 and 200.0
  out = static_cast<int64_t>(std::llround(d));
  return SUCCESS;
}

error_code Read(od::value v, int& out) {
  int64_t wide = out;
  if (auto err = Read(v, wide)) return err;
  out = static_cast<int>(wide);
  return SUCCESS;
}

error_code Read(od::value v, bool& out) {
  if (IsNull(v)) return SUCCESS;
  return v.get_bool().get(out);
}

error_code Read(od::value v, std::optional<std::string>& out) {
  if (IsNull(v)) return SUCCESS;
  return Read(v, out.emplace());
}

// The JSON text of any value; views into the parser's padded input.
error_code RawJson(od::value v, std::string_view& out) {
  od::json_type type;
  if (auto err = v.type().get(type)) return err;
  if (type == od::json_type::object) {
    od::object obj;
    if (auto err = v.get_object().get(obj)) return err;
    return obj.raw_json().get(out);
  }
  if (type == od::json_type::array) {
    od::array arr;
    if (auto err = v.get_array().get(arr)) return err;
    return arr.raw_json().get(out);
  }
  out = v.raw_json_token();
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.remove_suffix(1);
  return SUCCESS;
}

error_code Read(od::value v, std::vector<std::string>& out) {
  return ForEachElement(v, [&](od::value e) { return Read(e, out.emplace_back()); });
}

// Header values are strings in CDP; anything else is kept as its JSON text.
error_code Read(od::value v, Headers& out) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    auto& [name, text] = out.emplace_back(std::string(key), std::string());
    od::json_type type;
    if (auto err = value.type().get(type)) return err;
    if (type == od::json_type::string) return Read(value, text);
    std::string_view raw;
    if (auto err = RawJson(value, raw)) return err;
    text.assign(raw);
    return SUCCESS;
  });
}

// ---- nested protocol types ----

error_code ReadPartitionKey(od::value v, std::string& site, bool* cross_site) {
  od::json_type type;
  if (auto err = v.type().get(type)) return err;
  if (type != od::json_type::object) return Read(v, site);
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "topLevelSite") return Read(value, site);
    if (key == "hasCrossSiteAncestor" && cross_site) return Read(value, *cross_site);
    return SUCCESS;
  });
}

error_code Read(od::value v, Cookie& c) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "name") return Read(value, c.name);
    if (key == "value") return Read(value, c.value);
    if (key == "domain") return Read(value, c.domain);
    if (key == "path") return Read(value, c.path);
    if (key == "expires") return Read(value, c.expires);
    if (key == "httpOnly") return Read(value, c.http_only);
    if (key == "secure") return Read(value, c.secure);
    if (key == "session") return Read(value, c.session);
    if (key == "sameSite") return Read(value, c.same_site);
    if (key == "partitionKey") {
      return ReadPartitionKey(value, c.partition_key, &c.partition_cross_site_ancestor);
    }
    return SUCCESS;
  });
}

error_code Read(od::value v, std::vector<Cookie>& out) {
  return ForEachElement(v, [&](od::value e) { return Read(e, out.emplace_back()); });
}

error_code Read(od::value v, std::vector<BlockedSetCookie>& out) {
  return ForEachElement(v, [&](od::value e) {
    BlockedSetCookie& b = out.emplace_back();
    return ForEachField(e, [&](std::string_view key, od::value value) -> error_code {
      if (key == "blockedReasons") return Read(value, b.reasons);
      if (key == "cookieLine") return Read(value, b.cookie_line);
      return SUCCESS;
    });
  });
}

error_code Read(od::value v, std::vector<AssociatedCookie>& out) {
  return ForEachElement(v, [&](od::value e) {
    AssociatedCookie& a = out.emplace_back();
    return ForEachField(e, [&](std::string_view key, od::value value) -> error_code {
      if (key == "blockedReasons") return Read(value, a.blocked_reasons);
      if (key == "cookie") return Read(value, a.cookie);
      return SUCCESS;
    });
  });
}

error_code Read(od::value v, TargetInfo& t) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "targetId") return Read(value, t.target_id);
    if (key == "type") return Read(value, t.type);
    if (key == "url") return Read(value, t.url);
    if (key == "title") return Read(value, t.title);
    if (key == "openerId") return Read(value, t.opener_id);
    if (key == "browserContextId") return Read(value, t.browser_context_id);
    if (key == "attached") return Read(value, t.attached);
    return SUCCESS;
  });
}

// A Runtime.StackTrace: callFrames[].url, then the parent's, recursively.
error_code ReadStackUrls(od::value v, std::vector<std::string>& urls) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "parent") return ReadStackUrls(value, urls);
    if (key != "callFrames") return SUCCESS;
    return ForEachElement(value, [&](od::value frame) {
      return ForEachField(frame, [&](std::string_view k, od::value field) -> error_code {
        if (k != "url") return SUCCESS;
        std::string url;
        if (auto err = Read(field, url)) return err;
        if (!url.empty() && std::find(urls.begin(), urls.end(), url) == urls.end()) {
          urls.push_back(std::move(url));
        }
        return SUCCESS;
      });
    });
  });
}

error_code Read(od::value v, Initiator& i) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "type") return Read(value, i.type);
    if (key == "url") return Read(value, i.url);
    if (key == "stack") return ReadStackUrls(value, i.stack_urls);
    return SUCCESS;
  });
}

error_code Read(od::value v, Timing& t) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "requestTime") return Read(value, t.request_time);
    if (key == "dnsStart") return Read(value, t.dns_start);
    if (key == "dnsEnd") return Read(value, t.dns_end);
    if (key == "connectStart") return Read(value, t.connect_start);
    if (key == "connectEnd") return Read(value, t.connect_end);
    if (key == "sslStart") return Read(value, t.ssl_start);
    if (key == "sslEnd") return Read(value, t.ssl_end);
    if (key == "sendStart") return Read(value, t.send_start);
    if (key == "sendEnd") return Read(value, t.send_end);
    if (key == "receiveHeadersEnd") return Read(value, t.receive_headers_end);
    return SUCCESS;
  });
}

error_code Read(od::value v, Response& r) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "url") return Read(value, r.url);
    if (key == "status") return Read(value, r.status);
    if (key == "statusText") return Read(value, r.status_text);
    if (key == "headers") return Read(value, r.headers);
    if (key == "mimeType") return Read(value, r.mime_type);
    if (key == "remoteIPAddress") return Read(value, r.remote_ip);
    if (key == "remotePort") return Read(value, r.remote_port);
    if (key == "protocol") return Read(value, r.protocol);
    if (key == "encodedDataLength") return Read(value, r.encoded_data_length);
    if (key == "fromDiskCache") return Read(value, r.from_disk_cache);
    if (key == "fromServiceWorker") return Read(value, r.from_service_worker);
    if (key == "fromPrefetchCache") return Read(value, r.from_prefetch_cache);
    if (key == "timing") return IsNull(value) ? SUCCESS : Read(value, r.timing.emplace());
    return SUCCESS;
  });
}

error_code Read(od::value v, std::optional<Response>& out) {
  if (IsNull(v)) return SUCCESS;
  return Read(v, out.emplace());
}

error_code Read(od::value v, Request& r) {
  std::string fragment;
  error_code err = ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "url") return Read(value, r.url);
    if (key == "urlFragment") return Read(value, fragment);
    if (key == "method") return Read(value, r.method);
    if (key == "headers") return Read(value, r.headers);
    if (key == "postData") return Read(value, r.post_data);
    if (key == "hasPostData") return Read(value, r.has_post_data);
    return SUCCESS;
  });
  r.url += fragment;  // urlFragment includes its '#'
  return err;
}

}  // namespace cdp::protocol::internal
