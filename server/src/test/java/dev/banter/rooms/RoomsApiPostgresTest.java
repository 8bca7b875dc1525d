package dev.banter.rooms;

import dev.banter.support.Backend;

class RoomsApiPostgresTest extends RoomsApiContract {
  @Override
  Backend backend() {
    return Backend.POSTGRES;
  }
}
