package dev.banter.http;

import dev.banter.core.Principal;
import java.nio.file.Path;

/** Where a streamed upload ({@code POST /api/v1/uploads}, multipart field {@code file}) ends up. */
public interface UploadTarget {
  String PATH = "/api/v1/uploads";
  String FIELD = "file";

  /** Largest accepted file, in bytes (a larger one is 413 before or while it arrives). */
  long maxBytes();

  /** The folder where parts are written while they arrive. */
  Path incomingDir();

  /**
   * Takes the received file (a temporary file that the target moves or deletes) and returns the
   * response body; runs on a virtual thread; throws {@code ApiError} for bad input.
   */
  Object store(Principal uploader, Path file, String clientName, long size);
}
