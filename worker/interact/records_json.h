// Obsolete: the serializer of every record is worker/record/record_json.h.
// Kept only because cli/scan_command.cc still includes this header; delete it
// together with that include.
#pragma once

#include "worker/record/record_json.h"
