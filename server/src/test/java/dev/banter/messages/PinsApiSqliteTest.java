package dev.banter.messages;

import dev.banter.support.Backend;

class PinsApiSqliteTest extends PinsApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
