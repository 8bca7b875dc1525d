package dev.banter.auth;

import dev.banter.support.Backend;

class RegistrationApiPostgresTest extends RegistrationApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
