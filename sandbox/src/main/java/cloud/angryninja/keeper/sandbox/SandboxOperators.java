package cloud.angryninja.keeper.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Dev sandbox: what ESO and the Deployment controller do on a cluster, on the sandbox's Kubernetes API, so a reseed
 * runs end to end. A changed ExternalSecret annotation (force-sync) copies the value from {@link SandboxDoppler}
 * into the Secret and reports {@code Ready=True/SecretSynced}; a changed pod template restarts the workspace's
 * OpenCode with the auth.json its Secret holds (as the pod's init container seeds it), then reports the rollout
 * complete.
 */
@IfBuildProfile("dev")
@Singleton
public class SandboxOperators {

    private static final Logger LOG = Logger.getLogger(SandboxOperators.class);

    private final KubernetesClient client;
    private final Workspaces workspaces;
    private final SandboxDoppler doppler;
    private final SandboxOpenCode openCode;
    private final SandboxCredentials credentials;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "sandbox-operators"));
    private final Map<String, String> annotations = new ConcurrentHashMap<>();
    private final Map<String, String> templates = new ConcurrentHashMap<>();
    private SharedIndexInformer<GenericKubernetesResource> externalSecrets;
    private SharedIndexInformer<Deployment> deployments;

    public SandboxOperators(SandboxKubernetes kubernetes, Workspaces workspaces, SandboxDoppler doppler, SandboxOpenCode openCode,
            SandboxCredentials credentials) {
        this.client = kubernetes.operatorClient();
        this.workspaces = workspaces;
        this.doppler = doppler;
        this.openCode = openCode;
        this.credentials = credentials;
    }

    void onStart(@Observes StartupEvent event) {
        externalSecrets = client.genericKubernetesResources(ExternalSecrets.CONTEXT).inAnyNamespace().inform(new ExternalSecretHandler());
        deployments = client.apps().deployments().inAnyNamespace().inform(new DeploymentHandler());
    }

    /** ESO: a changed annotation set is a forced sync. */
    private final class ExternalSecretHandler implements ResourceEventHandler<GenericKubernetesResource> {
        @Override
        public void onAdd(GenericKubernetesResource es) {
            annotations.put(key(es.getMetadata().getNamespace(), es.getMetadata().getName()), String.valueOf(es.getMetadata().getAnnotations()));
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource es) {
            String now = String.valueOf(es.getMetadata().getAnnotations());
            if (!now.equals(annotations.put(key(es.getMetadata().getNamespace(), es.getMetadata().getName()), now))) {
                worker.execute(() -> sync(es.getMetadata().getNamespace(), es.getMetadata().getName()));
            }
        }

        @Override
        public void onDelete(GenericKubernetesResource es, boolean unknownFinalState) {
        }
    }

    /** Deployment controller: a changed pod template is a rollout; any new generation is observed. */
    private final class DeploymentHandler implements ResourceEventHandler<Deployment> {
        @Override
        public void onAdd(Deployment d) {
            templates.put(key(d.getMetadata().getNamespace(), d.getMetadata().getName()), Rollouts.templateFingerprint(d));
        }

        @Override
        public void onUpdate(Deployment before, Deployment d) {
            String fingerprint = Rollouts.templateFingerprint(d);
            boolean rolled = !fingerprint.equals(templates.put(key(d.getMetadata().getNamespace(), d.getMetadata().getName()), fingerprint));
            if (rolled || !Rollouts.hasObserved(d, d.getMetadata().getGeneration())) {
                worker.execute(() -> roll(d.getMetadata().getNamespace(), d.getMetadata().getName(), rolled));
            }
        }

        @Override
        public void onDelete(Deployment d, boolean unknownFinalState) {
        }
    }

    @SuppressWarnings("unchecked")
    private void sync(String namespace, String name) {
        var es = client.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(namespace).withName(name);
        GenericKubernetesResource current = es.get();
        if (current == null) {
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) current.getAdditionalProperties().get("spec");
        Map<String, String> data = new LinkedHashMap<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) spec.get("data")) {
            String remote = (String) ((Map<String, Object>) entry.get("remoteRef")).get("key");
            doppler.value(remote).ifPresent(v -> data.put((String) entry.get("secretKey"),
                    Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        }
        client.secrets().inNamespace(namespace).withName(ExternalSecrets.targetSecretName(current)).edit(s -> {
            Map<String, String> merged = new LinkedHashMap<>(s.getData() == null ? Map.of() : s.getData());
            merged.putAll(data);
            s.setData(merged);
            return s;
        });
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        es.editStatus(e -> {
            e.setAdditionalProperty("status", Map.of("refreshTime", now, "conditions", List.of(Map.of("type", "Ready", "status", "True",
                    "reason", ExternalSecrets.REASON_SYNCED, "message", "secret synced", "lastTransitionTime", now))));
            return e;
        });
        LOG.infof("sandbox: ESO stand-in synced ExternalSecret %s/%s", namespace, name);
    }

    private void roll(String namespace, String name, boolean newPods) {
        if (newPods) {
            workspaces.all().stream().filter(w -> w.namespace().equals(namespace) && w.deployment().equals(name)).findFirst()
                    .ifPresent(this::restart);
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
                    d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(1)
                            .withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
                    return d;
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    /** The workspace's pod starts again: OpenCode with the auth.json its Secret holds now. */
    private void restart(Workspace w) {
        String encoded = client.secrets().inNamespace(w.namespace()).withName(w.secret()).get().getData().get(w.secretKey());
        String authJson = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        credentials.use(w.name(), authJson);
        openCode.restart(w, authJson);
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @PreDestroy
    void stop() {
        if (externalSecrets != null) {
            externalSecrets.close();
        }
        if (deployments != null) {
            deployments.close();
        }
        worker.shutdownNow();
    }
}
