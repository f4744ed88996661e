// navigate_only: the bare baseline for bench/scan_bench.py. Visits URLs the
// way `trackscan scan` does (one browser context per visit, `--concurrency`
// at once, the same Chromium flags, load event + the same minimum dwell) but
// records nothing: no Network domain, no auto-attach, no cookie jar. Like
// trackscan, it keeps one page open ahead of the next visit (context, blank
// page, attached), so the difference in CPU between the two is what
// recording costs.
// usage: navigate_only URLS_FILE CONCURRENCY DWELL_MS [--chrome-flag=FLAG]...
#include <algorithm>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "cdp/connection.h"
#include "cdp/json_object.h"
#include "cdp/lws_loop.h"
#include "cdp/lws_transport.h"
#include "cdp/protocol/decode.h"
#include "cdp/chrome_process.h"
#include "common/process_stats.h"

namespace {

namespace p = cdp::protocol;
using common::Result;

struct Bench {
  cdp::LwsLoop* loop = nullptr;
  cdp::Connection* connection = nullptr;
  std::deque<std::string> urls;
  size_t active = 0, concurrency = 1, done = 0;
  common::Duration dwell{0};
  using Page = std::pair<std::string, std::string>;  // context id, session id ("" = none)
  std::deque<Page> prepared;
  size_t preparing = 0;

  void Pump() {
    while (active < concurrency && !urls.empty()) {
      std::string url = urls.front();
      urls.pop_front();
      ++active;
      Visit(url);
    }
    while (prepared.size() + preparing < std::min<size_t>(1, urls.size())) {
      ++preparing;
      OpenPage([this](Page page) {
        --preparing;
        prepared.push_back(page);
      });
    }
  }

  void Visit(const std::string& url) {
    auto go = [this, url](Page page) {
      if (page.second.empty()) return Finish(page.first);
      Navigate(page.first, *connection->FindSession(page.second), url);
    };
    if (prepared.empty()) return OpenPage(go);
    Page page = prepared.front();
    prepared.pop_front();
    go(page);
  }

  // A fresh context with a blank page, attached and with Page enabled.
  void OpenPage(std::function<void(Page)> ready) {
    connection->Send("Target.createBrowserContext", "{}", [this, ready](Result<std::string> r) {
      auto context = p::DecodeCreateBrowserContext(r.ok() ? r.value() : "{}");
      if (!context.ok()) return ready({"", ""});
      std::string id = context.value();
      connection->Send("Target.createTarget",
                       cdp::JsonObject().Set("url", "about:blank").Set("browserContextId", id).Build(),
                       [this, id, ready](Result<std::string> t) {
                         auto target = p::DecodeCreateTarget(t.ok() ? t.value() : "{}");
                         if (!target.ok()) return ready({id, ""});
                         Attach(id, target.value(), ready);
                       });
    });
  }

  void Attach(const std::string& context, const std::string& target, std::function<void(Page)> ready) {
    connection->Send("Target.attachToTarget", cdp::JsonObject().Set("targetId", target).Set("flatten", true).Build(),
                     [this, context, ready](Result<std::string> r) {
                       std::string session_id;
                       if (r.ok()) {
                         auto pos = r.value().find("\"sessionId\":\"");
                         if (pos != std::string::npos) {
                           pos += 13;
                           session_id = r.value().substr(pos, r.value().find('"', pos) - pos);
                         }
                       }
                       if (session_id.empty()) return ready({context, ""});
                       cdp::Session& session = connection->CreateSession(session_id);
                       session.Send("Page.enable", "{}", [context, session_id, ready](Result<std::string>) {
                         ready({context, session_id});
                       });
                     });
  }

  void Navigate(const std::string& context, cdp::Session& session, const std::string& url) {
    auto loaded = std::make_shared<bool>(false);
    std::string session_id = session.id();
    auto started = loop->Now();
    // As in trackscan: done at the load event, but never before the dwell.
    auto finish_after_dwell = [this, context, session_id, loaded, started] {
      if (*loaded) return;
      *loaded = true;
      auto left = std::max(common::Duration(0),
                           std::chrono::duration_cast<common::Duration>(dwell - (loop->Now() - started)));
      loop->AddTimer(left, [this, context, session_id] {
        connection->DestroySession(session_id);
        Finish(context);
      });
    };
    session.On(p::LoadEventFired::kMethod, [finish_after_dwell](const p::Event&) { finish_after_dwell(); });
    session.Send("Page.navigate", cdp::JsonObject().Set("url", url).Build(),
                 [finish_after_dwell](Result<std::string> r) {
                   auto nav = p::DecodeNavigate(r.ok() ? r.value() : "{}");
                   if (!nav.ok() || !nav->error_text.empty()) finish_after_dwell();
                 },
                 common::Duration(30000));
  }

  void Finish(const std::string& context) {
    if (!context.empty()) {
      connection->Send("Target.disposeBrowserContext",
                       cdp::JsonObject().Set("browserContextId", context).Build(), [](Result<std::string>) {});
    }
    --active;
    ++done;
    loop->Post([this] { Pump(); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: navigate_only URLS_FILE CONCURRENCY DWELL_MS [--chrome-flag=FLAG]...\n";
    return 2;
  }
  Bench bench;
  std::ifstream in(argv[1]);
  for (std::string line; std::getline(in, line);) if (!line.empty()) bench.urls.push_back(line);
  size_t total = bench.urls.size();
  bench.concurrency = std::stoul(argv[2]);
  bench.dwell = common::Duration(std::stol(argv[3]));
  cdp::LaunchOptions launch;
  for (int i = 4; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--chrome-flag=", 0) == 0) launch.extra_flags.push_back(arg.substr(14));
  }
  auto loop = cdp::LwsLoop::Create();
  auto chrome = cdp::ChromeProcess::Launch(launch);
  if (!loop.ok() || !chrome.ok()) {
    std::cerr << "navigate_only: cannot start: " << (chrome.ok() ? loop.status() : chrome.status()).ToString() << "\n";
    return 1;
  }
  bench.loop = loop.value().get();
  std::unique_ptr<cdp::Connection> connection;
  auto transport = cdp::LwsTransport::Connect(*loop.value(), chrome.value()->websocket_url(), [&] { bench.Pump(); });
  if (!transport.ok()) return 1;
  connection = std::make_unique<cdp::Connection>(*transport.value(), *loop.value(), common::Duration(30000));
  bench.connection = connection.get();
  loop.value()->RunUntil([&] { return bench.done == total || connection->closed(); });
  connection.reset();
  transport.value().reset();
  chrome.value().reset();  // Chromium exits and is reaped: its CPU counts as our children's
  std::cout << "navigate_only: " << bench.done << " visits\n";
  common::MaybePrintRusage("navigate_only");
  return 0;
}
