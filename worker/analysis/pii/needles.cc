#include "worker/analysis/pii/needles.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/strings.h"

namespace worker::pii {
namespace {

using common::AsciiLower;
using common::Trim;

std::string DigitsOf(std::string_view s) {
  std::string out;
  for (char c : s) if (std::isdigit(static_cast<unsigned char>(c))) out += c;
  return out;
}

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  for (char c : s) if (c != ' ') out += c;
  return out;
}

struct Form {
  std::string value, normalization;
};

// The forms of each field trackers hash or send, as typed first.
std::vector<std::pair<std::string, std::vector<Form>>> FieldForms(const CanaryIdentity& c) {
  std::string digits = DigitsOf(c.phone), national = digits, international = digits;
  bool has_plus = Trim(c.phone).rfind('+', 0) == 0;
  if (has_plus && digits.rfind(c.phone_country_code, 0) == 0) {
    national = digits.substr(c.phone_country_code.size());
  } else if (!has_plus) {
    international = c.phone_country_code + digits;
  }
  std::string full = std::string(Trim(c.first_name)) + " " + std::string(Trim(c.last_name));
  return {
      {"email", {{c.email, "as_typed"}, {AsciiLower(Trim(c.email)), "lower_trimmed"}}},
      {"phone", {{c.phone, "as_typed"}, {international, "digits"}, {national, "digits_national"},
                 {"+" + international, "e164"}}},
      {"full_name", {{full, "as_typed"}, {AsciiLower(full), "lower_trimmed"}}},
      {"first_name", {{c.first_name, "as_typed"}, {AsciiLower(Trim(c.first_name)), "lower_trimmed"}}},
      {"last_name", {{c.last_name, "as_typed"}, {AsciiLower(Trim(c.last_name)), "lower_trimmed"}}},
      {"postcode", {{c.postcode, "as_typed"}, {AsciiLower(WithoutSpaces(c.postcode)), "lower_no_spaces"}}},
  };
}

// The base64 characters that depend on `v` alone when `v` starts `offset`
// (0, 1 or 2) bytes into a 3-byte group of a larger base64 text, e.g. an email
// inside base64 of a JSON object: the characters before and after mix in
// the neighbours' bits.
std::string Base64Embedded(std::string_view v, int offset, bool url_safe) {
  std::string encoded = Base64(std::string(static_cast<size_t>(offset), '\0') + std::string(v), url_safe);
  size_t first = (8 * static_cast<size_t>(offset) + 5) / 6;  // first character with no filler bits
  size_t last = 8 * (static_cast<size_t>(offset) + v.size()) / 6;  // characters wholly inside the value
  return last > first ? encoded.substr(first, last - first) : "";
}

bool IsShort(std::string_view field) {
  return field == "first_name" || field == "last_name" || field == "postcode";
}

}  // namespace

std::string PercentEncode(std::string_view s, bool form) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else if (form && c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Base64(std::string_view bytes, bool url_safe) {
  const char* table = url_safe ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                               : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) out += table[(acc >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += table[(acc << (6 - bits)) & 63];
  return out;
}

std::string Digest(std::string_view algorithm, std::string_view s) {
  const EVP_MD* md = algorithm == "md5"      ? EVP_md5()
                     : algorithm == "sha1"   ? EVP_sha1()
                     : algorithm == "sha256" ? EVP_sha256()
                                             : EVP_sha512();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(s.data(), s.size(), out, &n, md, nullptr) != 1) return "";
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string Hex(std::string_view bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::vector<Needle> CanaryNeedles(const CanaryIdentity& canary) {
  std::vector<Needle> out;
  std::unordered_set<std::string> seen;
  auto add = [&](std::string text, const std::string& field, const char* encoding, const char* wrapped,
                 const Form& form, bool bounded) {
    if (text.size() < 3 || !seen.insert(text).second) return;
    Needle n;
    n.text = std::move(text);
    n.field = field;
    n.encoding = encoding;
    n.wrapped = wrapped;
    n.normalization = form.normalization;
    n.bounded = bounded;
    out.push_back(std::move(n));
  };
  for (const auto& [field, forms] : FieldForms(canary)) {
    bool short_value = IsShort(field);
    for (const Form& form : forms) {
      const std::string& v = form.value;
      if (v.empty()) continue;
      // Phone digits are short too: a bare 10-digit run occurs in ids and timestamps.
      bool bounded = short_value || (field == "phone" && form.normalization.rfind("digits", 0) == 0);
      add(v, field, "plain", "", form, bounded);
      if (!short_value) {
        add(PercentEncode(v, false), field, "url", "percent", form, false);
        add(PercentEncode(v, true), field, "url", "form", form, false);
        add(Base64(v, false), field, "base64", "base64", form, false);
        add(Base64(v, true), field, "base64", "base64url", form, false);
        for (int offset : {0, 1, 2}) {
          if (v.size() < 8) continue;  // too few whole characters to be specific
          add(Base64Embedded(v, offset, false), field, "base64", "base64", form, false);
          add(Base64Embedded(v, offset, true), field, "base64", "base64url", form, false);
        }
      }
      for (const char* algorithm : {"md5", "sha1", "sha256", "sha512"}) {
        std::string digest = Digest(algorithm, v);
        add(Hex(digest, false), field, algorithm, "hex", form, false);
        add(Hex(digest, true), field, algorithm, "hex_upper", form, false);
        add(Base64(digest, false), field, algorithm, "base64", form, false);
        add(Base64(digest, true), field, algorithm, "base64url", form, false);
      }
    }
  }
  return out;
}

}  // namespace worker::pii
