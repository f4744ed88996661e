#include "fleet/curve_keys.h"

#include <zmq.h>

#include <fstream>

#include "common/strings.h"

namespace fleet {

using common::Code;
using common::Result;
using common::Status;

bool IsZ85Key(const std::string& key) {
  uint8_t decoded[32];
  return key.size() == 40 && zmq_z85_decode(decoded, key.c_str()) != nullptr;
}

CurveKeyPair GenerateCurveKeyPair() {
  char public_key[41], secret_key[41];
  zmq_curve_keypair(public_key, secret_key);
  return {public_key, secret_key};
}

Result<CurveKeyPair> ReadCurveKeyFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return Status::InvalidArgument("cannot read the key file " + path);
  std::string secret(common::Trim(line));
  if (!IsZ85Key(secret)) return Status::InvalidArgument(path + ": the first line is not a 40-character Z85 key");
  char public_key[41];
  if (zmq_curve_public(public_key, secret.c_str()) != 0) {
    return Status::Unavailable("this libzmq has no CURVE support");
  }
  return CurveKeyPair{public_key, secret};
}

Result<std::set<std::string>> ReadCurveAllowList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read the allow-list " + path);
  std::set<std::string> keys;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::string key(common::Trim(line));
    if (key.empty() || key[0] == '#') continue;
    if (!IsZ85Key(key)) return Status::InvalidArgument(path + ":" + std::to_string(n) + ": not a Z85 public key");
    keys.insert(key);
  }
  return keys;
}

}  // namespace fleet
