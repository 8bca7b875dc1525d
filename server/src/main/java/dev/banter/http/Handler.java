package dev.banter.http;

/** A route's code: runs on a virtual thread, may block, returns the body (or null for 204). */
@FunctionalInterface
public interface Handler {
  Object handle(Request request) throws Exception;
}
