package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * A lane of the unit and integration tiers (see the package): what the keeper sees of a workspace (discovery, the event
 * streams, a login inside it, the workspace's OpenCode configuration) and the deployed keeper with its monitoring.
 */
@Suite
@SelectPackages({ "cloud.angryninja.keeper.workspace", "cloud.angryninja.keeper.events", "cloud.angryninja.keeper.adoption", "cloud.angryninja.keeper.deploy" })
@SelectClasses(names = "cloud.angryninja.keeper.k8s.WorkspaceOpenCodeTest")
public class WorkspaceLane {
}
