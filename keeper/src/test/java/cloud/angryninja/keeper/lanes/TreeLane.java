package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * A lane of the unit and integration tiers (see the package): the GitOps tree's scripts and manifests run for real,
 * and the Copilot and quota clients.
 */
@Suite
@SelectPackages({ "cloud.angryninja.keeper.k8s", "cloud.angryninja.keeper.copilot", "cloud.angryninja.keeper.quota" })
public class TreeLane {
}
