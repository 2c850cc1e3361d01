#include "adapters/cda/cda_context.hpp"

#include <cstring>
#include <vector>

#include "adapters/stable_id.hpp"
#include "adapters/text_encoding.hpp"

namespace hie::adapters::cda {
namespace {

bool carries_nothing(Node node) {
  // <id nullFlavor="NI"/>: says only that there is no value, so nothing is lost.
  if (node.first_child()) return false;
  for (auto a : node.attributes())
    if (std::strcmp(a.name(), "nullFlavor") != 0) return false;
  return true;
}

}  // namespace

std::string collapsed_text(Node node) {
  std::string out;
  bool space = false;
  std::vector<Node> stack{node};
  while (!stack.empty()) {
    Node n = stack.back();
    stack.pop_back();
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
      for (const char* p = n.value(); *p; ++p) {
        const char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          space = !out.empty();
        } else {
          if (space) out += ' ';
          space = false;
          out += c;
        }
      }
      continue;
    }
    if (n.type() != pugi::node_element && n.type() != pugi::node_document) continue;
    // Block-level breaks in narrative read as a space, not as words run together.
    if (n != node) space = space || !out.empty();
    std::vector<Node> children;
    for (Node c = n.first_child(); c; c = c.next_sibling()) children.push_back(c);
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

CdaContext::CdaContext(Node root, const Context& context, Translation& out)
    : root_(root), context_(context), out_(out) {
  std::string_view name = root.name();
  if (auto colon = name.find(':'); colon != std::string_view::npos)
    prefix_ = name.substr(0, colon + 1);
  Node id = child(root, "id");
  document_key_ =
      std::string(id.attribute("root").value()) + "^" + id.attribute("extension").value();
  visited_.insert(root.internal_object());
}

Node CdaContext::child(Node parent, std::string_view name) const {
  for (Node c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && is(c, name)) return c;
  return {};
}

bool CdaContext::is(Node node, std::string_view name) const {
  std::string_view n = node.name();
  if (name.find(':') != std::string_view::npos || prefix_.empty()) return n == name;
  return n.size() == prefix_.size() + name.size() && n.starts_with(prefix_) && n.ends_with(name);
}

std::string_view CdaContext::local_name(Node node) const {
  std::string_view n = node.name();
  if (!prefix_.empty() && n.starts_with(prefix_)) n.remove_prefix(prefix_.size());
  return n;
}

void CdaContext::use(Node node) {
  if (node) used_.insert(node.internal_object());
}

void CdaContext::visit(Node node) {
  if (node) visited_.insert(node.internal_object());
}

Node CdaContext::take(Node parent, std::string_view name) {
  Node n = child(parent, name);
  use(n);
  return n;
}

std::pair<std::uint32_t, std::uint32_t> CdaContext::position(Node node) const {
  Node parent = node.parent();
  if (!indexed_parents_.contains(parent.internal_object())) {
    indexed_parents_.insert(parent.internal_object());
    std::unordered_map<std::string_view, std::uint32_t> counts;
    for (Node s = parent.first_child(); s; s = s.next_sibling())
      if (s.type() == pugi::node_element)
        positions_[s.internal_object()].first = ++counts[s.name()];
    for (Node s = parent.first_child(); s; s = s.next_sibling())
      if (s.type() == pugi::node_element) positions_[s.internal_object()].second = counts[s.name()];
  }
  return positions_[node.internal_object()];
}

std::string CdaContext::location(Node node) const {
  std::vector<std::string> parts;
  for (Node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    std::string part = n.name();
    const auto [at, same] = position(n);
    if (same > 1) part += "[" + std::to_string(at) + "]";
    parts.push_back(std::move(part));
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += "/" + *it;
  return to_valid_utf8(out);
}

bool CdaContext::issues_full() const {
  return out_.issues.size() >= model::max_issues_per_document;
}

void CdaContext::issue(model::Severity severity, std::string code, std::string location,
                       std::string message) {
  if (issues_full()) {
    ++issues_dropped_;
    return;
  }
  out_.issues.push_back(
      {severity, std::move(code), to_valid_utf8(location), to_valid_utf8(message)});
}

void CdaContext::not_mapped(Node node, std::string message) {
  if (issues_full())
    ++issues_dropped_;  // no location built for an issue that is not listed
  else
    issue(model::Severity::warning, "not-supported", location(node), std::move(message));
  use(node);
}

std::string CdaContext::stable_id(std::string_view resource_type, Node source,
                                  std::size_t index) const {
  std::string key = context_.exchange_id;
  key += '\x1f';
  key += document_key_;
  key += '\x1f';
  key += resource_type;
  key += '\x1f';
  key += location(source);
  key += '\x1f';
  key += std::to_string(index);
  return stable_hash_id(key);
}

model::Meta CdaContext::meta() const {
  model::Meta m;
  m.source = context_.exchange_id;
  return m;
}

model::Reference CdaContext::patient() const {
  model::Reference r;
  r.reference = patient_reference_;
  return r;
}

std::string CdaContext::narrative_text(std::string_view id) {
  if (id.starts_with("#")) id.remove_prefix(1);
  if (!narrative_indexed_) {
    narrative_indexed_ = true;
    std::vector<Node> stack{root_};
    while (!stack.empty()) {
      Node n = stack.back();
      stack.pop_back();
      if (auto a = n.attribute("ID")) narrative_ids_.emplace(a.value(), n);
      for (Node c = n.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element) stack.push_back(c);
    }
  }
  auto it = narrative_ids_.find(std::string(id));
  return it == narrative_ids_.end() ? std::string() : to_valid_utf8(collapsed_text(it->second));
}

bool CdaContext::is_used(Node node) const { return used_.contains(node.internal_object()); }

void CdaContext::report_unused() {
  std::vector<Node> stack{root_};
  while (!stack.empty()) {
    Node n = stack.back();
    stack.pop_back();
    if (is_used(n)) continue;
    if (visited_.contains(n.internal_object())) {
      std::vector<Node> children;
      for (Node c = n.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element) children.push_back(c);
      for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
      continue;
    }
    const std::string_view name = local_name(n);
    if (name == "templateId" || name == "realmCode" || name == "typeId" || carries_nothing(n))
      continue;
    if (issues_full()) {
      ++issues_dropped_;
      continue;
    }
    issue(
        model::Severity::warning, "not-supported", location(n),
        "element " + std::string(n.name()) + " is not mapped: kept only in the attached document");
  }
  if (issues_dropped_ > 0) {
    bool errors = false;
    for (const auto& i : out_.issues) errors = errors || i.severity == model::Severity::error;
    out_.issues.push_back({errors ? model::Severity::error : model::Severity::warning, "too-costly",
                           "", std::to_string(issues_dropped_) + " further issues not listed"});
  }
}

}  // namespace hie::adapters::cda
