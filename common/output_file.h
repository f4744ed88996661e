// OutputFile: a result file written under a temporary name beside it
// ("PATH.tmp-PID") and renamed onto PATH by Commit(), so that PATH is always
// either what it was before or the whole new file, never a part of it. Every
// step that can lose data (write, flush, close, rename) is checked. "-" means
// stdout, written in place (Commit flushes it). One thread.
#pragma once

#include <cstdio>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>

#include "common/status.h"

namespace common {

class OutputFile {
 public:
  // kInternal with the OS's reason when the temporary cannot be created.
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path);
  ~OutputFile();  // without a successful Commit: the temporary is removed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The same file two ways; both write through one stdio buffer.
  std::FILE* file() { return file_; }
  std::ostream& stream() { return stream_; }
  const std::string& path() const { return path_; }

  // Flushes and closes the temporary, then renames it onto path(). kInternal
  // naming the step and the OS's reason when one fails (a write that failed
  // earlier shows here too); the temporary is then removed and path() is
  // left as it was.
  Status Commit();

 private:
  // A streambuf that writes into a FILE*, so stream() and file() share it.
  class FileBuf final : public std::streambuf {
   public:
    explicit FileBuf(std::FILE* file) : file_(file) {}

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

   private:
    std::FILE* file_;
  };

  OutputFile(std::string path, std::string temp_path, std::FILE* file);
  void Discard();

  std::string path_, temp_path_;  // temp_path_ empty for stdout
  std::FILE* file_;
  FileBuf buf_;
  std::ostream stream_;
  bool done_ = false;
};

}  // namespace common
