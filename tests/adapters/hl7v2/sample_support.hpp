#pragma once
// Shared by the HL7 v2 tests: read a sample from tests/data/hl7v2 and translate it, then look
// through the Translation.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <memory>

#include "adapters/adapter.hpp"
#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/hl7v2/message.hpp"
#include "tests/support/file_bytes.hpp"

namespace hie::adapters::hl7v2::sample_support {

/// The bytes of tests/data/hl7v2/<relative>, unchanged.
inline std::string read_sample(const std::string& relative) {
  return hie::testing::read_source_file("tests/data/hl7v2/" + relative);
}

/// The first message in `bytes`, parsed; null (with a test failure naming `what`) when it does not
/// parse. The Message views `bytes`, which must outlive it.
inline std::unique_ptr<Message> parse_first_message(const std::string& bytes, const std::string& what) {
  auto split = split_messages(bytes);
  EXPECT_TRUE(split) << what;
  if (!split || split->messages.empty()) return nullptr;
  auto parsed = Message::parse(split->messages.front());
  EXPECT_TRUE(parsed) << what << ": " << (parsed ? std::string() : parsed.error().describe());
  if (!parsed) return nullptr;
  return std::make_unique<Message>(std::move(*parsed));
}

/// Every resource of type T in `t`, in order.
template <class T>
std::vector<const T*> all_of(const Translation& t) {
  std::vector<const T*> out;
  for (const auto& r : t.resources)
    if (const T* x = std::get_if<T>(&r)) out.push_back(x);
  return out;
}

/// True when some issue sits exactly at `location` ("PID-8", "IN1[1]").
inline bool has_issue_at(const Translation& t, std::string_view location) {
  for (const auto& i : t.issues)
    if (i.location == location) return true;
  return false;
}

/// `message` through the whole adapter as exchange "test-hie" (no default UTC offset); throws
/// when the adapter cannot read it at all.
inline Translation translate_message(const std::string& message) {
  Context c;
  c.exchange_id = "test-hie";
  auto t = Hl7v2Adapter().to_model(message, c);
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(*t);
}

}  // namespace hie::adapters::hl7v2::sample_support
