#include <algorithm>
#include <array>
#include <cctype>

#include "common/strings.h"
#include "worker/analysis/decode/decode_internal.h"

namespace worker::decode {
namespace {

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

using common::AsciiLower;

// md5, sha1, sha256 and sha512 of "", "undefined" and "null": what pixels send
// when a form field or variable was empty. Checked against OpenSSL in decode_test.cc.
constexpr std::array<std::string_view, 12> kEmptyHashes = {
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    "5e543256c480ac577d30f76f9120eb74",
    "d5d4cd07616a542891b7ec2d0257b3a24b69856e",
    "eb045d78d273107348b0300c01d29b7552d622abbc6faf81b3ec55359aa9950c",
    "16a332e891e86030aa9d08ab032fe026c4d4857b64902c386f3ede705373ecf9"
    "206f58d712a91a07a63dcbd14f133ab48571bfeb88927995224b299916af8fa5",
    "37a6259cc0c1dae299a7866489dff0bd",
    "2be88ca4242c76e8253ac62474851065032d6833",
    "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b",
    "04f8ff2682604862e405bf88de102ed7710ac45c1205957625e4ee3e5f5a2241"
    "e453614acc451345b91bafc88f38804019c7492444595674e94e8cf4be53817f",
};

// Google's user-provided data keys ("tv.1~em.<hash>~ph.<hash>").
const char* UserProvidedKind(std::string_view key) {
  if (key == "em") return "email";
  if (key == "ph") return "phone";
  if (key == "fn") return "first_name";
  if (key == "ln") return "last_name";
  if (key == "ct") return "city";
  if (key == "rg" || key == "st") return "state";
  if (key == "pc" || key == "zp") return "zip";
  if (key == "co") return "country";
  if (key == "sa") return "unknown";  // street address
  return nullptr;
}

}  // namespace

Params ParseForm(std::string_view text) {
  Params params;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string key = common::FormDecode(pair.substr(0, eq));
    if (key.empty()) continue;
    std::string value = eq == std::string_view::npos ? "" : common::FormDecode(pair.substr(eq + 1));
    params.emplace_back(std::move(key), std::move(value));
  }
  return params;
}

Params ParseMultipart(std::string_view body, std::string_view content_type) {
  Params params;
  size_t at = content_type.find("boundary=");
  if (at == std::string_view::npos) return params;
  std::string_view boundary = content_type.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"') boundary = boundary.substr(1, boundary.find('"', 1) - 1);
  if (boundary.empty()) return params;
  std::string delimiter = "--" + std::string(boundary);
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    size_t start = pos + delimiter.size();
    size_t next = body.find(delimiter, start);
    if (next == std::string_view::npos) break;
    std::string_view part = body.substr(start, next - start);
    pos = next;
    size_t blank = part.find("\r\n\r\n");
    size_t skip = 4;
    if (blank == std::string_view::npos) { blank = part.find("\n\n"); skip = 2; }
    if (blank == std::string_view::npos) continue;
    std::string_view headers = part.substr(0, blank), value = part.substr(blank + skip);
    if (EndsWith(value, "\r\n")) value.remove_suffix(2); else if (EndsWith(value, "\n")) value.remove_suffix(1);
    size_t name_at = headers.find("name=\"");
    if (name_at == std::string_view::npos || headers.find("filename=") != std::string_view::npos) continue;
    std::string_view name = headers.substr(name_at + 6);
    name = name.substr(0, name.find('"'));
    if (!name.empty()) params.emplace_back(std::string(name), std::string(value));
  }
  return params;
}

Params ParseBodyParams(const Request& r, std::string* encoding) {
  if (r.body.empty()) return {};
  std::string type = AsciiLower(r.content_type);
  if (type.find("multipart/form-data") != std::string::npos) {
    *encoding = "multipart";
    return ParseMultipart(r.body, r.content_type);
  }
  bool form = type.find("application/x-www-form-urlencoded") != std::string::npos;
  // sendBeacon with a string sends text/plain; a JSON body is not a form.
  bool looks_form = (type.empty() || StartsWith(type, "text/plain")) && r.body.front() != '{' &&
                    r.body.front() != '[' && r.body.find('=') != std::string_view::npos;
  if (!form && !looks_form) return {};
  *encoding = "form";
  return ParseForm(r.body);
}

const std::string* Find(const Params& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::optional<std::string> Get(const Params& params, std::string_view key) {
  const std::string* v = Find(params, key);
  if (v == nullptr) return std::nullopt;
  return *v;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool OneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

IdentityField MakeIdentity(std::string parameter, std::string kind, std::string value) {
  IdentityField field;
  field.parameter = std::move(parameter);
  field.kind = std::move(kind);
  size_t n = value.size();
  if ((n == 32 || n == 40 || n == 64 || n == 128) && IsHex(value)) {
    field.hashed = true;
    field.hash_algorithm = n == 32 ? "md5" : n == 40 ? "sha1" : n == 64 ? "sha256" : "sha512";
    std::string lower = AsciiLower(value);
    field.empty_hash = std::find(kEmptyHashes.begin(), kEmptyHashes.end(), lower) != kEmptyHashes.end();
  }
  field.value = std::move(value);
  return field;
}

void AddUserProvidedData(std::string_view parameter, std::string_view value, std::vector<IdentityField>* out) {
  bool any = false;
  while (!value.empty()) {
    size_t tilde = value.find('~');
    std::string_view piece = value.substr(0, tilde);
    value = tilde == std::string_view::npos ? std::string_view() : value.substr(tilde + 1);
    size_t dot = piece.find('.');
    if (dot == std::string_view::npos) continue;
    const char* kind = UserProvidedKind(piece.substr(0, dot));
    if (kind == nullptr) continue;  // tv.1 (format version) and unknown keys
    out->push_back(MakeIdentity(std::string(parameter) + "." + std::string(piece.substr(0, dot)), kind,
                                std::string(piece.substr(dot + 1))));
    any = true;
  }
  if (!any && !value.empty()) out->push_back(MakeIdentity(std::string(parameter), "unknown", std::string(value)));
}

TrackerEventRecord NewEvent(const Request& r, std::string platform, std::string encoding, std::string_view raw) {
  TrackerEventRecord e;
  e.request_id = std::string(r.source->request_id);
  e.platform = std::move(platform);
  e.endpoint = r.host + r.path;
  e.encoding = std::move(encoding);
  e.raw_truncated = raw.size() > kRawCap;
  raw = raw.substr(0, kRawCap);
  // Never cut a UTF-8 sequence in two: back off continuation bytes.
  if (e.raw_truncated) {
    while (!raw.empty() && (static_cast<unsigned char>(raw.back()) & 0xC0) == 0x80) raw.remove_suffix(1);
    if (!raw.empty() && static_cast<unsigned char>(raw.back()) >= 0xC0) raw.remove_suffix(1);
  }
  e.raw = std::string(raw);
  return e;
}

}  // namespace worker::decode
