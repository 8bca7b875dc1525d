package dev.banter.http;

import dev.banter.support.Backend;
import dev.banter.support.FuzzBudget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RestFuzzContract} on PostgreSQL (whose text refuses NUL), with 40% of the tries. */
@FuzzBudget.Share(0.4)
class RestFuzzPostgresTest extends RestFuzzContract {
  @BeforeAll
  static void start() {
    startOn(Backend.POSTGRES);
  }

  @AfterAll
  static void stop() {
    stopAndCheckForLeaks();
  }
}
