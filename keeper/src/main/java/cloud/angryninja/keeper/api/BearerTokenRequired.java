package cloud.angryninja.keeper.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks a resource class or method that needs {@code Authorization: Bearer <keeper.api.token>};
 * {@link BearerTokenFilter} answers 401 otherwise.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface BearerTokenRequired {
}
