package dev.banter.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
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

  /** Runs a container's properties with this share of their declared tries (a second backend needs fewer). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface Share {
    double value();
  }

  /** Registered on a container, it is for the container's properties. */
  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.DIRECT_DESCENDANTS;
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    PropertyAttributes attributes = context.attributes();
    double share = context.containerClass().isAnnotationPresent(Share.class)
        ? context.containerClass().getAnnotation(Share.class).value() : 1;
    double factor = share * Double.parseDouble(System.getProperty(FACTOR, "1"));
    attributes.tries().ifPresent(t -> attributes.setTries((int) Math.max(1, Math.round(t * factor))));
    String seed = System.getProperty(SEED, "");
    if (!seed.isBlank()) {
      attributes.setSeed(seed);
    }
    return property.execute();
  }
}
