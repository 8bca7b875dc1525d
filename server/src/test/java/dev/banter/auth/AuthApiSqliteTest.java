package dev.banter.auth;

import dev.banter.support.Backend;

class AuthApiSqliteTest extends AuthApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
