package dev.banter.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An answer whose body is sent as it is read (a download): the head with its Content-Length, then
 * chunks of {@link #CHUNK} bytes, each only when the client has taken the ones before, so a file is
 * never held whole and a client that stops reading parks its sender, not memory.
 */
final class StreamedResponse extends DefaultHttpResponse {
  private static final Logger log = LoggerFactory.getLogger(StreamedResponse.class);
  static final int CHUNK = 64 * 1024;

  private final InputStream body;
  private final long length;

  /** Takes {@code body}: {@link #send} closes it, whatever happens. */
  StreamedResponse(HttpResponseStatus status, InputStream body, long length) {
    super(HttpVersion.HTTP_1_1, status);
    this.body = body;
    this.length = length;
    headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
  }

  /** Closes the body without sending it (the handler's answer was never sent). */
  void discard() {
    try {
      body.close();
    } catch (IOException e) {
      log.debug("closing an unsent body: {}", e.toString());
    }
  }

  /**
   * Sends head and body on the calling virtual thread; returns when the last chunk is handed to the
   * channel, or early when the client went away (the body is closed either way). The connection's
   * {@link Backpressure} hears once the answer is out, or failed.
   */
  void send(Channel channel, boolean keepAlive, boolean headOnly, Backpressure flow) {
    headers()
        .set(
            HttpHeaderNames.CONNECTION,
            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    try (InputStream in = body) {
      channel.write(this); // flushed with the first chunk
      byte[] scratch = new byte[CHUNK];
      for (long left = headOnly ? 0 : length; left > 0; ) {
        if (!flow.awaitWritable()) {
          channel.close(); // gone or closing: nothing more to send
          answered(channel, flow);
          return;
        }
        int n = in.readNBytes(scratch, 0, (int) Math.min(CHUNK, left));
        if (n == 0) {
          throw new EOFException("stored file ended " + left + " bytes before its recorded size");
        }
        // The channel owns the chunk once written: Netty releases it when sent or when the write
        // fails.
        ByteBuf chunk = channel.alloc().buffer(n).writeBytes(scratch, 0, n);
        channel.writeAndFlush(new DefaultHttpContent(chunk));
        left -= n;
      }
      ChannelFuture last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      last.addListener(f -> flow.answered());
      if (!keepAlive) {
        last.addListener(ChannelFutureListener.CLOSE);
      }
    } catch (IOException | RuntimeException e) {
      // The head is out: the only honest signal left is a connection closed before the promised
      // length.
      log.warn("download cut short: {}", e.toString());
      channel.close();
      answered(channel, flow);
    }
  }

  private static void answered(Channel channel, Backpressure flow) {
    channel.eventLoop().execute(flow::answered); // its state belongs to the event loop
  }
}
