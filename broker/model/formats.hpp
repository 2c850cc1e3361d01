#pragma once
// FHIR R4 primitive types and checks of their lexical forms (hl7.org/fhir/R4/datatypes.html).
// Hand-written rather than std::regex: linear time and no recursion on long base64 values.

#include <cstdint>
#include <string_view>

namespace hie::model {

/// The FHIR primitive type of an element; `complex` for datatypes and backbone elements.
enum class Primitive : std::uint8_t {
  complex,
  string,
  code,
  id,
  uri,
  url,
  canonical,
  oid,
  uuid,
  markdown,
  base64_binary,
  date,
  date_time,
  instant,
  time,
  xhtml,
  boolean,
  integer,
  positive_int,
  unsigned_int,
  decimal,
};

/// The FHIR name of a primitive type ("dateTime", "positiveInt").
std::string_view to_string(Primitive type);

/// What is_base64() accepts.
enum class Base64Rule : std::uint8_t {
  /// FHIR base64Binary: groups of four base64 characters, whitespace allowed.
  fhir,
  /// Canonical base64, as a decoder takes it (HL7 v2 ED data, which must decode): length a
  /// multiple of 4, no whitespace, '=' only as one or two padding characters at the end.
  strict,
};

bool is_utf8(std::string_view s);       ///< well-formed UTF-8: no overlongs, surrogates, > U+10FFFF
bool is_string(std::string_view s);     ///< non-empty UTF-8, no control characters but CR LF TAB
bool is_code(std::string_view s);       ///< `[^\s]+(\s[^\s]+)*`
bool is_id(std::string_view s);         ///< `[A-Za-z0-9\-\.]{1,64}`
bool is_uri(std::string_view s);        ///< non-empty, no whitespace
bool is_oid(std::string_view s);        ///< `urn:oid:[0-2](\.(0|[1-9][0-9]*))+`
bool is_uuid(std::string_view s);       ///< `urn:uuid:` + lower-case 8-4-4-4-12 hex
/// Non-empty base64 under `rule`.
bool is_base64(std::string_view s, Base64Rule rule = Base64Rule::fhir);
bool is_date(std::string_view s);       ///< YYYY, YYYY-MM or YYYY-MM-DD
bool is_date_time(std::string_view s);  ///< a date, or a full date with time and offset
bool is_instant(std::string_view s);    ///< full date, time and offset
bool is_time(std::string_view s);       ///< hh:mm:ss(.fff)
bool is_decimal(std::string_view s);    ///< the JSON number grammar
/// `<div xmlns="http://www.w3.org/1999/xhtml" ...>` ... `</div>` with non-blank content, and no
/// `<script` or event-handler attribute (`on...=`) anywhere.
bool is_xhtml_div(std::string_view s);

/// True when `s` has the lexical form of `type` (integer types are checked by value elsewhere).
bool has_valid_form(Primitive type, std::string_view s);

}  // namespace hie::model
