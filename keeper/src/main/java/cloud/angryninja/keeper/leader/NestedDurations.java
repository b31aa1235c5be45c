package cloud.angryninja.keeper.leader;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Optional;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** {@code keeper.leader-election.*}: lease duration &gt; renew deadline &gt; retry period &gt; 0 ({@link Leadership#checkDurations}). */
@Documented
@Constraint(validatedBy = NestedDurations.Validator.class)
@Target(TYPE)
@Retention(RUNTIME)
public @interface NestedDurations {

    String message() default "durations must nest: lease-duration > renew-deadline > retry-period > 0";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<NestedDurations, LeadershipConfig> {

        @Override
        public boolean isValid(LeadershipConfig config, ConstraintValidatorContext context) {
            if (!config.leaseDuration().isPositive() || !config.renewDeadline().isPositive() || !config.retryPeriod().isPositive()) {
                return true; // each duration's own constraint reports it: one message per bad setting
            }
            Optional<String> problem = Leadership.checkDurations(config.leaseDuration(), config.renewDeadline(), config.retryPeriod());
            problem.ifPresent(p -> {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(p).addConstraintViolation(); // a fixed sentence, no setting's value
            });
            return problem.isEmpty();
        }
    }
}
