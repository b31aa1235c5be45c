package cloud.angryninja.keeper.probe;

import cloud.angryninja.keeper.workspace.Workspace;

/**
 * One probe of a workspace, as blackbox_exporter's {@code ProbeFn}: it asks one thing of the workspace and answers what it
 * found. It never throws: no answer, a refusal or a deadline that passed is a {@link Finding} too. The probes of a
 * workspace are listed once ({@link Prober#probes}) and run in parallel; the {@link Prober} times them and records what
 * they found.
 */
@FunctionalInterface
public interface Probe {

    /**
     * @param workspace the workspace probed
     * @param run       what the probes of one run (a cycle, or one workspace probed now) share
     */
    Finding probe(Workspace workspace, ProbeRun run);
}
