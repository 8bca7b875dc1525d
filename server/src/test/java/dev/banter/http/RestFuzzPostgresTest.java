package dev.banter.http;

import dev.banter.support.Backend;
import dev.banter.support.FuzzBudget;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** {@link RestFuzzContract} on PostgreSQL (whose text refuses NUL), with 40% of the tries. */
@FuzzBudget.Share(0.4)
class RestFuzzPostgresTest extends RestFuzzContract {
  @BeforeContainer
  static void start() {
    startOn(Backend.POSTGRES);
  }

  @AfterContainer
  static void stop() {
    stopAndCheckForLeaks();
  }
}
