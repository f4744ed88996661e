// ToJson for pii_leak records (worker/record/json_line.h's conventions).
#include "worker/record/json_line.h"
#include "worker/analysis/pii/pii_leak_record.h"

namespace worker {

std::string ToJson(const PiiLeakRecord& r) {
  JsonLine j("pii_leak");
  j.Field("visit_id", r.visit_id);
  j.Field("request_id", r.request_id);
  j.Field("recipient_host", r.recipient_host);
  j.Field("recipient_domain", r.recipient_domain);
  j.Field("organization", r.organization);
  j.Field("third_party", r.third_party);
  j.Field("field", r.field);
  j.Field("encoding", r.encoding);
  j.Field("wrapped", r.wrapped);
  j.Field("normalization", r.normalization);
  j.Field("where", r.where);
  j.Field("header_name", r.header_name);
  j.Field("parameter", r.parameter);
  j.Field("timing", r.timing);
  j.Field("sensitive_terms", r.sensitive_terms);
  j.Field("evidence", r.evidence);
  return j.Done();
}

}  // namespace worker
