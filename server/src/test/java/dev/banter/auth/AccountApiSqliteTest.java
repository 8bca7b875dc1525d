package dev.banter.auth;

import dev.banter.support.Backend;

class AccountApiSqliteTest extends AccountApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
