package cloud.angryninja.keeper.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a lane (cloud.angryninja.keeper.lanes) that prepares a Quarkus application: its place when the lanes' JVMs wait to
 * discover one at a time ({@link OneDiscoveryAtATime}), lowest first. A lane starts its tests when its discovery ends, and
 * each discovery takes 10-15 s on two CPUs, so the lane with the most to do goes first (docs/development.md, "Lanes").
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DiscoveryTurn {
    /** 1 for the first; turns are distinct ({@code TestTiersTest}). */
    int value();
}
