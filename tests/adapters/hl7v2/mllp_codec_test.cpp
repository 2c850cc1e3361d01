#include "adapters/hl7v2/mllp_codec.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace hie::adapters::hl7v2 {
namespace {

using namespace std::string_literals;

// What a decoder produced, copied out so it outlives the decoder's buffers.
struct Decoded {
  std::vector<std::string> frames;
  std::vector<std::uint64_t> frame_numbers;
  std::vector<Error> errors;
  // Frames and errors in arrival order: "frame:<payload>" or "<errc>@<location>".
  std::vector<std::string> sequence;
  std::uint64_t junk_events_total = 0;
};

void drain(MllpDecoder& decoder, Decoded& out) {
  for (;;) {
    auto event = decoder.next();
    if (!event) {
      out.errors.push_back(event.error());
      out.sequence.push_back(std::string(to_string(event.error().code())) + "@" +
                             event.error().location());
      continue;
    }
    if (event->kind == MllpEventKind::need_more) return;
    if (event->kind == MllpEventKind::junk) {
      EXPECT_GT(event->junk_bytes, 0u);
      out.junk_events_total += event->junk_bytes;
      continue;
    }
    out.frames.emplace_back(event->payload);
    out.frame_numbers.push_back(event->frame_number);
    out.sequence.push_back("frame:" + std::string(event->payload));
  }
}

/// Feeds `pieces` one after another, draining after each, and checks the memory bound throughout.
Decoded decode(const std::vector<std::string>& pieces, std::size_t max_frame_bytes = 1 << 20) {
  MllpDecoder decoder(max_frame_bytes);
  Decoded out;
  for (const auto& piece : pieces) {
    decoder.feed(piece);
    drain(decoder, out);
    EXPECT_LE(decoder.copied_bytes(), max_frame_bytes);
  }
  EXPECT_EQ(decoder.junk_bytes(), out.junk_events_total);
  return out;
}

Decoded decode_one(const std::string& input, std::size_t max_frame_bytes = 1 << 20) {
  return decode(std::vector<std::string>{input}, max_frame_bytes);
}

// Framing bytes as strings: "\x0B" "abc" would otherwise have to be split to stop the hex escape.
const std::string kStart(1, kMllpStartBlock);
const std::string kEnd(1, kMllpEndBlock);

const std::string kAdt = "MSH|^~\\&|LAB|HOSP|||20240101||ADT^A01|1|P|2.5\rPID|1||42||DUCK^DONALD\r";
const std::string kOru = "MSH|^~\\&|LAB|HOSP|||20240101||ORU^R01|2|P|2.5\rOBX|1|NM|GLU||5.4\r";

TEST(MllpFrame, WrapsPayloadInStartAndEndBlocks) {
  EXPECT_EQ(mllp_frame("MSH|^~\\&\rPID|1\r"), "\x0BMSH|^~\\&\rPID|1\r\x1C\x0D"s);
  EXPECT_EQ(mllp_frame(""), "\x0B\x1C\x0D"s);
  const std::string framed = mllp_frame(kAdt);
  ASSERT_EQ(framed.size(), kAdt.size() + 3);
  EXPECT_EQ(framed.front(), '\x0B');
  EXPECT_EQ(framed.substr(1, kAdt.size()), kAdt);
  EXPECT_EQ(framed.substr(framed.size() - 2), "\x1C\x0D"s);
}

TEST(MllpDecoder, DecodesOneFrameWithoutCopying) {
  const std::string input = mllp_frame(kAdt);
  MllpDecoder decoder(1024);
  decoder.feed(input);
  auto event = decoder.next();
  ASSERT_TRUE(event.has_value());
  ASSERT_EQ(event->kind, MllpEventKind::frame);
  EXPECT_EQ(event->payload, kAdt);
  EXPECT_EQ(event->frame_number, 1u);
  EXPECT_EQ(event->payload.data(), input.data() + 1) << "payload should point into the input";
  EXPECT_EQ(decoder.copied_bytes(), 0u);
  auto done = decoder.next();
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->kind, MllpEventKind::need_more);
  EXPECT_EQ(decoder.frames(), 1u);
  EXPECT_TRUE(decoder.finish().has_value());
}

TEST(MllpDecoder, DecodesEmptyPayload) {
  auto out = decode_one("\x0B\x1C\x0D"s);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0], "");
  EXPECT_TRUE(out.errors.empty());
}

TEST(MllpDecoder, SplitAtEveryByteOfTwoFramesYieldsBothPayloads) {
  const std::string input = mllp_frame(kAdt) + mllp_frame(kOru);
  for (std::size_t split = 0; split <= input.size(); ++split) {
    auto out = decode({input.substr(0, split), input.substr(split)});
    ASSERT_EQ(out.frames, (std::vector<std::string>{kAdt, kOru})) << "split at " << split;
    EXPECT_TRUE(out.errors.empty()) << "split at " << split;
    EXPECT_EQ(out.junk_events_total, 0u);
  }
}

