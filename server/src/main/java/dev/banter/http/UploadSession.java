package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Json;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed upload: its chunks are decoded and written to disk, in order, on a virtual thread of
 * its own. It ends — thread finished, decoder destroyed, parts deleted — when its body is done,
 * goes past the caller's allowance, stalls for the target's stall timeout, or its connection
 * closes. The event loop hands it chunks; it hands its answer back to the event loop.
 */
final class UploadSession {
  private static final Logger log = LoggerFactory.getLogger(UploadSession.class);

  /** Room for multipart headers and boundaries above the file's own size. */
  static final long MULTIPART_OVERHEAD = 64 * 1024;

  /** Chunks queued for the thread before the socket stops being read. */
  private static final int PAUSE_AT = 16;

  private static final int RESUME_AT = 4;

  /** Parts one upload may have: the file, and a few fields a client form may add. */
  private static final int MAX_PARTS = 16;

  /** Longest run of part headers the decoder buffers, long file names included. */
  private static final int MAX_PART_HEADERS = 8 * 1024;

  /**
   * Bytes the decoder keeps of what it already decoded before it compacts its buffer (Netty's
   * default: 10 MiB per upload).
   */
  private static final int DECODER_BUFFER = 512 * 1024;

  /** Put in the queue when the connection closes, so the thread stops waiting for chunks. */
  private static final HttpContent CONNECTION_CLOSED =
      new DefaultHttpContent(Unpooled.EMPTY_BUFFER);

  private final ChannelHandlerContext ctx;
  private final HttpRequest request;
  private final Principal uploader;
  private final String requestId;
  private final UploadTarget target;
  private final Metrics metrics;
  private final BiConsumer<UploadSession, FullHttpResponse> done;

  /**
   * Unbounded as a type but not in use: at PAUSE_AT chunks the socket stops being read, so it holds
   * at most that many plus what the read under way had already decoded.
   */
  private final LinkedBlockingQueue<HttpContent> chunks = new LinkedBlockingQueue<>();

  /**
   * Starts the thread. {@code done} runs on the event loop when it has finished, with the answer to
   * send, or null when the client went away.
   */
  UploadSession(
      ChannelHandlerContext ctx,
      HttpRequest request,
      Principal uploader,
      String requestId,
      UploadTarget target,
      Metrics metrics,
      BiConsumer<UploadSession, FullHttpResponse> done) {
    this.ctx = ctx;
    this.request = request;
    this.uploader = uploader;
    this.requestId = requestId;
    this.target = target;
    this.metrics = metrics;
    this.done = done;
    target.receiving().incrementAndGet();
    Thread.ofVirtual().name("banter-upload").start(this::run);
  }

  boolean keepAlive() {
    return HttpUtil.isKeepAlive(request);
  }

