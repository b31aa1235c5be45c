package cloud.angryninja.keeper.credential;

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

/** {@code keeper.adopt.account}: unset, blank, or a GitHub login ({@link AccountRecord#isLogin}) once trimmed. */
@Documented
@Constraint(validatedBy = GitHubLogin.Validator.class)
@Target({ METHOD, TYPE_USE })
@Retention(RUNTIME)
public @interface GitHubLogin {

    String message() default "is not a GitHub login (letters, digits and inner hyphens, at most 39 characters)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Takes the {@code Optional<String>} of the mapping, or its value when the validator unwraps it. */
    final class Validator implements ConstraintValidator<GitHubLogin, Object> {

        @Override
        public boolean isValid(Object value, ConstraintValidatorContext context) {
            Object raw = value instanceof Optional<?> optional ? optional.orElse(null) : value;
            return raw == null || raw.toString().isBlank() || AccountRecord.isLogin(raw.toString().trim());
        }
    }
}
