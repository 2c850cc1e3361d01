#include "broker/peers/fhir_rest_client.hpp"

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <map>
#include <mutex>

#include "broker/logging/log.hpp"
#include "broker/net/tls_context.hpp"
#include "broker/peers/fhir_bundle_reader.hpp"
#include "broker/peers/fhir_http_channel.hpp"
#include "broker/peers/fhir_rest_targets.hpp"
#include "broker/peers/peer_metrics.hpp"

namespace hie::peers {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace fhir_rest;

/// The HTTP statuses with which a server says it has no such operation or search.
bool is_unsupported(unsigned status) { return status == 404 || status == 405 || status == 501; }

/// A media type FHIR JSON comes in (R4's, the older one, or plain JSON many servers send).
bool is_fhir_json(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  std::erase_if(type, [](char c) { return c == ' ' || c == '\t'; });
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return type == "application/fhir+json" || type == "application/json+fhir" ||
         type == "application/json";
}

PeerAnswer failed(std::string reason) {
  return {PeerAnswer::Outcome::error, std::move(reason), {}, {}};
}

/// One query's conversation with one server. Lives on its own strand; `done` runs once, from
/// finish(), whichever of the conversation and the deadline ends first.
class Conversation : public std::enable_shared_from_this<Conversation> {
 public:
  Conversation(asio::any_io_executor strand, const config::Exchange& exchange, HttpUrl base,
               std::shared_ptr<asio::ssl::context> tls, const FhirRestSettings& settings,
               protocol::QueryRequest request, Clock::time_point deadline,
               std::function<void(PeerAnswer)> done)
      : strand_(strand),
        exchange_(exchange.id),
        base_(base),
        settings_(settings),
        request_(std::move(request)),
        deadline_(deadline),
        done_(std::move(done)),
        timer_(strand),
        channel_(strand, std::move(base), std::move(tls),
                 {settings.max_header_bytes, settings.max_body_bytes, settings.user_agent}) {}

  void start() {
    asio::co_spawn(
        strand_, [self = shared_from_this()] { return self->run(); },
        asio::bind_executor(
            strand_, [self = shared_from_this()](std::exception_ptr e, PeerAnswer answer) {
              if (e) {
                try {
                  std::rethrow_exception(e);
                } catch (const std::exception& x) {
                  log::error(self->log_context(), "fhir-rest query failed: {}", x.what());
                } catch (...) {
                  log::error(self->log_context(), "fhir-rest query failed");
                }
                answer = failed("internal error");
              }
              self->finish(std::move(answer));
            }));
  }

 private:
  asio::awaitable<PeerAnswer> run() {
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec)
        self->finish({PeerAnswer::Outcome::timed_out,
                      "no answer before the deadline (" +
                          std::to_string(self->request_.deadline.count()) + " ms)",
                      {},
                      {}});
    });
    auto search =
        co_await fetch_page(patient_search_target(base_, request_.patient), "the Patient search");
    if (!search) co_return failed(search.error().message());
    std::vector<std::string> ids;
    for (auto& id : search->summary.patient_ids)
      if (is_fhir_id(id) && std::find(ids.begin(), ids.end(), id) == ids.end() &&
          ids.size() < settings_.max_patients)
        ids.push_back(std::move(id));
    if (ids.empty())
      co_return failed(search->summary.patient_ids.empty()
                           ? "not-found"
                           : "the Patient search found no usable Patient id");

    PeerAnswer answer{PeerAnswer::Outcome::answered, {}, "fhir", {}};
    bool patients_added = false;
    for (const auto& id : ids) {
      auto everything = co_await fetch_pages(everything_target(base_, id, request_), "$everything");
      if (everything) {
        std::move(everything->begin(), everything->end(), std::back_inserter(answer.payloads));
        continue;
      }
      if (everything.error().code() != Errc::unsupported)
        co_return failed(everything.error().message());
      // No $everything here: the Patient search answered the Patients, each type's search the rest.
      const bool patient_wanted =
          request_.resource_types.empty() ||
          std::ranges::find(request_.resource_types, "Patient") != request_.resource_types.end();
      if (patient_wanted && !patients_added) answer.payloads.push_back(search->body);
      patients_added = true;
      for (const auto& type : fallback_types(request_)) {
        auto pages =
            co_await fetch_pages(type_search_target(base_, type, id, request_), type + " search");
        if (pages) {
          std::move(pages->begin(), pages->end(), std::back_inserter(answer.payloads));
        } else if (pages.error().code() == Errc::unsupported ||
                   pages.error().code() == Errc::invalid_argument) {
          log::info(log_context(), "fhir-rest query: {}; that type is left out", pages.error().message());
        } else {
          co_return failed(pages.error().message());
        }
      }
    }
    co_return answer;
  }

  struct Page {
    std::string body;
    BundleSummary summary;
  };

  /// One page: a 2xx FHIR JSON Bundle. A status that says "no such operation" is an error with
  /// code unsupported (400: invalid_argument), so callers can tell it from a failing server.
  asio::awaitable<Result<Page>> fetch_page(std::string target, std::string what) {
    log::debug(log_context(), "fhir-rest GET {}", target);
    auto reply = co_await channel_.get(std::move(target));
    if (!reply) co_return reply.error();
    if (reply->status < 200 || reply->status > 299) {
      const Errc code = is_unsupported(reply->status) ? Errc::unsupported
                        : reply->status == 400        ? Errc::invalid_argument
                                                      : Errc::io_error;
      co_return make_error(code, "HTTP " + std::to_string(reply->status) + " from " + what);
    }
    if (!is_fhir_json(reply->content_type))
      co_return make_error(Errc::parse_error,
                           what + " answered " +
                               (reply->content_type.empty() ? std::string("no content type")
                                                            : reply->content_type.substr(0, 64)) +
                               ", not FHIR JSON");
    auto summary = read_bundle(reply->body);
    if (!summary)
      co_return make_error(Errc::parse_error,
                           what + " did not answer a JSON Bundle: " + summary.error().message());
    co_return Page{std::move(reply->body), std::move(*summary)};
  }

  /// Every page from `target` on, following `next` links on the server's own origin, at most
  /// max_pages of them.
  asio::awaitable<Result<std::vector<std::string>>> fetch_pages(std::string target,
                                                                std::string what) {
    std::vector<std::string> bodies;
    while (bodies.size() < settings_.max_pages) {
      auto page = co_await fetch_page(std::move(target), what);
      if (!page) {
        if (bodies.empty()) co_return page.error();
        co_return make_error(Errc::io_error, page.error().message() + " (page " +
                                                 std::to_string(bodies.size() + 1) + ")");
      }
      bodies.push_back(std::move(page->body));
      if (page->summary.next.empty()) co_return bodies;
      auto next = next_page_target(base_, page->summary.next);
      if (!next) {
        log::warn(log_context(), "fhir-rest query: {} links its next page on another server; not followed", what);
        co_return bodies;
      }
      target = std::move(*next);
    }
    log::info(log_context(), "fhir-rest query: {} stopped after {} pages", what, settings_.max_pages);
    co_return bodies;
  }

  void finish(PeerAnswer answer) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    timer_.cancel();
    channel_.abort();
    if (answer.outcome != PeerAnswer::Outcome::answered)
      log::info(log_context(), "fhir-rest query: {}: {}", to_string(answer.outcome), answer.error);
    if (settings_.metrics)
      settings_.metrics->query(exchange_, std::string(to_string(answer.outcome)));
    done(std::move(answer));
  }

  log::Context log_context() const { return {.exchange = exchange_, .query = request_.query_id}; }

  asio::any_io_executor strand_;
  std::string exchange_;
  HttpUrl base_;
  FhirRestSettings settings_;
  protocol::QueryRequest request_;
  Clock::time_point deadline_;
  std::function<void(PeerAnswer)> done_;
  asio::steady_timer timer_;
  FhirHttpChannel channel_;
};

}  // namespace

