package dev.banter.messages;

import dev.banter.support.Backend;

class ConcurrentPostingPostgresTest extends ConcurrentPostingContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
