package dev.banter.push;

import dev.banter.support.Backend;

class PushApiSqliteTest extends PushApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