struct FhirRestClient::Shared {
  asio::io_context& io;
  FhirRestSettings settings;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<asio::ssl::context>> contexts;  ///< by exchange id

  /// The exchange's TLS context, made on first use when create() did not see the exchange.
  Result<std::shared_ptr<asio::ssl::context>> context_for(const config::Exchange& exchange) {
    std::lock_guard lock(mutex);
    if (auto it = contexts.find(exchange.id); it != contexts.end()) return it->second;
    auto made = net::make_client_tls_context(exchange.client_tls);
    if (!made) return made.error();
    contexts.emplace(exchange.id, *made);
    return *made;
  }
};

FhirRestSettings fhir_rest_settings(const config::Limits& limits) {
  FhirRestSettings settings;
  settings.max_header_bytes = limits.max_header_bytes;
  settings.max_body_bytes = limits.max_body_bytes;
  return settings;
}

FhirRestClient::FhirRestClient(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

Result<FhirRestClient> FhirRestClient::create(asio::io_context& io, FhirRestSettings settings,
                                              const std::vector<config::Exchange>& exchanges) {
  auto shared = std::make_shared<Shared>(io, std::move(settings));
  for (const auto& exchange : exchanges) {
    if (exchange.transport != config::Transport::fhir_rest) continue;
    auto base = parse_http_url(exchange.credentials.base_url);
    if (!base || !base->is_tls()) continue;
    if (auto made = shared->context_for(exchange); !made)
      return make_error(made.error().code(),
                        "exchange " + exchange.id + ": client_tls: " + made.error().message(),
                        made.error().location());
  }
  return FhirRestClient(std::move(shared));
}

void FhirRestClient::query(const config::Exchange& exchange, protocol::QueryRequest request,
                           std::function<void(PeerAnswer)> done) const {
  const auto deadline = Clock::now() + request.deadline;
  auto refuse = [&](std::string reason) {
    if (shared_->settings.metrics) shared_->settings.metrics->query(exchange.id, "error");
    asio::post(shared_->io,
               [done = std::move(done), reason = std::move(reason)] { done(failed(reason)); });
  };
  auto base = parse_http_url(exchange.credentials.base_url);
  if (!base) return refuse("the exchange has no usable credentials.base_url");
  if (request.patient.empty()) return refuse("the query names no patient identifier");
  std::shared_ptr<asio::ssl::context> tls;
  if (base->is_tls()) {
    auto context = shared_->context_for(exchange);
    if (!context) return refuse("client_tls: " + context.error().describe());
    tls = std::move(*context);
  }
  auto strand = asio::make_strand(shared_->io);
  auto conversation = std::make_shared<Conversation>(strand, exchange, std::move(*base),
                                                     std::move(tls), shared_->settings,
                                                     std::move(request), deadline, std::move(done));
  asio::post(strand, [conversation] { conversation->start(); });
}

}  // namespace hie::peers
