#include "adapters/hl7v2/ack.hpp"

#include <cstddef>
#include <optional>

#include "adapters/hl7v2/text.hpp"

namespace hie::adapters::hl7v2 {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_upper_or_digit(c) || (c >= 'a' && c <= 'z'); }
bool is_punct(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && !is_alnum(c);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Fields joined with the field separator, trailing empty fields dropped.
std::string join_fields(std::vector<std::string> fields, char separator) {
  while (fields.size() > 1 && fields.back().empty()) fields.pop_back();
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += separator;
    out += fields[i];
  }
  return out;
}

/// Components joined, trailing empty components dropped.
std::string join_components(std::vector<std::string> parts, char separator) {
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

/// Free text made safe for the ACK's character set: invalid UTF-8 bytes become '?'; for
/// 8859/1 messages code points up to U+00FF become Latin-1 bytes; for ASCII messages every
/// non-ASCII character becomes '?'.
std::string fit_charset(std::string_view text, Charset charset) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > text.size() || !is_utf8(text.substr(i, len))) {
      out += '?';
      ++i;
      continue;
    }
    std::string_view seq = text.substr(i, len);
    i += len;
    if (charset == Charset::ascii) {
      out += '?';
    } else if (charset == Charset::latin1) {
      if (len == 2) {
        const unsigned cp = ((static_cast<unsigned char>(seq[0]) & 0x1Fu) << 6) | (static_cast<unsigned char>(seq[1]) & 0x3Fu);
        out += cp <= 0xFF ? static_cast<char>(cp) : '?';
      } else {
        out += '?';
      }
    } else {
      out += seq;
    }
  }
  return out;
}

std::string encode_free_text(std::string_view text, const Delimiters& d, Charset charset) {
  return encode_text(fit_charset(text, charset), d);
}

/// Parses a run of digits (at most 6) at `pos`; nullopt when there is none.
std::optional<std::size_t> read_number(std::string_view s, std::size_t& pos) {
  std::size_t start = pos;
  std::size_t value = 0;
  while (pos < s.size() && is_digit(s[pos]) && pos - start < 6) value = value * 10 + static_cast<std::size_t>(s[pos++] - '0');
  if (pos == start || (pos < s.size() && is_digit(s[pos]))) return std::nullopt;
  return value;
}

/// An error location in ERL terms.
struct Erl {
  std::string segment;
  std::size_t sequence = 1;
  std::size_t field = 0;
  std::size_t repetition = 0;
  std::size_t component = 0;
  std::size_t subcomponent = 0;
};

/// Reads "PID-3[2].1.2", "OBX[3]-5", "MSH-2", "PID" or (with the message) "segment 4".
std::optional<Erl> parse_location(std::string_view location, const Message* message) {
  location = trim(location);
  Erl erl;
  constexpr std::string_view kSegment = "segment ";
  if (location.substr(0, kSegment.size()) == kSegment) {
    std::size_t pos = kSegment.size();
    auto n = read_number(location, pos);
    if (!n || pos != location.size() || message == nullptr || *n == 0 || *n > message->segments().size())
      return std::nullopt;
    const auto& segments = message->segments();
    erl.segment = std::string(segments[*n - 1].id());
    erl.sequence = 0;
    for (std::size_t i = 0; i < *n; ++i)
      if (segments[i].id() == segments[*n - 1].id()) ++erl.sequence;
    return erl;
  }
  if (location.size() < 3 || !(location[0] >= 'A' && location[0] <= 'Z') || !is_upper_or_digit(location[1]) ||
      !is_upper_or_digit(location[2]))
    return std::nullopt;
  erl.segment = std::string(location.substr(0, 3));
  std::size_t pos = 3;
  auto bracketed = [&](std::size_t& out) -> bool {
    if (pos >= location.size() || location[pos] != '[') return true;
    ++pos;
    auto n = read_number(location, pos);
    if (!n || *n == 0 || pos >= location.size() || location[pos] != ']') return false;
    ++pos;
    out = *n;
    return true;
  };
  if (!bracketed(erl.sequence)) return std::nullopt;
  if (pos == location.size()) return erl;
  if (location[pos] != '-') return std::nullopt;
  ++pos;
  auto field = read_number(location, pos);
  if (!field || *field == 0) return std::nullopt;
  erl.field = *field;
  erl.repetition = 1;
  if (!bracketed(erl.repetition)) return std::nullopt;
  for (std::size_t* target : {&erl.component, &erl.subcomponent}) {
    if (pos == location.size()) break;
    if (location[pos] != '.') return std::nullopt;
    ++pos;
    auto n = read_number(location, pos);
    if (!n || *n == 0) return std::nullopt;
    *target = *n;
  }
  if (pos != location.size()) return std::nullopt;
  return erl;
}

