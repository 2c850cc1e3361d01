#pragma once
// The encoding characters of one HL7 v2 message, read from its MSH-1 and MSH-2.

namespace hie::adapters::hl7v2 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = '\0';  ///< v2.7+ truncation character (usually '#'); '\0' when absent
};

}  // namespace hie::adapters::hl7v2
