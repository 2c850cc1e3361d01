#pragma once
// Counting rows with plain SQLite, independently of the store code under test.

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace hie::testing {

/// `SELECT count(*) FROM table WHERE where` on a read-only connection; -1 when it fails.
inline std::int64_t count_rows(const std::string& path, const std::string& where = "1",
                               const std::string& table = "journal") {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table + " WHERE " + where).c_str(), -1, &stmt, nullptr);
  std::int64_t n = -1;
  if (stmt && sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

}  // namespace hie::testing
