package dev.banter.support;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The fuzz tests' own generator toolkit and runner (plain JUnit Jupiter, no property-testing
 * library). Generators are {@link Gen}s drawn from a {@link SplittableRandom}; {@link #forAll}
 * turns a generator and a check into one dynamic test per case.
 *
 * <p>Every case draws from its own random source, derived from the run's seed, the test class, the
 * property and the case's index: a failure names the seed and the index, and {@code
 * -Dbanter.fuzz.seed=S} (with {@code -Dbanter.fuzz.case=I} to run that case alone) draws exactly
 * the same input again, whatever {@code -Dbanter.fuzz.factor} is.
 *
 * <p>Sizes and numbers lean the way a property-testing library's do: edge values (empty, the
 * largest, 0, ±1, the limits of long) come often, small sizes more often than large.
 */
public final class Fuzz {
  private Fuzz() {}

  // ---- the runner ----

  /**
   * One dynamic test per case of {@code property}: {@code declaredTries} scaled by {@link
   * FuzzBudget#tries}, each drawing a value from {@code gen} and checking it.
   */
  public static <T> Stream<DynamicTest> forAll(
      Class<?> testClass,
      String property,
      int declaredTries,
      Gen<T> gen,
      ThrowingConsumer<? super T> check) {
    int tries = FuzzBudget.tries(testClass, declaredTries);
    long seed = FuzzBudget.seed();
    String name = testClass.getSimpleName() + "." + property;
    long base = mix(seed ^ mix(name.hashCode()));
    Integer only = FuzzBudget.onlyCase();
    System.out.printf(
        "[fuzz] %s: %d cases, seed %d%s%n",
        name, tries, seed, only == null ? "" : ", only case " + only);
    return IntStream.range(0, tries)
        .filter(i -> only == null || only == i)
        .mapToObj(
            i ->
                DynamicTest.dynamicTest(
                    "case " + i + " of " + tries + " (seed " + seed + ")",
                    () -> {
                      String where =
                          name
                              + " case "
                              + i
                              + " of "
                              + tries
                              + ", seed "
                              + seed
                              + " (replay: -D"
                              + FuzzBudget.SEED
                              + "="
                              + seed
                              + " -D"
                              + FuzzBudget.CASE
                              + "="
                              + i
                              + ")";
                      T value;
                      try {
                        value = gen.draw(new SplittableRandom(mix(base + i * 0x9E3779B97F4A7C15L)));
                      } catch (Throwable t) {
                        throw new AssertionError(where + ": the generator failed: " + t, t);
                      }
                      try {
                        check.accept(value);
                      } catch (Throwable t) {
                        throw new AssertionError(
                            where
                                + " failed\n  sample: "
                                + describe(value)
                                + "\n  "
                                + t.getMessage(),
                            t);
                      }
                    }));
  }

  /** SplitMix64's finaliser: spreads a seed's bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A sample as a failure report shows it: text escaped and cut short, bytes in hex, records by
   * component.
   */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      StringBuilder b = new StringBuilder("\"");
      for (int i = 0; i < Math.min(s.length(), 400); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (c < 0x20 || c > 0x7e) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      b.append('"');
      return s.length() > 400 ? b + "… (" + s.length() + " chars)" : b.toString();
    }
    if (value instanceof byte[] bytes) {
      byte[] head = bytes.length > 200 ? Arrays.copyOf(bytes, 200) : bytes;
      return bytes.length
          + " bytes "
          + HexFormat.of().formatHex(head)
          + (bytes.length > 200 ? "…" : "")
          + " ("
          + describe(new String(head, StandardCharsets.UTF_8))
          + ")";
    }
    if (value instanceof Record r && !overridesToString(r)) {
      List<String> parts = new ArrayList<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        try {
          parts.add(c.getName() + "=" + describe(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          parts.add(c.getName() + "=?");
        }
      }
      return r.getClass().getSimpleName() + "(" + String.join(", ", parts) + ")";
    }
    return value.toString();
  }

  private static boolean overridesToString(Object o) {
    try {
      return o.getClass().getMethod("toString").getDeclaringClass() == o.getClass();
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  // ---- choices ----

  /** One of {@code values}, each as likely. */
  @SafeVarargs
  public static <T> Gen<T> of(T... values) {
    List<T> list = List.of(values);
    return r -> list.get(r.nextInt(list.size()));
  }

  public static <T> Gen<T> of(Collection<T> values) {
    List<T> list = new ArrayList<>(values);
    return r -> list.get(r.nextInt(list.size()));
  }

  /** Always {@code value} (null too). */
  public static <T> Gen<T> just(T value) {
    return r -> value;
  }

  /** A value of one of {@code gens}, each as likely. */
  @SafeVarargs
  public static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    List<Gen<? extends T>> list = List.of(gens);
    return r -> list.get(r.nextInt(list.size())).draw(r);
  }

  /** A generator with a weight, for {@link #frequency}. */
  public record Weighted<T>(int weight, Gen<? extends T> gen) {}

  public static <T> Weighted<T> w(int weight, Gen<? extends T> gen) {
    return new Weighted<>(weight, gen);
  }

  /** A value of one of the generators, each chosen in proportion to its weight. */
  @SafeVarargs
  public static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
    List<Weighted<? extends T>> list = List.of(choices);
    int total = list.stream().mapToInt(Weighted::weight).sum();
    return r -> {
      int pick = r.nextInt(total);
      for (Weighted<? extends T> c : list) {
        pick -= c.weight();
        if (pick < 0) {
          return c.gen().draw(r);
        }
      }
      throw new IllegalStateException();
    };
  }

