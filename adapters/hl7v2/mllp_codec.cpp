#include "adapters/hl7v2/mllp_codec.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace hie::adapters::hl7v2 {

std::string mllp_frame(std::string_view payload) {
  std::string framed;
  framed.reserve(payload.size() + 3);
  framed += kMllpStartBlock;
  framed += payload;
  framed += kMllpEndBlock;
  framed += kMllpCarriageReturn;
  return framed;
}

namespace {

/// Index of the first 0x0B or 0x1C in `bytes`, or bytes.size(); memchr keeps this at memory speed.
std::size_t find_block_byte(std::string_view bytes) {
  const char* begin = bytes.data();
  const void* end_block = std::memchr(begin, kMllpEndBlock, bytes.size());
  const std::size_t limit =
      end_block ? static_cast<std::size_t>(static_cast<const char*>(end_block) - begin)
                : bytes.size();
  const void* start_block = std::memchr(begin, kMllpStartBlock, limit);
  return start_block ? static_cast<std::size_t>(static_cast<const char*>(start_block) - begin)
                     : limit;
}

}  // namespace

MllpDecoder::MllpDecoder(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {
  if (max_frame_bytes == 0) throw std::invalid_argument("MllpDecoder: max_frame_bytes must be > 0");
}

void MllpDecoder::feed(std::string_view bytes) {
  if (pos_ != input_.size()) {
    throw std::logic_error("MllpDecoder::feed() before next() consumed the previous input");
  }
  if (release_partial_) {
    partial_.clear();
    release_partial_ = false;
  }
  input_offset_ += input_.size();
  input_ = bytes;
  pos_ = 0;
}

Result<MllpEvent> MllpDecoder::next() {
  if (release_partial_) {
    partial_.clear();
    release_partial_ = false;
  }
  for (;;) {
    switch (state_) {
      case State::outside:
      case State::discarding: {
        if (pos_ == input_.size()) return MllpEvent{};
        const bool junk = state_ == State::outside;
        const std::size_t at = input_.find(kMllpStartBlock, pos_);
        const std::size_t skipped = (at == std::string_view::npos ? input_.size() : at) - pos_;
        pos_ += skipped;
        (junk ? junk_bytes_ : discarded_bytes_) += skipped;
        if (at != std::string_view::npos) {
          ++pos_;
          ++frame_number_;
          state_ = State::in_frame;
        }
        if (junk && skipped > 0) {
          MllpEvent event;
          event.kind = MllpEventKind::junk;
          event.junk_bytes = skipped;
          return event;
        }
        if (at == std::string_view::npos) return MllpEvent{};
        break;
      }
      case State::in_frame:
        return scan_frame();
      case State::end_block:
        return check_end_block();
    }
  }
}

Result<MllpEvent> MllpDecoder::scan_frame() {
  const std::size_t allowed = max_frame_bytes_ - partial_.size();
  const std::size_t available = input_.size() - pos_;
  // One byte past the limit is enough to tell a frame of exactly max_frame_bytes from a larger one.
  const std::size_t window = std::min(available, allowed + 1);
  const std::size_t found = pos_ + find_block_byte(input_.substr(pos_, window));

  if (found == pos_ + window) {
    if (window > allowed) {
      return refuse_frame(Errc::limit_exceeded,
                          "frame larger than " + std::to_string(max_frame_bytes_) + " bytes",
                          pos_ + allowed, pos_ + allowed + 1);
    }
    append_partial(input_.substr(pos_));
    pos_ = input_.size();
    return MllpEvent{};
  }
  if (input_[found] == kMllpStartBlock) {
    return refuse_frame(Errc::parse_error, "frame truncated: start block before end block", found,
                        found);
  }
  // An end block: the payload is complete if a carriage return follows.
  if (found + 1 == input_.size()) {
    append_partial(input_.substr(pos_, found - pos_));
    pos_ = input_.size();
    state_ = State::end_block;
    return MllpEvent{};
  }
  if (input_[found + 1] != kMllpCarriageReturn) {
    return refuse_frame(Errc::parse_error, "end block 0x1C not followed by 0x0D", found + 1,
                        found + 1);
  }
  std::string_view payload = input_.substr(pos_, found - pos_);
  pos_ = found + 2;
  if (partial_.empty()) return complete_frame(payload);
  append_partial(payload);
  release_partial_ = true;
  return complete_frame(partial_);
}

Result<MllpEvent> MllpDecoder::check_end_block() {
  if (pos_ == input_.size()) return MllpEvent{};
  if (input_[pos_] != kMllpCarriageReturn) {
    return refuse_frame(Errc::parse_error, "end block 0x1C not followed by 0x0D", pos_, pos_);
  }
  ++pos_;
  release_partial_ = true;
  return complete_frame(partial_);
}

MllpEvent MllpDecoder::complete_frame(std::string_view payload) {
  ++frames_;
  state_ = State::outside;
  MllpEvent event;
  event.kind = MllpEventKind::frame;
  event.payload = payload;
  event.frame_number = frame_number_;
  return event;
}

Error MllpDecoder::refuse_frame(Errc code, std::string message, std::size_t fault_index,
                                std::size_t consumed_end) {
  discarded_bytes_ += buffered_bytes() + (consumed_end - pos_);
  pos_ = consumed_end;
  partial_.clear();
  state_ = State::discarding;
  return make_error(code, std::move(message),
                    "frame " + std::to_string(frame_number_) + ", byte " +
                        std::to_string(offset_of(fault_index)));
}

void MllpDecoder::append_partial(std::string_view bytes) {
  const std::size_t size = partial_.size() + bytes.size();
  // Grow geometrically but never reserve past the limit, so the copy stays O(max_frame_bytes).
  if (size > partial_.capacity()) {
    partial_.reserve(std::min(max_frame_bytes_, std::max(size, 2 * partial_.capacity())));
  }
  partial_.append(bytes);
}

std::size_t MllpDecoder::buffered_bytes() const {
  switch (state_) {
    case State::in_frame:
      return 1 + partial_.size();
    case State::end_block:
      return 2 + partial_.size();
    case State::outside:
    case State::discarding:
      return 0;
  }
  return 0;
}

Status MllpDecoder::finish() {
  if (pos_ != input_.size()) {
    throw std::logic_error("MllpDecoder::finish() before next() consumed the input");
  }
  const bool mid_frame = state_ == State::in_frame || state_ == State::end_block;
  if (!mid_frame) {
    state_ = State::outside;
    return {};
  }
  Error cut_short =
      refuse_frame(Errc::parse_error, "stream ended inside a frame", input_.size(), input_.size());
  state_ = State::outside;
  return cut_short;
}

}  // namespace hie::adapters::hl7v2
