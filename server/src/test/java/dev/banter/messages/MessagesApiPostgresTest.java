package dev.banter.messages;

import dev.banter.support.Backend;

class MessagesApiPostgresTest extends MessagesApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
