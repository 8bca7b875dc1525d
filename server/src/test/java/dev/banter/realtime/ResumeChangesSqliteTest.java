package dev.banter.realtime;

import dev.banter.support.Backend;

class ResumeChangesSqliteTest extends ResumeChangesContract {
  @Override
  protected Backend backend() {
    return Backend.SQLITE;
  }
}
