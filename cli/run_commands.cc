// The subcommands on runs kept in Redis: submit, status, export and delete.
// Each opens one Redis connection, does its work and exits.
#include <functional>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/flags.h"
#include "coordinator/submit.h"
#include "fleet/store/run_report.h"

namespace cli {
namespace {

constexpr const char* kRedisHelp = "Redis URL (default redis://127.0.0.1:6379)";

// Flags of all four; only the chosen subcommand's are parsed.
struct RunFlags {
  std::string redis, run, submit_file = "-", export_out = "-", export_format = "jsonl";
  bool submit_private = false;
  int64_t submit_ttl = 0;
};

// Connects to --redis and runs `body` on the run store; 2 for a bad URL, 1 when Redis is unreachable.
int WithStore(const RunFlags& f, const std::function<int(fleet::RedisClient&, fleet::RunStore&)>& body) {
  auto address = RedisOf(f.redis);
  if (!address.ok()) return Fail(address.status().message(), 2);
  auto redis = fleet::RedisClient::Connect(address.value());
  if (!redis.ok()) return Fail("cannot reach Redis at " + fleet::ToRedisUrl(address.value()) + ": " +
                               redis.status().message(), 1);
  fleet::RunStore store(*redis.value());
  return body(*redis.value(), store);
}

// As WithStore, for a run that must exist (2 when it does not).
int WithRun(const RunFlags& f, const std::function<int(fleet::RedisClient&, fleet::RunStore&,
                                                       const fleet::RunInfo&)>& body) {
  return WithStore(f, [&](fleet::RedisClient& redis, fleet::RunStore& store) {
    auto run = store.GetRun(f.run);
    if (!run.ok()) return Fail(run.status().message(), 2);
    return body(redis, store, run.value());
  });
}

int Submit(const RunFlags& f, fleet::RunStore& store) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (f.submit_file != "-") {
    file.open(f.submit_file);
    if (!file) return Fail("cannot read " + f.submit_file, 2);
    in = &file;
  }
  fleet::RunInfo run;
  run.name = f.run;
  run.settings.allow_private_targets = f.submit_private;
  run.ttl_s = f.submit_ttl;
  auto report = coordinator::SubmitRun(store, run, *in);
  if (!report.ok()) return Fail(report.status().message(), report.status().code() == common::Code::kInvalidArgument ? 2 : 1);
  for (const auto& why : report->rejected) std::cerr << "trackscan: skipped " << why << "\n";
  std::cout << "run " << f.run << ": " << report->accepted << " URLs queued\n";
  return 0;
}

// Deletes the run a bounded step at a time (RunStore::DeleteRun), so Redis
// keeps serving the fleet in between.
int Delete(fleet::RunStore& store, const fleet::RunInfo& run) {
  constexpr int64_t kKeysPerStep = 1000;
  std::cout << "deleting " << fleet::DescribeRun(run) << std::endl;
  int steps = 0;
  for (bool gone = false; !gone; ++steps) {
    auto step = store.DeleteRun(run.name, kKeysPerStep);
    if (!step.ok()) return Fail("deleting " + run.name + " stopped after " + std::to_string(steps) +
                                " steps (run the command again to go on): " + step.status().message(), 1);
    gone = step.value();
  }
  std::cout << "run " << run.name << " deleted, " << steps << (steps == 1 ? " step" : " steps") << " of at most "
            << kKeysPerStep << " keys\n";
  return 0;
}

// Exits 1 when a damaged visit was left out (named on stderr), or the file could not be written.
int Export(const RunFlags& f, fleet::RedisClient& redis, const fleet::RunInfo& run) {
  common::Status exported = fleet::ExportToFile(redis, run, f.export_format, f.export_out);
  return exported.ok() ? 0 : Fail(exported.message(), 1);
}

}  // namespace

void AddRunCommands(CLI::App& app, std::vector<Subcommand>& out) {
  auto f = std::make_shared<RunFlags>();
  CLI::App* submit = app.add_subcommand("submit", "Store a URL list in Redis as a run for the coordinator");
  submit->add_option("urls_file", f->submit_file, "URLs, one a line, or rank,domain CSV ('-' for stdin)")
      ->capture_default_str();
  submit->add_option("--run", f->run, "Name of the run")->required();
  submit->add_option("--redis", f->redis, kRedisHelp);
  submit->add_flag("--allow-private-targets", f->submit_private,
                   "Allow URLs whose host resolves to a loopback, private or link-local address");
  AddTtlFlag(*submit, f->submit_ttl);
  out.push_back({submit, [f] {
    return WithStore(*f, [&](fleet::RedisClient&, fleet::RunStore& store) { return Submit(*f, store); });
  }});

  CLI::App* status = app.add_subcommand("status", "Show a run's progress");
  status->add_option("run", f->run, "Name of the run")->required();
  status->add_option("--redis", f->redis, kRedisHelp);
  out.push_back({status, [f] {
    return WithRun(*f, [](fleet::RedisClient&, fleet::RunStore&, const fleet::RunInfo& run) {
      std::cout << fleet::DescribeRun(run) << "\n";
      return 0;
    });
  }});

  CLI::App* exp = app.add_subcommand("export", "Write a run's records (jsonl) or per-URL results (csv)");
  exp->add_option("run", f->run, "Name of the run")->required();
  exp->add_option("--redis", f->redis, kRedisHelp);
  exp->add_option("--format", f->export_format, "jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  exp->add_option("--out", f->export_out, "Output file ('-' for stdout)")->capture_default_str();
  out.push_back({exp, [f] {
    return WithRun(*f, [&](fleet::RedisClient& redis, fleet::RunStore&, const fleet::RunInfo& run) {
      return Export(*f, redis, run);
    });
  }});

  CLI::App* del = app.add_subcommand("delete", "Delete every key of a run from Redis, a bounded step at a time");
  del->add_option("run", f->run, "Name of the run")->required();
  del->add_option("--redis", f->redis, kRedisHelp);
  out.push_back({del, [f] {
    return WithRun(*f, [](fleet::RedisClient&, fleet::RunStore& store, const fleet::RunInfo& run) {
      return Delete(store, run);
    });
  }});
}

}  // namespace cli
