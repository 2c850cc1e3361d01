#pragma once
// What the store keeps for events between exchanges: the events derived from translated
// messages, who subscribed to which, and one delivery per (subscriber, event) with its fate.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "broker/store/patient_identity.hpp"

namespace hie::store {

/// One event, as derived from one journaled message; never changed once written.
struct EventRecord {
  std::string id;  ///< "ev-<journal id>-<n>": the same whenever the message is derived again
  std::int64_t journal_id = 0;
  std::string source;       ///< the exchange whose message it came from
  std::string kind;         ///< admission, discharge, transfer, demographics-update, merge, new-result, new-document
  std::string patient_key;  ///< the NHS number, else the patient's first identifier "system|value"
  std::vector<PatientIdentity> identifiers;  ///< the patient's
  std::string occurred;     ///< instant the message was received
  std::string fhir_json;    ///< a collection Bundle: the Patient and the event's resources
};

/// Which patients a subscription covers.
enum class SubscriptionScope { held, listed, all };
std::string_view to_string(SubscriptionScope scope);

/// One exchange's wish to hear of some kinds of event.
struct SubscriptionRecord {
  std::string id;          ///< "<origin>:<subscriber>:<n>"
  std::string subscriber;  ///< exchange id
  std::string origin;      ///< "config", "peer" or "operator": who made it, and who replaces it
  std::vector<std::string> kinds;
  SubscriptionScope scope = SubscriptionScope::held;
  std::vector<PatientIdentity> patients;  ///< scope listed
};

/// Replaces every subscription of `origin` (of `subscriber` only, when it is set).
struct SubscriptionChange {
  std::string origin;
  std::string subscriber;  ///< empty: every subscriber's subscriptions of `origin`
  std::vector<SubscriptionRecord> subscriptions;
};

enum class DeliveryState { pending, delivered, dead };
std::string_view to_string(DeliveryState state);

/// One event owed to one subscriber. `seq` orders deliveries: per (subscriber, patient) they go
/// out in `seq` order.
struct DeliveryRecord {
  std::int64_t seq = 0;
  std::string subscriber;
  std::string state;
  std::int64_t attempts = 0;
  std::string next_attempt;  ///< instant
  std::string last_error;    ///< never patient data
  std::string enqueued;
  std::string settled;       ///< when delivered or dead; "" while pending
  EventRecord event;         ///< fhir_json only when asked for
};

struct DeliveryQuery {
  std::string subscriber;
  std::int64_t after_seq = 0;   ///< pending: seq greater than this, oldest first
  std::string patient_key{};    ///< pending: only this patient's ("" for every patient)
  std::int64_t before_seq = 0;  ///< dead letters: seq less than this (0: any), newest first
  std::size_t limit = 100;
  bool with_payload = false;
};

/// What became of one attempt.
struct DeliverySettlement {
  std::int64_t seq = 0;
  DeliveryState state = DeliveryState::delivered;  ///< pending: try again at next_attempt
  std::int64_t attempts = 0;
  std::chrono::system_clock::time_point next_attempt{};
  std::string error;
};

/// How much waits for one subscriber.
struct BacklogRecord {
  std::string subscriber;
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  std::string oldest_pending;  ///< enqueued instant of the oldest pending delivery; "" when none
};

/// An operator's replay: dead letters back in line (one, or all of a subscriber's), or the
/// events of a time range delivered again to one subscriber (as its subscriptions select them).
struct ReplayRequest {
  enum class What { dead_letter, dead_letters, time_range } what = What::dead_letters;
  std::string subscriber;
  std::int64_t seq = 0;  ///< dead_letter
  std::string from, to;  ///< time_range: instants, from inclusive, to exclusive
};

/// Where one step of event retention stopped looking at events: events are looked at in
/// (occurred, row) order, so each step goes on where the last one stopped.
struct EventPruneCursor {
  std::string occurred;  ///< "" before the first event
  std::int64_t row = 0;
};

/// One bounded step of event retention, one short transaction. While delivered deliveries that
/// settled before `older_than` remain, the step deletes up to `batch` of them (never the
/// newest delivery, whose seq would otherwise be given out again). After that, each step looks at
/// up to `batch` events from before `older_than`, after `after`, and deletes those that no
/// delivery refers to any more, with their identifiers. Pending and dead deliveries, and the
/// events they refer to, are never deleted.
struct EventPruneRequest {
  std::chrono::system_clock::time_point older_than;
  std::size_t batch = 500;
  EventPruneCursor after;
};

/// What one step of event retention did.
struct EventPruneStep {
  std::size_t deliveries = 0;  ///< delivered deliveries deleted
  std::size_t events = 0;      ///< events deleted, each with its identifiers
  std::size_t looked_at = 0;   ///< events looked at; 0, with no deliveries deleted: nothing is left to do
  EventPruneCursor next;       ///< where the next step goes on looking
};

}  // namespace hie::store
