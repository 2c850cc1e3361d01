#include "broker/api/fhir_routes.hpp"

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>

#include "broker/api/audit_trail.hpp"
#include "broker/api/audited_response.hpp"
#include "broker/api/bearer_auth.hpp"
#include "broker/api/await_callback.hpp"
#include "broker/api/capability_statement.hpp"
#include "broker/api/consent_request.hpp"
#include "broker/api/fhir_request.hpp"
#include "broker/api/fhir_response.hpp"
#include "broker/api/merged_answer.hpp"
#include "broker/api/router.hpp"
#include "broker/api/search_filter.hpp"
#include "broker/logging/log.hpp"
#include "broker/model/json.hpp"
#include "broker/model/nhs_number.hpp"
#include "broker/routing/merge.hpp"
#include "broker/routing/query_engine.hpp"
#include "broker/routing/searchset.hpp"
#include "broker/security/jwt_verifier.hpp"
#include "broker/store/store.hpp"

namespace hie::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Kind = FhirRequest::Kind;
using security::Access;

namespace {

std::string now_utc() { return store::format_utc(std::chrono::system_clock::now()); }

bool safe_host(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::ranges::all_of(host, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

/// Everything a request needs, shared by the handler's copies.
class FhirApi {
 public:
  FhirApi(FhirApiSettings settings, std::shared_ptr<const security::TokenVerifier> verifier,
          routing::QueryEngine& engine, store::Store& store)
      : settings_(std::move(settings)), verifier_(std::move(verifier)), engine_(engine), store_(store) {}
  ~FhirApi() { blocking_.join(); }

  asio::awaitable<net::HttpResponse> handle(net::HttpRequest& request, const net::RequestContext& context);

 private:
  // `base`: the FHIR base URL links are built from.
  asio::awaitable<net::HttpResponse> query(net::HttpRequest& request, const net::RequestContext& context,
                                           const FhirRequest& fhir, const security::Principal& principal,
                                           Disclosure& audit, std::string base);
  asio::awaitable<net::HttpResponse> audit_search(net::HttpRequest& request, const FhirRequest& fhir,
                                                  Disclosure& audit, std::string base);
  asio::awaitable<net::HttpResponse> consent_create(net::HttpRequest& request, const security::Principal& principal,
                                                    Disclosure& audit, std::string base);
  std::string base_url(const net::HttpRequest& request, const net::RequestContext& context) const;

  // The engine and the store answer by callback. These are plain functions, not coroutines, so
  // the lambdas carrying their arguments are built outside any coroutine frame: GCC 12 relocates
  // class objects captured by a lambda inside a coroutine bytewise, which breaks std::string.
  asio::awaitable<Result<routing::QueryResult>> run_query(routing::PatientQuery query) {
    return await_callback<Result<routing::QueryResult>>(
        [this, query = std::move(query)](auto done) mutable { engine_.run(std::move(query), std::move(done)); });
  }
  asio::awaitable<Result<std::vector<store::AuditRecord>>> read_audit(store::AuditQuery query) {
    return await_callback<Result<std::vector<store::AuditRecord>>>([this, query](auto done) mutable {
      asio::post(blocking_, [this, query, done = std::move(done)]() mutable { done(store_.audit_events(query)); });
    });
  }
  asio::awaitable<net::HttpResponse> audited(const net::HttpRequest& request, Disclosure& audit,
                                             net::HttpResponse response) {
    return audited_response(store_, request, audit, std::move(response));
  }

  FhirApiSettings settings_;
  std::shared_ptr<const security::TokenVerifier> verifier_;
  routing::QueryEngine& engine_;
  store::Store& store_;
  asio::thread_pool blocking_{1};  // store reads, off the I/O threads
};

std::string FhirApi::base_url(const net::HttpRequest& request, const net::RequestContext& context) const {
  if (!settings_.base_url.empty()) return settings_.base_url;
  std::string_view host = request[http::field::host];
  return std::string(context.secure ? "https://" : "http://") + std::string(safe_host(host) ? host : "localhost") +
         "/fhir";
}

asio::awaitable<net::HttpResponse> FhirApi::handle(net::HttpRequest& request, const net::RequestContext& context) {
  auto fhir = read_fhir_request(request.method_string(), request.target());
  if (!fhir) co_return error_response(request, fhir.error());
  const std::string base = base_url(request, context);
  if (fhir->kind == Kind::metadata)
    co_return fhir_response(request, 200, capability_statement(base, settings_.version, settings_.started));

  auto caller = authenticate(verifier_.get(), request, context);
  if (auto* refusal = std::get_if<net::HttpResponse>(&caller)) co_return std::move(*refusal);
  const security::Principal& principal = *std::get<std::shared_ptr<const security::Principal>>(caller);

  Disclosure audit;
  audit.interaction = fhir->kind == Kind::patient_read    ? "read"
                      : fhir->kind == Kind::everything    ? "operation"
                      : fhir->kind == Kind::consent_create ? "create"
                                                           : "search-type";
  audit.recorded = now_utc();
  audit.path = fhir->path;
  audit.issuer = principal.issuer;
  audit.subject = principal.subject;
  audit.requester_kind = std::string(security::to_string(principal.kind));
  audit.purpose_of_use = principal.purpose_of_use;
  audit.fhir_user = principal.fhir_user;
  audit.client_address = context.peer_address;

  // Our Patient ids are NHS numbers: that is what a patient token and the record locator know.
  std::string nhs_number;
  if (fhir->kind == Kind::patient_search) {
    if (fhir->identifier_system == model::NhsNumber::system) nhs_number = fhir->identifier_value;
  } else if (fhir->kind != Kind::consent_create) {
    if (!model::NhsNumber::parse(fhir->patient_id))
      co_return outcome_response(request, 404, "not-found", "no patient with this id (patient ids are NHS numbers)");
    nhs_number = fhir->patient_id;
  } else {
    nhs_number = principal.patient;
  }
  audit.patient_id = nhs_number;

  auto forbid = [&](std::string_view why) -> asio::awaitable<net::HttpResponse> {
    log::warn({context.connection_id, context.request_id}, "FHIR request refused (403): {}", why);
    audit.http_status = 403;
    co_return co_await audited(request, audit, outcome_response(request, 403, "forbidden", why));
  };
  if (principal.kind == security::ContextKind::patient && (nhs_number.empty() || nhs_number != principal.patient))
    co_return co_await forbid("a patient token reads only its own patient's record");

  switch (fhir->kind) {
    case Kind::patient_read:
      if (!principal.allows("Patient", Access::read)) co_return co_await forbid("the token's scopes do not grant Patient read");
      break;
    case Kind::patient_search:
      if (!principal.allows("Patient", Access::search))
        co_return co_await forbid("the token's scopes do not grant Patient search");
      break;
    case Kind::type_search:
      if (!principal.allows(fhir->resource_type, Access::search))
        co_return co_await forbid("the token's scopes do not grant search on this resource type");
      break;
    case Kind::audit_search:
      if (!principal.allows("AuditEvent", Access::search))
        co_return co_await forbid("the token's scopes do not grant AuditEvent search");
      co_return co_await audit_search(request, *fhir, audit, base);
    case Kind::consent_create:
      if (principal.kind != security::ContextKind::patient)
        co_return co_await forbid("patients record their own consent; operators use the admin API");
      if (!principal.allows("Consent", Access::create))
        co_return co_await forbid("the token's scopes do not grant Consent create");
      co_return co_await consent_create(request, principal, audit, base);
    case Kind::everything: break;
    case Kind::metadata: break;
  }
  co_return co_await query(request, context, *fhir, principal, audit, base);
}

asio::awaitable<net::HttpResponse> FhirApi::query(net::HttpRequest& request, const net::RequestContext& context,
                                                  const FhirRequest& fhir, const security::Principal& principal,
                                                  Disclosure& audit, std::string base) {
  routing::PatientQuery query;
  query.request_id = context.request_id;
  // No ?: with class temporaries in a coroutine: GCC 12 copies such a temporary bytewise.
  if (fhir.kind == Kind::patient_search) {
    query.identity.system = fhir.identifier_system;
    query.identity.value = fhir.identifier_value;
  } else {
    query.identity.system = std::string(model::NhsNumber::system);
    query.identity.value = fhir.patient_id;
  }
  // Which types the caller may see: what it asked for, as far as its scopes reach.
  std::vector<std::string> types;
  if (fhir.kind == Kind::type_search) {
    types = {fhir.resource_type};
  } else if (fhir.kind == Kind::everything) {
    std::vector<std::string> asked = fhir.types;
    if (asked.empty()) {
      asked = searchable_types();
      asked.push_back("Patient");
    }
    for (const auto& t : asked)
      if (principal.allows(t, Access::read)) types.push_back(t);
    if (types.empty()) {
      audit.http_status = 403;
      co_return co_await audited(request, audit,
                                 outcome_response(request, 403, "forbidden", "the token's scopes grant no type to read"));
    }
  } else {
    types = {"Patient"};
  }
  query.resource_types = types;
  for (const auto& d : fhir.dates) {
    if (d.prefix == "ge" || d.prefix == "gt" || d.prefix == "eq") query.date_ge = d.value;
    if (d.prefix == "le" || d.prefix == "lt" || d.prefix == "eq") query.date_le = d.value;
  }

  auto result = co_await run_query(std::move(query));
  if (!result) {
    audit.http_status = result.error().code() == Errc::limit_exceeded ? 503 : 500;
    co_return co_await audited(request, audit, error_response(request, result.error()));
  }

  MergedAnswer merged = merge_result(std::move(*result));
  audit.exchanges = merged.audited;
  routing::MergedRecord& record = merged.record;
  const auto& outcomes = merged.outcomes;
  filter_record(record, [&](const model::Resource& r) {
    const std::string_view type = model::resource_type(r);
    if (std::ranges::find(types, type) == types.end()) return false;
    if (fhir.kind == Kind::type_search) return matches(r, fhir.dates, fhir.categories, fhir.codes);
    if (fhir.kind == Kind::patient_read) return std::get<model::Patient>(r).id == fhir.patient_id;
    return true;
  });

  if (fhir.kind == Kind::patient_read) {
    if (record.resources.empty()) {
      audit.http_status = 404;
      co_return co_await audited(request, audit,
                                 outcome_response(request, 404, "not-found", "no exchange holds a patient with this id"));
    }
    auto json = model::to_json(record.resources.front());
    if (!json) co_return error_response(request, json.error());
    audit.resources_disclosed = 1;
    co_return co_await audited(request, audit, fhir_response(request, 200, std::move(*json)));
  }

  routing::SearchPage page{base, fhir.path, fhir.query, fhir.count, fhir.offset, now_utc()};
  model::Bundle bundle = routing::build_searchset(record, outcomes, page);
  for (const auto& entry : bundle.entry)
    if (entry.search && entry.search->mode == "match") ++audit.resources_disclosed;
  auto json = model::to_json(bundle);
  if (!json) co_return error_response(request, json.error());
  co_return co_await audited(request, audit, fhir_response(request, 200, std::move(*json)));
}

asio::awaitable<net::HttpResponse> FhirApi::audit_search(net::HttpRequest& request, const FhirRequest& fhir,
                                                         Disclosure& audit, std::string base) {
  const std::size_t count = fhir.count.value_or(100);
  store::AuditQuery q{fhir.patient_id, std::min(kMaxPageSize * 2, fhir.offset + count + 1), 0};
  auto rows = co_await read_audit(q);
  if (!rows) {
    log::error({}, "audit trail read failed: {}", rows.error().describe());
    co_return outcome_response(request, 500, "exception", "the audit trail could not be read");
  }
  model::Bundle bundle;
  bundle.type = "searchset";
  bundle.timestamp = now_utc();
  const std::string self = base + "/AuditEvent?" + fhir.query;
  bundle.link.push_back({"self", self});
  for (std::size_t i = fhir.offset; i < rows->size() && i < fhir.offset + count; ++i) {
    const auto& row = (*rows)[i];
    model::Issues issues;
    auto resource = model::read_resource(row.json, issues);
    if (!resource) continue;  // written by this broker; only a hand-edited store gets here
    std::visit([&](auto& r) { r.id = std::to_string(row.id); }, *resource);
    model::BundleEntry entry;
    entry.full_url = base + "/AuditEvent/" + std::to_string(row.id);
    entry.resource = std::move(*resource);
    entry.search = model::BundleEntrySearch{"match", std::nullopt};
    bundle.entry.push_back(std::move(entry));
  }
  if (rows->size() > fhir.offset + count)
    bundle.link.push_back({"next", base + "/AuditEvent?patient=" + fhir.patient_id + "&_count=" + std::to_string(count) +
                                       "&_offset=" + std::to_string(fhir.offset + count)});
  audit.resources_disclosed = bundle.entry.size();
  auto json = model::to_json(bundle);
  if (!json) co_return error_response(request, json.error());
  co_return co_await audited(request, audit, fhir_response(request, 200, std::move(*json)));
}

asio::awaitable<net::HttpResponse> FhirApi::consent_create(net::HttpRequest& request,
                                                           const security::Principal& principal, Disclosure& audit,
                                                           std::string base) {
  std::string_view type = request[http::field::content_type];
  if (!type.starts_with("application/fhir+json") && !type.starts_with("application/json")) {
    audit.http_status = 415;
    co_return co_await audited(request, audit,
                               outcome_response(request, 415, "not-supported", "send the Consent as application/fhir+json"));
  }
  auto record = read_consent(request.body(), principal.patient, settings_.exchanges);
  if (!record) {
    audit.http_status = 422;
    co_return co_await audited(request, audit, outcome_response(request, 422, "processing", record.error().describe()));
  }
  record->updated_by = "patient";
  auto written = co_await write_consent(store_, std::move(*record));
  if (!written) {
    log::error({}, "consent write failed: {}", written.error().describe());
    co_return outcome_response(request, 500, "exception", "the consent could not be stored; nothing changed");
  }
  audit.http_status = 201;
  audit.resources_disclosed = 0;
  auto response = fhir_response(request, 201, request.body());
  response.set(http::field::location, base + "/Consent/" + principal.patient);
  co_return co_await audited(request, audit, std::move(response));
}

void add_fhir_routes(Router& router, FhirApiSettings settings, std::shared_ptr<const security::TokenVerifier> verifier,
                     routing::QueryEngine& engine, store::Store& store) {
  auto api = std::make_shared<FhirApi>(std::move(settings), std::move(verifier), engine, store);
  router.add("/fhir/*", {"GET", "HEAD", "POST"},
             [api](net::HttpRequest& request, const net::RequestContext& context) -> asio::awaitable<net::HttpResponse> {
               co_return co_await api->handle(request, context);
             });
}

}  // namespace hie::api
