package dev.banter.messages;

import dev.banter.support.Backend;

class ConversationsPostgresTest extends ConversationsContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
