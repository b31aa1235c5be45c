package cloud.angryninja.keeper.config;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;

import org.hibernate.validator.constraints.time.DurationMin;

/**
 * A {@code Duration} setting longer than zero. Put it on a {@code @ConfigMapping} method: a zero or negative value
 * stops start-up, reported with every other invalid or missing setting in one message (see {@code docs/configuration.md}).
 * Counts take {@code jakarta.validation.constraints.Positive} (or {@code PositiveOrZero}) the same way.
 */
@Documented
@Constraint(validatedBy = {})
@DurationMin(nanos = 0, inclusive = false)
@ReportAsSingleViolation
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface PositiveDuration {

    String message() default "must be longer than 0 (a duration such as 500ms, 10s or 5m)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
