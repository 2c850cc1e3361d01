#pragma once
// State of one document's translation (internal to adapters/cda; the only headers that include
// pugixml): the parsed tree, where the output goes, which elements were used, and the issues.
// Whatever a mapping did not use is reported at the end (lossless-or-loud), with an XPath-like
// location such as /ClinicalDocument/component/structuredBody/component[3]/section/entry[2].

#include <cstddef>
#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "adapters/adapter.hpp"
#include "broker/model/datatypes.hpp"

namespace hie::adapters::cda {

/// Deepest element nesting read; deeper documents are refused before any mapping (every walk
/// below is iterative, this keeps the work and the paths bounded).
inline constexpr std::size_t max_depth = 256;

using Node = pugi::xml_node;

class CdaContext {
 public:
  CdaContext(Node root, const Context& context, Translation& out);

  const Context& context() const { return context_; }
  Translation& out() { return out_; }
  Node root() const { return root_; }

  /// First child element called `name` (CDA namespace; "sdtc:x" names an extension), or null.
  Node child(Node parent, std::string_view name) const;
  /// True when `node` is the CDA element `name`.
  bool is(Node node, std::string_view name) const;
  /// Local name of a CDA element, without the document's prefix for the CDA namespace.
  std::string_view local_name(Node node) const;

  /// Marks `node` and everything inside it as used.
  void use(Node node);
  /// Marks `node` itself as used; its children are checked one by one at the end.
  void visit(Node node);
  /// `child(parent, name)`, marked used.
  Node take(Node parent, std::string_view name);

  /// The XPath-like location of `node`: names with a [n] position among same-named siblings
  /// when there are several.
  std::string location(Node node) const;

  void issue(model::Severity severity, std::string code, std::string location, std::string message);
  /// A not-supported warning at `node`, which is then marked used.
  void not_mapped(Node node, std::string message);

  /// A FHIR id that is the same every time this document is translated: exchange, document id,
  /// resource type and the location of the source element.
  std::string stable_id(std::string_view resource_type, Node source, std::size_t index = 0) const;
  model::Meta meta() const;

  /// "Patient/<id>" of the document's patient ("" before the header is read).
  const std::string& patient_reference() const { return patient_reference_; }
  void set_patient_reference(std::string reference) { patient_reference_ = std::move(reference); }
  model::Reference patient() const;

  /// Text of the narrative element with ID `id` (a `<reference value="#id"/>` target),
  /// whitespace collapsed; "" when there is none.
  std::string narrative_text(std::string_view id);

  /// Reports every element no mapping used. Call once, at the end.
  void report_unused();

 private:
  bool is_used(Node node) const;
  bool issues_full() const;
  /// Position of `node` among its same-named siblings and how many there are, indexed once per
  /// parent so that locations stay linear however many siblings a document has.
  std::pair<std::uint32_t, std::uint32_t> position(Node node) const;

  Node root_;
  const Context& context_;
  Translation& out_;
  std::string prefix_;  // "cda:" when the document names the CDA namespace with a prefix
  std::string document_key_;
  std::string patient_reference_;
  std::unordered_set<const void*> used_;
  std::unordered_set<const void*> visited_;
  std::unordered_map<std::string, Node> narrative_ids_;
  mutable std::unordered_map<const void*, std::pair<std::uint32_t, std::uint32_t>> positions_;
  mutable std::unordered_set<const void*> indexed_parents_;
  bool narrative_indexed_ = false;
  std::size_t issues_dropped_ = 0;
};

/// The text inside `node` and its descendants, whitespace runs collapsed to one space, trimmed.
std::string collapsed_text(Node node);

}  // namespace hie::adapters::cda
