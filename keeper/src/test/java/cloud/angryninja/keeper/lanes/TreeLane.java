package cloud.angryninja.keeper.lanes;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import cloud.angryninja.keeper.testing.NoQuarkusApplication;

/**
 * A lane of the unit and integration tiers (see the package): the GitOps tree's scripts and manifests run for real, and
 * the real OpenCode's table of Copilot entries ({@code CopilotEntryOpenCodeTest}, which needs no application and makes
 * {@link ProbeLane}, the last to start, end sooner). It starts no Quarkus application, so it needs no build and its
 * discovery neither takes long nor waits for the other lanes': the one {@code @QuarkusTest} of its package runs in
 * {@link WorkspaceLane}.
 *
 * <p>Its classes run two at a time (JUnit's parallel execution, for this lane alone; the methods of a class one after
 * the other, as written): they wait on scripts, git, OpenCode and their timers more than they compute, so one class at
 * a time made this lane the last to end whenever the machine was slow.
 */
@Suite
@NoQuarkusApplication
@ConfigurationParameter(key = "junit.jupiter.execution.parallel.enabled", value = "true")
@ConfigurationParameter(key = "junit.jupiter.execution.parallel.mode.default", value = "same_thread")
@ConfigurationParameter(key = "junit.jupiter.execution.parallel.mode.classes.default", value = "concurrent")
@ConfigurationParameter(key = "junit.jupiter.execution.parallel.config.strategy", value = "fixed")
@ConfigurationParameter(key = "junit.jupiter.execution.parallel.config.fixed.parallelism", value = "2")
@SelectPackages("cloud.angryninja.keeper.k8s")
@SelectClasses(names = "cloud.angryninja.keeper.copilot.CopilotEntryOpenCodeTest")
@ExcludeClassNamePatterns("cloud\\.angryninja\\.keeper\\.k8s\\.WorkspaceOpenCodeTest")
public class TreeLane {
}
