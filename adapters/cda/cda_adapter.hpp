#pragma once
// The C-CDA adapter: one C-CDA R2.1 document (CCD, discharge summary, referral, any document
// type; structured or nonXMLBody) → Patient, DocumentReference (the XML attached) and the
// resources its sections' entries imply, with an issue for everything not mapped.

#include "adapters/adapter.hpp"

namespace hie::adapters::cda {

class CdaAdapter final : public Adapter {
 public:
  std::string_view format() const override { return "cda"; }
  /// An error (parse_error) when the bytes are not well-formed XML or the root is not a
  /// ClinicalDocument, with pugixml's reason and the byte offset; unsupported for an encoding it
  /// cannot read; limit_exceeded for nesting deeper than cda::max_depth.
  Result<Translation> to_model(std::string_view bytes, const Context& context) const override;
  /// After a BOM or white space: `<` and "ClinicalDocument" within the head (an XML declaration,
  /// stylesheet instruction or comment may come first).
  bool sniff(std::string_view head) const override;
};

}  // namespace hie::adapters::cda
