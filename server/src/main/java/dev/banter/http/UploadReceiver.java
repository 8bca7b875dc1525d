package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Json;
import dev.banter.core.Principal;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code POST /api/v1/uploads} to disk instead of aggregating it: the caller is
 * authenticated and the declared size checked before the body is read; the parts are decoded
 * and written on a virtual thread (file I/O never runs on the event loop), with reading paused
 * while that thread is behind. The bytes that arrive are counted against the caller's allowance
 * whatever the framing (a chunked body declares no length). An upload ends, its thread finished
 * and its part deleted, when its body is done, goes past the allowance, stalls for the target's
 * stall timeout, or its connection closes. Every other request passes through untouched.
 */
final class UploadReceiver extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(UploadReceiver.class);
  /** Chunks queued for the writer thread before the socket stops being read. */
  private static final int PAUSE_AT = 16;
  private static final int RESUME_AT = 4;
  /** Room for multipart headers and boundaries above the file's own size. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;
  /** Parts one upload may have: the file, and a few fields a client form may add. */
  private static final int MAX_PARTS = 16;
  /** Longest run of part headers the decoder buffers, long file names included. */
  private static final int MAX_PART_HEADERS = 8 * 1024;
  /** Bytes the decoder keeps of what it already decoded before it compacts its buffer (Netty's default: 10 MiB per upload). */
  private static final int DECODER_BUFFER = 512 * 1024;
  /**
   * The rest of a refused body is read and dropped, at most this much for at most this long,
   * then the connection is closed: closing on unread bytes resets the connection, which can
   * destroy the answer before the client reads it, but a body that never ends must not hold it.
   */
  private static final long DISCARD_BYTES = 4 * 1024 * 1024;
  private static final long DISCARD_MILLIS = 2_000;
  /** Put in a session's queue when its connection closes, so its thread stops waiting for chunks. */
  private static final HttpContent CONNECTION_CLOSED = new DefaultHttpContent(Unpooled.EMPTY_BUFFER);

  private final HttpServer.Context context;
  private final UploadTarget target;
  /** The upload whose body is arriving; event loop only. */
  private Session session;
  /** The refused body being dropped; event loop only. */
  private Discard discard;

  UploadReceiver(HttpServer.Context context, UploadTarget target) {
    this.context = context;
    this.target = target;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && !(msg instanceof FullHttpRequest) && isUpload(req)) {
      start(ctx, req);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content && session != null) {
      Session s = session;
      if (msg instanceof LastHttpContent) {
        session = null;
      }
      s.offer(content);
      return;
    }
    if (msg instanceof HttpContent content && discard != null) {
      discard.drop(content);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      session.abort();
      session = null;
    }
    if (discard != null) {
      discard.end();
    }
    ctx.fireChannelInactive();
  }

  private static boolean isUpload(HttpRequest req) {
    return req.method().equals(HttpMethod.POST) && new QueryStringDecoder(req.uri()).path().equals(UploadTarget.PATH);
  }

  private void start(ChannelHandlerContext ctx, HttpRequest req) {
    String requestId = Ids.randomToken(9);
    try {
      String header = req.headers().get("Authorization", "");
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw ApiError.unauthorized("missing bearer token");
      }
      String ip = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
      context.apiLimiter().check(ip);
      Principal p = context.authenticator().authenticate(header.substring(7).strip());
      if (HttpUtil.getContentLength(req, -1L) > target.maxBytes() + MULTIPART_OVERHEAD) {
        throw ApiError.payloadTooLarge("files are limited to " + target.maxBytes() + " bytes");
      }
      session = new Session(ctx, req, p, requestId, HttpUtil.isKeepAlive(req));
    } catch (ApiError e) {
      // Refused before reading the body: the connection may serve the next request once the body is dropped.
      refuse(ctx, Dispatcher.error(e, requestId), HttpUtil.isKeepAlive(req));
    }
  }

  /** Answers now a request whose body is still arriving, then drops the rest of that body. */
  private void refuse(ChannelHandlerContext ctx, FullHttpResponse answer, boolean keepAlive) {
    answer.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(answer);
    discard = new Discard(ctx, keepAlive);
  }

  /** Runs on the event loop when a session's thread is done. */
  private void finish(ChannelHandlerContext ctx, Session s, FullHttpResponse response, boolean stored) {
    s.releaseQueued();
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    if (session != s) {
      Dispatcher.write(ctx.channel(), response, s.keepAlive && stored, false);
    } else if (response.status().equals(HttpResponseStatus.REQUEST_TIMEOUT)) {
      session = null; // the client sends nothing: nothing to drop
      Dispatcher.write(ctx.channel(), response, false, false);
    } else {
      session = null; // ended before its body did
      refuse(ctx, response, false);
    }
  }

  /** The rest of a refused body, dropped as it arrives; event loop only. */
  private final class Discard {
    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final ScheduledFuture<?> deadline;
    private long dropped;

    Discard(ChannelHandlerContext ctx, boolean keepAlive) {
      this.ctx = ctx;
      this.keepAlive = keepAlive;
      this.deadline = ctx.executor().schedule(this::giveUp, DISCARD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void drop(HttpContent content) {
      dropped += content.content().readableBytes();
      boolean last = content instanceof LastHttpContent;
      content.release();
      if (last) {
        end();
        if (!keepAlive) {
          ctx.close();
        }
      } else if (dropped > DISCARD_BYTES) {
        giveUp();
      }
    }

    private void giveUp() {
      if (discard == this) {
        end();
        ctx.close();
      }
    }

    void end() {
      deadline.cancel(false);
      if (discard == this) {
        discard = null;
      }
    }
  }

  /** The connection closed before the body ended: the session's thread stops and cleans up. */
  private static final class Disconnected extends Exception {
    Disconnected() {
      super(null, null, false, false);
    }
  }

  /** One upload: its chunks are decoded and written to disk, in order, on one virtual thread. */
  private final class Session {
    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final Principal uploader;
    private final String requestId;
    private final boolean keepAlive;
    /**
     * Unbounded as a type but not in use: at PAUSE_AT chunks the socket stops being read, so it
     * holds at most that many plus what the read under way had already decoded.
     */
    private final LinkedBlockingQueue<HttpContent> chunks = new LinkedBlockingQueue<>();

    Session(ChannelHandlerContext ctx, HttpRequest request, Principal uploader, String requestId, boolean keepAlive) {
      this.ctx = ctx;
      this.request = request;
      this.uploader = uploader;
      this.requestId = requestId;
      this.keepAlive = keepAlive;
      target.receiving().incrementAndGet();
      Thread.ofVirtual().name("banter-upload").start(this::run);
    }

    void offer(HttpContent content) {
      chunks.add(content);
      if (chunks.size() >= PAUSE_AT) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    void abort() {
      chunks.add(CONNECTION_CLOSED);
    }

    /** Chunks the thread never took (it ended early); called on the event loop, which queues them. */
    void releaseQueued() {
      HttpContent left;
      while ((left = chunks.poll()) != null) {
        left.release();
      }
    }

    private HttpContent next() throws InterruptedException, Disconnected {
      long timeout = target.stallTimeout().toMillis();
      HttpContent c = chunks.poll(timeout, TimeUnit.MILLISECONDS);
      if (c == null) {
        throw new ApiError(408, "request_timeout", "no part of the body arrived for " + timeout + " ms", null);
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
        if (response == null) { // abandoned: nobody to answer
          ctx.executor().execute(this::releaseQueued);
          return;
        }
        context.metrics().httpRequest("POST", UploadTarget.PATH, response.status().code(), System.nanoTime() - started);
        boolean stored = response.status().equals(HttpResponseStatus.CREATED);
        ctx.executor().execute(() -> finish(ctx, this, response, stored));
      } catch (RejectedExecutionException e) {
        releaseQueued(); // the server is stopping: no event loop is left to answer on
      } finally {
        target.receiving().decrementAndGet();
      }
    }

    /** Reads the body to disk and stores it; the answer to send, or null when the client went away. */
    private FullHttpResponse receive() {
      HttpPostRequestDecoder decoder = null;
      try {
        UploadTarget.Allowance allowance = target.admit(uploader);
        if (HttpUtil.getContentLength(request, -1L) > allowance.bytes() + MULTIPART_OVERHEAD) {
          throw allowance.exceeded();
        }
        if (HttpUtil.is100ContinueExpected(request)) {
          ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        Files.createDirectories(target.incomingDir());
        DefaultHttpDataFactory factory = new DefaultHttpDataFactory(true);
        factory.setBaseDir(target.incomingDir().toString());
        factory.setDeleteOnExit(false);
        factory.setMaxLimit(allowance.bytes());
        decoder = new HttpPostRequestDecoder(factory, request, StandardCharsets.UTF_8, MAX_PARTS, MAX_PART_HEADERS);
        decoder.setDiscardThreshold(DECODER_BUFFER);
        long bytes = 0;
        HttpContent chunk;
        do {
          chunk = next();
          try {
            // Counted as they arrive, not taken from Content-Length, so that a chunked body is bounded too.
            bytes += chunk.content().readableBytes();
            if (bytes > allowance.bytes() + MULTIPART_OVERHEAD) {
              throw allowance.exceeded();
            }
            decoder.offer(chunk);
          } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw e.getCause() instanceof IOException io && String.valueOf(io.getMessage()).contains("Size exceed")
                ? allowance.exceeded() : ApiError.badRequest("malformed multipart body");
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
        return Dispatcher.response(HttpResponseStatus.CREATED, Json.write(result), Dispatcher.JSON_TYPE, Map.of(),
            requestId);
      } catch (Disconnected e) {
        log.debug("upload abandoned by its client (request id {})", requestId);
        return null;
      } catch (HttpPostRequestDecoder.NotEnoughDataDecoderException | HttpPostRequestDecoder.ErrorDataDecoderException e) {
        return Dispatcher.error(ApiError.badRequest("malformed multipart body"), requestId);
      } catch (HttpPostRequestDecoder.TooManyFormFieldsException e) {
        return Dispatcher.error(ApiError.badRequest("an upload has at most " + MAX_PARTS + " parts"), requestId);
      } catch (HttpPostRequestDecoder.TooLongFormFieldException e) {
        return Dispatcher.error(ApiError.badRequest("a part's headers are too long"), requestId);
      } catch (ApiError e) {
        return Dispatcher.error(e, requestId);
      } catch (Exception e) {
        log.error("upload failed (request id {})", requestId, e);
        return Dispatcher.error(new ApiError(500, "internal", "internal error", Map.of("request_id", requestId)),
            requestId);
      } finally {
        if (decoder != null) {
          decoder.destroy(); // deletes the parts it wrote, a half-written one included
        }
        ctx.channel().config().setAutoRead(true);
      }
    }
  }
}
