package cloud.angryninja.keeper.login;

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

/** {@code keeper.login.enterprise-scheme}: {@code https}, or {@code http} for a stand-in on loopback; nothing else. */
@Documented
@Constraint(validatedBy = EnterpriseScheme.Validator.class)
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface EnterpriseScheme {

    String message() default "takes https or http, not '{value}'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<EnterpriseScheme, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if ("https".equals(value) || "http".equals(value)) {
                return true;
            }
            // a message parameter: the setting's text is quoted, never read as a template
            context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("value", DeviceFlow.shorten(String.valueOf(value)));
            return false;
        }
    }
}
