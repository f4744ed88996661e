// ZeroMQ CURVE keys for the fleet: the coordinator's key pair and the
// allow-list of worker public keys, as Z85 text (40 characters), read from
// files so that secrets stay out of command lines and process listings.
// A key file holds the secret key on its first line; the public key is
// derived from it. An allow-list file holds one public key a line ('#'
// comments). Pure functions; thread-safe.
#pragma once

#include <set>
#include <string>

#include "common/status.h"

namespace fleet {

struct CurveKeyPair {
  std::string public_key, secret_key;  // Z85
};

CurveKeyPair GenerateCurveKeyPair();
common::Result<CurveKeyPair> ReadCurveKeyFile(const std::string& path);
common::Result<std::set<std::string>> ReadCurveAllowList(const std::string& path);
bool IsZ85Key(const std::string& key);

}  // namespace fleet
