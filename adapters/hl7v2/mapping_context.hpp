#pragma once
// State of one message's translation: the message, where the output goes, which parts of the
// input were used, and the issues found. Whatever was not used is reported at the end
// (lossless-or-loud), with its HL7 location (PID-11[2].4).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/hl7v2/message.hpp"

namespace hie::adapters::hl7v2 {

class MappingContext {
 public:
  MappingContext(const Message& message, const Context& context, Translation& out);

  const Message& message() const { return message_; }
  const Delimiters& delimiters() const { return message_.delimiters(); }
  const Context& context() const { return context_; }
  Translation& out() { return out_; }

  /// Raw value at `address` of `segment`; marks it used.
  std::string_view raw(const Segment& segment, const Address& address);
  /// Decoded UTF-8 text at `address`; marks it used; notes from decoding become issues.
  std::string text(const Segment& segment, const Address& address);
  /// Number of repetitions of a field (0 when empty).
  std::size_t repetitions(const Segment& segment, std::size_t field) const;
  /// Marks a whole field (every repetition and component) as used.
  void use_field(const Segment& segment, std::size_t field);
  /// Marks a whole segment as used (e.g. MSH, whose contents go to the journal).
  void use_segment(const Segment& segment);

  /// HL7 location of `address`, with the segment's occurrence when it repeats: OBX[3]-5.1.
  std::string location(const Segment& segment, const Address& address) const;

  void issue(model::Severity severity, std::string code, std::string location, std::string message);

  /// A FHIR id that is the same every time this message is translated: exchange, control id,
  /// resource type and the position of the source segment.
  std::string stable_id(std::string_view resource_type, const Segment& segment, std::size_t index = 0) const;
  /// meta with source = the exchange.
  model::Meta meta() const;

  /// Reports every non-empty component that no mapping used. Call once, at the end.
  void report_unused();

 private:
  /// One used part of a segment: rep 0 = every repetition; comp 0 = every component.
  struct Use {
    std::uint32_t segment, field, rep, comp;
  };
  void mark(const Segment& segment, std::size_t field, std::size_t rep, std::size_t comp);
  static bool is_used(std::span<const Use> uses, std::size_t field, std::size_t rep, std::size_t comp);

  const Message& message_;
  const Context& context_;
  Translation& out_;
  // Every use, in the order made; sorted by segment once, when the unused parts are reported.
  std::vector<Use> used_;
  std::vector<bool> whole_segment_used_;
  std::vector<std::size_t> occurrence_;  // per segment: its occurrence among segments of its id, 0 if unique
};

/// A reference to a resource this translation made, by its stable id: "Specimen/<id>".
template <class R>
model::Reference reference_to(const R& resource) {
  model::Reference ref;
  ref.reference = std::string(R::fhir_type) + "/" + resource.id;
  return ref;
}

}  // namespace hie::adapters::hl7v2
