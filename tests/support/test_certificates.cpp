#include "test_certificates.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace hie::testing {
namespace {

void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error("test certificate command failed: " + command);
}

TestCertificates make() {
  namespace fs = std::filesystem;
  TestCertificates c;
  c.dir = (fs::temp_directory_path() / ("hie-test-pki-" + std::to_string(::getpid()))).string();
  fs::create_directories(c.dir);
  auto p = [&](const char* name) { return c.dir + "/" + name; };
  c.ca_cert = p("ca.crt");
  c.server_cert = p("server.crt");
  c.server_key = p("server.key");
  c.client_cert = p("client.crt");
  c.client_key = p("client.key");
  c.stranger_cert = p("stranger.crt");
  c.stranger_key = p("stranger.key");
  c.other_ca_cert = p("other-ca.crt");
  std::ofstream(p("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run("openssl req -x509 " + ec + " -keyout " + p("ca.key") + " -out " + c.ca_cert +
      " -days 2 -subj /CN=hie-test-ca");
  run("openssl req -x509 " + ec + " -keyout " + p("other-ca.key") + " -out " + c.other_ca_cert +
      " -days 2 -subj /CN=hie-other-ca");
  for (auto [name, cn, ext] : {std::tuple{"server", "localhost", true}, {"client", "north-hie", false},
                                  {"stranger", "stranger-hie", false}}) {
    std::string base = p(name);
    run("openssl req " + ec + " -keyout " + base + ".key -out " + base + ".csr -subj /CN=" + cn);
    run("openssl x509 -req -in " + base + ".csr -CA " + c.ca_cert + " -CAkey " + p("ca.key") +
        " -CAcreateserial -days 2 -out " + base + ".crt" + (ext ? " -extfile " + p("server.ext") : ""));
  }
  return c;
}

}  // namespace

const TestCertificates& test_certificates() {
  static const TestCertificates certificates = make();
  return certificates;
}

TlsClientOptions north_hie_client(int max_version) {
  const auto& pki = test_certificates();
  return {.ca_cert = pki.ca_cert, .cert = pki.client_cert, .key = pki.client_key, .max_version = max_version};
}

TlsClientOptions stranger_client(int max_version) {
  const auto& pki = test_certificates();
  return {.ca_cert = pki.ca_cert, .cert = pki.stranger_cert, .key = pki.stranger_key, .max_version = max_version};
}

TlsClientOptions anonymous_client(int max_version) {
  return {.ca_cert = test_certificates().ca_cert, .cert = {}, .key = {}, .max_version = max_version};
}

}  // namespace hie::testing
