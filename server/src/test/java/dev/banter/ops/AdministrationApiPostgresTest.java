package dev.banter.ops;

import dev.banter.support.Backend;

class AdministrationApiPostgresTest extends AdministrationApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
