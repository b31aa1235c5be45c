package cloud.angryninja.keeper.workspace;

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

/** A workspace name: a DNS label ({@link Workspaces#isValidName(String)}), the {@code workspace} metric label. */
@Documented
@Constraint(validatedBy = WorkspaceName.Validator.class)
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface WorkspaceName {

    String message() default "is not a valid workspace name: a DNS label (lower-case letters, digits and '-', at most 63 characters)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<WorkspaceName, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return Workspaces.isValidName(value);
        }
    }
}
