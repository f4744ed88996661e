#include "worker/scan/result_sink.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <set>

#include "common/zstd_frame.h"
#include "worker/normalize/registrable_domain.h"
#include "common/url.h"
#include "worker/record/record_json.h"

namespace worker {
namespace {

using common::Result;
using common::Status;

// ARGV: P, run, index, visit_id, final (1/0), result JSON, site, site summary
// JSON, #domains, #cookies, the third-party domains, the cookie keys
// (name \x1f domain), and last the visit's records: one zstd frame of JSON
// lines. The frame replaces any earlier write of the visit (SET); the visit
// id joins `visits` only when its key is new. A run that is gone or being
// deleted takes nothing (reply -1). HSETNX decides whether this is the URL's
// result, and only then are the counters and aggregates touched, each
// guarded by a SADD so a site counts once per domain or cookie.
const fleet::RedisScript& CommitScript() {
  static const fleet::RedisScript s(R"lua(
local P, run, index, vid, site = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[7]
local function K(suffix) return P .. 'run:' .. run .. suffix end
local state = redis.call('HGET', K(''), 'state')
if not state or state == 'deleting' then return -1 end
local ntp, nck = tonumber(ARGV[9]), tonumber(ARGV[10])
local visit = K(':visit:' .. vid)
if redis.call('EXISTS', visit) == 0 then redis.call('RPUSH', K(':visits'), vid) end
redis.call('SET', visit, ARGV[#ARGV])
if ARGV[5] ~= '1' or redis.call('HSETNX', K(':results'), index, ARGV[6]) == 0 then return 0 end
redis.call('HINCRBY', K(''), 'done', 1)
if site == '' then return 1 end
redis.call('HSET', K(':sites'), site, ARGV[8])
for n = 11, 10 + ntp do
  local d = ARGV[n]
  if redis.call('SADD', K(':tp:' .. d), site) == 1 then redis.call('ZINCRBY', K(':third_parties'), 1, d) end
  redis.call('SADD', K(':site_tp:' .. site), d)
end
for n = 11 + ntp, 10 + ntp + nck do
  local c = ARGV[n]
  if redis.call('SADD', K(':ck:' .. c), site) == 1 then redis.call('ZINCRBY', K(':cookies'), 1, c) end
end
return 1
)lua");
  return s;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

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

struct Lines {
  std::string text;  // JSON lines, each ending in '\n'
  int64_t cut = 0, dropped = 0;
};

Lines BuildLines(const VisitResult& r, size_t max) {
  Lines out;
  ForEachRecord(r, [&](const auto& record) {
    std::string line = ToJson(record);
    if (line.size() <= max) {
      out.text += line;
    } else if (auto cut = Cut(line, max)) {
      out.text += *cut;
      ++out.cut;
    } else {
      ++out.dropped;
      return;
    }
    out.text += '\n';
  });
  return out;
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

std::string ResultJson(int64_t index, const VisitResult& r, const Lines& lines) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("index"); w.Int64(index);
  w.Key("url"); String(w, r.visit.input_url);
  w.Key("site"); String(w, r.visit.site);
  w.Key("visit_id"); String(w, r.visit.visit_id);
  w.Key("attempt"); w.Int(r.visit.attempt);
  w.Key("outcome"); String(w, r.visit.outcome);
  w.Key("error");
  if (r.visit.error) String(w, *r.visit.error); else w.Null();
  w.Key("requests"); w.Uint64(r.requests.size());
  w.Key("cookies"); w.Uint64(r.cookies.size());
  w.Key("records_cut"); w.Int64(lines.cut);
  w.Key("records_dropped"); w.Int64(lines.dropped);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string SiteSummaryJson(int64_t index, const VisitResult& r, size_t third_parties, size_t cookies) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("index"); w.Int64(index);
  w.Key("visit_id"); String(w, r.visit.visit_id);
  w.Key("url"); String(w, r.visit.input_url);
  w.Key("final_url"); String(w, r.visit.final_url);
  w.Key("outcome"); String(w, r.visit.outcome);
  w.Key("requests"); w.Uint64(r.requests.size());
  w.Key("third_parties"); w.Uint64(third_parties);
  w.Key("jar_cookies"); w.Uint64(cookies);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<bool> ResultSink::Commit(const std::string& run, int64_t index, const VisitResult& result, bool final) {
  if (result.visit.visit_id.empty()) return Status::InvalidArgument("visit without a visit_id");
  Lines lines = BuildLines(result, limits_.max_record_bytes);
  std::set<std::string> domains = ThirdPartyDomains(result);
  std::set<std::string> cookies = JarCookies(result);
  std::vector<std::string> args{prefix_, run, std::to_string(index), result.visit.visit_id, final ? "1" : "0",
                                ResultJson(index, result, lines), result.visit.site,
                                SiteSummaryJson(index, result, domains.size(), cookies.size()),
                                std::to_string(domains.size()), std::to_string(cookies.size())};
  args.reserve(args.size() + domains.size() + cookies.size() + 1);
  args.insert(args.end(), domains.begin(), domains.end());
  args.insert(args.end(), cookies.begin(), cookies.end());
  args.push_back(common::ZstdCompress(lines.text));
  auto reply = redis_.Eval(CommitScript(), {}, args);
  if (!reply.ok()) return reply.status();
  if (reply->integer == -1) return Status::InvalidArgument("run " + run + " no longer exists (deleted)");
  return reply->integer == 1;
}

}  // namespace worker
