#include "fleet/store/run_report.h"

#include <simdjson.h>

#include <algorithm>

#include "common/log.h"
#include "common/zstd_frame.h"
#include "fleet/store/keys.h"

namespace fleet {

using fleet::RedisReply;
using common::Result;
using common::Status;

namespace {

constexpr int64_t kChunk = 500;

// Reports read the runs of the default prefix, the one the coordinator uses.
std::string Key(std::string_view run, std::string_view suffix, std::string_view member = "") {
  return keys::RunKey(keys::kDefaultPrefix, run, suffix, member);
}

// RFC 4180: quoted when it holds a comma, a quote or a line break.
std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string CsvRow(int64_t index, const std::string& result_json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(result_json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::to_string(index) + ",,,unreadable result,,,,,";
  auto text = [&](const char* key) -> std::string {
    std::string_view v;
    if (doc[key].get_string().get(v)) return "";
    return std::string(v);
  };
  auto number = [&](const char* key) -> std::string {
    int64_t v;
    if (doc[key].get_int64().get(v)) return "";
    return std::to_string(v);
  };
  // Fields are read in the order the result JSON is written (fleet/store/result_sink.cc).
  std::string row = std::to_string(index);
  for (const char* key : {"url", "site"}) row += "," + CsvField(text(key));
  std::string visit_id = text("visit_id");
  std::string attempt = number("attempt");
  std::string outcome = text("outcome");
  std::string error = text("error");
  std::string requests = number("requests");
  std::string cookies = number("cookies");
  row += "," + CsvField(outcome) + "," + CsvField(error) + "," + attempt + "," + CsvField(visit_id) + "," +
         requests + "," + cookies;
  return row;
}

}  // namespace

std::string DescribeRun(const RunInfo& run) {
  std::string s = run.name + ": " + run.state + ", " + std::to_string(run.total) + " URLs: " +
                  std::to_string(run.done) + " done, " + std::to_string(run.failed) + " failed, " +
                  std::to_string(run.in_flight) + " in flight, " + std::to_string(run.queued) + " queued";
  s += "; created " + run.created_at;
  if (!run.finished_at.empty()) s += ", finished " + run.finished_at;
  return s;
}

Result<int64_t> ExportJsonl(fleet::RedisClient& redis, const std::string& run, std::ostream& out) {
  int64_t lines = 0;
  for (int64_t start = 0;; start += kChunk) {
    auto ids =
        redis.Command({"LRANGE", Key(run, keys::kVisits), std::to_string(start), std::to_string(start + kChunk - 1)});
    if (!ids.ok()) return ids.status();
    if (ids->elements.empty()) break;
    std::vector<std::vector<std::string>> reads;
    for (const auto& id : ids->elements) reads.push_back({"GET", Key(run, keys::kVisit, id.str)});
    auto records = redis.Pipeline(reads);
    if (!records.ok()) return records.status();
    for (size_t v = 0; v < records->size(); ++v) {
      const auto& frame = (*records)[v];
      if (!frame.ok()) return frame.status();
      if (frame->nil()) continue;  // deleted meanwhile
      // One damaged value costs its visit, not the export.
      auto text = common::ZstdDecompress(frame->str);
      if (!text.ok()) {
        common::LogWarn("visit " + ids->elements[v].str + " skipped: " + text.status().message());
        continue;
      }
      out << *text;
      lines += std::count(text->begin(), text->end(), '\n');
    }
    if (!out) return Status::Internal("writing the export failed");
  }
  return lines;
}

Result<int64_t> ExportCsv(fleet::RedisClient& redis, const RunInfo& run, std::ostream& out) {
  out << "index,url,site,outcome,error,attempt,visit_id,requests,cookies\n";
  int64_t rows = 0;
  for (int64_t start = 0; start < run.total; start += kChunk) {
    std::vector<std::string> argv{"HMGET", Key(run.name, keys::kResults)};
    int64_t end = std::min(run.total, start + kChunk);
    for (int64_t i = start; i < end; ++i) argv.push_back(std::to_string(i));
    auto results = redis.Command(argv);
    if (!results.ok()) return results.status();
    for (int64_t i = start; i < end; ++i) {
      const RedisReply& r = results->elements[static_cast<size_t>(i - start)];
      if (r.nil()) continue;  // not finished yet
      out << CsvRow(i, r.str) << '\n';
      ++rows;
    }
    if (!out) return Status::Internal("writing the export failed");
  }
  return rows;
}

Result<std::vector<std::pair<std::string, int64_t>>> TopThirdParties(fleet::RedisClient& redis,
                                                                    const std::string& run, int n) {
  auto r = redis.Command({"ZREVRANGE", Key(run, keys::kThirdParties), "0", std::to_string(n - 1), "WITHSCORES"});
  if (!r.ok()) return r.status();
  std::vector<std::pair<std::string, int64_t>> top;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    top.emplace_back(r->elements[i].str, std::stoll(r->elements[i + 1].str));
  }
  return top;
}

}  // namespace fleet
