package dev.banter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The live heap read from jcmd's GC.heap_info text, whichever collector the server runs. */
class ServerMemoryTest {
  @Test
  void g1ReportsOneHeapLine() {
    String g1 =
        """
        12345:
         garbage-first heap   total reserved 6291456K, committed 262144K, used 71329K [0x0000000680000000, 0x0000000800000000)
          region size 4096K, 5 young (20480K), 0 survivors (0K)
         Metaspace       used 52340K, committed 52864K, reserved 1114112K
          class space    used 6543K, committed 6784K, reserved 1048576K
        """;
    assertThat(ServerMemory.liveHeapKib(g1)).isEqualTo(71329);
  }

  @Test
  void serialAndParallelAreAddedUpOverTheirGenerations() {
    String serial =
        """
        def new generation   total 78656K, used 1400K [0x0000000600000000, 0x0000000605550000, 0x0000000655550000)
          eden space 69952K,   2% used [0x0000000600000000, 0x000000060015e1e8, 0x0000000604450000)
         Tenured generation   total 258048K, used 42846K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
           the  space 258048K,  16% used [0x0000000704d50000, 0x0000000707727818, 0x0000000714950000)
         Metaspace       used 52340K, committed 52864K, reserved 1114112K
        """;
    assertThat(ServerMemory.liveHeapKib(serial)).isEqualTo(1400 + 42846);
    String parallel =
        """
         PSYoungGen      total 76288K, used 2621K [0x000000076ab00000, 0x0000000770000000, 0x00000007c0000000)
         ParOldGen       total 175104K, used 30000K [0x00000006c0000000, 0x00000006cab00000, 0x000000076ab00000)
        """;
    assertThat(ServerMemory.liveHeapKib(parallel)).isEqualTo(32621);
  }

  @Test
  void textWithoutAHeapLineIsRefused() {
    assertThatThrownBy(() -> ServerMemory.liveHeapKib("12345:\nno such command\n"))
        .isInstanceOf(IllegalStateException.class);
  }
}
