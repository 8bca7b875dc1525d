package dev.banter.messages;

import dev.banter.support.Backend;

class PinsApiPostgresTest extends PinsApiContract {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
