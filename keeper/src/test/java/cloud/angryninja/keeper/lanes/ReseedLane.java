package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import cloud.angryninja.keeper.testing.DiscoveryTurn;

/**
 * A lane of the unit and integration tiers (see the package): reseed and login, the OpenCode client, the HTTP API and
 * the smaller packages; and OpenCode's memory under a session ({@code k8s.OpenCodeMemoryTest}, no application), which
 * makes {@link TreeLane} end with the others.
 */
@Suite(failIfNoTests = false)
@DiscoveryTurn(2)
@SelectPackages({ "cloud.angryninja.keeper.reseed", "cloud.angryninja.keeper.login", "cloud.angryninja.keeper.opencode", "cloud.angryninja.keeper.api", "cloud.angryninja.keeper.callout",
        "cloud.angryninja.keeper.credential", "cloud.angryninja.keeper.github", "cloud.angryninja.keeper.leader", "cloud.angryninja.keeper.manifests", "cloud.angryninja.keeper.metrics", "cloud.angryninja.keeper.setup" })
@SelectClasses(names = "cloud.angryninja.keeper.k8s.OpenCodeMemoryTest")
public class ReseedLane {
}
