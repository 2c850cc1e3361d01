#pragma once
// The character sets a CSV mapping may name, and their conversion to UTF-8 (the model's only
// encoding). Exports from older practice systems are often Latin-1 or Windows-1252.

#include <optional>
#include <string>
#include <string_view>

namespace hie::adapters::csv {

enum class Encoding { utf8, latin1, windows1252 };

/// "utf-8" / "utf8", "latin1" / "iso-8859-1", "windows-1252" / "cp1252" (any case).
std::optional<Encoding> encoding_named(std::string_view name);

/// `bytes` in `encoding` as UTF-8. UTF-8 input is returned as is (checked per field later, so an
/// invalid byte costs one row, not the file); the single-byte sets map every byte.
std::string to_utf8(std::string_view bytes, Encoding encoding);

}  // namespace hie::adapters::csv
