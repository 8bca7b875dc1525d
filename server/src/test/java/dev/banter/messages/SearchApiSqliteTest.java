package dev.banter.messages;

import dev.banter.support.Backend;

class SearchApiSqliteTest extends SearchApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
