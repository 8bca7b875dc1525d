package dev.banter.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * banter-bench: Banter's load generator and benchmarks. Every scenario is bounded in time and stops
 * by itself.
 */
@Command(
    name = "banter-bench",
    mixinStandardHelpOptions = true,
    version = "banter-bench 0.1",
    subcommands = {
      CommitBench.class,
      NotifyBench.class,
      SearchBench.class,
      ConnectBench.class,
      FanoutBench.class,
      StoreBench.class,
      HistoryBench.class,
      ResumeBench.class,
      BaselineServer.class,
      JmhCommand.class
    },
    description =
        "Measures Banter. Each subcommand prints one JSON record per run and a one-line summary.")
public final class BanterBench implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    ClientProcesses.commandLine = args.clone();
    System.exit(new CommandLine(new BanterBench()).execute(args));
  }
}
