#include "broker/routing/searchset.hpp"

#include <algorithm>
#include <set>

namespace hie::routing {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

/// The query's parameters other than the paging ones, as received.
std::vector<std::string> kept_parameters(std::string_view query) {
  std::vector<std::string> kept;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::string_view name = param.substr(0, param.find('='));
    if (param.empty() || name == "_count" || name == "_offset") continue;
    kept.emplace_back(param);
  }
  return kept;
}

class PageLinks {
 public:
  explicit PageLinks(const SearchPage& page)
      : page_(page), parameters_(kept_parameters(page.query)) {
    base_ = page.base_url;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  std::string resource_url(std::string_view type, std::string_view id) const {
    return base_ + "/" + std::string(type) + "/" + std::string(id);
  }

  std::string search_url(std::optional<std::size_t> offset) const {
    auto parameters = parameters_;
    if (page_.count) {
      parameters.push_back("_count=" + std::to_string(*page_.count));
      parameters.push_back("_offset=" + std::to_string(*offset));
    }
    std::string url = base_ + "/" + page_.path;
    if (!parameters.empty()) url += "?" + join(parameters, "&");
    return url;
  }

  std::vector<model::BundleLink> links(std::size_t total) const {
    std::vector<model::BundleLink> out;
    out.push_back({"self", search_url(page_.offset)});
    if (!page_.count || *page_.count == 0) return out;
    const std::size_t size = *page_.count;
    const std::size_t last = total == 0 ? 0 : (total - 1) / size * size;
    out.push_back({"first", search_url(0)});
    if (page_.offset > 0)
      out.push_back(
          {"previous", search_url(std::min(page_.offset - std::min(page_.offset, size), last))});
    if (page_.offset + size < total) out.push_back({"next", search_url(page_.offset + size)});
    out.push_back({"last", search_url(last)});
    return out;
  }

 private:
  const SearchPage& page_;
  std::vector<std::string> parameters_;
  std::string base_;
};

model::BundleEntrySearch search_mode(std::string mode) {
  model::BundleEntrySearch search;
  search.mode = std::move(mode);
  return search;
}

model::OperationOutcomeIssue issue(std::string severity, std::string code, std::string_view system,
                                   std::string details_code, std::string diagnostics) {
  model::OperationOutcomeIssue i;
  i.severity = std::move(severity);
  i.code = std::move(code);
  model::CodeableConcept details;
  model::Coding coding;
  coding.system = system;
  coding.code = std::move(details_code);
  details.coding.push_back(std::move(coding));
  i.details = std::move(details);
  i.diagnostics = std::move(diagnostics);
  return i;
}

std::optional<model::OperationOutcomeIssue> exchange_issue(const ExchangeOutcome& o) {
  using Kind = ExchangeOutcome::Kind;
  const std::string who = "exchange '" + o.exchange + "' ";
  const std::string why = o.detail.empty() ? std::string() : ": " + o.detail;
  switch (o.kind) {
    case Kind::failed:
      return issue("warning", "exception", exchange_outcome_system, "failed",
                   who + "failed to answer" + why);
    case Kind::timed_out:
      return issue("warning", "timeout", exchange_outcome_system, "timed-out",
                   who + "did not answer within its deadline" + why);
    case Kind::not_connected:
      return issue("warning", "transient", exchange_outcome_system, "not-connected",
                   who + "is not connected" + why);
    case Kind::skipped_by_consent:
      return issue(
          "information", "suppressed", exchange_outcome_system, "skipped-by-consent",
          who + "was not asked: the patient's consent does not allow sharing its records" + why);
    case Kind::answered:
    case Kind::not_found:
      break;
  }
  return std::nullopt;
}

std::string names(const std::vector<std::string>& ids, std::string_view type) {
  std::vector<std::string> refs;
  for (const auto& id : ids) refs.push_back(std::string(type) + "/" + id);
  return join(refs, ", ");
}

model::OperationOutcomeIssue conflict_issue(const MergeConflict& c) {
  const std::string exchanges = "exchanges " + join(c.exchanges, ", ");
  std::string text;
  switch (c.kind) {
    case MergeConflict::Kind::versions_differ:
      text = names(c.ids, c.resource_type) + " share an identifier (system " + c.detail +
             ") but differ (" + exchanges + "): every version kept, tagged conflict";
      break;
    case MergeConflict::Kind::patient_element_differs:
      text = names(c.ids, c.resource_type) + ": " + exchanges + " disagree on " + c.detail +
             ": the first exchange's value kept, tagged conflict";
      break;
    case MergeConflict::Kind::nhs_numbers_differ:
      text = names(c.ids, c.resource_type) + " share an identifier (system " + c.detail +
             ") but have different NHS numbers (" + exchanges + "): kept apart, tagged conflict";
      break;
  }
  return issue("warning", "conflict", merge_tag_system, std::string(merge_conflict_code),
               std::move(text));
}

model::OperationOutcome outcome(const MergedRecord& record,
                                std::span<const ExchangeOutcome> outcomes) {
  std::vector<const ExchangeOutcome*> sorted;
  for (const auto& o : outcomes) sorted.push_back(&o);
  std::ranges::stable_sort(sorted, {}, [](const ExchangeOutcome* o) { return o->exchange; });
  model::OperationOutcome oo;
  for (const auto* o : sorted)
    if (auto i = exchange_issue(*o)) oo.issue.push_back(std::move(*i));
  for (const auto& c : record.conflicts) oo.issue.push_back(conflict_issue(c));
  if (oo.issue.empty()) {
    model::OperationOutcomeIssue all_answered;
    all_answered.severity = "information";
    all_answered.code = "informational";
    all_answered.diagnostics = outcomes.empty() ? "no exchange was asked"
                                                : "all " + std::to_string(outcomes.size()) +
                                                      " exchanges asked answered; no conflicts";
    oo.issue.push_back(std::move(all_answered));
  }
  return oo;
}

const std::string& id_of(const model::Resource& r) {
  return std::visit([](const auto& x) -> const std::string& { return x.id; }, r);
}

}  // namespace

