#include "broker/model/event_kind.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace hie::model {
namespace {

TEST(EventKind, WireWords) {
  EXPECT_EQ(to_string(EventKind::admission), "admission");
  EXPECT_EQ(to_string(EventKind::discharge), "discharge");
  EXPECT_EQ(to_string(EventKind::transfer), "transfer");
  EXPECT_EQ(to_string(EventKind::demographics_update), "demographics-update");
  EXPECT_EQ(to_string(EventKind::merge), "merge");
  EXPECT_EQ(to_string(EventKind::new_result), "new-result");
  EXPECT_EQ(to_string(EventKind::new_document), "new-document");
}

TEST(EventKind, EveryKindOnceAndItsWordParsesBack) {
  auto kinds = all_event_kinds();
  ASSERT_EQ(kinds.size(), 7u);
  std::set<std::string> words;
  for (EventKind kind : kinds) {
    words.insert(std::string(to_string(kind)));
    EXPECT_EQ(parse_event_kind(to_string(kind)), kind) << to_string(kind);
  }
  EXPECT_EQ(words.size(), 7u);
  EXPECT_EQ(kinds.front(), EventKind::admission);
  EXPECT_EQ(kinds.back(), EventKind::new_document);
}

TEST(EventKind, OtherWordsAreRefused) {
  for (std::string_view word : {"", "Admission", "demographics_update", "new_result", "new-result ", "newresult"})
    EXPECT_EQ(parse_event_kind(word), std::nullopt) << "'" << word << "'";
}

}  // namespace
}  // namespace hie::model
