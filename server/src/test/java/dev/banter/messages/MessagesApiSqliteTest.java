package dev.banter.messages;

import dev.banter.support.Backend;

class MessagesApiSqliteTest extends MessagesApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
