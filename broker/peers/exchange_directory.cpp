#include "broker/peers/exchange_directory.hpp"

#include <algorithm>

namespace hie::peers {

namespace {

using Exchanges = std::vector<config::Exchange>;

const config::Exchange* find_in(const Exchanges& exchanges, std::string_view id) {
  for (const auto& e : exchanges)
    if (e.id == id) return &e;
  return nullptr;
}

const config::Exchange* by_certificate_in(const Exchanges& exchanges, const net::PeerCertificate& certificate) {
  for (const auto& e : exchanges) {
    const auto& c = e.credentials;
    if (!c.cert_sha256.empty() && c.cert_sha256 == certificate.sha256) return &e;
    if (!c.cert_subject_cn.empty() && c.cert_subject_cn == certificate.subject_cn) return &e;
    if (!c.cert_san.empty() && std::ranges::find(certificate.subject_alt_names, c.cert_san) !=
                                   certificate.subject_alt_names.end())
      return &e;
  }
  return nullptr;
}

const config::Exchange* by_sending_facility_in(const Exchanges& exchanges, std::string_view facility) {
  if (facility.empty()) return nullptr;
  for (const auto& e : exchanges)
    if (std::ranges::find(e.credentials.sending_facilities, facility) != e.credentials.sending_facilities.end())
      return &e;
  return nullptr;
}

}  // namespace

ExchangeDirectory::ExchangeDirectory(std::vector<config::Exchange> exchanges) {
  generations_.push_back(std::move(exchanges));
}

void ExchangeDirectory::replace(std::vector<config::Exchange> exchanges) {
  std::lock_guard lock(mutex_);
  generations_.push_back(std::move(exchanges));
}

const std::vector<config::Exchange>& ExchangeDirectory::current() const {
  std::lock_guard lock(mutex_);
  return generations_.back();  // a deque's elements stay put as it grows
}

const config::Exchange* ExchangeDirectory::find(std::string_view id) const { return find_in(current(), id); }

const config::Exchange* ExchangeDirectory::by_certificate(const net::PeerCertificate& certificate) const {
  return by_certificate_in(current(), certificate);
}

const config::Exchange* ExchangeDirectory::by_sending_facility(std::string_view facility) const {
  return by_sending_facility_in(current(), facility);
}

Result<const config::Exchange*> ExchangeDirectory::resolve_mllp_sender(
    const std::optional<net::PeerCertificate>& certificate, std::string_view sending_facility,
    std::string_view sending_facility_namespace, std::string_view fallback) const {
  const Exchanges& exchanges = current();  // one generation for the whole decision
  const config::Exchange* by_facility = by_sending_facility_in(exchanges, sending_facility_namespace);
  if (!by_facility) by_facility = by_sending_facility_in(exchanges, sending_facility);
  if (certificate) {
    const config::Exchange* by_cert = by_certificate_in(exchanges, *certificate);
    if (!by_cert)
      return make_error(Errc::not_found, "the client certificate belongs to no configured exchange", "certificate");
    if (by_facility && by_facility != by_cert)
      return make_error(Errc::invalid_argument,
                        "sending facility belongs to exchange '" + by_facility->id +
                            "', not to the certificate's exchange '" + by_cert->id + "'",
                        "MSH-4");
    return by_cert;
  }
  if (by_facility) return by_facility;
  if (const config::Exchange* e = find_in(exchanges, fallback)) return e;
  return make_error(Errc::not_found, "the sending facility is not a configured exchange", "MSH-4");
}

net::ClientCertificateCheck accept_exchange_certificates(std::shared_ptr<const ExchangeDirectory> directory) {
  return [directory = std::move(directory)](const net::PeerCertificate& certificate) {
    return directory->by_certificate(certificate) != nullptr;
  };
}

}  // namespace hie::peers
