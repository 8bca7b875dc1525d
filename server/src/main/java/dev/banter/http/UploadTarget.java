package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Where a streamed upload ({@code POST /api/v1/uploads}, multipart field {@code file}) ends up. */
public interface UploadTarget {
  String PATH = "/api/v1/uploads";
  String FIELD = "file";

  /** Largest accepted file, in bytes (a larger one is 413 before or while it arrives). */
  long maxBytes();

  /** The folder where parts are written while they arrive. */
  Path incomingDir();

  /** A body that brings no byte for this long ends its upload (408) and its part is deleted. */
  Duration stallTimeout();

  /**
   * What {@code uploader} may send now (the file limit, or less when a quota is nearly spent);
   * throws {@code ApiError} when nothing. Runs on the upload's virtual thread before its body is
   * read; it may query the database.
   */
  Allowance admit(Principal uploader);

  /**
   * Takes the received file (a temporary file that the target moves or deletes) and returns the
   * response body; runs on a virtual thread; throws {@code ApiError} for bad input.
   */
  Object store(Principal uploader, Path file, String clientName, long size);

  /**
   * Uploads whose thread is running: the receiver counts them, /metrics and the tests read them.
   */
  AtomicInteger receiving();

  /**
   * The bytes one upload may bring, and the answer when its body goes past them (413 for the file
   * limit or the stored total, 429 with retry_after_ms for the daily quota).
   */
  record Allowance(long bytes, ApiError exceeded) {}
}