std::string number_or_empty(std::size_t n) { return n == 0 ? std::string() : std::to_string(n); }

std::string_view table_0357_text(std::string_view code) {
  if (code == "0") return "Message accepted";
  if (code == "100") return "Segment sequence error";
  if (code == "101") return "Required field missing";
  if (code == "102") return "Data type error";
  if (code == "103") return "Table value not found";
  if (code == "104") return "Value too long";
  if (code == "200") return "Unsupported message type";
  if (code == "201") return "Unsupported event code";
  if (code == "202") return "Unsupported processing id";
  if (code == "203") return "Unsupported version id";
  if (code == "204") return "Unknown key identifier";
  if (code == "205") return "Duplicate key identifier";
  if (code == "206") return "Application record locked";
  if (code == "207") return "Application internal error";
  return {};
}

/// True for versions before 2.5 ("2.3", "2.3.1", "2.4"), which use ERR-1 (ELD).
bool uses_eld(std::string_view version) {
  version = trim(version);
  if (version.size() < 3 || version[0] != '2' || version[1] != '.') return false;
  std::size_t pos = 2;
  auto minor = read_number(version, pos);
  return minor && *minor < 5;
}

/// Everything the writer needs besides the errors.
struct AckHeader {
  Delimiters d;
  std::string msh2;
  std::string sending_app, sending_facility, receiving_app, receiving_facility;  // of the ACK
  std::string trigger;        // raw, already in the ACK's encoding
  std::string processing_id;  // raw
  std::string version;        // raw MSH-12
  std::string charset;        // raw MSH-18
  std::string acked_control_id;  // raw MSA-2
  bool eld = false;
  Charset text_charset = Charset::unspecified;
};

