#pragma once
// Starts real programs (the hiebroker binary) for integration tests: read their stdout
// line by line, signal them, collect the exit status.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hie::testing {

struct CommandResult {
  int exit_code = -1;  ///< -1 when killed by a signal
  std::string out;
  std::string err;
};

/// Runs argv to completion (bounded by `timeout`, then SIGKILL) and captures its output.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

class ChildProcess {
 public:
  /// Starts argv with stdout piped to us and stderr to `stderr_path` (a file).
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path);
  ~ChildProcess();  ///< SIGKILLs the child if it is still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Next line of stdout, without the newline; nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void signal(int signo);
  int pid() const { return pid_; }
  /// Waits for exit; the exit code, or -1 when killed by a signal or still running at timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool exited_ = false;
};

/// Reads the listening line for `name` ("listening http 127.0.0.1:41234") and returns the port.
std::optional<std::uint16_t> read_listening_port(ChildProcess& child, const std::string& name,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace hie::testing
