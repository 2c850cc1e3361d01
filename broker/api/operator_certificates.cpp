#include "broker/api/operator_certificates.hpp"

#include "broker/security/principal.hpp"

namespace hie::api {

OperatorCertificates::OperatorCertificates(const std::vector<config::OperatorCertificate>& operators) {
  for (const auto& op : operators) {
    auto principal = std::make_shared<security::Principal>();
    principal->issuer = "client-certificate";
    principal->subject = "operator:" + op.name;
    principal->kind = security::ContextKind::system;
    principal->scopes = security::Scopes::parse(op.scope);
    principal->expires = std::chrono::system_clock::time_point::max();  // the certificate's validity rules
    operators_.push_back({op, std::move(principal)});
  }
}

OperatorCertificates::~OperatorCertificates() = default;

std::shared_ptr<const security::Principal> OperatorCertificates::principal_for(
    const net::PeerCertificate& certificate) const {
  for (const auto& entry : operators_) {
    const auto& c = entry.settings;
    if (!c.cert_sha256.empty() && c.cert_sha256 == certificate.sha256) return entry.principal;
    if (!c.cert_subject_cn.empty() && c.cert_subject_cn == certificate.subject_cn) return entry.principal;
  }
  return nullptr;
}

}  // namespace hie::api
