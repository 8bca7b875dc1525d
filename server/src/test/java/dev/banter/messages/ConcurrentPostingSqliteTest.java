package dev.banter.messages;

import dev.banter.support.Backend;

class ConcurrentPostingSqliteTest extends ConcurrentPostingContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
