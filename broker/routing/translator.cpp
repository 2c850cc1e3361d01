#include "broker/routing/translator.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <future>
#include <string>

#include "broker/logging/log.hpp"
#include "broker/model/json.hpp"
#include "broker/routing/adapter_context.hpp"
#include "broker/routing/event_derivation.hpp"
#include "broker/routing/patient_key.hpp"

namespace hie::routing {
namespace {

std::string key_of(const model::Identifier& id) { return id.system + "|" + id.value; }

/// The identifiers of a resource that has them (one or many), with a system and a value.
template <class R>
std::vector<const model::Identifier*> identifiers_of(const R& resource) {
  std::vector<const model::Identifier*> out;
  if constexpr (requires { resource.identifier.begin(); }) {
    for (const auto& id : resource.identifier)
      if (!id.system.empty() && !id.value.empty()) out.push_back(&id);
  } else if constexpr (requires { resource.identifier.has_value(); }) {
    if (resource.identifier && !resource.identifier->system.empty() && !resource.identifier->value.empty())
      out.push_back(&*resource.identifier);
  }
  return out;
}

store::PatientSighting sighting_of(const model::Patient& patient, const std::string& exchange) {
  store::PatientSighting s;
  s.exchange = exchange;
  for (const auto* id : identifiers_of(patient)) s.identifiers.push_back({id->system, id->value});
  for (const auto& link : patient.link) {
    if (link.type != "replaces" || !link.other.identifier) continue;
    const model::Identifier& prior = *link.other.identifier;
    if (!prior.system.empty() && !prior.value.empty()) s.replaced.push_back({prior.system, prior.value});
  }
  return s;
}

/// How a stored resource is filed: under the message's patients' keys, taken together (patient_key()).
std::string patient_key_of(const std::vector<store::PatientSighting>& sightings) {
  std::vector<store::PatientIdentity> identifiers;
  for (const auto& s : sightings) identifiers.insert(identifiers.end(), s.identifiers.begin(), s.identifiers.end());
  return patient_key(identifiers);
}

}  // namespace

struct Translator::Metrics {
  prometheus::Family<prometheus::Counter>* messages = nullptr;
  prometheus::Family<prometheus::Counter>* failures = nullptr;
  prometheus::Family<prometheus::Counter>* issues = nullptr;
  prometheus::Family<prometheus::Counter>* events = nullptr;
};

Translator::Translator(store::Store& store, std::vector<config::Exchange> exchanges,
                       ExchangeAdapters adapters, prometheus::Registry* registry, RecordLocator* locator,
                       TranslatorOptions options)
    : store_(store), exchanges_(std::move(exchanges)), adapters_(std::move(adapters)), locator_(locator), options_(options) {
  if (registry) {
    metrics_ = std::make_unique<Metrics>();
    metrics_->messages = &prometheus::BuildCounter()
                              .Name("hie_translation_messages_total")
                              .Help("Journaled messages translated, by exchange, format and outcome "
                                    "(translated, failed, skipped)")
                              .Register(*registry);
    metrics_->failures = &prometheus::BuildCounter()
                              .Name("hie_translation_failures_total")
                              .Help("Journaled messages whose adapter could not read them, by exchange, format and "
                                    "kind (the error code: parse_error, validation_error, unsupported, ...)")
                              .Register(*registry);
    metrics_->issues = &prometheus::BuildCounter()
                            .Name("hie_translation_issues_total")
                            .Help("Translation issues (what the model could not hold), by exchange and format")
                            .Register(*registry);
    metrics_->events = &prometheus::BuildCounter()
                            .Name("hie_events_derived_total")
                            .Help("Events raised by translated messages, by source exchange and kind")
                            .Register(*registry);
  }
}

Translator::~Translator() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Translator::start() {
  thread_ = std::thread([this] { run(); });
}

void Translator::nudge() {
  {
    std::lock_guard lock(mutex_);
    nudged_ = true;
  }
  wake_.notify_one();
}

store::TranslationBatch Translator::translate(const store::JournalRecord& row) const {
  store::TranslationBatch out;
  store::JournalTranslation verdict{row.id, store::TranslationState::translated, {}};
  auto exchange = std::ranges::find(exchanges_, row.exchange, &config::Exchange::id);
  const adapters::Adapter* adapter = adapters_.find(row.exchange, row.format);
  if (exchange == exchanges_.end() || !adapter) {
    verdict.state = store::TranslationState::skipped;
    verdict.detail = exchange == exchanges_.end() ? "exchange '" + row.exchange + "' is not configured"
                                                  : "no adapter for format '" + row.format + "'";
    out.journal.push_back(std::move(verdict));
    return out;
  }
  auto translation = adapter->to_model(*row.payload, adapter_context(*exchange));
  if (!translation) {
    verdict.state = store::TranslationState::failed;
    verdict.detail = translation.error().describe();
    // The kind is the error code's word, a closed set: never the message, which may quote the input.
    if (metrics_)
      metrics_->failures
          ->Add({{"exchange", row.exchange},
                 {"format", row.format},
                 {"kind", std::string(to_string(translation.error().code()))}})
          .Increment();
    out.journal.push_back(std::move(verdict));
    return out;
  }
  for (const auto& resource : translation->resources)
    if (const auto* patient = std::get_if<model::Patient>(&resource))
      out.sightings.push_back(sighting_of(*patient, row.exchange));
  if (exchange->mode == config::ExchangeMode::stored) {
    const std::string patient_key = patient_key_of(out.sightings);
    for (const auto& resource : translation->resources) {
      auto json = model::to_json(resource);
      if (!json) continue;  // cannot happen for adapter output; the validator tests guard it
      store::StoredResource kept;
      kept.exchange = row.exchange;
      kept.resource_type = std::string(model::resource_type(resource));
      kept.key = std::visit(
          [](const auto& r) {
            auto ids = identifiers_of(r);
            return ids.empty() ? r.id : key_of(*ids.front());
          },
          resource);
      kept.patient_key = patient_key;
      kept.journal_id = row.id;
      kept.json = std::move(*json);
      out.resources.push_back(std::move(kept));
    }
  }
  // Events are derived here, so they commit with the translation: a message is either pending
  // (and derived again after a crash, with the same event ids) or translated with its events.
  for (auto& derived : derive_events(*translation, {row.exchange, row.id, row.received})) {
    if (metrics_)
      metrics_->events->Add({{"exchange", row.exchange}, {"kind", std::string(model::to_string(derived.kind))}})
          .Increment();
    out.events.push_back({std::move(derived.id), row.id, row.exchange, std::string(model::to_string(derived.kind)),
                          std::move(derived.patient_key), std::move(derived.patient_identifiers),
                          std::move(derived.occurred), std::move(derived.fhir_json)});
  }
  verdict.detail = std::to_string(translation->resources.size()) + " resources, " +
                   std::to_string(translation->issues.size()) + " issues";
  out.journal.push_back(std::move(verdict));
  if (metrics_)
    metrics_->issues->Add({{"exchange", row.exchange}, {"format", row.format}})
        .Increment(static_cast<double>(translation->issues.size()));
  return out;
}

Result<std::size_t> Translator::run_once() {
  auto rows = store_.pending_translations(options_.batch);
  if (!rows) return rows.error();
  if (rows->empty()) return 0;
  store::TranslationBatch batch;
  for (const auto& row : *rows) {
    auto one = translate(row);
    if (metrics_)
      metrics_->messages
          ->Add({{"exchange", row.exchange}, {"format", row.format},
                 {"outcome", std::string(store::to_string(one.journal.front().state))}})
          .Increment();
    for (auto& j : one.journal) batch.journal.push_back(std::move(j));
    for (auto& s : one.sightings) batch.sightings.push_back(std::move(s));
    for (auto& r : one.resources) batch.resources.push_back(std::move(r));
    for (auto& e : one.events) batch.events.push_back(std::move(e));
  }
  std::vector<store::PatientSighting> sightings = batch.sightings;
  const bool raised_events = !batch.events.empty();
  std::promise<Status> committed;
  auto done = committed.get_future();
  store_.record_translations(std::move(batch), [&committed](Status s) { committed.set_value(std::move(s)); });
  if (Status status = done.get(); !status) return status.error();
  if (locator_) locator_->learned(sightings);
  if (raised_events && options_.events_committed) options_.events_committed();
  return rows->size();
}

void Translator::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || nudged_; });
      if (stopping_) return;
      nudged_ = false;
    }
    // Drain what is pending, round after round; a failing store is retried at the next poll.
    while (true) {
      auto handled = run_once();
      if (!handled) {
        log::error({}, "translation round failed: {}", handled.error().describe());
        break;
      }
      if (*handled < options_.batch) break;
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
  }
}

}  // namespace hie::routing
