package cloud.angryninja.keeper.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks a resource method that answers what this replica has, and whose 404 only the leader can give: on a follower
 * {@link LeaderAnswersTheRestFilter} turns it into the 503 naming the leader ({@code GET /login/{id}}: a login this
 * replica ran, even before it stopped leading, is answered here).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface LeaderAnswersTheRest {
}
