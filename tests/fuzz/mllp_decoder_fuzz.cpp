// Fuzz target for MllpDecoder: the stream is fed in pieces whose sizes come from the input, and
// the result is checked against a byte-at-a-time reference decoder written from the MLLP rules.
//
// Input layout: [max_frame_bytes - 1] [k] [k split sizes] [stream...]
//
// Checked: frames and errors (code and location) equal the reference's, whatever the split;
// payloads hold no 0x0B or 0x1C and fit max_frame_bytes; the decoder never copies more than
// max_frame_bytes; after finish() every byte is counted once as junk, discarded or framed.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/mllp_codec.hpp"

namespace {

using hie::Errc;
using hie::adapters::hl7v2::MllpDecoder;
using hie::adapters::hl7v2::MllpEventKind;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\n", what);
  std::abort();
}

struct Outcome {
  std::vector<std::string> sequence;  // "frame:<payload>" or "<errc>@<location>"
  std::uint64_t junk = 0;
  std::uint64_t discarded = 0;
  std::uint64_t framed = 0;  // payload + 3 framing bytes, summed over frames
};

std::string error_step(Errc code, std::uint64_t frame, std::uint64_t offset) {
  return std::string(hie::to_string(code)) + "@frame " + std::to_string(frame) + ", byte " +
         std::to_string(offset);
}

/// The MLLP rules one byte at a time, kept deliberately simple.
Outcome reference_decode(std::string_view stream, std::size_t max) {
  enum { outside, in_frame, end_block, discarding } state = outside;
  Outcome out;
  std::string payload;
  std::uint64_t frame = 0;
  for (std::size_t at = 0; at < stream.size(); ++at) {
    const char c = stream[at];
    if (state == end_block) {
      if (c == '\x0D') {
        out.sequence.push_back("frame:" + payload);
        out.framed += payload.size() + 3;
        state = outside;
        continue;
      }
      out.sequence.push_back(error_step(Errc::parse_error, frame, at));
      out.discarded += payload.size() + 2;
      state = discarding;  // and read c again below
    } else if (state == in_frame) {
      if (c == '\x0B') {
        out.sequence.push_back(error_step(Errc::parse_error, frame, at));
        out.discarded += payload.size() + 1;
        state = discarding;  // and read c again below
      } else if (c == '\x1C') {
        state = end_block;
        continue;
      } else if (payload.size() == max) {
        out.sequence.push_back(error_step(Errc::limit_exceeded, frame, at));
        out.discarded += payload.size() + 2;
        state = discarding;
        continue;
      } else {
        payload += c;
        continue;
      }
    }
    // outside or discarding
    if (c == '\x0B') {
      ++frame;
      payload.clear();
      state = in_frame;
    } else if (state == outside) {
      ++out.junk;
    } else {
      ++out.discarded;
    }
  }
  if (state == in_frame || state == end_block) {
    out.sequence.push_back(error_step(Errc::parse_error, frame, stream.size()));
    out.discarded += payload.size() + (state == in_frame ? 1 : 2);
  }
  return out;
}

void drain(MllpDecoder& decoder, Outcome& out) {
  for (;;) {
    auto event = decoder.next();
    check(decoder.copied_bytes() <= decoder.max_frame_bytes(), "copy bounded by max_frame_bytes");
    check(decoder.buffered_bytes() <= decoder.max_frame_bytes() + 2, "buffered bytes bounded");
    if (!event) {
      const Errc code = event.error().code();
      check(code == Errc::parse_error || code == Errc::limit_exceeded, "error code");
      out.sequence.push_back(std::string(hie::to_string(code)) + "@" + event.error().location());
      continue;
    }
    if (event->kind == MllpEventKind::need_more) return;
    if (event->kind == MllpEventKind::junk) {
      check(event->junk_bytes > 0, "junk event reports bytes");
      continue;
    }
    const std::string_view payload = event->payload;
    check(payload.size() <= decoder.max_frame_bytes(), "payload fits max_frame_bytes");
    check(payload.find('\x0B') == std::string_view::npos, "no start byte in payload");
    check(payload.find('\x1C') == std::string_view::npos, "no end block in payload");
    out.sequence.push_back("frame:" + std::string(payload));
    out.framed += payload.size() + 3;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::size_t max = std::size_t{data[0]} + 1;
  const std::size_t split_count = data[1] % 8;
  if (size < 2 + split_count) return 0;
  const std::vector<std::uint8_t> splits(data + 2, data + 2 + split_count);
  const std::string stream(reinterpret_cast<const char*>(data) + 2 + split_count,
                           size - 2 - split_count);

  const Outcome expected = reference_decode(stream, max);

  bool any_progress = false;
  for (auto length : splits) any_progress = any_progress || length > 0;

  MllpDecoder decoder(max);
  Outcome got;
  std::size_t fed = 0;
  for (std::size_t piece = 0; fed < stream.size(); ++piece) {
    // Split sizes are used in turn; a zero feeds an empty piece. No usable sizes: one feed.
    std::size_t length = any_progress ? splits[piece % splits.size()] : stream.size();
    length = std::min(length, stream.size() - fed);
    decoder.feed(std::string_view(stream).substr(fed, length));
    fed += length;
    drain(decoder, got);
  }
  auto end = decoder.finish();
  if (!end) {
    check(end.error().code() == Errc::parse_error, "finish error code");
    got.sequence.push_back(std::string(hie::to_string(end.error().code())) + "@" +
                           end.error().location());
  }
  got.junk = decoder.junk_bytes();
  got.discarded = decoder.discarded_bytes();

  check(got.sequence == expected.sequence, "same frames and errors as the reference");
  check(got.junk == expected.junk, "same junk count as the reference");
  check(got.discarded == expected.discarded, "same discarded count as the reference");
  check(got.framed == expected.framed, "same framed bytes as the reference");
  check(got.junk + got.discarded + got.framed == stream.size(), "every byte accounted for");
  check(decoder.buffered_bytes() == 0 && decoder.copied_bytes() <= max, "finish leaves no frame");
  return 0;
}
