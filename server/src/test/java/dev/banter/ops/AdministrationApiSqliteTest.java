package dev.banter.ops;

import dev.banter.support.Backend;

class AdministrationApiSqliteTest extends AdministrationApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
