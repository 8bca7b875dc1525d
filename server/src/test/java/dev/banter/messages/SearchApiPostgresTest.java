package dev.banter.messages;

import dev.banter.support.Backend;

class SearchApiPostgresTest extends SearchApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
