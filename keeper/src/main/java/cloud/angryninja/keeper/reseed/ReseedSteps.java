package cloud.angryninja.keeper.reseed;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.credential.AccountRecord;
import cloud.angryninja.keeper.credential.CredentialStore;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.probe.Prober;

/**
 * Every step of a reseed, in one list and in order, as the Keycloak operator's {@code @Workflow(dependents = ...)} lists
 * its dependents: read the input, take the lock, verify the credential with Copilot, check every target workspace
 * (preflight), end a dry run, write Doppler, then apply and verify each workspace. Nothing changes before every check
 * that can refuse has passed.
 */
@ApplicationScoped
public class ReseedSteps {

    private final ReseedLock lock = new ReseedLock();
    private final List<ReseedStep> all;

    @Inject
    public ReseedSteps(CopilotChecker copilot, CredentialStore store, AccountRecord accounts, ExternalSecretSync sync, DeploymentRollout rollout,
            OpenCodeClient openCode, Prober prober, KubernetesClient kube, ReportedCredentials held, ReseedConfig config) {
        this(copilot, store, accounts, sync, rollout, openCode, prober, kube, held, config.verifyTimeout(), config.verifyInterval());
    }

    public ReseedSteps(CopilotChecker copilot, CredentialStore store, AccountRecord accounts, ExternalSecretSync sync, DeploymentRollout rollout,
            OpenCodeClient openCode, Prober prober, KubernetesClient kube, ReportedCredentials held, Duration verifyTimeout,
            Duration verifyInterval) {
        VerifyAfter verify = new VerifyAfter(prober, kube, verifyTimeout, verifyInterval);
        WorkspaceApply apply = new WorkspaceApply(sync, new LiveApply(openCode, held), new RolloutApply(rollout, held, verify), verify);
        this.all = List.of(
                new ParseInput(),
                lock,
                new VerifyBefore(copilot),
                new Preflight(sync, rollout, kube),
                new DryRunEnd(),
                new WriteDoppler(store, accounts),
                new ApplyEach(apply));
    }

    List<ReseedStep> all() {
        return all;
    }

    ReseedLock lock() {
        return lock;
    }
}
