package dev.banter.http;

import dev.banter.support.Backend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** {@link RestFuzzContract} on SQLite, with every try the properties declare. */
class RestFuzzSqliteTest extends RestFuzzContract {
  @BeforeContainer
  static void start() {
    startOn(Backend.SQLITE);
  }

  @AfterContainer
  static void stop() {
    stopAndCheckForLeaks();
  }
}