TEST(MllpDecoder, SplitIntoThreePiecesAtEveryPairOfPositions) {
  const std::string input = mllp_frame("A\rB") + mllp_frame("CD");
  for (std::size_t i = 0; i <= input.size(); ++i) {
    for (std::size_t j = i; j <= input.size(); ++j) {
      auto out = decode({input.substr(0, i), input.substr(i, j - i), input.substr(j)});
      ASSERT_EQ(out.frames, (std::vector<std::string>{"A\rB", "CD"})) << i << "," << j;
    }
  }
}

TEST(MllpDecoder, OneByteFeeds) {
  const std::string input = "\r\n"s + mllp_frame(kAdt) + "\n" + mllp_frame(kOru);
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  auto out = decode(bytes);
  EXPECT_EQ(out.frames, (std::vector<std::string>{kAdt, kOru}));
  EXPECT_EQ(out.junk_events_total, 3u);
  EXPECT_TRUE(out.errors.empty());
}

TEST(MllpDecoder, ThousandFramesInOneFeed) {
  std::string input;
  std::vector<std::string> payloads;
  for (int i = 0; i < 1000; ++i) {
    payloads.push_back("MSH|^~\\&|||||||ADT^A01|" + std::to_string(i) + "|P|2.5\r");
    input += mllp_frame(payloads.back());
  }
  MllpDecoder decoder(256);
  decoder.feed(input);
  Decoded out;
  drain(decoder, out);
  EXPECT_EQ(out.frames, payloads);
  EXPECT_EQ(out.frame_numbers.back(), 1000u);
  EXPECT_EQ(decoder.frames(), 1000u);
  EXPECT_EQ(decoder.copied_bytes(), 0u);
}

TEST(MllpDecoder, JunkBeforeStartByteIsSkippedCountedAndReported) {
  const std::string input =
      "\r\nGET / HTTP/1.1\r\n"s + mllp_frame(kAdt) + "\r\n" + mllp_frame(kOru);
  MllpDecoder decoder(1024);
  decoder.feed(input);

  auto first = decoder.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, MllpEventKind::junk);
  EXPECT_EQ(first->junk_bytes, 18u);

  Decoded out;
  drain(decoder, out);
  EXPECT_EQ(out.frames, (std::vector<std::string>{kAdt, kOru}));
  EXPECT_EQ(out.junk_events_total, 2u);
  EXPECT_EQ(decoder.junk_bytes(), 20u);
  EXPECT_EQ(decoder.discarded_bytes(), 0u);
}

TEST(MllpDecoder, OnlyJunkNeedsMore) {
  MllpDecoder decoder(16);
  decoder.feed("no frame here");
  auto junk = decoder.next();
  ASSERT_TRUE(junk.has_value());
  EXPECT_EQ(junk->kind, MllpEventKind::junk);
  auto more = decoder.next();
  ASSERT_TRUE(more.has_value());
  EXPECT_EQ(more->kind, MllpEventKind::need_more);
  EXPECT_EQ(decoder.junk_bytes(), 13u);
  EXPECT_TRUE(decoder.finish().has_value());
}

TEST(MllpDecoder, FrameOfExactlyMaxBytesIsAccepted) {
  auto out = decode_one(mllp_frame(std::string(10, 'x')), 10);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_TRUE(out.errors.empty());
}

TEST(MllpDecoder, OversizedFrameIsRefusedAndNextFrameStillDecoded) {
  const std::string big = mllp_frame(std::string(20, 'x'));
  const std::string input = big + mllp_frame("ok");
  for (std::size_t split = 0; split <= input.size(); ++split) {
    MllpDecoder decoder(10);
    Decoded out;
    decoder.feed(std::string_view(input).substr(0, split));
    drain(decoder, out);
    EXPECT_LE(decoder.copied_bytes(), 10u);
    decoder.feed(std::string_view(input).substr(split));
    drain(decoder, out);

    ASSERT_EQ(out.errors.size(), 1u) << "split at " << split;
    EXPECT_EQ(out.errors[0].code(), Errc::limit_exceeded);
    // Start byte at 0, payload from 1: the 11th payload byte, at stream offset 11, is one too many.
    EXPECT_EQ(out.errors[0].location(), "frame 1, byte 11");
    EXPECT_EQ(out.frames, (std::vector<std::string>{"ok"}));
    EXPECT_EQ(out.frame_numbers, (std::vector<std::uint64_t>{2}));
    EXPECT_EQ(decoder.discarded_bytes(), big.size());
    EXPECT_EQ(decoder.junk_bytes(), 0u);
  }
}

TEST(MllpDecoder, EndlessFrameKeepsMemoryBounded) {
  MllpDecoder decoder(64);
  const std::string chunk(1000, 'x');
  decoder.feed("\x0B");
  Decoded out;
  drain(decoder, out);
  for (int i = 0; i < 100; ++i) {
    decoder.feed(chunk);
    drain(decoder, out);
    EXPECT_LE(decoder.copied_bytes(), 64u);
    EXPECT_LE(decoder.buffered_bytes(), 64u + 2);
  }
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].code(), Errc::limit_exceeded);
  EXPECT_EQ(decoder.discarded_bytes(), 1u + 100u * 1000u);
}

