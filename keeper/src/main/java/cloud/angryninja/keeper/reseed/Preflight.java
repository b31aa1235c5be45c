package cloud.angryninja.keeper.reseed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.kube.KubeErrors;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.RolloutSnapshot;
import cloud.angryninja.keeper.kube.SyncRequest;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * Every check that can refuse, before anything changes, for each target workspace: its ExternalSecret can be forced
 * (recorded as {@link Step#ESO}), its Deployment exists for a rollout ({@link Step#ROLLOUT}), and what its Secret holds
 * now. A workspace that passes gets its {@link WorkspaceApply.Plan}; any refusal: 412; the Kubernetes API failing: 502.
 */
final class Preflight implements ReseedStep {

    private final ExternalSecretSync sync;
    private final DeploymentRollout rollout;
    private final KubernetesClient kube;

    Preflight(ExternalSecretSync sync, DeploymentRollout rollout, KubernetesClient kube) {
        this.sync = sync;
        this.rollout = rollout;
        this.kube = kube;
    }

    @Override
    public Optional<Exit> run(Reseed r) {
        String sha = r.credential.sha();
        List<String> refusals = new ArrayList<>();
        for (Workspace w : r.run.targets()) {
            long t = System.nanoTime();
            SyncRequest request = new SyncRequest(w.namespace(), w.externalSecret(), w.secret(), w.secretKey(), sha);
            try {
                Optional<String> problem = sync.precheck(request);
                if (problem.isPresent()) {
                    r.run.record(w.name(), Step.ESO, Outcome.FAILURE, ReseedStep.since(t), "refused before any change: " + problem.get());
                    refusals.add(w.name() + ": " + problem.get());
                    continue;
                }
                Optional<RolloutSnapshot> before = rollout.snapshot(w.namespace(), w.deployment(), w.secret());
                if (r.mode == ReseedMode.ROLLOUT && before.isEmpty()) {
                    String problemText = "Deployment " + w.namespace() + "/" + w.deployment() + " not found";
                    r.run.record(w.name(), Step.ROLLOUT, Outcome.FAILURE, ReseedStep.since(t), "refused before any change: " + problemText);
                    refusals.add(w.name() + ": " + problemText);
                    continue;
                }
                // No rollout in live mode: the Deployment is only read, to say whether Reloader will restart it.
                Secret secret = kube.secrets().inNamespace(w.namespace()).withName(w.secret()).get();
                boolean held = ExternalSecretSync.holds(secret, w.secretKey(), sha);
                r.plans.put(w.name(), new WorkspaceApply.Plan(w, request, before.map(b -> held ? b.withoutReloader() : b).orElse(null), held));
            } catch (KubernetesClientException e) {
                String problem = "Kubernetes API error reading the objects of " + w.name() + ": " + KubeErrors.describe(e);
                r.run.record(w.name(), Step.ESO, Outcome.FAILURE, ReseedStep.since(t), problem);
                return Exit.with(502, problem + "; nothing changed");
            }
        }
        return refusals.isEmpty() ? Optional.empty() : Exit.with(412, "refused before any change: " + String.join("; ", refusals));
    }
}
