#include "tools/hiebench/query_load.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "tools/hiebench/load_support.hpp"

namespace hie::tools {
namespace {

using Clock = std::chrono::steady_clock;

struct Answer {
  int status = 0;  ///< 0: none
  std::string body;
};

/// Reads one Content-Length framed response; status 0 on error or after 30 s.
Answer read_answer(int fd, std::string& buffer) {
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (true) {
    const auto head_end = buffer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::string head = buffer.substr(0, head_end);
      std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
      const auto at = head.find("\r\ncontent-length:");
      const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
      if (buffer.size() >= head_end + 4 + length) {
        Answer a{std::stoi(buffer.substr(9, 3)), buffer.substr(head_end + 4, length)};
        buffer.erase(0, head_end + 4 + length);
        return a;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return {};
    char chunk[65536];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return {};
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

/// How many exchanges an answer's Provenance agents name (counted by their identifier values).
unsigned sources(const std::string& body) {
  const std::string marker = "\"system\":\"https://hiebroker.dev/exchange\",\"value\":\"";
  std::vector<std::string> seen;
  for (auto at = body.find(marker); at != std::string::npos; at = body.find(marker, at + 1)) {
    const auto start = at + marker.size();
    std::string id = body.substr(start, body.find('"', start) - start);
    if (std::find(seen.begin(), seen.end(), id) == seen.end()) seen.push_back(std::move(id));
  }
  return static_cast<unsigned>(seen.size());
}

}  // namespace

double QueryLoadResult::percentile_ms(double p) const { return percentile(latencies_ms, p); }

QueryLoadResult run_query_load(const QueryLoadOptions& options) {
  QueryLoadResult total;
  total.clients = options.clients;
  std::mutex mutex;
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  for (unsigned c = 0; c < options.clients; ++c) {
    threads.emplace_back([&, c] {
      QueryLoadResult mine;
      const unsigned count = options.queries / options.clients + (c < options.queries % options.clients ? 1 : 0);
      int fd = connect_to(options.host, options.port);
      std::string buffer;
      for (unsigned i = 0; i < count; ++i) {
        ++mine.sent;
        const auto& [nhs, token] = options.patients[(c + i * options.clients) % options.patients.size()];
        const std::string request = "GET /fhir/Patient/" + nhs + "/$everything HTTP/1.1\r\nHost: " + options.host +
                                    "\r\nAccept: application/fhir+json\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        if (fd < 0) fd = connect_to(options.host, options.port);
        const auto sent_at = Clock::now();
        if (fd < 0 || ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
          ++mine.failed;
          continue;
        }
        Answer answer = read_answer(fd, buffer);
        if (answer.status == 0) {
          ++mine.failed;
          ::close(fd);
          fd = -1;
          buffer.clear();
          continue;
        }
        if (answer.status != 200) {
          ++mine.refused;
          continue;
        }
        mine.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count());
        if (options.expected_sources > 0 && sources(answer.body) < options.expected_sources) ++mine.incomplete;
        else ++mine.ok;
      }
      if (fd >= 0) ::close(fd);
      std::lock_guard lock(mutex);
      total.sent += mine.sent;
      total.ok += mine.ok;
      total.incomplete += mine.incomplete;
      total.refused += mine.refused;
      total.failed += mine.failed;
      total.latencies_ms.insert(total.latencies_ms.end(), mine.latencies_ms.begin(), mine.latencies_ms.end());
    });
  }
  for (auto& t : threads) t.join();
  total.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::sort(total.latencies_ms.begin(), total.latencies_ms.end());
  return total;
}

}  // namespace hie::tools
