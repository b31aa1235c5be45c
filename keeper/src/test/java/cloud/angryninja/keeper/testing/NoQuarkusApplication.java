package cloud.angryninja.keeper.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a lane (cloud.angryninja.keeper.lanes): it holds no {@code @QuarkusTest} ({@code TestTiersTest} fails naming one), so
 * its discovery prepares no Quarkus application and does not wait for the other JVMs' ({@link OneDiscoveryAtATime}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface NoQuarkusApplication {
}