  /**
   * Event loop: the next chunk of the body (released by the thread, or by {@link #releaseQueued}).
   */
  void offer(HttpContent content) {
    chunks.add(content);
    if (chunks.size() >= PAUSE_AT) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** Event loop: the connection closed before the body ended. */
  void abort() {
    chunks.add(CONNECTION_CLOSED);
  }

  /** Event loop, once the thread is done: the chunks it never took (it ended early). */
  void releaseQueued() {
    HttpContent left;
    while ((left = chunks.poll()) != null) {
      left.release();
    }
  }

  /** The connection closed before the body ended: the thread stops and cleans up. */
  private static final class Disconnected extends Exception {
    Disconnected() {
      super(null, null, false, false);
    }
  }

  private HttpContent next() throws InterruptedException, Disconnected {
    long timeout = target.stallTimeout().toMillis();
    HttpContent c = chunks.poll(timeout, TimeUnit.MILLISECONDS);
    if (c == null) {
      throw new ApiError(
          408, "request_timeout", "no part of the body arrived for " + timeout + " ms", null);
    }
    if (c == CONNECTION_CLOSED) {
      throw new Disconnected();
    }
    if (chunks.size() <= RESUME_AT && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
    return c;
  }

  private void run() {
    try {
      long started = System.nanoTime();
      FullHttpResponse response = receive();
      if (response != null) {
        long nanos = System.nanoTime() - started;
        metrics.httpRequest("POST", UploadTarget.PATH, response.status().code(), nanos);
        Dispatcher.accessLog(
            "POST",
            UploadTarget.PATH,
            response.status().code(),
            nanos,
            ClientAddress.of(ctx.channel(), request.headers()).ip(),
            requestId);
      }
      ctx.executor().execute(() -> done.accept(this, response));
    } catch (RejectedExecutionException e) {
      releaseQueued(); // the server is stopping: no event loop is left to answer on
    } finally {
      target.receiving().decrementAndGet();
    }
  }

  /**
   * Reads the body to disk and stores it; the answer to send, or null when the client went away.
   */
  private FullHttpResponse receive() {
    HttpPostRequestDecoder decoder = null;
    try {
      UploadTarget.Allowance allowance = target.admit(uploader);
      if (HttpUtil.getContentLength(request, -1L) > allowance.bytes() + MULTIPART_OVERHEAD) {
        throw allowance.exceeded();
      }
      if (HttpUtil.is100ContinueExpected(request)) {
        ctx.writeAndFlush(
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      Files.createDirectories(target.incomingDir());
      DefaultHttpDataFactory factory = new DefaultHttpDataFactory(true);
      factory.setBaseDir(target.incomingDir().toString());
      factory.setDeleteOnExit(false);
      factory.setMaxLimit(allowance.bytes());
      try {
        decoder =
            new HttpPostRequestDecoder(
                factory, request, StandardCharsets.UTF_8, MAX_PARTS, MAX_PART_HEADERS);
      } catch (IndexOutOfBoundsException e) { // Netty reads past an empty "boundary="
        throw ApiError.badRequest("malformed multipart body");
      }
      decoder.setDiscardThreshold(DECODER_BUFFER);
      long bytes = 0;
      HttpContent chunk;
      do {
        chunk = next();
        try {
          // Counted as they arrive, not taken from Content-Length, so that a chunked body is
          // bounded
          // too; the decoder's own limit is per part, and a body may have many.
          bytes += chunk.content().readableBytes();
          if (bytes > allowance.bytes() + MULTIPART_OVERHEAD) {
            throw allowance.exceeded();
          }
          decoder.offer(chunk);
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
          throw e.getCause() instanceof IOException io
                  && String.valueOf(io.getMessage()).contains("Size exceed")
              ? allowance.exceeded()
              : ApiError.badRequest("malformed multipart body");
        } catch (IndexOutOfBoundsException e) {
          // Netty's decoder reads past a part header it cannot split (a Content-Disposition
          // parameter with no value, found by RestFuzzContract): the body is malformed
          throw ApiError.badRequest("malformed multipart body");
        } finally {
          chunk.release();
        }
      } while (!(chunk instanceof LastHttpContent));
      InterfaceHttpData part = decoder.getBodyHttpData(UploadTarget.FIELD);
      if (!(part instanceof FileUpload file) || !file.isCompleted()) {
        throw ApiError.badRequest("a multipart field 'file' is required", UploadTarget.FIELD);
      }
      Path received = target.incomingDir().resolve("part-" + Ids.newId());
      if (!file.renameTo(received.toFile())) {
        throw new IOException("cannot move the received file");
      }
      Object result = target.store(uploader, received, file.getFilename(), file.length());
      return Dispatcher.response(
          HttpResponseStatus.CREATED,
          Json.write(result),
          Dispatcher.JSON_TYPE,
          Map.of(),
          requestId);
    } catch (Disconnected e) {
      log.debug("upload abandoned by its client (request id {})", requestId);
      return null;
    } catch (HttpPostRequestDecoder.NotEnoughDataDecoderException
        | HttpPostRequestDecoder.ErrorDataDecoderException e) {
      return Dispatcher.error(ApiError.badRequest("malformed multipart body"), requestId);
    } catch (HttpPostRequestDecoder.TooManyFormFieldsException e) {
      return Dispatcher.error(
          ApiError.badRequest("an upload has at most " + MAX_PARTS + " parts"), requestId);
    } catch (HttpPostRequestDecoder.TooLongFormFieldException e) {
      return Dispatcher.error(ApiError.badRequest("a part's headers are too long"), requestId);
    } catch (DecoderException e) { // any other malformed body (a form that is not multipart, say)
      return Dispatcher.error(ApiError.badRequest("malformed multipart body"), requestId);
    } catch (ApiError e) {
      return Dispatcher.error(e, requestId);
    } catch (Exception e) {
      log.error("upload failed (request id {})", requestId, e);
      return Dispatcher.error(
          new ApiError(500, "internal", "internal error", Map.of("request_id", requestId)),
          requestId);
    } finally {
      if (decoder != null) {
        decoder.destroy(); // deletes the parts it wrote, a half-written one included
      }
      ctx.channel().config().setAutoRead(true);
    }
  }
}
