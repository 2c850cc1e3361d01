#include "broker/routing/merge_provenance.hpp"

#include "adapters/identifier_systems.hpp"
#include "adapters/stable_id.hpp"
#include "broker/model/coding.hpp"
#include "broker/routing/merge.hpp"

namespace hie::routing::merge {
namespace {

using model::coding;
using model::concept_of;

}  // namespace

model::Provenance make_provenance(const std::string& type, const std::string& id,
                                  const ProvenanceSource& source) {
  model::Provenance p;
  p.id = adapters::stable_hash_id("Provenance|" + type + "/" + id + "|" + source.exchange);
  model::Reference target;
  target.reference = type + "/" + id;
  p.target.push_back(std::move(target));
  p.recorded = source.retrieved;
  p.activity = concept_of(
      source.stored ? coding(answer_mode_system, "stored", "answered from the broker's store")
                    : coding(answer_mode_system, "live", "answered by the exchange"));

  model::ProvenanceAgent agent;
  agent.type =
      concept_of(coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                        "custodian", "Custodian"));
  model::Identifier exchange;
  exchange.system = exchange_identifier_system;
  exchange.value = source.exchange;
  agent.who.identifier = std::move(exchange);
  agent.who.display = source.exchange;
  p.agent.push_back(std::move(agent));

  // The exchange's own name for each resource, under a system per exchange.
  const std::string names =
      std::string(exchange_identifier_system) + "/" + adapters::urn_safe(source.exchange);
  for (const auto& original : source.original_references) {
    model::ProvenanceEntity entity;
    entity.role = "source";
    entity.what.type = type;
    model::Identifier name;
    name.system = names;
    name.value = original;
    entity.what.identifier = std::move(name);
    p.entity.push_back(std::move(entity));
  }
  return p;
}

}  // namespace hie::routing::merge