model::Bundle build_searchset(const MergedRecord& record, std::span<const ExchangeOutcome> outcomes,
                              const SearchPage& page) {
  const PageLinks links(page);
  model::Bundle bundle;
  bundle.type = "searchset";
  bundle.timestamp = page.timestamp;
  const std::size_t total = record.resources.size();
  bundle.total = static_cast<std::int64_t>(total);
  bundle.link = links.links(total);

  const std::size_t begin = std::min(page.offset, total);
  const std::size_t end =
      page.count ? std::min(total, begin + std::min(*page.count, total)) : total;
  std::set<std::string> on_page;
  for (std::size_t i = begin; i < end; ++i) {
    const auto& resource = record.resources[i];
    const auto type = model::resource_type(resource);
    on_page.insert(std::string(type) + "/" + id_of(resource));
    model::BundleEntry entry;
    entry.full_url = links.resource_url(type, id_of(resource));
    entry.resource = resource;
    entry.search = search_mode("match");
    bundle.entry.push_back(std::move(entry));
  }
  for (const auto& provenance : record.provenance) {
    if (provenance.target.empty() || !on_page.contains(provenance.target.front().reference))
      continue;
    model::BundleEntry entry;
    entry.full_url = links.resource_url(model::Provenance::fhir_type, provenance.id);
    entry.resource = model::Resource(provenance);
    entry.search = search_mode("include");
    bundle.entry.push_back(std::move(entry));
  }
  model::BundleEntry entry;
  entry.resource = model::Resource(outcome(record, outcomes));
  entry.search = search_mode("outcome");
  bundle.entry.push_back(std::move(entry));
  return bundle;
}

}  // namespace hie::routing
