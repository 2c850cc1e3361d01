#include "adapters/cda/cda_adapter.hpp"

#include <vector>

#include "adapters/cda/cda_context.hpp"
#include "adapters/cda/section_mappers.hpp"
#include "adapters/cda/xml_encoding.hpp"
#include "adapters/sniff.hpp"
#include "adapters/text_encoding.hpp"

namespace hie::adapters::cda {
namespace {

using model::Severity;

/// Deepest element nesting under `root`, stopping once past `limit` (iterative: no recursion).
std::size_t depth_of(Node root, std::size_t limit) {
  std::size_t deepest = 0;
  std::vector<std::pair<Node, std::size_t>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (deepest > limit) return deepest;
    for (Node c = n.first_child(); c; c = c.next_sibling())
      if (c.type() == pugi::node_element) stack.emplace_back(c, depth + 1);
  }
  return deepest;
}

bool is_clinical_document(std::string_view name) {
  return name == "ClinicalDocument" || name.ends_with(":ClinicalDocument");
}

}  // namespace

Result<Translation> CdaAdapter::to_model(std::string_view bytes, const Context& context) const {
  auto xml = to_utf8_xml(bytes);
  if (!xml) return xml.error();
  pugi::xml_document doc;
  // In place: the buffer outlives the document; DOCTYPE and entities are skipped, never expanded.
  const pugi::xml_parse_result parsed = doc.load_buffer_inplace(
      xml->text.data(), xml->text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    return make_error(Errc::parse_error, std::string("not well-formed XML: ") +
                                             parsed.description() + " at byte " +
                                             std::to_string(parsed.offset));
  Node root = doc.document_element();
  if (!is_clinical_document(root.name()))
    return make_error(Errc::parse_error,
                      "the root element is <" +
                          to_valid_utf8(std::string_view(root.name()).substr(0, 64)) +
                          ">, not a CDA ClinicalDocument");
  if (depth_of(root, max_depth) > max_depth)
    return make_error(Errc::limit_exceeded,
                      "elements nested deeper than " + std::to_string(max_depth));

  Translation out;
  CdaContext ctx(root, context, out);
  for (auto& note : xml->notes) ctx.issue(Severity::warning, "value", "/", note);
  const bool has_patient = map_patient(ctx);
  if (!has_patient)
    ctx.issue(
        Severity::warning, "required", ctx.location(root),
        "the document names no patient (recordTarget/patientRole): its entries are not mapped");
  map_document(ctx, bytes);
  if (has_patient) {
    // A document is what happened: new-document for its (first) patient, the one it references.
    constexpr std::string_view prefix = "Patient/";
    out.events.push_back({model::EventKind::new_document, ctx.patient_reference().substr(prefix.size())});
    map_sections(ctx);
  }
  ctx.report_unused();
  return out;
}

bool CdaAdapter::sniff(std::string_view head) const {
  head = skip_preamble(head);
  if (!head.starts_with("<")) return false;
  // Skip the prolog (declaration, processing instructions, comments, DOCTYPE) to the root tag.
  std::string_view rest = head;
  for (;;) {
    rest = skip_preamble(rest);
    std::string_view close;
    if (rest.starts_with("<?"))
      close = "?>";
    else if (rest.starts_with("<!--"))
      close = "-->";
    else if (rest.starts_with("<!"))
      close = ">";
    else
      break;
    const std::size_t end = rest.find(close);
    if (end == std::string_view::npos) {
      // The prolog runs past the head (long licence comments are common): go by what it says.
      return head.find("ClinicalDocument") != std::string_view::npos ||
             head.find("CDA") != std::string_view::npos;
    }
    rest.remove_prefix(end + close.size());
  }
  if (!rest.starts_with("<")) return false;
  std::string_view name = rest.substr(1, rest.find_first_of(" \t\r\n/>") - 1);
  return is_clinical_document(name) ||
         (rest.size() < 18 && std::string_view("<ClinicalDocument").starts_with(rest));
}

}  // namespace hie::adapters::cda
