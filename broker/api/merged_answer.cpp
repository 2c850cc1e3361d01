#include "broker/api/merged_answer.hpp"

#include <set>

namespace hie::api {
namespace {

/// "Type/id" of a resource in the merged record.
std::string reference_of(const model::Resource& resource) {
  return std::string(model::resource_type(resource)) + "/" + std::visit([](const auto& r) { return r.id; }, resource);
}

routing::ExchangeOutcome::Kind outcome_kind(routing::ExchangeResult::Kind kind) {
  using In = routing::ExchangeResult::Kind;
  using Out = routing::ExchangeOutcome::Kind;
  switch (kind) {
    case In::answered:
    case In::stored: return Out::answered;
    case In::not_found: return Out::not_found;
    case In::timed_out: return Out::timed_out;
    case In::not_connected: return Out::not_connected;
    case In::skipped_by_consent: return Out::skipped_by_consent;
    case In::failed: return Out::failed;
  }
  return Out::failed;
}

}  // namespace

MergedAnswer merge_result(routing::QueryResult result) {
  MergedAnswer out;
  std::vector<routing::SourceAnswer> answers;
  for (auto& e : result.exchanges) {
    out.audited.push_back({e.exchange, std::string(routing::to_string(e.kind))});
    out.outcomes.push_back({e.exchange, outcome_kind(e.kind), e.detail});
    if (e.kind == routing::ExchangeResult::Kind::answered || e.kind == routing::ExchangeResult::Kind::stored)
      answers.push_back({e.exchange, e.retrieved, e.kind == routing::ExchangeResult::Kind::stored, std::move(e.resources)});
  }
  out.record = routing::merge_answers(std::move(answers));
  return out;
}

void filter_record(routing::MergedRecord& record, const std::function<bool(const model::Resource&)>& keep) {
  std::set<std::string> dropped, kept_types;
  std::erase_if(record.resources, [&](const model::Resource& r) {
    if (keep(r)) {
      kept_types.emplace(model::resource_type(r));
      return false;
    }
    dropped.insert(reference_of(r));
    return true;
  });
  std::erase_if(record.provenance, [&](const model::Provenance& p) {
    return p.target.empty() || dropped.contains(p.target.front().reference);
  });
  std::erase_if(record.conflicts, [&](const routing::MergeConflict& c) { return !kept_types.contains(c.resource_type); });
}

}  // namespace hie::api
