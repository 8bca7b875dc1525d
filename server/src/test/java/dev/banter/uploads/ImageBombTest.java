package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An image that is small on the wire and huge once decoded costs the server next to nothing: its
 * size is read from the header and it gets no thumbnail; an image within the pixel budget is
 * decoded subsampled, never at full size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageBombTest {
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  TestServer server;
  Account alice;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    alice = server.api().register("alice");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /**
   * A valid grayscale PNG of {@code width}×{@code height} pixels, all black: every row is a zero
   * filter byte and zero samples, which deflate to about a thousandth of their size.
   */
  static byte[] blackPng(int width, int height, int bitDepth) throws IOException {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] row = new byte[1 + (int) (((long) width * bitDepth + 7) / 8)];
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
      for (int y = 0; y < height; y++) {
        z.write(row);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(png);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.writeByte(bitDepth);
    h.writeByte(0); // grayscale
    h.writeByte(0); // deflate
    h.writeByte(0); // adaptive filtering
    h.writeByte(0); // not interlaced
    chunk(out, "IHDR", ihdr.toByteArray());
    chunk(out, "IDAT", idat.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    out.writeInt((int) crc.getValue());
  }

  /**
   * What the upload took: the time and the bytes every thread of this JVM (the server's too)
   * allocated.
   */
  private record Cost(Reply reply, Duration time, long allocated) {}

  private Cost upload(String name, byte[] image) {
    long allocatedBefore = THREADS.getTotalThreadAllocatedBytes();
    long started = System.nanoTime();
    Reply r = Multipart.upload(server.baseUrl(), alice, name, image);
    return new Cost(
        r,
        Duration.ofNanos(System.nanoTime() - started),
        THREADS.getTotalThreadAllocatedBytes() - allocatedBefore);
  }

  @Test
  void aDecompressionBombIsStoredAtOnceWithoutAThumbnail() throws Exception {
    byte[] bomb = blackPng(30_000, 30_000, 1); // 110 KB declaring 900 megapixels
    Cost cost = upload("bomb.png", bomb);

    assertThat(cost.reply().status()).isEqualTo(201);
    assertThat(cost.reply().json().get("content_type").asText()).isEqualTo("image/png");
    String id = cost.reply().json().get("id").asText();
    assertThat(
            Multipart.download(server.baseUrl(), alice, "/api/v1/uploads/" + id + "/thumbnail")
                .statusCode())
        .isEqualTo(404);
    assertThat(Multipart.download(server.baseUrl(), alice, "/api/v1/uploads/" + id).body())
        .isEqualTo(bomb);
    // Sanity bounds, not a benchmark: decoded whole it took 20 s and allocated 118 MB (an 8-bit
    // one: 42 s, 22 GB).
    assertThat(cost.time()).isLessThan(Duration.ofSeconds(10));
    assertThat(cost.allocated()).as("bytes allocated").isLessThan(64L << 20);
  }

  @Test
  void anImageWithinTheBudgetIsThumbnailedFromASubsampledDecode() throws Exception {
    byte[] photo = blackPng(6_000, 4_000, 8); // 24 megapixels: a 24 MB raster if decoded whole
    Cost cost = upload("photo.png", photo);

    assertThat(cost.reply().status()).isEqualTo(201);
    String id = cost.reply().json().get("id").asText();
    HttpResponse<byte[]> thumb =
        Multipart.download(server.baseUrl(), alice, "/api/v1/uploads/" + id + "/thumbnail");
    assertThat(thumb.statusCode()).isEqualTo(200);
    BufferedImage t = ImageIO.read(new ByteArrayInputStream(thumb.body()));
    assertThat(t.getWidth()).isEqualTo(320);
    assertThat(t.getHeight()).isBetween(212, 214);
    assertThat(cost.allocated()).as("bytes allocated").isLessThan(16L << 20);
  }
}
