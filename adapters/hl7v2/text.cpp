#include "adapters/hl7v2/text.hpp"

#include "adapters/text_encoding.hpp"

namespace hie::adapters::hl7v2 {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void note(std::vector<TextNote>* notes, std::string message) {
  if (notes) notes->push_back({std::move(message)});
}


/// Applies one escape sequence (the text between the escape characters) to `out`.
void apply_escape(std::string_view code, const Delimiters& d, std::string& out, std::vector<TextNote>* notes,
                  bool& binary_seen) {
  const char e = d.escape;
  if (code.size() == 1) {
    switch (code[0]) {
      case 'F': out += d.field; return;
      case 'S': out += d.component; return;
      case 'T': out += d.subcomponent; return;
      case 'R': out += d.repetition; return;
      case 'E': out += d.escape; return;
      case 'P':
        if (d.truncation != '\0') {
          out += d.truncation;
          return;
        }
        break;
      case 'H':
      case 'N': note(notes, "highlighting escape dropped"); return;
      default: break;
    }
  }
  if (code.size() >= 2 && code[0] == 'X' && code.size() % 2 == 1) {
    std::string bytes;
    bool ok = true;
    for (std::size_t i = 1; i < code.size() && ok; i += 2) {
      int hi = hex_digit(code[i]), lo = hex_digit(code[i + 1]);
      if (hi < 0 || lo < 0) ok = false;
      else bytes += static_cast<char>(hi * 16 + lo);
    }
    if (ok) {
      out += bytes;
      binary_seen = true;
      return;
    }
  }
  if (code.size() >= 2 && code[0] == '.') {
    std::string_view command = code.substr(1, 2);
    // A one-letter command ("\.b\") has no argument.
    std::string_view argument = code.size() > 3 ? code.substr(3) : std::string_view{};
    if (command == "br") {
      out += '\n';
      return;
    }
    if (command == "sp") {
      int lines = 1;
      if (!argument.empty() && argument.find_first_not_of("+0123456789") == std::string_view::npos)
        lines = std::max(1, std::min(100, std::atoi(std::string(argument).c_str())));
      out.append(static_cast<std::size_t>(lines), '\n');
      return;
    }
    if (command == "in" || command == "ti" || command == "sk" || command == "ce" || command == "fi" ||
        command == "nf") {
      note(notes, "formatting command ." + std::string(command) + " dropped");
      return;
    }
  }
  if (!code.empty() && (code[0] == 'C' || code[0] == 'M'))
    note(notes, "character set switch escape kept as written (not supported)");
  else if (!code.empty() && code[0] == 'Z')
    note(notes, "locally defined escape kept as written");
  else
    note(notes, "unknown escape sequence kept as written");
  out += e;
  out += code;
  out += e;
}

}  // namespace


std::string decode_text(std::string_view raw, const Delimiters& d, Charset charset, std::vector<TextNote>* notes) {
  std::string out;
  out.reserve(raw.size());
  bool binary_seen = false;
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t esc = raw.find(d.escape, i);
    if (esc == std::string_view::npos) {
      out.append(raw.substr(i));
      break;
    }
    out.append(raw.substr(i, esc - i));
    std::size_t close = raw.find(d.escape, esc + 1);
    if (close == std::string_view::npos) {
      note(notes, "unterminated escape sequence kept as written");
      out.append(raw.substr(esc));
      break;
    }
    apply_escape(raw.substr(esc + 1, close - esc - 1), d, out, notes, binary_seen);
    i = close + 1;
  }
  if (charset == Charset::latin1) return latin1_to_utf8(out);
  if (!is_utf8(out)) {
    note(notes, binary_seen ? "hex escape produced bytes that are not UTF-8; read as Latin-1"
                            : "text is not UTF-8 although MSH-18 does not say 8859/1; read as Latin-1");
    return latin1_to_utf8(out);
  }
  return out;
}

std::string encode_text(std::string_view text, const Delimiters& d) {
  std::string out;
  out.reserve(text.size() + 8);
  const char e = d.escape;
  auto escape = [&](char code) {
    out += e;
    out += code;
    out += e;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == d.field) escape('F');
    else if (c == d.component) escape('S');
    else if (c == d.subcomponent) escape('T');
    else if (c == d.repetition) escape('R');
    else if (c == d.escape) escape('E');
    else if (d.truncation != '\0' && c == d.truncation) escape('P');
    else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF: one break
    else if (c == '\n' || c == '\r') {
      out += e;
      out += ".br";
      out += e;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += e;
      out += 'X';
      out += kHex[(c >> 4) & 0xF];
      out += kHex[c & 0xF];
      out += e;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace hie::adapters::hl7v2
