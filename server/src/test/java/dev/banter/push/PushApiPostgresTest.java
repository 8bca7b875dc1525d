package dev.banter.push;

import dev.banter.support.Backend;

class PushApiPostgresTest extends PushApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
