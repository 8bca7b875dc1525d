package dev.banter.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.SplittableRandom;

/**
 * The fuzz properties' budget: each declares the tries CI can afford; {@code
 * -Dbanter.fuzz.factor=N} runs N times as many, {@code -Dbanter.fuzz.seed=S} replays the seed a
 * failure report printed, and {@code -Dbanter.fuzz.case=I} runs only case I of each property (with
 * that seed, the same input).
 */
public final class FuzzBudget {
  public static final String FACTOR = "banter.fuzz.factor";
  public static final String SEED = "banter.fuzz.seed";
  public static final String CASE = "banter.fuzz.case";

  /**
   * The run's seed: {@code -Dbanter.fuzz.seed}, else a random one (printed with every property).
   */
  private static final long RUN_SEED =
      System.getProperty(SEED, "").isBlank()
          ? new SplittableRandom().nextLong()
          : Long.parseLong(System.getProperty(SEED).trim());

  private FuzzBudget() {}

  /**
   * Runs a test class's properties with this share of their declared tries (a second backend needs
   * fewer).
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @Inherited
  public @interface Share {
    double value();
  }

  /**
   * The cases to run of a property of {@code testClass} that declares {@code declared} tries: at
   * least one.
   */
  public static int tries(Class<?> testClass, int declared) {
    double share =
        testClass.isAnnotationPresent(Share.class)
            ? testClass.getAnnotation(Share.class).value()
            : 1;
    double factor = share * Double.parseDouble(System.getProperty(FACTOR, "1").trim());
    return (int) Math.max(1, Math.round(declared * factor));
  }

  public static long seed() {
    return RUN_SEED;
  }

  /** The one case to run ({@code -Dbanter.fuzz.case}), or null for all of them. */
  public static Integer onlyCase() {
    String only = System.getProperty(CASE, "");
    return only.isBlank() ? null : Integer.valueOf(only.trim());
  }
}
