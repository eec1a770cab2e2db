#include "tests/integration/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/integration/sandbox.hpp"

namespace leadsync::tests {

namespace {

exit_status decode(int raw) {
  exit_status s;
  if (WIFEXITED(raw)) {
    s.exited = true;
    s.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    s.signal = WTERMSIG(raw);
  }
  return s;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, const char* work_dir, const char* log_path,
                             long max_fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(126);
  }
  if (::close_range(3, ~0U, 0) != 0) {
    for (long fd = 3; fd < max_fd; ++fd) {
      ::close(static_cast<int>(fd));
    }
  }
  const int null_fd = ::open("/dev/null", O_RDONLY);
  const int log_fd = ::open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (null_fd < 0 || log_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 ||
      ::dup2(log_fd, 2) < 0) {
    ::_exit(126);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) {
    ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::chdir(work_dir) != 0) {
    const char msg[] = "child_process: chdir failed\n";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
    ::_exit(126);
  }
  ::execve(argv[0], argv, envp);
  const char msg[] = "child_process: execv failed\n";
  [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
  ::_exit(127);
}

}  // namespace

std::string exit_status::describe() const {
  if (exited) {
    return "exited with code " + std::to_string(code);
  }
  return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
}

child_process::~child_process() {
  if (running()) {
    kill_now();
  }
}

void child_process::start(const std::vector<std::string>& argv,
                          const std::filesystem::path& work_dir,
                          const std::filesystem::path& log_file, const std::vector<std::string>& extra_env) {
  if (running()) {
    throw std::runtime_error("child_process: already running");
  }
  // Everything the child needs is prepared before fork: after fork only
  // async-signal-safe calls are allowed (the test process has threads).
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (auto& a : args) {
    c_argv.push_back(a.data());
  }
  c_argv.push_back(nullptr);
  std::vector<std::string> env = extra_env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry{*e};
    const auto name = entry.substr(0, entry.find('=') + 1);
    if (std::none_of(extra_env.begin(), extra_env.end(), [&](const std::string& x) { return x.starts_with(name); })) {
      env.emplace_back(entry);
    }
  }
  std::vector<char*> c_env;
  for (auto& e : env) {
    c_env.push_back(e.data());
  }
  c_env.push_back(nullptr);
  const std::string dir = work_dir.string();
  const std::string log = log_file.string();
  const long max_fd = std::max(::sysconf(_SC_OPEN_MAX), 1024L);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(c_argv.data(), c_env.data(), dir.c_str(), log.c_str(), max_fd, parent);
  }
  pid_ = pid;
}

void child_process::send_signal(int sig) const {
  if (running()) {
    ::kill(pid_, sig);
  }
}

std::optional<exit_status> child_process::poll() {
  if (!running()) {
    return std::nullopt;
  }
  int raw = 0;
  const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return decode(raw);
  }
  return std::nullopt;
}

std::optional<exit_status> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto s = poll()) {
      return s;
    }
    if (!running() || std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

exit_status child_process::kill_now() {
  if (!running()) {
    return {};
  }
  ::kill(pid_, SIGKILL);
  int raw = 0;
  while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return decode(raw);
}

run_result run_to_completion(const std::vector<std::string>& argv,
                             const std::filesystem::path& work_dir,
                             const std::filesystem::path& log_file,
                             std::chrono::milliseconds timeout) {
  child_process child;
  child.start(argv, work_dir, log_file);
  run_result result;
  if (auto s = child.wait_exit(timeout)) {
    result.status = *s;
  } else {
    result.timed_out = true;
    result.status = child.kill_now();
  }
  result.output = read_text_file(log_file);
  return result;
}

}  // namespace leadsync::tests
