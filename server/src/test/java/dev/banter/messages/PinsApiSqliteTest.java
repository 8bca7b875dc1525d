package dev.banter.messages;

import dev.banter.support.Backend;

class PinsApiSqliteTest extends PinsApiContract {
  @Override
  protected Backend backend() {
    return Backend.SQLITE;
  }
}
