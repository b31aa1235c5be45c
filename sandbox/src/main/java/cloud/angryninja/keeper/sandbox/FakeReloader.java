package cloud.angryninja.keeper.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Plays Stakater Reloader (annotations strategy) on a mock Kubernetes API: when a Secret's data changes, every
 * Deployment in its namespace that Reloader watches for it ({@link #watches}) and whose pods use it gets its pod
 * template annotated {@code reloader.stakater.com/last-reloaded-from}, which rolls it.
 */
public final class FakeReloader implements AutoCloseable {

    public static final String LAST_RELOADED_FROM = "reloader.stakater.com/last-reloaded-from";
    /** Reloader's annotations on a Deployment: every Secret it uses, the Secrets it uses, the named ones, the matching ones. */
    public static final String AUTO = "reloader.stakater.com/auto";
    public static final String SECRET_AUTO = "secret.reloader.stakater.com/auto";
    public static final String SECRET_RELOAD = "secret.reloader.stakater.com/reload";
    public static final String SEARCH = "reloader.stakater.com/search";

    private final KubernetesClient client;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-reloader");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> secretData = new ConcurrentHashMap<>();
    private final AtomicInteger reloads = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private SharedIndexInformer<Secret> informer;

    /** @param client a client of the mock API, ideally {@link ApiCalls#controllerClient} */
    public FakeReloader(KubernetesClient client) {
        this.client = client;
    }

    /** Starts watching Secrets in every namespace. */
    public FakeReloader start() {
        informer = client.secrets().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                secretData.put(key(s), dataHash(s));
            }

            @Override
            public void onUpdate(Secret before, Secret s) {
                String hash = dataHash(s);
                if (!hash.equals(secretData.put(key(s), hash))) {
                    executor.schedule(() -> reload(s.getMetadata().getNamespace(), s.getMetadata().getName(), hash),
                            delay.toMillis(), TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onDelete(Secret s, boolean unknownFinalState) {
                secretData.remove(key(s));
            }
        });
        return this;
    }

    /** Waits this long after a Secret change before rolling. */
    public FakeReloader delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Deployments rolled so far. */
    public int reloads() {
        return reloads.get();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        executor.shutdownNow();
    }

    private void reload(String namespace, String secret, String hash) {
        for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
            if (watches(d, secret) && references(d, secret)) {
                String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + LAST_RELOADED_FROM + "\":\""
                        + "secret/" + secret + "@" + hash.substring(0, 12) + "\"}}}}}";
                client.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                reloads.incrementAndGet();
            }
        }
    }

    /** Whether the Deployment's Reloader annotations cover {@code secret}. */
    static boolean watches(Deployment d, String secret) {
        Map<String, String> annotations = d.getMetadata().getAnnotations();
        if (annotations == null) {
            return false;
        }
        return "true".equalsIgnoreCase(annotations.get(AUTO)) || "true".equalsIgnoreCase(annotations.get(SECRET_AUTO))
                || "true".equalsIgnoreCase(annotations.get(SEARCH))
                || java.util.Arrays.stream(annotations.getOrDefault(SECRET_RELOAD, "").split(",")).map(String::trim).anyMatch(secret::equals);
    }

    /** Reloader's auto modes act only on the Secrets the pod template uses (envFrom, env, volumes). */
    static boolean references(Deployment d, String secret) {
        var spec = d.getSpec().getTemplate().getSpec();
        java.util.List<io.fabric8.kubernetes.api.model.Container> containers = new java.util.ArrayList<>(spec.getContainers());
        containers.addAll(spec.getInitContainers());
        boolean inContainers = containers.stream().anyMatch(c -> c.getEnvFrom().stream()
                .anyMatch(e -> e.getSecretRef() != null && secret.equals(e.getSecretRef().getName()))
                || c.getEnv().stream().anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                        && secret.equals(e.getValueFrom().getSecretKeyRef().getName())));
        boolean inVolumes = spec.getVolumes().stream().anyMatch(v -> v.getSecret() != null && secret.equals(v.getSecret().getSecretName()));
        return inContainers || inVolumes;
    }

    private static String dataHash(Secret s) {
        return sha256(String.valueOf(s.getData() == null ? Map.of() : new java.util.TreeMap<>(s.getData())));
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String key(Secret s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }
}
