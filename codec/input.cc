#include "vireo/codec/input.h"

namespace vireo::codec {

void Input::Refill() {
  const size_t len = buf_->Len();
  const std::string_view run = buf_->Front();
  run_ = p_ = run.data();
  end_ = run.data() + run.size();
  after_run_ = len - run.size();
}

void Input::Commit() {
  if (p_ == run_) return;
  (void)buf_->Skip(static_cast<size_t>(p_ - run_));
  Refill();
}

bool Input::SlowRead(void* out, size_t n) {
  if (remaining() < n) return false;
  Commit();
  (void)buf_->ReadBinary(n, static_cast<char*>(out));
  Refill();
  return true;
}

bool Input::ReadString(size_t n, std::string* out) {
  if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - p_) >= n)) {
    out->assign(p_, n);
    p_ += n;
    return true;
  }
  if (remaining() < n) return false;
  out->resize(n);
  return SlowRead(out->data(), n);
}

bool Input::ReadSlice(size_t n, transport::LinkBuffer* out) {
  if (remaining() < n) return false;
  Commit();
  *out = *buf_->Slice(n);
  Refill();
  return true;
}

bool Input::Skip(size_t n) {
  if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - p_) >= n)) {
    p_ += n;
    return true;
  }
  if (remaining() < n) return false;
  Commit();
  (void)buf_->Skip(n);
  Refill();
  return true;
}

}  // namespace vireo::codec