  /**
   * Values nested up to a depth chosen evenly between {@code minDepth} and {@code maxDepth}: {@code
   * deeper} applied that many times to {@code base}.
   */
  public static <T> Gen<T> recursive(
      Supplier<Gen<T>> base, UnaryOperator<Gen<T>> deeper, int minDepth, int maxDepth) {
    List<Gen<T>> byDepth = new ArrayList<>();
    Gen<T> g = base.get();
    for (int d = 0; d <= maxDepth; d++) {
      byDepth.add(g);
      g = deeper.apply(g);
    }
    return r -> byDepth.get(minDepth + r.nextInt(maxDepth - minDepth + 1)).draw(r);
  }

  // ---- sizes and numbers ----

  /**
   * A size in [min, max]: min or max one time in eight each, small (≤ min + 10) three in eight,
   * else any.
   */
  public static int size(SplittableRandom r, int min, int max) {
    if (min >= max) {
      return min;
    }
    int p = r.nextInt(8);
    if (p == 0) {
      return min;
    }
    if (p == 1) {
      return max;
    }
    if (p < 5) {
      return min + r.nextInt(Math.min(max - min, 10) + 1);
    }
    return min + r.nextInt(max - min + 1);
  }

  /**
   * Integers in [min, max]: the ends one time in eight, half the rest evenly, half leaning towards
   * min.
   */
  public static Gen<Integer> ints(int min, int max) {
    long range = (long) max - min;
    return r -> {
      int p = r.nextInt(16);
      if (p == 0) {
        return min;
      }
      if (p == 1) {
        return max;
      }
      double u = r.nextDouble();
      long offset = (long) ((p % 2 == 0 ? u : u * u * u) * (range + 1));
      return (int) (min + Math.min(offset, range));
    };
  }

  private static final long[] LONG_EDGES = {
    0,
    1,
    -1,
    2,
    -2,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    Long.MAX_VALUE - 1,
    Long.MIN_VALUE + 1,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    (long) Integer.MAX_VALUE + 1
  };

  /**
   * Any long: edge values one time in eight, else a random number of bits (small numbers as often
   * as huge).
   */
  public static Gen<Long> longs() {
    return r -> {
      if (r.nextInt(8) == 0) {
        return LONG_EDGES[r.nextInt(LONG_EDGES.length)];
      }
      long v = r.nextLong() >>> (64 - (1 + r.nextInt(63)));
      return r.nextBoolean() ? v : -v;
    };
  }

  private static final double[] DOUBLE_EDGES = {
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.01,
    -0.01,
    Double.MIN_VALUE,
    -Double.MIN_VALUE,
    Double.MIN_NORMAL,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Float.MAX_VALUE,
    1e-300,
    1e300
  };

  /**
   * Finite doubles: edge values, two-decimal numbers of any size, and any bit pattern that is a
   * number.
   */
  public static Gen<Double> doubles() {
    return r -> {
      int p = r.nextInt(8);
      if (p == 0) {
        return DOUBLE_EDGES[r.nextInt(DOUBLE_EDGES.length)];
      }
      if (p < 5) {
        return longs().draw(r) / 100.0;
      }
      double d;
      do {
        d = Double.longBitsToDouble(r.nextLong());
      } while (!Double.isFinite(d));
      return d;
    };
  }

  // ---- characters, text, bytes ----

  private static final char[] CHAR_EDGES = {
    '\u0000', ' ', '\u007f', '\ud800', '\udbff', '\udc00', '\udfff', '\uffff', '\ufffe', 'a'
  };

  /**
   * Any UTF-16 unit, lone surrogates and noncharacters included: edge units one time in sixteen,
   * else even.
   */
  public static Gen<Character> anyChar() {
    return r ->
        r.nextInt(16) == 0 ? CHAR_EDGES[r.nextInt(CHAR_EDGES.length)] : (char) r.nextInt(0x10000);
  }

  /** ASCII, controls included. */
  public static Gen<Character> ascii() {
    return chars('\u0000', '\u007f');
  }

  public static Gen<Character> chars(char from, char to) {
    return r -> (char) (from + r.nextInt(to - from + 1));
  }

  public static Gen<Character> numeric() {
    return chars('0', '9');
  }

  public static Gen<Character> alphaNumeric() {
    return of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            .chars()
            .mapToObj(c -> (char) c)
            .toList());
  }

  /**
   * Strings of {@code minLength} to {@code maxLength} units from {@code chars} (lengths as {@link
   * #size}).
   */
  public static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
    return r -> {
      int n = size(r, minLength, maxLength);
      StringBuilder b = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        b.append(chars.draw(r).charValue());
      }
      return b.toString();
    };
  }

  /** Any bytes, {@code maxSize} at most (lengths as {@link #size}). */
  public static Gen<byte[]> bytes(int maxSize) {
    return r -> {
      byte[] out = new byte[size(r, 0, maxSize)];
      r.nextBytes(out);
      return out;
    };
  }
}
