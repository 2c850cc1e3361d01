#include "tools/hie-sim/mllp_messages.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/message.hpp"

namespace hie::sim {

namespace v2 = adapters::hl7v2;

namespace {

/// `error` placed in `where` ("ADT.hl7", "ADT.hl7: message 2").
Error in(const Error& error, const std::string& where) {
  return Error(error.code(), error.message(),
               error.location().empty() ? where : where + ": " + error.location());
}

}  // namespace

Result<std::string> with_control_id_suffix(std::string_view message, std::string_view suffix) {
  auto parsed = v2::Message::parse(message);
  if (!parsed) return parsed.error();
  const std::string_view id = parsed->msh().field(10);
  const bool inside = !id.empty() && id.data() >= message.data() &&
                      id.data() + id.size() <= message.data() + message.size();
  if (!inside) return make_error(Errc::validation_error, "MSH-10 (control id) is empty", "MSH-10");
  const auto end = static_cast<std::size_t>(id.data() - message.data()) + id.size();
  std::string out(message.substr(0, end));
  out += suffix;
  out += message.substr(end);
  return out;
}

Result<std::vector<OutgoingMessage>> mllp_messages(
    const std::vector<std::pair<std::string, std::string>>& files, unsigned repeat) {
  std::vector<OutgoingMessage> first_round;
  for (const auto& [name, contents] : files) {
    auto split = v2::split_messages(contents);
    if (!split) return in(split.error(), name);
    for (std::size_t i = 0; i < split->messages.size(); ++i) {
      const auto text = split->messages[i];
      auto parsed = v2::Message::parse(text);
      if (!parsed) return in(parsed.error(), name + ": message " + std::to_string(i + 1));
      first_round.push_back({name, std::string(parsed->control_id()), std::string(text)});
    }
  }
  std::vector<OutgoingMessage> out = first_round;
  for (unsigned round = 2; round <= repeat; ++round) {
    const std::string suffix = "-R" + std::to_string(round);
    for (const auto& m : first_round) {
      auto text = with_control_id_suffix(m.text, suffix);
      if (!text) return in(text.error(), m.file + ": " + m.control_id);
      out.push_back({m.file, m.control_id + suffix, std::move(*text)});
    }
  }
  return out;
}

Result<std::vector<OutgoingMessage>> load_mllp_messages(const std::vector<std::string>& paths,
                                                        unsigned repeat) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return make_error(Errc::not_found, "file not found", path);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return make_error(Errc::io_error, "cannot read the file", path);
    files.emplace_back(std::filesystem::path(path).filename().string(), std::move(bytes).str());
  }
  return mllp_messages(files, repeat);
}

Result<AckFields> read_ack(std::string_view ack) {
  auto parsed = v2::Message::parse(ack);
  if (!parsed) return parsed.error();
  const auto* msa = parsed->find("MSA");
  if (!msa) return make_error(Errc::validation_error, "an ACK without MSA");
  return AckFields{std::string(msa->field(1)), std::string(msa->field(2))};
}

}  // namespace hie::sim
