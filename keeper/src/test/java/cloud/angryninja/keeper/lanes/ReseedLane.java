package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * A lane of the unit and integration tiers (see the package): reseed and login, the Kubernetes actions,
 * the OpenCode client and the sandbox, the HTTP API and the smaller packages.
 */
@Suite
@SelectPackages({ "cloud.angryninja.keeper.reseed", "cloud.angryninja.keeper.login", "cloud.angryninja.keeper.kube", "cloud.angryninja.keeper.opencode", "cloud.angryninja.keeper.sandbox", "cloud.angryninja.keeper.api", "cloud.angryninja.keeper.callout",
        "cloud.angryninja.keeper.credential", "cloud.angryninja.keeper.github", "cloud.angryninja.keeper.leader", "cloud.angryninja.keeper.manifests", "cloud.angryninja.keeper.metrics", "cloud.angryninja.keeper.setup" })
public class ReseedLane {
}