TEST(MllpDecoder, StartByteInsideFrameReportsTruncationAndStartsNewFrame) {
  const std::string input = kStart + "MSH|partial" + mllp_frame("good");
  auto out = decode_one(input);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].code(), Errc::parse_error);
  EXPECT_EQ(out.errors[0].location(), "frame 1, byte 12");
  EXPECT_NE(out.errors[0].message().find("truncated"), std::string::npos);
  EXPECT_EQ(out.frames, (std::vector<std::string>{"good"}));
  EXPECT_EQ(out.frame_numbers, (std::vector<std::uint64_t>{2}));
}

TEST(MllpDecoder, EndBlockWithoutCarriageReturnIsMalformed) {
  // 0x1C inside a frame but not followed by 0x0D: release 2 forbids 0x1C in the payload.
  const std::string input = kStart + "abc" + kEnd + "xyz" + mllp_frame("good");
  MllpDecoder decoder(1024);
  decoder.feed(input);
  Decoded out;
  drain(decoder, out);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].code(), Errc::parse_error);
  EXPECT_EQ(out.errors[0].location(), "frame 1, byte 5");
  EXPECT_EQ(out.frames, (std::vector<std::string>{"good"}));
  EXPECT_EQ(decoder.discarded_bytes(), 8u) << "0x0B abc 0x1C, then xyz up to the next start byte";
  EXPECT_EQ(decoder.junk_bytes(), 0u);
}

TEST(MllpDecoder, EndBlockFollowedByStartByteStartsNewFrame) {
  auto out = decode_one(kStart + "abc" + kEnd + mllp_frame("good"));
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].location(), "frame 1, byte 5");
  EXPECT_EQ(out.frames, (std::vector<std::string>{"good"}));
  EXPECT_EQ(out.frame_numbers, (std::vector<std::uint64_t>{2}));
}

TEST(MllpDecoder, ErrorsAndFramesDoNotDependOnWhereInputIsSplit) {
  const std::vector<std::string> inputs = {
      "junk" + mllp_frame("A") + kStart + "trunc" + mllp_frame("B") + kStart + "x" + kEnd + "y" +
          mllp_frame("C") + mllp_frame(std::string(40, 'z')) + "\r\n" + mllp_frame("D"),
      "\x0B\x1C\x1C\x0D\x0B\x0B\x1C\x0D"s,
      kStart + "abcdefgh" + kEnd,
  };
  for (const auto& input : inputs) {
    const Decoded whole = decode_one(input, 16);
    for (std::size_t split = 0; split <= input.size(); ++split) {
      const Decoded parts = decode({input.substr(0, split), input.substr(split)}, 16);
      ASSERT_EQ(parts.sequence, whole.sequence) << "split at " << split;
      ASSERT_EQ(parts.junk_events_total, whole.junk_events_total) << "split at " << split;
    }
  }
}

TEST(MllpDecoder, EveryByteIsAccountedFor) {
  const std::string input = "junk" + mllp_frame("A") + kStart + "trunc" + mllp_frame("B") + kStart +
                            "x" + kEnd + "y" + mllp_frame(std::string(40, 'z')) + kStart + "cut";
  MllpDecoder decoder(16);
  decoder.feed(input);
  Decoded out;
  drain(decoder, out);
  EXPECT_EQ(decoder.buffered_bytes(), 4u);
  auto end = decoder.finish();
  ASSERT_TRUE(end.has_error());
  EXPECT_EQ(end.error().code(), Errc::parse_error);
  EXPECT_EQ(end.error().location(), "frame 6, byte " + std::to_string(input.size()));
  std::uint64_t framed = 0;
  for (const auto& f : out.frames) framed += f.size() + 3;
  EXPECT_EQ(decoder.junk_bytes() + decoder.discarded_bytes() + framed, input.size());
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(MllpDecoder, FinishAfterCleanStreamIsOk) {
  MllpDecoder decoder(16);
  const std::string input = mllp_frame("A");
  decoder.feed(input);
  Decoded out;
  drain(decoder, out);
  EXPECT_TRUE(decoder.finish().has_value());
}

TEST(MllpDecoder, FeedBeforeInputIsConsumedIsABug) {
  MllpDecoder decoder(16);
  const std::string input = mllp_frame("A") + mllp_frame("B");
  decoder.feed(input);
  ASSERT_TRUE(decoder.next().has_value());
  EXPECT_THROW(decoder.feed("more"), std::logic_error);
}

TEST(MllpDecoder, ZeroMaxFrameBytesIsRefused) {
  EXPECT_THROW(MllpDecoder(0), std::invalid_argument);
}

}  // namespace
}  // namespace hie::adapters::hl7v2
