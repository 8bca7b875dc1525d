package dev.banter.realtime;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * The kernel's socket, as far as a server sees it, first in an embedded pipeline: while the client
 * does not read, what is written stays here, unsent and not completed (a close frame's listener
 * does not fire); when it reads again, all of it goes, in order; closing the socket drops it.
 */
final class KernelSocket extends ChannelOutboundHandlerAdapter {
  private record Held(Object message, ChannelPromise promise) {}

  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean stalled;
  private int flushes;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (stalled) {
      held.add(new Held(msg, promise));
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    flushes++;
    if (!stalled) {
      ctx.flush();
    }
  }

  /** Flushes asked of the socket so far, held ones included. */
  int flushes() {
    return flushes;
  }

  void clientStopsReading() {
    stalled = true;
  }

  void clientReads() {
    stalled = false;
    for (Held h = held.poll(); h != null; h = held.poll()) {
      ctx.write(h.message(), h.promise());
    }
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    for (Held h = held.poll(); h != null; h = held.poll()) {
      ReferenceCountUtil.release(h.message());
      if (!h.promise().isVoid()) {
        h.promise().tryFailure(new ClosedChannelException());
      }
    }
    ctx.close(promise);
  }
}
