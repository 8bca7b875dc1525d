package dev.banter.realtime;

import dev.banter.support.Backend;

class ResumeChangesSqliteTest extends ResumeChangesContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