std::string write_ack(const AckHeader& h, std::string_view msa_code, const std::vector<AckError>& errors,
                      bool warnings, const AckOptions& options, const Message* message) {
  const Delimiters& d = h.d;
  const std::string c(1, d.component);

  std::string msh9 = "ACK";
  if (!h.trigger.empty()) msh9 += c + h.trigger + c + "ACK";
  std::vector<std::string> msh{"MSH" + std::string(1, d.field) + h.msh2,
                               h.sending_app,
                               h.sending_facility,
                               h.receiving_app,
                               h.receiving_facility,
                               encode_text(options.timestamp, d),
                               "",
                               msh9,
                               encode_text(options.control_id, d),
                               h.processing_id,
                               h.version};
  if (!h.charset.empty()) {
    msh.resize(16);            // msh[k] is MSH-(k+2)
    msh.push_back(h.charset);  // MSH-18
  }
  std::string out = join_fields(std::move(msh), d.field);

  std::vector<std::string> msa{"MSA", std::string(msa_code), h.acked_control_id};
  if (h.eld && !errors.empty()) {
    // MSA-3 (text message) still existed before v2.5: the reasons go there.
    std::string text;
    for (const auto& e : errors) {
      if (e.reason.empty()) continue;
      if (!text.empty()) text += "; ";
      text += e.reason;
    }
    msa.push_back(encode_free_text(text, d, h.text_charset));
  }
  out += '\r';
  out += join_fields(std::move(msa), d.field);

  if (errors.empty()) return out;
  auto code_of = [](const AckError& e) -> std::string_view {
    return e.hl7_error_code.empty() ? std::string_view("207") : std::string_view(e.hl7_error_code);
  };
  if (h.eld) {
    // Before v2.5: one ERR whose ERR-1 repeats, segment^sequence^field^code&text&HL70357.
    std::string err1;
    for (std::size_t i = 0; i < errors.size(); ++i) {
      const auto& e = errors[i];
      auto erl = parse_location(e.location, message);
      std::string code = join_components({encode_text(code_of(e), d),
                                          encode_text(table_0357_text(code_of(e)), d), "HL70357"},
                                         d.subcomponent);
      std::string eld = erl ? join_components({erl->segment, number_or_empty(erl->sequence),
                                               number_or_empty(erl->field), code},
                                              d.component)
                            : join_components({"", "", "", code}, d.component);
      if (i > 0) err1 += d.repetition;
      err1 += eld;
    }
    out += '\r';
    out += join_fields({"ERR", err1}, d.field);
    return out;
  }
  for (const auto& e : errors) {
    auto erl = parse_location(e.location, message);
    std::string err2;
    if (erl)
      err2 = join_components({erl->segment, number_or_empty(erl->sequence), number_or_empty(erl->field),
                              number_or_empty(erl->repetition), number_or_empty(erl->component),
                              number_or_empty(erl->subcomponent)},
                             d.component);
    std::string err3 = join_components(
        {encode_text(code_of(e), d), encode_text(table_0357_text(code_of(e)), d), "HL70357"}, d.component);
    std::string err7 = erl ? std::string() : encode_free_text(e.location, d, h.text_charset);
    out += '\r';
    out += join_fields({"ERR", "", err2, err3, warnings ? "W" : "E", "", "", err7,
                        encode_free_text(e.reason, d, h.text_charset)},
                       d.field);
  }
  return out;
}

std::string_view msa_code(AckCode code, bool enhanced) {
  switch (code) {
    case AckCode::accept: return enhanced ? "CA" : "AA";
    case AckCode::error: return enhanced ? "CE" : "AE";
    case AckCode::reject: return enhanced ? "CR" : "AR";
  }
  return enhanced ? "CR" : "AR";
}

std::string msh2_of(const Delimiters& d) {
  std::string out{d.component, d.repetition, d.escape, d.subcomponent};
  if (d.truncation != '\0') out += d.truncation;
  return out;
}

// ---- recovery from bytes that did not parse ----

/// A recovered value rewritten into |^~\& : the source's delimiters become ours, our delimiters
/// that were plain data in the source are escaped, anything not printable ASCII is dropped.
std::string recover_value(std::string_view value, const Delimiters& src) {
  static const Delimiters ours;
  constexpr std::size_t kMax = 200;
  std::string out;
  for (std::size_t i = 0; i < value.size() && i < kMax; ++i) {
    const char c = value[i];
    if (c == src.component) out += ours.component;
    else if (c == src.subcomponent) out += ours.subcomponent;
    else if (c == src.repetition) out += ours.repetition;
    else if (c == src.escape) out += ours.escape;
    else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) continue;
    else out += encode_text(std::string_view(&c, 1), ours);
  }
  return out;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

}  // namespace

AckMode ack_mode(const Message& original) {
  const auto& msh = original.msh();
  return trim(msh.field(15)).empty() && trim(msh.field(16)).empty() ? AckMode::original : AckMode::enhanced;
}

bool commit_ack_wanted(const Message& original, AckCode code) {
  if (ack_mode(original) == AckMode::original) return true;
  const Delimiters& d = original.delimiters();
  std::string_view type = trim(piece(piece(original.msh().field(15), d.repetition, 1), d.component, 1));
  if (type == "NE") return false;
  if (type == "ER") return code != AckCode::accept;
  if (type == "SU") return code == AckCode::accept;
  return true;  // AL, empty (only MSH-16 valued) or unknown: acknowledge
}

