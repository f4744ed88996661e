#include "worker/scan/visit_commit.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "common/url.h"
#include "worker/normalize/registrable_domain.h"
#include "worker/record/record_json.h"

namespace worker {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Serialize(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  v.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Every string value of `v`, except the record's identity (type, visit_id),
// which must survive a cut.
void CollectStrings(rapidjson::Value& v, std::vector<rapidjson::Value*>& out) {
  if (v.IsString()) {
    out.push_back(&v);
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) CollectStrings(e, out);
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (name != "type" && name != "visit_id") CollectStrings(m.value, out);
    }
  }
}

// Bytes RapidJSON's writer spends on one byte of a string value.
size_t EscapedSize(unsigned char c) {
  if (c == '"' || c == '\\') return 2;
  if (c >= 0x20) return 1;
  return c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
}

size_t EscapedSize(const char* s, size_t n) {
  size_t size = 0;
  for (size_t i = 0; i < n; ++i) size += EscapedSize(static_cast<unsigned char>(s[i]));
  return size;
}

// The longest prefix of s[0, n) that costs at most `budget` written bytes and
// ends on a UTF-8 character boundary (the strings are valid UTF-8).
size_t PrefixWithin(const char* s, size_t n, size_t budget) {
  size_t i = 0;
  for (size_t used = 0; i < n && (used += EscapedSize(static_cast<unsigned char>(s[i]))) <= budget; ++i) {
  }
  while (i > 0 && i < n && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// Takes `excess` written bytes off the longest strings of `doc`, longest
// first. post_data and payload say so in their *_truncated flag.
void ShortenStrings(rapidjson::Document& doc, size_t excess) {
  std::vector<rapidjson::Value*> strings;
  CollectStrings(doc, strings);
  std::stable_sort(strings.begin(), strings.end(),
                   [](auto* a, auto* b) { return a->GetStringLength() > b->GetStringLength(); });
  for (rapidjson::Value* v : strings) {
    if (excess == 0) break;
    size_t written = EscapedSize(v->GetString(), v->GetStringLength());
    size_t keep = PrefixWithin(v->GetString(), v->GetStringLength(), written > excess ? written - excess : 0);
    std::string kept(v->GetString(), keep);
    excess -= std::min(excess, written - EscapedSize(kept.data(), kept.size()));
    v->SetString(kept.data(), static_cast<rapidjson::SizeType>(kept.size()), doc.GetAllocator());
    for (const char* field : {"post_data", "payload"}) {
      auto it = doc.FindMember(field);
      std::string flag = std::string(field) + "_truncated";
      if (it != doc.MemberEnd() && &it->value == v && doc.HasMember(flag.c_str())) doc[flag.c_str()].SetBool(true);
    }
  }
}

// A record line cut to `max` bytes. The size accounting is exact for lines
// this writer produced, so one pass is the rule; a second one covers any
// formatting difference. nullopt when even empty strings do not fit.
std::optional<std::string> Cut(const std::string& line, size_t max) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  std::string out = line;
  for (int pass = 0; pass < 3 && out.size() > max; ++pass) {
    ShortenStrings(doc, out.size() - max);
    out = Serialize(doc);
  }
  if (out.size() > max) return std::nullopt;
  return out;
}

// Every record of `r` as a JSON line into out.records, cutting or dropping
// lines over `max` bytes.
void AddRecordLines(const VisitResult& r, size_t max, fleet::VisitCommit& out) {
  ForEachRecord(r, [&](const auto& record) {
    std::string line = ToJson(record);
    if (line.size() <= max) {
      out.records += line;
    } else if (auto cut = Cut(line, max)) {
      out.records += *cut;
      ++out.records_cut;
    } else {
      ++out.records_dropped;
      return;
    }
    out.records += '\n';
  });
}

// Registrable domains of the visit's third-party requests, and (name, domain)
// of every cookie that ended up in the jar; both without repeats.
std::set<std::string> ThirdPartyDomains(const VisitResult& r) {
  std::set<std::string> domains;
  for (const auto& request : r.requests) {
    if (!request.third_party) continue;
    std::string domain = normalize::RegistrableDomain(common::HostOf(request.url));
    if (!domain.empty()) domains.insert(std::move(domain));
  }
  return domains;
}

std::set<std::string> JarCookies(const VisitResult& r) {
  std::set<std::string> keys;
  for (const auto& c : r.cookies) {
    if (!c.blocked) keys.insert(c.name + '\x1f' + c.domain);
  }
  return keys;
}

}  // namespace

fleet::VisitCommit ToVisitCommit(const std::string& run, int64_t index, const VisitResult& result, bool final,
                                 const RecordLimits& limits) {
  fleet::VisitCommit commit;
  commit.run = run;
  commit.index = index;
  commit.final = final;
  commit.visit_id = result.visit.visit_id;
  commit.url = result.visit.input_url;
  commit.final_url = result.visit.final_url;
  commit.site = result.visit.site;
  commit.outcome = result.visit.outcome;
  commit.attempt = result.visit.attempt;
  commit.error = result.visit.error;
  commit.requests = result.requests.size();
  commit.cookies = result.cookies.size();
  AddRecordLines(result, limits.max_record_bytes, commit);
  commit.third_party_domains = ThirdPartyDomains(result);
  commit.jar_cookies = JarCookies(result);
  return commit;
}

}  // namespace worker
