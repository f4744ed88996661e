#include "common/zstd_frame.h"

#include <zstd.h>

#include <memory>

namespace common {
namespace {

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

}  // namespace

std::string ZstdCompress(std::string_view data, int level) {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> context(ZSTD_createCCtx());
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compressCCtx(context.get(), out.data(), out.size(), data.data(), data.size(), level);
  // With a buffer of compressBound bytes compression cannot fail but for
  // lack of memory, which the allocations above would have hit first.
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view frame, size_t max_bytes) {
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return Status::Decode("not a zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return Status::Decode("zstd frame without its content size");
  if (size > max_bytes) {
    return Status::Decode("zstd frame of " + std::to_string(size) + " bytes, over the limit of " +
                          std::to_string(max_bytes));
  }
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> context(ZSTD_createDCtx());
  std::string out(size, '\0');
  size_t n = ZSTD_decompressDCtx(context.get(), out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) return Status::Decode(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != size) return Status::Decode("zstd frame shorter than its header says");
  return out;
}

}  // namespace common
