package dev.banter.support;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;

/**
 * What the server (running in this JVM) holds: live heap after a full collection plus the direct
 * memory of Netty's default allocator, where socket buffers and download chunks live.
 */
public final class Memory {
  private Memory() {}

  /** Bytes in use, in MiB, after collecting garbage. */
  public static long usedMiB() {
    var memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    memory.gc(); // the second pass clears what finalization and reference processing freed in the
    // first
    long heap = memory.getHeapMemoryUsage().getUsed();
    long direct =
        ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
            ? p.metric().usedDirectMemory()
            : 0;
    return (heap + direct) >> 20;
  }
}
