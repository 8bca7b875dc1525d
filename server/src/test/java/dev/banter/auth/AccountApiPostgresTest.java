package dev.banter.auth;

import dev.banter.support.Backend;

class AccountApiPostgresTest extends AccountApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
