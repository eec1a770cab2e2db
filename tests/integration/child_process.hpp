#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace leadsync::tests {

// How a child ended: exited with a code, or killed by a signal.
struct exit_status {
  bool exited = false;
  int code = -1;    // valid when exited
  int signal = 0;   // valid when !exited
  [[nodiscard]] std::string describe() const;
};

// One child process started with fork/exec: working directory set,
// stdin from /dev/null, stdout and stderr appended to a log file, no
// inherited descriptors, and SIGKILL if the test process dies. The
// destructor kills (SIGKILL) and reaps a child still running, so no test
// leaves a process behind whatever happens.
class child_process {
 public:
  child_process() = default;
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // argv[0] is the executable path. Throws std::runtime_error if fork fails
  // or a child is still running.
  // `extra_env` ("NAME=value") is added to (and overrides) the test's environment.
  void start(const std::vector<std::string>& argv, const std::filesystem::path& work_dir,
             const std::filesystem::path& log_file, const std::vector<std::string>& extra_env = {});

  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] pid_t pid() const { return pid_; }

  void send_signal(int sig) const;
  // Reaps the child if it has ended (non-blocking).
  std::optional<exit_status> poll();
  // Waits up to timeout for the child to end; nullopt if it is still running.
  std::optional<exit_status> wait_exit(std::chrono::milliseconds timeout);
  // SIGKILL and reap.
  exit_status kill_now();

 private:
  pid_t pid_ = -1;
};

// Runs argv to completion (killed after timeout) and returns its status and
// everything it wrote to stdout/stderr (via log_file).
struct run_result {
  exit_status status;
  std::string output;
  bool timed_out = false;
};
run_result run_to_completion(const std::vector<std::string>& argv,
                             const std::filesystem::path& work_dir,
                             const std::filesystem::path& log_file,
                             std::chrono::milliseconds timeout);

}  // namespace leadsync::tests
