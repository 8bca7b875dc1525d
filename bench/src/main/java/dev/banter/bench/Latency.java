package dev.banter.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms (nanoseconds) in a scenario's JSON record: percentiles in milliseconds under a
 * prefix, and, in a client process's record, the histogram itself (compressed, base64) so the
 * runner can merge the processes' histograms before taking percentiles.
 */
final class Latency {
  private static final String HISTOGRAM = "hdr_";

  private Latency() {}

  /** Puts {@code <prefix>p50_ms … max_ms} and, in a client process, {@code hdr_<prefix>}. */
  static void put(Map<String, Object> out, String prefix, Histogram h, boolean forMerge) {
    out.put(prefix + "p50_ms", h.getValueAtPercentile(50) / 1e6);
    out.put(prefix + "p99_ms", h.getValueAtPercentile(99) / 1e6);
    out.put(prefix + "p999_ms", h.getValueAtPercentile(99.9) / 1e6);
    out.put(prefix + "max_ms", h.getMaxValue() / 1e6);
    out.put(prefix + "count", h.getTotalCount());
    if (forMerge) {
      ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
      int n = h.encodeIntoCompressedByteBuffer(buf);
      out.put(
          HISTOGRAM + prefix, Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n)));
    }
  }

  /**
   * Merges every {@code hdr_<prefix>} of the records into {@code out}'s percentiles; drops the
   * encoded ones.
   */
  static void merge(List<Map<String, Object>> records, Map<String, Object> out)
      throws DataFormatException {
    for (String key : List.copyOf(out.keySet())) {
      if (!key.startsWith(HISTOGRAM)) {
        continue;
      }
      Histogram sum = new Histogram(3);
      for (Map<String, Object> r : records) {
        if (r.get(key) instanceof String b64) {
          sum.add(
              Histogram.decodeFromCompressedByteBuffer(
                  ByteBuffer.wrap(Base64.getDecoder().decode(b64)), 0));
        }
      }
      out.remove(key);
      put(out, key.substring(HISTOGRAM.length()), sum, false);
    }
  }
}
