// The checkpointer copies the write-ahead log into the database file from
// its own thread, whatever the writing connection does.
#include "daemon/checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "core/sqlite/sqlite_db.hpp"
#include "tests/unit/core/temp_db.hpp"

namespace leadsync::daemon {
namespace {

using namespace std::chrono_literals;

TEST(Checkpointer, CopiesTheLogIntoTheDatabaseFile) {
  temp_db tmp;
  core::sqlite::database writer(tmp.path(), false);
  writer.exec("PRAGMA wal_autocheckpoint=0");  // only the checkpointer copies
  writer.exec("CREATE TABLE t (v TEXT NOT NULL)");
  {
    core::sqlite::transaction tx(writer);
    core::sqlite::statement insert(writer.handle(), "INSERT INTO t (v) VALUES (?)");
    const std::string row(1000, 'x');
    for (int i = 0; i < 1000; ++i) {
      insert.bind(1, row).run();
    }
    tx.commit();
  }
  ASSERT_LT(std::filesystem::file_size(tmp.path()), 100'000U) << "the rows are still in the log only";

  checkpointer checkpoints({tmp.path(), false}, 10ms);
  checkpoints.start();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::filesystem::file_size(tmp.path()) < 1'000'000U && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  checkpoints.stop();
  EXPECT_GE(std::filesystem::file_size(tmp.path()), 1'000'000U);
}

}  // namespace
}  // namespace leadsync::daemon
