package cloud.angryninja.keeper.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks a resource method under {@code /workspaces/{workspace}} that needs that workspace's report token;
 * {@link ReportTokenFilter} answers 401, 403 or 503 otherwise.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface ReportTokenRequired {
}
