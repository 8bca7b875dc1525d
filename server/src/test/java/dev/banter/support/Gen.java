package dev.banter.support;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of fuzz input: draws one value from a seeded random source. Drawing from the same
 * source state always gives the same value, which is what makes a failing case replayable. The
 * factories are in {@link Fuzz}.
 */
@FunctionalInterface
public interface Gen<T> {
  T draw(SplittableRandom random);

  default <U> Gen<U> map(Function<? super T, ? extends U> f) {
    return r -> f.apply(draw(r));
  }

  default <U> Gen<U> flatMap(Function<? super T, ? extends Gen<? extends U>> f) {
    return r -> f.apply(draw(r)).draw(r);
  }

  /** Draws until a value passes {@code keep}; gives up (a test bug) after 10,000 misses. */
  default Gen<T> filter(Predicate<? super T> keep) {
    return r -> {
      for (int i = 0; i < 10_000; i++) {
        T value = draw(r);
        if (keep.test(value)) {
          return value;
        }
      }
      throw new IllegalStateException("a fuzz generator's filter rejected 10,000 values in a row");
    };
  }

  /** Lists of 0 to {@code maxSize} values (sizes as {@link Fuzz#size}). */
  default Gen<List<T>> list(int maxSize) {
    return list(0, maxSize);
  }

  default Gen<List<T>> list(int minSize, int maxSize) {
    return r -> {
      int n = Fuzz.size(r, minSize, maxSize);
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(draw(r));
      }
      return out;
    };
  }

  /** Lists of exactly {@code size} values. */
  default Gen<List<T>> listOfSize(int size) {
    return list(size, size);
  }
}
