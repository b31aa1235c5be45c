package cloud.angryninja.keeper.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * For {@code @QuarkusTest}s of parts that do not probe: the keeper refuses to start without a workspace, so this test
 * resource configures one on a loopback port nobody listens on.
 *
 * <p>A test resource, not a test profile: Quarkus builds the application once for each profile a test JVM meets (4-5 CPU
 * seconds) and only restarts it for another set of test resources, so the classes on this resource share the build of
 * the default profile with every other {@code @QuarkusTest} of their lane, and one application among themselves.
 */
public class UnreachableWorkspace implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("keeper.workspaces.opencode-flux.url", "http://127.0.0.1:9");
    }

    @Override
    public void stop() {
        // nothing started
    }
}
