#include "worker/interact/records_json.h"

#include "worker/record/json_line.h"

namespace worker {

std::string ToJson(const InteractionRecord& r) {
  JsonLine j("interaction");
  j.Field("visit_id", r.visit_id);
  j.Field("action", r.action);
  j.Field("field_kind", r.field_kind);
  j.Field("value", r.value);
  j.Field("button_text", r.button_text);
  j.Field("element_tag", r.element_tag);
  j.Field("element_id", r.element_id);
  j.Field("element_name", r.element_name);
  j.Field("element_type", r.element_type);
  j.Field("selector", r.selector);
  j.Field("frame_url", r.frame_url);
  j.Field("wall_time", r.wall_time);
  j.Field("ok", r.ok);
  j.Field("error", r.error);
  return j.Done();
}

std::string ToJson(const ConsentRecord& r) {
  JsonLine j("consent");
  j.Field("visit_id", r.visit_id);
  j.Field("mode", r.mode);
  j.Field("cmp", r.cmp);
  j.Field("action", r.action);
  j.Field("result", r.result);
  j.Field("frame_url", r.frame_url);
  j.Field("found_wall_time", r.found_wall_time);
  j.Field("done_wall_time", r.done_wall_time);
  j.Field("error", r.error);
  return j.Done();
}

}  // namespace worker
