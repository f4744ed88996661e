#include "fleet/store/run_report.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>

#include "common/output_file.h"
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

// nullopt when the result is damaged (not JSON, or no url).
std::optional<std::string> CsvRow(int64_t index, const std::string& result_json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(result_json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
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
  // Every result has its url: without one (on-demand parsing finds malformed
  // JSON only as it reads) the value is damaged.
  std::string_view url;
  if (doc["url"].get_string().get(url)) return std::nullopt;
  std::string row = std::to_string(index) + "," + CsvField(url);
  row += "," + CsvField(text("site"));
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

Result<ExportCount> ExportJsonl(fleet::RedisClient& redis, const std::string& run, std::ostream& out) {
  ExportCount count;
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
        count.damaged.push_back("visit " + ids->elements[v].str + ": " + text.status().message());
        continue;
      }
      out << *text;
      count.lines += std::count(text->begin(), text->end(), '\n');
    }
    if (!out) return Status::Internal("writing the export failed");
  }
  return count;
}

Result<ExportCount> ExportCsv(fleet::RedisClient& redis, const RunInfo& run, std::ostream& out) {
  out << "index,url,site,outcome,error,attempt,visit_id,requests,cookies\n";
  ExportCount count;
  for (int64_t start = 0; start < run.total; start += kChunk) {
    std::vector<std::string> argv{"HMGET", Key(run.name, keys::kResults)};
    int64_t end = std::min(run.total, start + kChunk);
    for (int64_t i = start; i < end; ++i) argv.push_back(std::to_string(i));
    auto results = redis.Command(argv);
    if (!results.ok()) return results.status();
    for (int64_t i = start; i < end; ++i) {
      const RedisReply& r = results->elements[static_cast<size_t>(i - start)];
      if (r.nil()) continue;  // not finished yet
      std::optional<std::string> row = CsvRow(i, r.str);
      if (!row) {
        count.damaged.push_back("result " + std::to_string(i) + ": not a URL result");
        row = std::to_string(i) + ",,,unreadable result,,,,,";
      }
      out << *row << '\n';
      ++count.lines;
    }
    if (!out) return Status::Internal("writing the export failed");
  }
  return count;
}

Status ExportToFile(fleet::RedisClient& redis, const RunInfo& run, const std::string& format,
                    const std::string& path) {
  auto file = common::OutputFile::Open(path);
  if (!file.ok()) return file.status();
  std::ostream& out = file.value()->stream();
  auto written = format == "csv" ? ExportCsv(redis, run, out) : ExportJsonl(redis, run.name, out);
  if (!written.ok()) return written.status();  // the temporary is removed; `path` is left as it was
  if (Status committed = file.value()->Commit(); !committed.ok()) return committed;
  if (written->damaged.empty()) return Status::Ok();
  std::string names;
  for (const std::string& damaged : written->damaged) names += (names.empty() ? "" : "; ") + damaged;
  return Status::Decode("the export " + path + " is missing " + std::to_string(written->damaged.size()) +
                        (written->damaged.size() == 1 ? " damaged value" : " damaged values") +
                        " that could not be read (" + names + ")");
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
