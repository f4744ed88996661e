// The canary identity: what the interaction step types into forms, and so
// what the leak search looks for in everything a visit sent. One definition
// for worker/interact/ (which types it) and worker/analysis/ (which searches
// for it). A plain value; copy freely between threads.
#pragma once

#include <string>

namespace worker {

// The defaults are the canary constant that shows up in leak records.
struct CanaryIdentity {
  std::string email = "jane.doe.trackscan@example.com";
  std::string phone = "+1 617 555 0142";
  std::string first_name = "Jane";
  std::string last_name = "Doe";
  std::string postcode = "02139";
  std::string phone_country_code = "1";  // of `phone`: the leak search derives its national and E.164 forms
  std::string search_term = "opening hours";  // search boxes get a neutral term, not the identity
};

}  // namespace worker
