package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import cloud.angryninja.keeper.testing.DiscoveryTurn;

/**
 * A lane of the unit and integration tiers (see the package): what the keeper sees of a workspace (discovery, the event
 * streams, a login inside it, the workspace's OpenCode configuration) and the deployed keeper with its monitoring;
 * the Kubernetes actions and the sandbox's stand-ins for the cluster.
 */
@Suite(failIfNoTests = false)
@DiscoveryTurn(1)
@SelectPackages({ "cloud.angryninja.keeper.workspace", "cloud.angryninja.keeper.events", "cloud.angryninja.keeper.adoption", "cloud.angryninja.keeper.deploy",
        "cloud.angryninja.keeper.kube", "cloud.angryninja.keeper.sandbox" })
@SelectClasses(names = "cloud.angryninja.keeper.k8s.WorkspaceOpenCodeTest")
public class WorkspaceLane {
}
