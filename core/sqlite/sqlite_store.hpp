#pragma once

#include <filesystem>
#include <memory>

#include "core/store.hpp"

namespace leadsync::core {

struct sqlite_options {
  std::filesystem::path path;
  bool full_sync = false;  // synchronous=FULL: survive power loss, not just a crash
};

// Opens (creating and migrating if needed) the SQLite store at options.path.
// Throws store_error when the file cannot be opened or migrated.
std::unique_ptr<store> open_sqlite_store(const sqlite_options& options);

}  // namespace leadsync::core
