#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace leadsync::core::sqlite {

// A prepared statement. Bind with 1-based indexes, step() until it returns
// false, and it resets itself for the next use. Errors throw store_error.
class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view text);
  statement& bind_null(int index);

  // Advances to the next row; false when done (then it is reset for reuse).
  bool step();
  // Runs a statement that returns no rows.
  void run();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  void reset();

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// One connection. WAL mode with synchronous=NORMAL survives a process crash
// (kill -9); full_sync (synchronous=FULL) also survives power loss.
class database {
 public:
  database(const std::filesystem::path& path, bool full_sync);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  void exec(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes();
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless committed.
class transaction {
 public:
  explicit transaction(database& db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  void commit();

 private:
  database& db_;
  bool done_ = false;
};

// Brings the schema up to the newest version (see migrations.cpp).
void migrate(database& db);
// The schema version the database is at (0 for a new file).
int schema_version(database& db);
int latest_schema_version();

}  // namespace leadsync::core::sqlite
