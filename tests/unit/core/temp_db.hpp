#pragma once

#include <filesystem>
#include <random>
#include <string>

// A database file in a fresh temporary directory, removed with its WAL files.
class temp_db {
 public:
  temp_db() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("leadsync-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~temp_db() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  temp_db(const temp_db&) = delete;
  temp_db& operator=(const temp_db&) = delete;

  std::filesystem::path path() const { return dir_ / "test.db"; }

 private:
  std::filesystem::path dir_;
};
