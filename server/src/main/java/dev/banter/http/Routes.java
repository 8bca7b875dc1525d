package dev.banter.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The route table: method + path template ({@code /api/v1/rooms/{id}}) → handler. */
public final class Routes {
  private final List<Route> routes = new ArrayList<>();

  public Route get(String template, Handler h) {
    return add(HttpMethod.GET, template, h);
  }

  public Route post(String template, Handler h) {
    return add(HttpMethod.POST, template, h);
  }

  public Route put(String template, Handler h) {
    return add(HttpMethod.PUT, template, h);
  }

  public Route patch(String template, Handler h) {
    return add(HttpMethod.PATCH, template, h);
  }

  public Route delete(String template, Handler h) {
    return add(HttpMethod.DELETE, template, h);
  }

  private Route add(HttpMethod method, String template, Handler h) {
    Route route = new Route(method, template, h);
    for (Route r : routes) {
      if (r.method.equals(method) && r.segments.equals(route.segments)) {
        throw new IllegalStateException("route registered twice: " + method + " " + template);
      }
    }
    routes.add(route);
    return route;
  }

  public List<Route> all() {
    return List.copyOf(routes);
  }

  /** A route that matched a path, with the values of its {@code {params}}. */
  record Match(Route route, Map<String, String> params) {}

  /**
   * The outcome of looking a request up: a match, or the methods the path allows (empty = unknown
   * path).
   */
  record Lookup(Match match, Set<String> allowed) {}

  Lookup find(HttpMethod method, String path) {
    String[] parts = path.length() <= 1 ? new String[] {""} : path.substring(1).split("/", -1);
    Set<String> allowed = new LinkedHashSet<>();
    Match literalFirst = null;
    for (Route r : routes) {
      Map<String, String> params = matchSegments(r.segments, parts);
      if (params == null) {
        continue;
      }
      allowed.add(r.method.name());
      boolean sameMethod =
          r.method.equals(method)
              || (method.equals(HttpMethod.HEAD) && r.method.equals(HttpMethod.GET));
      if (sameMethod && (literalFirst == null || params.size() < literalFirst.params().size())) {
        literalFirst = new Match(r, params);
      }
    }
    return new Lookup(literalFirst, allowed);
  }

  private static Map<String, String> matchSegments(List<String> template, String[] parts) {
    if (template.size() != parts.length) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String t = template.get(i);
      if (t.startsWith("{") && t.endsWith("}")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        params.put(t.substring(1, t.length() - 1), decode(parts[i]));
      } else if (!t.equals(parts[i])) {
        return null;
      }
    }
    return params;
  }

  /** Percent-decodes one path segment; unlike a query string, '+' stays '+'. */
  private static String decode(String segment) {
    try {
      return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"));
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }
}
