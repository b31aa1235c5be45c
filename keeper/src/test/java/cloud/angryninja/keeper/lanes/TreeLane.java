package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * A lane of the unit and integration tiers (see the package): the GitOps tree's scripts and manifests run for real, the
 * event streams and discovery.
 */
@Suite
@SelectPackages({ "cloud.angryninja.keeper.k8s", "cloud.angryninja.keeper.events", "cloud.angryninja.keeper.workspace" })
public class TreeLane {
}
