package dev.banter.auth;

import dev.banter.support.Backend;

class RegistrationApiSqliteTest extends RegistrationApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
