package cloud.angryninja.keeper.probe;

import java.time.Clock;
import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The probe's parts made by hand for plain JUnit tests, wired as the beans are: every probe of {@link Prober#probes},
 * refusals confirmed at once, a 15 min rate-limit window, versions {@code >=1.18 <2}, the states open (this replica leads)
 * and heard by no one.
 *
 * @param prober the prober
 * @param states the states it records
 */
public record PlainProber(Prober prober, WorkspaceStates states) {

    public static PlainProber of(Workspaces workspaces, OpenCodeClient openCode, CopilotChecker copilot, KubernetesClient kube,
            HeldCredentials held, int concurrency) {
        WorkspaceStates states = new WorkspaceStates(workspaces, change -> {
        });
        states.open();
        CredentialProbe credential = new CredentialProbe(new CredentialSource(kube, Duration.ofSeconds(10), held),
                new ConfirmedRefusals(copilot, Duration.ZERO));
        Prober prober = new Prober(Prober.probes(openCode, credential), states,
                new RateLimitWindow(Duration.ofMinutes(15), Clock.systemUTC()), VersionRange.parse(">=1.18 <2"), concurrency, Clock.systemUTC());
        return new PlainProber(prober, states);
    }
}
