package dev.banter.messages;

import dev.banter.support.Backend;

class ReadingApiPostgresTest extends ReadingApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
