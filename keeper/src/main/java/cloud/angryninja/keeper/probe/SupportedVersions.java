package cloud.angryninja.keeper.probe;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/** {@code keeper.probe.supported-versions}: a {@link VersionRange}; the message says what {@link VersionRange#parse} refuses. */
@Documented
@Constraint(validatedBy = SupportedVersions.Validator.class)
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface SupportedVersions {

    String message() default "is not a version range";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<SupportedVersions, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            try {
                VersionRange.parse(value);
                return true;
            } catch (IllegalArgumentException e) {
                // a message parameter: the text it quotes from the setting is never read as a template
                context.disableDefaultConstraintViolation();
                context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("problem", e.getMessage())
                        .buildConstraintViolationWithTemplate("{problem}").addConstraintViolation();
                return false;
            }
        }
    }
}
