#include "core/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include "core/store.hpp"

namespace leadsync::core::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw store_error(std::string{what} + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK) {
    fail(db_, "prepare failed");
  }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) {
    fail(db_, "bind failed");
  }
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind failed");
  }
  return *this;
}

statement& statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) {
    fail(db_, "bind failed");
  }
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  reset();
  if (rc != SQLITE_DONE) {
    fail(db_, "statement failed");
  }
  return false;
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) {
    return {};
  }
  return std::string{reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

database::database(const std::filesystem::path& path, bool full_sync) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string msg = "cannot open database " + path.string() + ": " +
                            (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    throw store_error(msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  // Deleted and rewritten rows are zeroed, not left in free space: the lead
  // state is rewritten on every event, and `leadsyncctl forget` must leave
  // no old copy of a person behind. In WAL mode whole pages are written
  // anyway, so this costs little I/O.
  exec("PRAGMA secure_delete=ON");
}

database::~database() { sqlite3_close(db_); }

void database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text{sql};
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    throw store_error("sql failed: " + msg);
  }
}

int database::changes() { return sqlite3_changes(db_); }

transaction::transaction(database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (const store_error&) {
      // The connection is already in trouble; the original error is what matters.
    }
  }
}

void transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace leadsync::core::sqlite
