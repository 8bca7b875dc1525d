package dev.banter.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/** One method + path template and how it is served. Built fluently by {@link Routes}. */
public final class Route {
  /** Which per-IP budget a request to this route spends. */
  public enum Budget {
    AUTH,
    API,
    NONE
  }

  final HttpMethod method;
  final String template;
  final List<String> segments;
  final Handler handler;
  int status = 200;
  boolean authenticated = true;
  Budget budget = Budget.API;
  boolean insideOnly;

  Route(HttpMethod method, String template, Handler handler) {
    this.method = method;
    this.template = template;
    this.segments = List.of(template.substring(1).split("/"));
    this.handler = handler;
  }

  /** Answers 201 Created. */
  public Route created() {
    status = 201;
    return this;
  }

  /** Answers 204 No Content (the handler returns null). */
  public Route noContent() {
    status = 204;
    return this;
  }

  /** No access token needed. */
  public Route open() {
    authenticated = false;
    return this;
  }

  /** Spends the per-IP authentication budget (BANTER_AUTH_RATE) instead of the API one. */
  public Route authBudget() {
    budget = Budget.AUTH;
    return this;
  }

  /** Not rate limited per IP (health checks, static files). */
  public Route unlimited() {
    budget = Budget.NONE;
    return this;
  }

  /**
   * Answered only to callers {@link ClientAddress#inside()} (loopback and trusted-proxy peers
   * speaking for themselves); anyone else gets 403 before the handler or a budget is touched.
   */
  public Route insideOnly() {
    insideOnly = true;
    return this;
  }

  public String template() {
    return template;
  }

  public HttpMethod method() {
    return method;
  }

  /** Whether a request needs an access token (false for {@link #open()} routes). */
  public boolean authenticated() {
    return authenticated;
  }

  public Budget budget() {
    return budget;
  }
}
