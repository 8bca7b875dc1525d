package dev.banter.messages;

import dev.banter.support.Backend;

class ReadingApiPostgresTest extends ReadingApiContract {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
