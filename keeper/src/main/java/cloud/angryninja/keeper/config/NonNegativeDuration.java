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
 * A {@code Duration} setting of zero or more. Put it on a {@code @ConfigMapping} method: a negative value stops start-up,
 * reported with every other invalid or missing setting in one message, as {@link PositiveDuration}.
 */
@Documented
@Constraint(validatedBy = {})
@DurationMin(nanos = 0)
@ReportAsSingleViolation
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface NonNegativeDuration {

    String message() default "must not be negative (a duration such as 0s, 500ms or 5s)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
