#include "fleet/store/result_sink.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

#include "common/zstd_frame.h"
#include "fleet/store/scripts.h"

namespace fleet {
namespace {

using common::Result;
using common::Status;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

}  // namespace

std::string UrlResultJson(const VisitCommit& v) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("index"); w.Int64(v.index);
  w.Key("url"); String(w, v.url);
  w.Key("site"); String(w, v.site);
  w.Key("visit_id"); String(w, v.visit_id);
  w.Key("attempt"); w.Int(v.attempt);
  w.Key("outcome"); String(w, v.outcome);
  w.Key("error");
  if (v.error) String(w, *v.error); else w.Null();
  w.Key("requests"); w.Uint64(v.requests);
  w.Key("cookies"); w.Uint64(v.cookies);
  w.Key("records_cut"); w.Int64(v.records_cut);
  w.Key("records_dropped"); w.Int64(v.records_dropped);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string SiteSummaryJson(const VisitCommit& v) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("index"); w.Int64(v.index);
  w.Key("visit_id"); String(w, v.visit_id);
  w.Key("url"); String(w, v.url);
  w.Key("final_url"); String(w, v.final_url);
  w.Key("outcome"); String(w, v.outcome);
  w.Key("requests"); w.Uint64(v.requests);
  w.Key("third_parties"); w.Uint64(v.third_party_domains.size());
  w.Key("jar_cookies"); w.Uint64(v.jar_cookies.size());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ARGV as lua/commit_visit.lua reads it; the records frame goes last.
Result<bool> ResultSink::Commit(const VisitCommit& v) {
  if (v.visit_id.empty()) return Status::InvalidArgument("visit without a visit_id");
  std::vector<std::string> args{prefix_, v.run, std::to_string(v.index), v.visit_id, v.final ? "1" : "0",
                                UrlResultJson(v), v.site, SiteSummaryJson(v),
                                std::to_string(v.third_party_domains.size()), std::to_string(v.jar_cookies.size())};
  args.reserve(args.size() + v.third_party_domains.size() + v.jar_cookies.size() + 1);
  args.insert(args.end(), v.third_party_domains.begin(), v.third_party_domains.end());
  args.insert(args.end(), v.jar_cookies.begin(), v.jar_cookies.end());
  args.push_back(common::ZstdCompress(v.records));
  auto reply = redis_.Eval(scripts::CommitVisit(), {}, args);
  if (!reply.ok()) return reply.status();
  if (reply->integer == -1) return Status::InvalidArgument("run " + v.run + " no longer exists (deleted)");
  return reply->integer == 1;
}

}  // namespace fleet
