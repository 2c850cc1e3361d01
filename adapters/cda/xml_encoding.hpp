#pragma once
// The bytes of an XML document as UTF-8, whatever the sender saved them in: a byte order mark
// (UTF-8, UTF-16), or the encoding its declaration names in any letter case (utf-8, ISO-8859-1 /
// latin1, windows-1252, us-ascii). pugixml is then given UTF-8 only.

#include <string>
#include <string_view>
#include <vector>

#include "broker/core/result.hpp"

namespace hie::adapters::cda {

struct Utf8Xml {
  std::string text;                ///< the document in UTF-8 (declaration left as it was)
  std::vector<std::string> notes;  ///< what the conversion changed, for issues; no content
};

/// An error (unsupported) for an encoding that is named but not handled (UTF-32, EBCDIC …) or
/// UTF-16 that is not well formed. Bytes that are not UTF-8 in a UTF-8 document become U+FFFD,
/// with a note.
Result<Utf8Xml> to_utf8_xml(std::string_view bytes);

/// The `encoding` of an XML declaration at the start of `text` ("" when none), as written.
std::string_view declared_encoding(std::string_view text);

}  // namespace hie::adapters::cda
