package dev.banter.messages;

import dev.banter.support.Backend;

class ConversationsPostgresTest extends ConversationsContract {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
