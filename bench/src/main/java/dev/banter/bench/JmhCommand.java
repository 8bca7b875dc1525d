package dev.banter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Runs the JMH microbenchmarks of {@code dev.banter.bench.jmh}; every argument goes to JMH
 * unchanged.
 */
@Command(
    name = "jmh",
    description =
        "JMH microbenchmarks of Banter's hot paths (frame decoding, event encoding, room fan-out, "
            + "group commit). Arguments are JMH's own: e.g. 'jmh -f 1 -wi 3 -i 5 Fanout'; 'jmh -h' lists them, "
            + "'jmh -l' the benchmarks.")
final class JmhCommand implements Callable<Integer> {
  /**
   * Every argument, in order: this command declares none of its own, so JMH's options reach it
   * intact.
   */
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Main.main(
        args.toArray(
            String[]
                ::new)); // on a bad command line or a failed run it exits the JVM itself (status 1)
    return 0;
  }
}
