package dev.banter.support;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyAttributes;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The fuzz properties' budget: each declares the tries CI can afford; {@code -Dbanter.fuzz.factor=N}
 * runs N times as many, and {@code -Dbanter.fuzz.seed=S} replays the seed a failure report printed.
 */
public final class FuzzBudget implements AroundPropertyHook {
  public static final String FACTOR = "banter.fuzz.factor";
  public static final String SEED = "banter.fuzz.seed";

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    PropertyAttributes attributes = context.attributes();
    double factor = Double.parseDouble(System.getProperty(FACTOR, "1"));
    attributes.tries().ifPresent(t -> attributes.setTries((int) Math.max(1, Math.round(t * factor))));
    String seed = System.getProperty(SEED, "");
    if (!seed.isBlank()) {
      attributes.setSeed(seed);
    }
    return property.execute();
  }
}
