#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace leadsync::tests {

// A fresh directory under the system temp dir, removed with everything in
// it when the object dies.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A loopback port that was free a moment ago: bind 127.0.0.1:0, read the
// port, close. Another process may take it before the daemon binds it; rare
// enough for tests.
std::uint16_t pick_free_port();

// Whole file, or "" if it does not exist.
std::string read_text_file(const std::filesystem::path& file);
void write_text_file(const std::filesystem::path& file, std::string_view text);
// Complete ('\n'-terminated), non-empty lines of a file (none if it does
// not exist).
std::vector<std::string> read_lines(const std::filesystem::path& file);

}  // namespace leadsync::tests
