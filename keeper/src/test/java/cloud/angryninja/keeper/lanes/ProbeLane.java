package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import cloud.angryninja.keeper.testing.DiscoveryTurn;

/**
 * A lane of the unit and integration tiers (see the package): probing, the Copilot and quota clients, Doppler,
 * configuration, and the checks of the code and the tests themselves. It discovers last, so the one class of its packages
 * that needs no application and runs long, {@code CopilotEntryOpenCodeTest}, runs in {@link TreeLane}.
 */
@Suite(failIfNoTests = false)
@DiscoveryTurn(3)
@SelectPackages({ "cloud.angryninja.keeper.probe", "cloud.angryninja.keeper.copilot", "cloud.angryninja.keeper.quota", "cloud.angryninja.keeper.doppler", "cloud.angryninja.keeper.config", "cloud.angryninja.keeper.testing" })
@SelectClasses(names = "cloud.angryninja.keeper.ArchitectureTest")
@ExcludeClassNamePatterns("cloud\\.angryninja\\.keeper\\.copilot\\.CopilotEntryOpenCodeTest")
public class ProbeLane {
}
