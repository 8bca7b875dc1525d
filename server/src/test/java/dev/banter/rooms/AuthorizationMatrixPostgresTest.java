package dev.banter.rooms;

import dev.banter.support.Backend;

class AuthorizationMatrixPostgresTest extends AuthorizationMatrixContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
