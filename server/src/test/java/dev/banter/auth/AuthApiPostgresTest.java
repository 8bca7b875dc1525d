package dev.banter.auth;

import dev.banter.support.Backend;

class AuthApiPostgresTest extends AuthApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
