#include "worker/interact/interaction_report.h"

#include <simdjson.h>

#include <optional>

namespace worker::interact {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

common::Status Bad(std::string_view what, std::string_view why) {
  return common::Status::Decode(std::string(what) + ": " + std::string(why));
}

std::optional<std::string> OptionalString(object o, const char* key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;  // null or absent
  return std::string(v);
}

std::string String(object o, const char* key) { return OptionalString(o, key).value_or(""); }

common::Result<InteractionRecord> ParseAction(object a, const std::string& frame_url) {
  InteractionRecord r;
  r.action = String(a, "action");
  if (r.action != "type" && r.action != "click" && r.action != "submit") {
    return Bad("interaction report", "unknown action '" + r.action + "'");
  }
  r.field_kind = OptionalString(a, "field_kind");
  r.value = OptionalString(a, "value");
  r.button_text = OptionalString(a, "button_text");
  r.element_tag = String(a, "tag");
  r.element_id = OptionalString(a, "id");
  r.element_name = OptionalString(a, "name");
  r.element_type = OptionalString(a, "input_type");
  r.selector = String(a, "selector");
  r.frame_url = frame_url;
  if (a["wall_time"].get_double().get(r.wall_time) != simdjson::SUCCESS) {
    int64_t whole = 0;
    if (a["wall_time"].get_int64().get(whole) != simdjson::SUCCESS) return Bad("interaction report", "no wall_time");
    r.wall_time = static_cast<double>(whole);
  }
  bool ok = true;
  if (a["ok"].get_bool().get(ok) == simdjson::SUCCESS) r.ok = ok;
  r.error = OptionalString(a, "error");
  return r;
}

void CollectFrames(object node, std::vector<FrameRef>* out) {
  object frame;
  if (node["frame"].get_object().get(frame) == simdjson::SUCCESS) {
    out->push_back(FrameRef{String(frame, "id"), String(frame, "url")});
  }
  simdjson::dom::array children;
  if (node["childFrames"].get_array().get(children) != simdjson::SUCCESS) return;
  for (element child : children) {
    object o;
    if (child.get_object().get(o) == simdjson::SUCCESS) CollectFrames(o, out);
  }
}

}  // namespace

common::Result<FrameReport> ParseFrameReport(std::string_view value_json) {
  simdjson::dom::parser parser;
  object root;
  if (parser.parse(value_json.data(), value_json.size()).get_object().get(root) != simdjson::SUCCESS) {
    return Bad("interaction report", "not a JSON object");
  }
  FrameReport report;
  report.frame_url = String(root, "frame_url");
  if (root["done"].get_bool().get(report.done) != simdjson::SUCCESS) return Bad("interaction report", "no done");
  simdjson::dom::array actions;
  if (root["actions"].get_array().get(actions) != simdjson::SUCCESS) return Bad("interaction report", "no actions");
  for (element a : actions) {
    object o;
    if (a.get_object().get(o) != simdjson::SUCCESS) return Bad("interaction report", "an action is not an object");
    auto record = ParseAction(o, report.frame_url);
    if (!record.ok()) return record.status();
    report.actions.push_back(std::move(record.value()));
  }
  return report;
}

common::Result<std::vector<FrameRef>> ParseFrameTree(std::string_view result_json) {
  simdjson::dom::parser parser;
  object tree;
  if (parser.parse(result_json.data(), result_json.size())["frameTree"].get_object().get(tree) !=
      simdjson::SUCCESS) {
    return Bad("Page.getFrameTree", "no frameTree");
  }
  std::vector<FrameRef> frames;
  CollectFrames(tree, &frames);
  return frames;
}

common::Result<int64_t> ParseIsolatedWorld(std::string_view result_json) {
  simdjson::dom::parser parser;
  int64_t id = 0;
  if (parser.parse(result_json.data(), result_json.size())["executionContextId"].get_int64().get(id) !=
      simdjson::SUCCESS) {
    return Bad("Page.createIsolatedWorld", "no executionContextId");
  }
  return id;
}

}  // namespace worker::interact
