#pragma once
// HL7 v2 text values: escape sequences and the message character set, to and from UTF-8.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/delimiters.hpp"
#include "adapters/text_encoding.hpp"
#include "adapters/hl7v2/message.hpp"
#include "broker/model/formats.hpp"

namespace hie::adapters::hl7v2 {

/// What decoding could not carry over faithfully (reported by callers as issues).
struct TextNote {
  std::string message;  ///< "escape \\H\\ (highlighting) dropped"; never the text itself
};

/// Decodes a raw value to UTF-8: \F\ \S\ \T\ \R\ \E\ \P\, \Xhh..\ hex, \.br\ and \.sp\ as
/// line breaks; other formatting commands and \H\ \N\ are dropped and noted; \Cxxyy\,
/// \Mxxyyzz\, \Z..\ and unknown or unterminated escapes are kept literally and noted.
/// Latin-1 (MSH-18 8859/1) becomes UTF-8; bytes that are not UTF-8 in a message that does not
/// say 8859/1 are read as Latin-1, with a note.
std::string decode_text(std::string_view raw, const Delimiters& d, Charset charset,
                        std::vector<TextNote>* notes = nullptr);

/// Encodes UTF-8 text for a field: delimiters escaped, line breaks as \.br\, other control
/// characters as \Xhh\. The result is UTF-8 (for MSH-18 UNICODE UTF-8).
std::string encode_text(std::string_view text, const Delimiters& d);

/// Well-formed UTF-8: one check for the whole project, in the model.
using model::is_utf8;

/// Shared with the other adapters (adapters/text_encoding.hpp).
using adapters::to_valid_utf8;

}  // namespace hie::adapters::hl7v2
