package cloud.angryninja.keeper.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Plays the Deployment controller on a mock Kubernetes API: every change of a Deployment's pod template is one
 * rollout, counted, whose status it moves forward (first progressing, then after {@link #stepDelay} complete),
 * or leaves stalled, or ends with {@code ProgressDeadlineExceeded}. Deployments that appear get a complete status
 * without counting as a rollout.
 */
public final class FakeDeploymentController implements AutoCloseable {

    private enum Behaviour { COMPLETE, STALL, DEADLINE_EXCEEDED }

    /** The reason of {@code Progressing=False} when a rollout ran out of its progress deadline. */
    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-deployment-controller");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> templates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rollouts = new ConcurrentHashMap<>();
    private volatile Behaviour behaviour = Behaviour.COMPLETE;
    private volatile Duration stepDelay = Duration.ofMillis(100);
    private volatile java.util.function.BiConsumer<String, String> newPods = (namespace, name) -> {
    };
    private SharedIndexInformer<Deployment> informer;

    /** @param client a client of the mock API, ideally {@link ApiCalls#controllerClient} */
    public FakeDeploymentController(KubernetesClient client) {
        this.client = client;
    }

    /** Starts watching Deployments in every namespace. */
    public FakeDeploymentController start() {
        informer = client.apps().deployments().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                templates.put(key(d), template(d));
                rollouts.computeIfAbsent(key(d), k -> new AtomicInteger());
                if (!isComplete(d)) {
                    executor.execute(() -> complete(d.getMetadata().getNamespace(), d.getMetadata().getName()));
                }
            }

            @Override
            public void onUpdate(Deployment before, Deployment d) {
                String fingerprint = template(d);
                if (!fingerprint.equals(templates.put(key(d), fingerprint))) {
                    rollouts.computeIfAbsent(key(d), k -> new AtomicInteger()).incrementAndGet();
                    executor.execute(() -> roll(d.getMetadata().getNamespace(), d.getMetadata().getName()));
                }
            }

            @Override
            public void onDelete(Deployment d, boolean unknownFinalState) {
                templates.remove(key(d));
            }
        });
        return this;
    }

    /** From now on, rollouts complete after {@link #stepDelay} (the default). */
    public FakeDeploymentController completes() {
        behaviour = Behaviour.COMPLETE;
        return this;
    }

    /** From now on, rollouts progress and never complete. */
    public FakeDeploymentController stalls() {
        behaviour = Behaviour.STALL;
        return this;
    }

    /** From now on, rollouts end after {@link #stepDelay} with {@code Progressing=False/ProgressDeadlineExceeded}. */
    public FakeDeploymentController exceedsDeadline() {
        behaviour = Behaviour.DEADLINE_EXCEEDED;
        return this;
    }

    /**
     * Runs when a rollout's new pods start, before the rollout can complete (namespace, name): e.g. restarts the
     * process that plays the workspace's pod, as a pod reads its Secret when it starts.
     */
    public FakeDeploymentController onNewPods(java.util.function.BiConsumer<String, String> action) {
        this.newPods = action;
        return this;
    }

    /** Time between a rollout's progressing status and its final one. */
    public FakeDeploymentController stepDelay(Duration delay) {
        this.stepDelay = delay;
        return this;
    }

    /** Rollouts (pod-template changes) seen for this Deployment since it appeared. */
    public int rollouts(String namespace, String name) {
        AtomicInteger count = rollouts.get(namespace + "/" + name);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        executor.shutdownNow();
    }

    private void roll(String namespace, String name) {
        Behaviour now = behaviour;
        setStatus(namespace, name, false, condition("True", "ReplicaSetUpdated", "rolling out"));
        switch (now) {
            case COMPLETE -> executor.schedule(() -> {
                newPods.accept(namespace, name);
                complete(namespace, name);
            }, stepDelay.toMillis(), TimeUnit.MILLISECONDS);
            case DEADLINE_EXCEEDED -> executor.schedule(() -> setStatus(namespace, name, false,
                    condition("False", PROGRESS_DEADLINE_EXCEEDED, "ReplicaSet \"" + name + "\" has timed out progressing.")),
                    stepDelay.toMillis(), TimeUnit.MILLISECONDS);
            case STALL -> {
            }
        }
    }

    private void complete(String namespace, String name) {
        setStatus(namespace, name, true, condition("True", "NewReplicaSetAvailable", "ReplicaSet \"" + name + "\" has successfully progressed."));
    }

    /**
     * Status of the current generation: all replicas updated, and available only when {@code done}. A write that
     * loses to a concurrent change of the Deployment (409) is done again on the new version, as a controller requeues.
     */
    private void setStatus(String namespace, String name, boolean done, DeploymentCondition progressing) {
        for (int attempt = 1;; attempt++) {
            try {
                writeStatus(namespace, name, done, progressing);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    private void writeStatus(String namespace, String name, boolean done, DeploymentCondition progressing) {
        client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            d.setStatus(new DeploymentStatusBuilder()
                    .withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(replicas)
                    .withUpdatedReplicas(replicas)
                    .withReadyReplicas(done ? replicas : 0)
                    .withAvailableReplicas(done ? replicas : 0)
                    .withUnavailableReplicas(done ? 0 : replicas)
                    .withConditions(List.of(progressing))
                    .build());
            return d;
        });
    }

    private static DeploymentCondition condition(String status, String reason, String message) {
        String now = Instant.now().toString();
        return new DeploymentConditionBuilder().withType("Progressing").withStatus(status).withReason(reason).withMessage(message)
                .withLastUpdateTime(now).withLastTransitionTime(now).build();
    }

    /** The pod template as JSON: a change of it is a rollout. */
    private static String template(Deployment d) {
        return SERIALIZATION.asJson(d.getSpec() == null ? null : d.getSpec().getTemplate());
    }

    /** The current generation observed, every wanted replica updated and available. */
    static boolean isComplete(Deployment d) {
        var status = d.getStatus();
        if (status == null || d.getMetadata().getGeneration() == null) {
            return false;
        }
        long observed = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
        int wanted = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = orZero(status.getUpdatedReplicas());
        return observed >= d.getMetadata().getGeneration() && updated == wanted && orZero(status.getReplicas()) == updated
                && orZero(status.getAvailableReplicas()) == updated;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static String key(Deployment d) {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }
}
