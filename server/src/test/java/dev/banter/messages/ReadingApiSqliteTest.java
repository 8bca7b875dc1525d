package dev.banter.messages;

import dev.banter.support.Backend;

class ReadingApiSqliteTest extends ReadingApiContract {
  @Override
  protected Backend backend() {
    return Backend.SQLITE;
  }
}
