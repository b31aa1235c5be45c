package cloud.angryninja.keeper.events;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** {@code keeper.events.backoff-max} is no shorter than {@code backoff-initial} (each positive by its own constraint). */
@Documented
@Constraint(validatedBy = BackoffBounds.Validator.class)
@Target(TYPE)
@Retention(RUNTIME)
public @interface BackoffBounds {

    String message() default "backoff-max must not be shorter than backoff-initial";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<BackoffBounds, EventsConfig> {

        @Override
        public boolean isValid(EventsConfig config, ConstraintValidatorContext context) {
            // a duration that is not positive is reported by its own constraint: one message per bad setting
            return !config.backoffInitial().isPositive() || !config.backoffMax().isPositive()
                    || config.backoffMax().compareTo(config.backoffInitial()) >= 0;
        }
    }
}
