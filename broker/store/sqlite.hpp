#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements, errors as
// Result values naming the SQL that failed (never the bound values, which may be patient data).

#include <cstdint>
#include <string>
#include <string_view>

#include "broker/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace hie::store {

class Statement;

enum class OpenMode { read_write, read_only };

class Database {
 public:
  /// Opens the database file, creating it in read_write mode. Used from one thread at a time.
  static Result<Database> open(const std::string& path, OpenMode mode = OpenMode::read_write);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  /// Runs one or more statements that return no rows.
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  /// PRAGMA user_version: the schema version.
  Result<std::int64_t> user_version();

  sqlite3* handle() const { return db_; }
  std::string last_error() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

/// A prepared statement; reset and reused for every row written.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  /// Bind by 1-based index. Text and blobs are copied by SQLite (SQLITE_TRANSIENT).
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind(int index, std::int64_t value);
  /// Next row: true when a row is ready, false when done.
  Result<bool> step();
  /// Runs a statement that returns no rows.
  Status run();
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

}  // namespace hie::store
