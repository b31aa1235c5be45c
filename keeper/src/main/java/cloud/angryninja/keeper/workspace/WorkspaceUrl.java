package cloud.angryninja.keeper.workspace;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Optional;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A workspace's {@code url} setting: present, and an absolute http(s) URL with a host and no user info
 * ({@link Workspaces#httpUrl(String)}). Checked with every other setting at start-up.
 */
@Documented
@Constraint(validatedBy = WorkspaceUrl.Validator.class)
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface WorkspaceUrl {

    String MISSING = "is required: the OpenCode base URL of the workspace, e.g. http://opencode-flux.opencode:4096";
    String INVALID = "is not an absolute http(s) URL with a host and no user info";

    String message() default INVALID;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Takes the {@code Optional<String>} of the mapping, or its value when the validator unwraps it. */
    final class Validator implements ConstraintValidator<WorkspaceUrl, Object> {

        @Override
        public boolean isValid(Object value, ConstraintValidatorContext context) {
            Object raw = value instanceof Optional<?> optional ? optional.orElse(null) : value;
            if (raw == null || raw.toString().isBlank()) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(MISSING).addConstraintViolation();
                return false;
            }
            return Workspaces.httpUrl(raw.toString()).isPresent();
        }
    }
}
