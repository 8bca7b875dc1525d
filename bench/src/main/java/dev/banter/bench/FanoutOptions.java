package dev.banter.bench;

import picocli.CommandLine.Option;

/**
 * The load of the scenarios built on fan-out: rooms × members, senders at a total rate, warm-up and
 * measured window.
 */
final class FanoutOptions {
  @Option(
      names = "--rooms",
      defaultValue = "100",
      description = "rooms (default: ${DEFAULT-VALUE})")
  int rooms = 100;

  @Option(
      names = "--members",
      defaultValue = "50",
      description = "members per room, each one connection (default: ${DEFAULT-VALUE})")
  int members = 50;

  @Option(
      names = "--senders",
      defaultValue = "100",
      description = "members that post, spread over the rooms (default: ${DEFAULT-VALUE})")
  int senders = 100;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      description = "total messages per second posted (default: ${DEFAULT-VALUE})")
  int rate = 2000;

  @Option(
      names = "--seconds",
      defaultValue = "30",
      description = "measured seconds (default: ${DEFAULT-VALUE})")
  int seconds = 30;

  @Option(
      names = "--warmup",
      defaultValue = "30",
      description = "warm-up seconds at the same load (default: ${DEFAULT-VALUE})")
  int warmup = 30;

  @Option(
      names = "--mention-every",
      defaultValue = "0",
      description =
          "every Nth message of a sender mentions another member of its room by name; 0: none"
              + " (default: ${DEFAULT-VALUE})")
  int mentionEvery;
}
