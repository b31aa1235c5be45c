package cloud.angryninja.keeper.probe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.copilot.CopilotState;

/** One log line per change a probe brings: the state, and each probe's outcome; a step back is a warning. */
@ApplicationScoped
public class StateChangeLog {

    /** The probe's log category, as before these parts had classes of their own. */
    private static final Logger LOG = Logger.getLogger(Prober.class);

    void onProbed(@Observes StateChange.Probed probed) {
        WorkspaceState before = probed.before();
        WorkspaceState after = probed.after();
        if (before.state() != after.state()) {
            String line = String.format("%s: copilot state %s -> %s", after.workspace(), before.state().label(), after.state().label());
            if (after.state() == CopilotState.WORKING) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
        logChange(after.workspace(), "up", before.up(), after.up());
        logChange(after.workspace(), "copilot provider", before.copilotProvider(), after.copilotProvider());
        logChange(after.workspace(), "credential " + after.credentialFingerprint().orElse("-"), before.credential(), after.credential());
        logChange(after.workspace(), "repository", before.repository(), after.repository());
    }

    private static void logChange(String workspace, String what, ProbeResult before, ProbeResult after) {
        if (before.outcome() != after.outcome()) {
            String line = String.format("%s: %s %s -> %s (%s)", workspace, what, before.outcome(), after.outcome(), after.reason());
            if (after.outcome() == ProbeResult.Outcome.PASS) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
    }
}
