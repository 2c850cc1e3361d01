#include "broker/net/tls_identity.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace hie::net {

PeerCertificate describe_certificate(X509* certificate) {
  PeerCertificate out;
  char cn[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, cn, sizeof cn) > 0)
    out.subject_cn = cn;
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type != GEN_DNS && name->type != GEN_URI) continue;
      const ASN1_IA5STRING* text = name->d.ia5;
      out.subject_alt_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                                         static_cast<std::size_t>(ASN1_STRING_length(text)));
    }
    GENERAL_NAMES_free(names);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &length) == 1) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned i = 0; i < length; ++i) {
      out.sha256 += kHex[digest[i] >> 4];
      out.sha256 += kHex[digest[i] & 0xF];
    }
  }
  return out;
}

std::optional<PeerCertificate> peer_certificate(SSL* ssl) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (!certificate) return std::nullopt;
  PeerCertificate out = describe_certificate(certificate);
  X509_free(certificate);
  return out;
}

}  // namespace hie::net
