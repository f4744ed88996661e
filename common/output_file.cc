#include "common/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace common {

namespace {

std::string Reason(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<OutputFile>(new OutputFile(path, "", stdout));
  // Beside the target, so that the rename stays on one file system.
  std::string temp_path = path + ".tmp-" + std::to_string(getpid());
  std::FILE* file = std::fopen(temp_path.c_str(), "w");
  if (file == nullptr) return Status::Internal(Reason("cannot write", temp_path));
  return std::unique_ptr<OutputFile>(new OutputFile(path, std::move(temp_path), file));
}

OutputFile::OutputFile(std::string path, std::string temp_path, std::FILE* file)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), file_(file), buf_(file), stream_(&buf_) {}

OutputFile::~OutputFile() {
  if (!done_) Discard();
}

void OutputFile::Discard() {
  done_ = true;
  if (temp_path_.empty()) return;
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  std::remove(temp_path_.c_str());
}

Status OutputFile::Commit() {
  if (done_) return Status::Internal("committed twice: " + path_);
  stream_.flush();
  const bool stream_ok = static_cast<bool>(stream_);
  if (std::fflush(file_) != 0 || std::ferror(file_) || !stream_ok) {
    Status failed = Status::Internal(Reason("writing", temp_path_.empty() ? "stdout" : temp_path_));
    Discard();
    return failed;
  }
  done_ = true;
  if (temp_path_.empty()) return Status::Ok();
  std::FILE* file = std::exchange(file_, nullptr);
  // close() is where NFS and full disks report what buffered writes lost.
  if (fsync(fileno(file)) != 0 || std::fclose(file) != 0) {
    Status failed = Status::Internal(Reason("closing", temp_path_));
    std::remove(temp_path_.c_str());
    return failed;
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    Status failed = Status::Internal(Reason("renaming " + temp_path_ + " to", path_));
    std::remove(temp_path_.c_str());
    return failed;
  }
  return Status::Ok();
}

OutputFile::FileBuf::int_type OutputFile::FileBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  return std::fputc(c, file_) == EOF ? traits_type::eof() : c;
}

std::streamsize OutputFile::FileBuf::xsputn(const char* s, std::streamsize n) {
  return static_cast<std::streamsize>(std::fwrite(s, 1, static_cast<size_t>(n), file_));
}

int OutputFile::FileBuf::sync() { return std::fflush(file_) == 0 ? 0 : -1; }

}  // namespace common
