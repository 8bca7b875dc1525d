package dev.banter.http;

import dev.banter.support.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RestFuzzContract} on SQLite, with every try the properties declare. */
class RestFuzzSqliteTest extends RestFuzzContract {
  @BeforeAll
  static void start() {
    startOn(Backend.SQLITE);
  }

  @AfterAll
  static void stop() {
    stopAndCheckForLeaks();
  }
}
