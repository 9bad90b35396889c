#include "vireo/codec/output.h"

#include <algorithm>

namespace vireo::codec {

void Output::Finish() {
  if (start_ == nullptr) return;
  written_ += static_cast<size_t>(p_ - start_);
  buf_->MallocAck(base_ + written_);
  start_ = p_ = end_ = nullptr;
}

void Output::Grow(size_t n) {
  Finish();
  const size_t size = std::max(n, chunk_);
  start_ = p_ = buf_->Malloc(size);
  end_ = start_ + size;
}

}  // namespace vireo::codec
