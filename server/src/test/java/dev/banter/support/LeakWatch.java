package dev.banter.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Catches what Netty's leak detector reports (tests run it at {@code paranoid}: every buffer is
 * tracked) so a test can fail on a leaked {@code ByteBuf} instead of leaving a log line nobody
 * reads.
 */
public final class LeakWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final Logger detector;

  private LeakWatch() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    detector = context.getLogger(ResourceLeakDetector.class.getName());
    setContext(context);
    setName("leak-watch");
  }

  /**
   * Starts listening; leaks already collected (by earlier tests) are reported first and forgotten.
   */
  public static LeakWatch install() {
    LeakWatch watch = new LeakWatch();
    watch.start();
    watch.detector.addAppender(watch);
    watch.collect();
    watch.leaks.clear();
    return watch;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getFormattedMessage().contains("LEAK:")) {
      leaks.add(event.getFormattedMessage());
    }
  }

  /**
   * Lets the garbage collector find unreleased buffers and the detector report them: it reports
   * collected leaks each time a new buffer is tracked, so a few buffers are allocated after each
   * GC.
   */
  public List<String> collect() {
    for (int i = 0; i < 5; i++) {
      System.gc();
      for (int j = 0; j < 20; j++) {
        ByteBufAllocator.DEFAULT.buffer(8).release();
        ByteBufAllocator.DEFAULT.directBuffer(8).release();
        Unpooled.directBuffer(8).release();
      }
    }
    return List.copyOf(leaks);
  }

  @Override
  public void close() {
    detector.detachAppender(this);
    stop();
  }
}
