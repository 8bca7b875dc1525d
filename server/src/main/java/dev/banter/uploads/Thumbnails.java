package dev.banter.uploads;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PNG thumbnails of uploaded images, made so that a hostile image costs little: the size is read
 * from the header first and an image over {@link #PIXEL_BUDGET} gets none (a few hundred KB of PNG
 * can declare 30000×30000 pixels, a 900 MB raster); the rest is decoded subsampled, so the raster
 * held is near the thumbnail's size; and only {@link #AT_ONCE} are decoded at a time.
 */
final class Thumbnails {
  private static final Logger log = LoggerFactory.getLogger(Thumbnails.class);
  static final int SIZE_PX = 320;

  /**
   * 40 megapixels: above any phone or common camera photo (a 50 MP sensor's 8160×6120 is the rare
   * exception and just gets no thumbnail). Decoding still reads every pixel even when subsampled,
   * about a second of CPU at this size.
   */
  static final long PIXEL_BUDGET = 40_000_000;

  /** Decodes at once: each takes a core while it runs. */
  static final int AT_ONCE = 2;

  /**
   * Uploads that may wait for a decode slot. When that many already wait, an image gets no
   * thumbnail (its thumbnail route answers 404) instead of another waiter: a flood of images can
   * neither pile up threads nor hold uploads behind it.
   */
  static final int WAITING = 8;

  /** The longest one upload waits for a slot before it goes without a thumbnail. */
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Semaphore slots = new Semaphore(AT_ONCE, true);
  private final AtomicInteger admitted = new AtomicInteger();

  /**
   * Writes a PNG thumbnail of {@code image} to {@code thumb}; false when there is none to make, or
   * no room now.
   */
  boolean make(Path image, Path thumb) {
    if (admitted.incrementAndGet() > AT_ONCE + WAITING) {
      admitted.decrementAndGet();
      log.info(
          "no thumbnail for {}: {} images are being thumbnailed or waiting",
          image.getFileName(),
          AT_ONCE + WAITING);
      return false;
    }
    try {
      if (!slots.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.info("no thumbnail for {}: no decode slot within {}", image.getFileName(), WAIT);
        return false;
      }
      try {
        return render(image, thumb);
      } finally {
        slots.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      admitted.decrementAndGet();
    }
  }

  private static boolean render(Path image, Path thumb) {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return false; // not an image ImageIO reads (WebP, for one)
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if ((long) width * height > PIXEL_BUDGET) {
          log.info(
              "no thumbnail for {}: {}×{} is over the budget of {} pixels",
              image.getFileName(),
              width,
              height,
              PIXEL_BUDGET);
          return false;
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step =
            Math.max(
                1, Math.max(width, height) / SIZE_PX); // the decoded raster is 1–2× the thumbnail
        param.setSourceSubsampling(step, step, 0, 0);
        return ImageIO.write(scaled(reader.read(0, param)), "png", thumb.toFile());
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      log.info(
          "no thumbnail for {}: {}", image.getFileName(), e.toString()); // a damaged or odd image
      return false;
    }
  }

  private static BufferedImage scaled(BufferedImage src) {
    double scale = Math.min(1.0, (double) SIZE_PX / Math.max(src.getWidth(), src.getHeight()));
    int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    var g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
