package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Json;
import dev.banter.core.Principal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code POST /api/v1/uploads} to disk instead of aggregating it: the caller is
 * authenticated and the declared size checked before the body is read; the parts are decoded
 * and written on a virtual thread (file I/O never runs on the event loop), with reading paused
 * while that thread is behind. Every other request passes through untouched.
 */
final class UploadReceiver extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(UploadReceiver.class);
  /** Chunks queued for the writer thread before the socket stops being read. */
  private static final int PAUSE_AT = 16;
  private static final int RESUME_AT = 4;
  /** Room for multipart headers and boundaries above the file's own size. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  private final HttpServer.Context context;
  private final UploadTarget target;
  private Session session;
  private boolean discarding;

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
    if (msg instanceof HttpContent content && (session != null || discarding)) {
      boolean last = msg instanceof LastHttpContent;
      if (session != null) {
        session.offer(content);
      } else {
        content.release();
      }
      if (last) {
        session = null;
        discarding = false;
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean isUpload(HttpRequest req) {
    try {
      return req.method().equals(HttpMethod.POST) && new QueryStringDecoder(req.uri()).path().equals(UploadTarget.PATH);
    } catch (IllegalArgumentException e) {
      return false; // a malformed path escape: not an upload, the dispatcher refuses it
    }
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
      long declared = HttpUtil.getContentLength(req, -1L);
      if (declared > target.maxBytes() + MULTIPART_OVERHEAD) {
        throw ApiError.payloadTooLarge("files are limited to " + target.maxBytes() + " bytes");
      }
      if (HttpUtil.is100ContinueExpected(req)) {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      session = new Session(ctx, req, p, requestId, HttpUtil.isKeepAlive(req));
    } catch (ApiError e) {
      // Refused before reading the body: answer now, then read and drop the rest of it (closing
      // while the client still sends would reset the connection before it reads the answer).
      discarding = true;
      Dispatcher.write(ctx.channel(), Dispatcher.error(e, requestId), HttpUtil.isKeepAlive(req), false);
    }
  }

  /** One upload: its chunks are decoded and written to disk, in order, on one virtual thread. */
  private final class Session {
    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final Principal uploader;
    private final String requestId;
    private final boolean keepAlive;
    private final LinkedBlockingQueue<HttpContent> chunks = new LinkedBlockingQueue<>();
    /** Set when run() takes no more chunks; whoever sees it releases what is queued. */
    private volatile boolean finished;

    Session(ChannelHandlerContext ctx, HttpRequest request, Principal uploader, String requestId, boolean keepAlive) {
      this.ctx = ctx;
      this.request = request;
      this.uploader = uploader;
      this.requestId = requestId;
      this.keepAlive = keepAlive;
      Thread.ofVirtual().name("banter-upload").start(this::run);
    }

    void offer(HttpContent content) {
      chunks.add(content);
      if (finished) { // run() gave up before the last chunk (a failure): nobody else will release these
        releaseQueued();
        return;
      }
      if (chunks.size() >= PAUSE_AT) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    private void releaseQueued() {
      HttpContent left;
      while ((left = chunks.poll()) != null) {
        left.release();
      }
    }

    private HttpContent next() throws InterruptedException {
      HttpContent c = chunks.take();
      if (chunks.size() <= RESUME_AT && !ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
      return c;
    }

    private void run() {
      long started = System.nanoTime();
      Object result = null;
      ApiError failure = null;
      HttpPostRequestDecoder decoder = null;
      try {
        Files.createDirectories(target.incomingDir());
        DefaultHttpDataFactory factory = new DefaultHttpDataFactory(true);
        factory.setBaseDir(target.incomingDir().toString());
        factory.setDeleteOnExit(false);
        factory.setMaxLimit(target.maxBytes());
        try {
          decoder = new HttpPostRequestDecoder(factory, request);
        } catch (IndexOutOfBoundsException e) { // Netty reads past an empty "boundary="
          failure = ApiError.badRequest("malformed multipart body");
        }
        HttpContent chunk;
        do {
          chunk = next();
          try {
            if (failure == null) {
              decoder.offer(chunk);
            }
          } catch (DecoderException e) { // malformed data, and (for a non-multipart body) too long or too many fields
            failure = e.getCause() instanceof IOException io && String.valueOf(io.getMessage()).contains("Size exceed")
                ? ApiError.payloadTooLarge("files are limited to " + target.maxBytes() + " bytes")
                : ApiError.badRequest("malformed multipart body");
          } finally {
            chunk.release();
          }
        } while (!(chunk instanceof LastHttpContent));
        if (failure == null) {
          InterfaceHttpData part = decoder.getBodyHttpData(UploadTarget.FIELD);
          if (!(part instanceof FileUpload file) || !file.isCompleted()) {
            throw ApiError.badRequest("a multipart field 'file' is required", UploadTarget.FIELD);
          }
          Path received = target.incomingDir().resolve("part-" + Ids.newId());
          if (!file.renameTo(received.toFile())) {
            throw new IOException("cannot move the received file");
          }
          result = target.store(uploader, received, file.getFilename(), file.length());
        }
      } catch (HttpPostRequestDecoder.NotEnoughDataDecoderException | HttpPostRequestDecoder.ErrorDataDecoderException e) {
        failure = ApiError.badRequest("malformed multipart body");
      } catch (ApiError e) {
        failure = e;
      } catch (Exception e) {
        log.error("upload failed (request id {})", requestId, e);
        failure = new ApiError(500, "internal", "internal error", Map.of("request_id", requestId));
      } finally {
        if (decoder != null) {
          decoder.destroy();
        }
        finished = true;
        releaseQueued();
        ctx.channel().config().setAutoRead(true);
      }
      var response = failure != null ? Dispatcher.error(failure, requestId)
          : Dispatcher.response(HttpResponseStatus.CREATED, Json.write(result), Dispatcher.JSON_TYPE, Map.of(), requestId);
      int status = response.status().code();
      Dispatcher.write(ctx.channel(), response, keepAlive && failure == null, false);
      context.metrics().httpRequest("POST", UploadTarget.PATH, status, System.nanoTime() - started);
    }
  }
}
