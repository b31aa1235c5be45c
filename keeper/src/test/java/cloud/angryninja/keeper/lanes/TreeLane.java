package cloud.angryninja.keeper.lanes;

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
 * {@link WorkspaceLane}, and OpenCode's memory in {@link ReseedLane}, which ended 7-13 s before this lane.
 */
@Suite(failIfNoTests = false)
@NoQuarkusApplication
@SelectPackages("cloud.angryninja.keeper.k8s")
@SelectClasses(names = "cloud.angryninja.keeper.copilot.CopilotEntryOpenCodeTest")
@ExcludeClassNamePatterns({ "cloud\\.angryninja\\.keeper\\.k8s\\.WorkspaceOpenCodeTest", "cloud\\.angryninja\\.keeper\\.k8s\\.OpenCodeMemoryTest" })
public class TreeLane {
}
