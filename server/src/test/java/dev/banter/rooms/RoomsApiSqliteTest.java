package dev.banter.rooms;

import dev.banter.support.Backend;

class RoomsApiSqliteTest extends RoomsApiContract {
  @Override
  Backend backend() {
    return Backend.SQLITE;
  }
}