std::string build_ack(const Message& original, AckCode code, const std::vector<AckError>& errors,
                      const AckOptions& options) {
  const auto& msh = original.msh();
  AckHeader h;
  h.d = original.delimiters();
  h.msh2 = msh2_of(h.d);
  h.sending_app = std::string(msh.field(5));
  h.sending_facility = std::string(msh.field(6));
  h.receiving_app = std::string(msh.field(3));
  h.receiving_facility = std::string(msh.field(4));
  h.trigger = std::string(original.trigger_event());
  h.processing_id = std::string(msh.field(11));
  h.version = std::string(msh.field(12));
  h.charset = std::string(msh.field(18));
  h.acked_control_id = std::string(original.control_id());
  h.eld = uses_eld(original.version());
  h.text_charset = original.charset();
  const bool enhanced = ack_mode(original) == AckMode::enhanced && !options.application_ack;
  return write_ack(h, msa_code(code, enhanced), errors, code == AckCode::accept, options, &original);
}

std::string build_reject_for_unparsed(std::string_view raw, const AckError& error, const AckOptions& options) {
  AckHeader h;
  h.msh2 = msh2_of(h.d);
  h.version = "2.5.1";
  h.processing_id = "P";

  if (raw.substr(0, kBom.size()) == kBom) raw.remove_prefix(kBom.size());
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  std::string_view line = raw.substr(0, raw.find_first_of("\r\n"));
  if (line.size() >= 4 && line.substr(0, 3) == "MSH" && is_punct(line[3])) {
    Delimiters src;
    src.field = line[3];
    std::string_view rest = line.substr(4);
    // parts[0] is MSH-2, parts[k] is MSH-(k+2).
    std::vector<std::string_view> parts;
    for (std::size_t n = 1; n <= 11; ++n) parts.push_back(piece(rest, src.field, n));
    std::string_view enc = parts[0];
    bool enc_ok = enc.size() >= 4 && enc.size() <= 5;
    for (std::size_t i = 0; enc_ok && i < enc.size(); ++i) {
      if (!is_punct(enc[i]) || enc[i] == src.field || enc.substr(i + 1).find(enc[i]) != std::string_view::npos)
        enc_ok = false;
    }
    if (enc_ok) {
      src.component = enc[0];
      src.repetition = enc[1];
      src.escape = enc[2];
      src.subcomponent = enc[3];
    } else if (src.field == '^' || src.field == '~' || src.field == '\\' || src.field == '&') {
      // Unknown encoding characters and a field separator that is one of the defaults:
      // keep recovered values, with no structure, as plain text.
      src.component = src.repetition = src.escape = src.subcomponent = src.field;
    }
    auto field = [&](std::size_t n) { return recover_value(parts[n - 2], src); };
    // The ACK goes back to whoever sent the message: swap sender and receiver.
    h.sending_app = field(5);
    h.sending_facility = field(6);
    h.receiving_app = field(3);
    h.receiving_facility = field(4);
    h.acked_control_id = field(10);
    const std::string msh9 = field(9);
    std::string_view trigger = piece(piece(msh9, '~', 1), '^', 2);
    if (!trigger.empty() && trigger.size() <= 8 && all_of(trigger, is_alnum)) h.trigger = std::string(trigger);
    const std::string msh11 = field(11);
    std::string_view pid = piece(piece(msh11, '~', 1), '^', 1);
    if (!pid.empty() && pid.size() <= 3 && all_of(pid, is_alnum)) h.processing_id = std::string(pid);
    const std::string msh12 = field(12);
    std::string_view version = piece(piece(msh12, '~', 1), '^', 1);
    if (version.size() >= 3 && version.size() <= 10 && version[0] == '2' && version[1] == '.' &&
        all_of(version, [](char c) { return is_digit(c) || c == '.'; }))
      h.version = std::string(version);
  }
  h.eld = uses_eld(h.version);
  return write_ack(h, "AR", {error}, false, options, nullptr);
}

}  // namespace hie::adapters::hl7v2
