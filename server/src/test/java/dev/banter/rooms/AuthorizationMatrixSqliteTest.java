package dev.banter.rooms;

import dev.banter.support.Backend;

class AuthorizationMatrixSqliteTest extends AuthorizationMatrixContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
