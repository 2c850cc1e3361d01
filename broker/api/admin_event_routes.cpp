#include "broker/api/admin_event_routes.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/field.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "broker/api/await_callback.hpp"
#include "broker/api/bearer_auth.hpp"
#include "broker/api/fhir_request.hpp"
#include "broker/api/fhir_response.hpp"
#include "broker/api/router.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "broker/store/store.hpp"

namespace hie::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void member(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void member(Writer& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}

template <class Body>
net::HttpResponse json_response(const net::HttpRequest& request, unsigned status, Body body) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  body(w);
  w.EndObject();
  return net::text_response(request, status, std::string(buffer.GetString(), buffer.GetSize()),
                            "application/json; charset=utf-8");
}

/// The value of the parameter `name` ("" when absent).
std::string value_of(const std::vector<QueryParameter>& parameters, std::string_view name) {
  for (const auto& p : parameters)
    if (p.name == name) return p.value;
  return {};
}

std::optional<std::int64_t> to_number(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

/// The parameter `name` as a whole number, `fallback` when absent; nullopt when not a number.
/// A plain function: GCC 12 mishandles ?: over class temporaries inside coroutines.
std::optional<std::int64_t> number_or(const std::vector<QueryParameter>& parameters, std::string_view name,
                                      std::int64_t fallback) {
  const std::string text = value_of(parameters, name);
  if (text.empty()) return fallback;
  return to_number(text);
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

/// A JSON object body's string member, or "" when absent or not a string.
std::string string_member(const rapidjson::Document& body, const char* name) {
  auto it = body.FindMember(name);
  if (it == body.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

/// An instant as the store writes them: 2026-11-26T09:41:07.123Z (text order is time order).
bool is_utc_instant(std::string_view text) {
  if (text.size() != 24 || text.back() != 'Z') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = (i == 4 || i == 7) ? c == '-' : i == 10 ? c == 'T' : (i == 13 || i == 16) ? c == ':'
                    : i == 19 ? c == '.' : i == 23 ? c == 'Z' : (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

struct AdminEvents {
  AdminEventSettings settings;
  asio::thread_pool blocking{1};  // store reads, off the I/O threads

  ~AdminEvents() { blocking.join(); }

  template <class T, class Read>
  asio::awaitable<T> off_thread(Read read) {
    return await_callback<T>([this, read = std::move(read)](auto done) mutable {
      asio::post(blocking, [read = std::move(read), done = std::move(done)]() mutable { done(read()); });
    });
  }

  // Plain functions, not coroutines: GCC 12 miscompiles lambdas that capture class objects by
  // value when they are built inside a coroutine.
  asio::awaitable<Result<std::vector<store::DeliveryRecord>>> read_dead_letters(store::DeliveryQuery query) {
    return off_thread<Result<std::vector<store::DeliveryRecord>>>(
        [store = &settings.store, query = std::move(query)] { return store->dead_letters(query); });
  }

  asio::awaitable<Result<std::size_t>> write_replay(store::ReplayRequest replay) {
    return await_callback<Result<std::size_t>>([this, replay = std::move(replay)](auto done) mutable {
      settings.store.replay(std::move(replay), std::move(done));
    });
  }

  asio::awaitable<net::HttpResponse> handle(net::HttpRequest& request, const net::RequestContext& context) {
    auto caller = authenticate(settings.verifier.get(), request, context, settings.operators.get());
    if (auto* refusal = std::get_if<net::HttpResponse>(&caller)) co_return std::move(*refusal);
    const security::Principal& principal = *std::get<std::shared_ptr<const security::Principal>>(caller);
    const bool write = request.method() == http::verb::post;
    if (auto refusal = operator_refusal(principal, request, "Subscription", write)) co_return std::move(*refusal);
    const std::string path(path_of(request.target()));
    if (path == "/admin/events/subscriptions" && !write) co_return co_await subscriptions(request);
    if (path == "/admin/events/backlog" && !write) co_return co_await backlog(request);
    if (path == "/admin/events/dead-letters" && !write) co_return co_await dead_letters(request);
    if (path == "/admin/events/dead-letters/replay" && write) co_return co_await replay(request, false);
    if (path == "/admin/events/replay" && write) co_return co_await replay(request, true);
    co_return outcome_response(request, 404, "not-found",
                               "admin events: GET subscriptions, backlog, dead-letters; POST dead-letters/replay, replay");
  }

  asio::awaitable<net::HttpResponse> subscriptions(net::HttpRequest& request) {
    auto read = co_await off_thread<Result<std::vector<store::SubscriptionRecord>>>(
        [store = &settings.store] { return store->subscriptions(); });
    if (!read) co_return outcome_response(request, 500, "exception", "the store could not be read");
    co_return json_response(request, 200, [&](Writer& w) {
      w.Key("subscriptions");
      w.StartArray();
      for (const auto& s : *read) {
        w.StartObject();
        member(w, "id", s.id);
        member(w, "subscriber", s.subscriber);
        member(w, "origin", s.origin);
        w.Key("events");
        w.StartArray();
        for (const auto& k : s.kinds) w.String(k.c_str());
        w.EndArray();
        member(w, "patients", store::to_string(s.scope));
        member(w, "listed", static_cast<std::int64_t>(s.patients.size()));
        w.EndObject();
      }
      w.EndArray();
    });
  }

  asio::awaitable<net::HttpResponse> backlog(net::HttpRequest& request) {
    auto read = co_await off_thread<Result<std::vector<store::BacklogRecord>>>(
        [store = &settings.store] { return store->backlogs(); });
    if (!read) co_return outcome_response(request, 500, "exception", "the store could not be read");
    std::vector<routing::SubscriberState> states = settings.states ? settings.states() : std::vector<routing::SubscriberState>{};
    co_return json_response(request, 200, [&](Writer& w) {
      w.Key("subscribers");
      w.StartArray();
      for (const auto& state : states) {
        w.StartObject();
        member(w, "subscriber", state.subscriber);
        store::BacklogRecord stored{state.subscriber, 0, 0, ""};
        for (const auto& b : *read)
          if (b.subscriber == state.subscriber) stored = b;
        member(w, "pending", stored.pending);
        member(w, "dead", stored.dead);
        member(w, "oldest_pending", stored.oldest_pending);
        w.Key("reachable");
        w.Bool(state.reachable);
        member(w, "in_flight", static_cast<std::int64_t>(state.in_flight));
        member(w, "delivered", static_cast<std::int64_t>(state.delivered));
        member(w, "refused", static_cast<std::int64_t>(state.refused));
        w.EndObject();
      }
      w.EndArray();
    });
  }

  asio::awaitable<net::HttpResponse> dead_letters(net::HttpRequest& request) {
    std::string_view target = request.target();
    const auto question = target.find('?');
    auto parameters = read_query_parameters(question == std::string_view::npos ? std::string_view{}
                                                                                : target.substr(question + 1));
    if (!parameters) co_return outcome_response(request, 400, "invalid", parameters.error().message());
    store::DeliveryQuery query;
    query.subscriber = value_of(*parameters, "subscriber");
    auto count = number_or(*parameters, "_count", 50);
    auto before = number_or(*parameters, "before", 0);
    if (!count || *count == 0 || *count > 500 || !before)
      co_return outcome_response(request, 400, "invalid", "_count is 1 to 500 and before a delivery seq");
    query.limit = static_cast<std::size_t>(*count);
    query.before_seq = *before;
    auto read = co_await read_dead_letters(query);
    if (!read) co_return outcome_response(request, 500, "exception", "the store could not be read");
    co_return json_response(request, 200, [&](Writer& w) {
      w.Key("dead_letters");
      w.StartArray();
      // No patient data here: operators see the event, its fate and why, and replay by seq.
      for (const auto& d : *read) {
        w.StartObject();
        member(w, "seq", d.seq);
        member(w, "subscriber", d.subscriber);
        member(w, "event", d.event.id);
        member(w, "kind", d.event.kind);
        member(w, "source", d.event.source);
        member(w, "occurred", d.event.occurred);
        member(w, "attempts", d.attempts);
        member(w, "last_error", d.last_error);
        member(w, "dead_since", d.settled);
        w.EndObject();
      }
      w.EndArray();
      if (read->size() == query.limit)
        member(w, "next", "/admin/events/dead-letters?subscriber=" + query.subscriber + "&_count=" +
                              std::to_string(query.limit) + "&before=" + std::to_string(read->back().seq));
    });
  }

  /// POST dead-letters/replay {"subscriber", "seq"?}; POST replay {"subscriber", "from", "to"}.
  asio::awaitable<net::HttpResponse> replay(net::HttpRequest& request, bool time_range) {
    rapidjson::Document body;
    body.Parse<rapidjson::kParseIterativeFlag>(request.body().data(), request.body().size());  // no recursion on nesting
    if (body.HasParseError() || !body.IsObject())
      co_return outcome_response(request, 400, "invalid", "send a JSON object");
    store::ReplayRequest replay;
    replay.subscriber = string_member(body, "subscriber");
    if (std::ranges::find(settings.subscribers, replay.subscriber) == settings.subscribers.end())
      co_return outcome_response(request, 400, "invalid", "subscriber: name a configured exchange");
    if (time_range) {
      replay.what = store::ReplayRequest::What::time_range;
      replay.from = string_member(body, "from");
      replay.to = string_member(body, "to");
      if (!is_utc_instant(replay.from) || !is_utc_instant(replay.to) || replay.from >= replay.to)
        co_return outcome_response(request, 400, "invalid",
                                   "from and to: UTC instants like 2026-11-26T09:00:00.000Z, from before to");
    } else if (auto seq = body.FindMember("seq"); seq != body.MemberEnd()) {
      if (!seq->value.IsInt64() || seq->value.GetInt64() <= 0)
        co_return outcome_response(request, 400, "invalid", "seq: a dead letter's seq");
      replay.what = store::ReplayRequest::What::dead_letter;
      replay.seq = seq->value.GetInt64();
    }
    auto replayed = co_await write_replay(replay);
    if (!replayed) co_return outcome_response(request, 500, "exception", "the replay could not be stored; nothing changed");
    if (settings.replayed) settings.replayed();
    co_return json_response(request, 200, [&](Writer& w) { member(w, "replayed", static_cast<std::int64_t>(*replayed)); });
  }
};

}  // namespace

void add_admin_event_routes(Router& router, AdminEventSettings settings) {
  auto events = std::make_shared<AdminEvents>(std::move(settings));
  router.add("/admin/events/*", {"GET", "POST"},
             [events](net::HttpRequest& request, const net::RequestContext& context) -> asio::awaitable<net::HttpResponse> {
               co_return co_await events->handle(request, context);
             });
}

}  // namespace hie::api
