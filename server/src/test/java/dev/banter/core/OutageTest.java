package dev.banter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageTest {

  @Test
  void anOutageIsLoggedWhenItStartsAndWhenItEndsNotPerAttempt() {
    Logger log = (Logger) LoggerFactory.getLogger("outage-test");
    log.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    Outage outage = new Outage(log, "calling the thing", "working without it meanwhile");

    outage.succeeded(); // nothing was down: nothing to say
    for (int i = 0; i < 5; i++) {
      outage.failed(new IOException("refused " + i));
    }
    outage.succeeded();
    outage.succeeded();
    outage.failed(new IOException("refused again"));

    assertThat(lines.list)
        .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
        .containsExactly(
            tuple(
                Level.WARN,
                "calling the thing fails (java.io.IOException: refused 0); working without it meanwhile"),
            tuple(Level.INFO, "calling the thing works again"),
            tuple(
                Level.WARN,
                "calling the thing fails (java.io.IOException: refused again); working without it meanwhile"));
  }
}
