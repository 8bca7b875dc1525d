package dev.banter.messages;

import dev.banter.support.Backend;

class ConversationsSqliteTest extends ConversationsContract {
  @Override
  protected Backend backend() {
    return Backend.SQLITE;
  }
}
