package dev.banter.realtime;

import dev.banter.support.Backend;

class ResumeChangesPostgresTest extends ResumeChangesContract {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
