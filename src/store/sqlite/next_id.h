// New ids on SQLite that no deleted row ever had (migration 8). An INTEGER PRIMARY KEY without
// AUTOINCREMENT takes the largest id + 1, so deleting the newest rows (an event and its photos,
// an account) would hand their ids to the next rows: a browser holding a deleted photo's
// thumbnail under its immutable URL would show it for a new photo. id_floors keeps the largest id
// each table ever deleted (triggers), and every insert takes the next id above both.
#pragma once

// The SQL expression of `table`'s next id; `table` is a string literal (users, events, photos,
// faces, selfies, jobs).
#define FINDME_NEXT_ID(table)                                  \
  "(SELECT max(last, (SELECT coalesce(max(id), 0) FROM " table \
  ")) + 1 FROM id_floors "                                     \
  "WHERE tbl = '" table "')"
