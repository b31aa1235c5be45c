package cloud.angryninja.keeper.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Plays External Secrets Operator on a mock Kubernetes API: when an ExternalSecret's annotations change (a forced
 * sync), it copies each {@code spec.data[].remoteRef.key} value from {@code remoteValues} into the target Secret (and
 * each {@code "{{ .NAME }}"} value of a v2 template over dataFrom find-by-path keys, the cluster's house style) and
 * sets {@code Ready=True/SecretSynced} and {@code refreshTime}. It can be told to fail ({@code Ready=False}) or to
 * hang (do nothing). ExternalSecrets that appear are remembered, not synced.
 */
public final class FakeExternalSecretsOperator implements AutoCloseable {

    /** ESO's API: {@code external-secrets.io/v1}, kind {@code ExternalSecret}. */
    public static final String GROUP = "external-secrets.io";
    public static final String VERSION = "v1";
    public static final String KIND = "ExternalSecret";
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(VERSION).withKind(KIND).withPlural("externalsecrets").withNamespaced(true).build();
    /** The reason of ESO's {@code Ready=True} condition after a sync. */
    public static final String SYNCED = "SecretSynced";

    private enum Behaviour { SYNC, FAIL, HANG }

    private static final java.util.regex.Pattern ONE_NAME = java.util.regex.Pattern.compile("\\{\\{ *\\.([A-Za-z0-9_]+) *}}");

    private final KubernetesClient client;
    private final Function<String, Optional<String>> remoteValues;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-eso");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Map<String, String>> lastAnnotations = new ConcurrentHashMap<>();
    private final AtomicInteger forcedSyncs = new AtomicInteger();
    private final AtomicInteger syncs = new AtomicInteger();
    private volatile Behaviour behaviour = Behaviour.SYNC;
    private volatile String failureMessage = "";
    private volatile Duration delay = Duration.ZERO;
    private SharedIndexInformer<GenericKubernetesResource> informer;

    /**
     * @param client       a client of the mock API, ideally {@link ApiCalls#controllerClient}
     * @param remoteValues the provider: remote key (e.g. a Doppler secret name) to its current value
     */
    public FakeExternalSecretsOperator(KubernetesClient client, Function<String, Optional<String>> remoteValues) {
        this.client = client;
        this.remoteValues = remoteValues;
    }

    /** Starts watching ExternalSecrets in every namespace. */
    public FakeExternalSecretsOperator start() {
        informer = client.genericKubernetesResources(CONTEXT).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource es) {
                lastAnnotations.put(key(es), annotations(es));
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource es) {
                Map<String, String> now = annotations(es);
                if (!now.equals(lastAnnotations.put(key(es), now))) {
                    forcedSyncs.incrementAndGet();
                    executor.schedule(() -> react(es.getMetadata().getNamespace(), es.getMetadata().getName()),
                            delay.toMillis(), TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource es, boolean unknownFinalState) {
                lastAnnotations.remove(key(es));
            }
        });
        return this;
    }

    /** From now on, forced syncs copy the values and report success (the default). */
    public FakeExternalSecretsOperator succeeds() {
        behaviour = Behaviour.SYNC;
        return this;
    }

    /** From now on, forced syncs report {@code Ready=False} with this message and leave the Secret alone. */
    public FakeExternalSecretsOperator fails(String message) {
        failureMessage = message;
        behaviour = Behaviour.FAIL;
        return this;
    }

    /** From now on, forced syncs do nothing at all. */
    public FakeExternalSecretsOperator hangs() {
        behaviour = Behaviour.HANG;
        return this;
    }

    /** Waits this long between seeing a forced sync and acting on it. */
    public FakeExternalSecretsOperator delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Annotation changes seen (forced syncs asked for). */
    public int forcedSyncs() {
        return forcedSyncs.get();
    }

    /** Successful syncs performed. */
    public int completedSyncs() {
        return syncs.get();
    }

    /** Syncs one ExternalSecret now, as ESO does when it first sees one; for setting up a cluster's initial state. */
    public void syncNow(String namespace, String name) {
        sync(get(namespace, name));
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        executor.shutdownNow();
    }

    private void react(String namespace, String name) {
        GenericKubernetesResource es = get(namespace, name);
        if (es == null) {
            return;
        }
        switch (behaviour) {
            case SYNC -> sync(es);
            case FAIL -> setReady(es, "False", "SecretSyncedError", failureMessage, false);
            case HANG -> {
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void sync(GenericKubernetesResource es) {
        Map<String, String> data = new LinkedHashMap<>();
        Object spec = es.getAdditionalProperties().get("spec");
        List<Map<String, Object>> entries = spec instanceof Map<?, ?> m && m.get("data") instanceof List<?> l
                ? (List<Map<String, Object>>) l : List.of();
        for (Map<String, Object> entry : entries) {
            String secretKey = (String) entry.get("secretKey");
            String remoteKey = (String) ((Map<String, Object>) entry.get("remoteRef")).get("key");
            Optional<String> value = remoteValues.apply(remoteKey);
            if (value.isEmpty()) {
                setReady(es, "False", "SecretSyncedError", "could not get secret data from provider: key " + remoteKey
                        + " not found", false);
                return;
            }
            data.put(secretKey, Base64.getEncoder().encodeToString(value.get().getBytes(StandardCharsets.UTF_8)));
        }
        // The cluster's house style: dataFrom find by path prefix, and a v2 template whose values are each one
        // {{ .NAME }} of a found key. Other templates are not played: they fail the sync loudly.
        Map<String, Object> targetSpec = spec instanceof Map<?, ?> m && m.get("target") instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.of();
        Map<String, Object> template = targetSpec.get("template") instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.of();
        List<String> prefixes = new ArrayList<>();
        if (spec instanceof Map<?, ?> m && m.get("dataFrom") instanceof List<?> l) {
            for (Object from : l) {
                if (from instanceof Map<?, ?> f && f.get("find") instanceof Map<?, ?> find && find.get("path") instanceof String path) {
                    prefixes.add(path);
                }
            }
        }
        if (template.get("data") instanceof Map<?, ?> templated) {
            for (Map.Entry<?, ?> e : templated.entrySet()) {
                java.util.regex.Matcher name = ONE_NAME.matcher(String.valueOf(e.getValue()).strip());
                if (!name.matches() || prefixes.stream().noneMatch(name.group(1)::startsWith)) {
                    setReady(es, "False", "SecretSyncedError", "template value of " + e.getKey() + " is not one {{ .NAME }} of a found key",
                            false);
                    return;
                }
                Optional<String> value = remoteValues.apply(name.group(1));
                if (value.isEmpty()) {
                    setReady(es, "False", "SecretSyncedError", "could not get secret data from provider: key " + name.group(1)
                            + " not found", false);
                    return;
                }
                data.put(String.valueOf(e.getKey()), Base64.getEncoder().encodeToString(value.get().getBytes(StandardCharsets.UTF_8)));
            }
        }
        String namespace = es.getMetadata().getNamespace();
        String target = targetName(es);
        var secrets = client.secrets().inNamespace(namespace);
        if (secrets.withName(target).get() == null) {
            secrets.resource(new SecretBuilder().withNewMetadata().withName(target).withNamespace(namespace).endMetadata()
                    .withType("Opaque").withData(data).build()).create();
        } else {
            secrets.withName(target).edit(s -> {
                Map<String, String> merged = new LinkedHashMap<>(Objects.requireNonNullElse(s.getData(), Map.of()));
                merged.putAll(data);
                s.setData(merged);
                return s;
            });
        }
        setReady(es, "True", SYNCED, "secret synced", true);
        syncs.incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private void setReady(GenericKubernetesResource es, String status, String reason, String message, boolean refreshed) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        client.genericKubernetesResources(CONTEXT).inNamespace(es.getMetadata().getNamespace())
                .withName(es.getMetadata().getName()).editStatus(current -> {
                    Map<String, Object> old = current.getAdditionalProperties().get("status") instanceof Map<?, ?> m
                            ? (Map<String, Object>) m : Map.of();
                    Map<String, Object> ready = old.get("conditions") instanceof List<?> l && !l.isEmpty()
                            ? (Map<String, Object>) l.get(0) : Map.of();
                    Map<String, Object> statusMap = new LinkedHashMap<>(old);
                    Map<String, Object> condition = new LinkedHashMap<>();
                    condition.put("type", "Ready");
                    condition.put("status", status);
                    condition.put("reason", reason);
                    condition.put("message", message);
                    condition.put("lastTransitionTime", status.equals(ready.get("status")) && ready.get("lastTransitionTime") != null
                            ? ready.get("lastTransitionTime") : now);
                    statusMap.put("conditions", List.of(condition));
                    if (refreshed) {
                        statusMap.put("refreshTime", now);
                        statusMap.put("syncedResourceVersion", current.getMetadata().getResourceVersion());
                    }
                    current.setAdditionalProperty("status", statusMap);
                    return current;
                });
    }

    /** ESO's target Secret: {@code spec.target.name}, else the ExternalSecret's own name. */
    @SuppressWarnings("unchecked")
    private static String targetName(GenericKubernetesResource es) {
        Object spec = es.getAdditionalProperties().get("spec");
        Object target = spec instanceof Map<?, ?> m ? m.get("target") : null;
        Object name = target instanceof Map<?, ?> t ? ((Map<String, Object>) t).get("name") : null;
        return name instanceof String n && !n.isBlank() ? n : es.getMetadata().getName();
    }

    private GenericKubernetesResource get(String namespace, String name) {
        return client.genericKubernetesResources(CONTEXT).inNamespace(namespace).withName(name).get();
    }

    private static String key(GenericKubernetesResource es) {
        return es.getMetadata().getNamespace() + "/" + es.getMetadata().getName();
    }

    private static Map<String, String> annotations(GenericKubernetesResource es) {
        return es.getMetadata().getAnnotations() == null ? Map.of() : Map.copyOf(es.getMetadata().getAnnotations());
    }
}
