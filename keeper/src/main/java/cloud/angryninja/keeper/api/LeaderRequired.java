package cloud.angryninja.keeper.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks a resource class or method that only the leader runs (leader election on): on a follower {@link LeaderFilter}
 * answers 503 naming the leader, after the caller's token was checked, before the body is read.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface LeaderRequired {
}
