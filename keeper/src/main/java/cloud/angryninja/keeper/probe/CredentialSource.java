package cloud.angryninja.keeper.probe;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.AuthJsonException;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.kube.Secrets;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * The Copilot credential a workspace's probe checks: the one the workspace holds ({@link HeldCredentials}: it reported
 * it, or the keeper gave it), else the one in its Kubernetes Secret (the auth.json the pod is seeded with).
 */
@ApplicationScoped
public class CredentialSource {

    /** The credential, or why there is none: {@code error} is a check-error label, {@code invalid} marks bad content. */
    public record Lookup(Optional<CopilotCredential> credential, boolean invalid, String error, String reason) {

        static Lookup found(CopilotCredential credential) {
            return new Lookup(Optional.of(credential), false, "", "");
        }

        static Lookup unknown(String error, String reason) {
            return new Lookup(Optional.empty(), false, error, reason);
        }

        static Lookup invalid(String reason) {
            return new Lookup(Optional.empty(), true, ERROR_AUTH_JSON, reason);
        }
    }

    public static final String ERROR_SECRET_MISSING = "secret_missing";
    public static final String ERROR_KUBE = "kube_error";
    public static final String ERROR_AUTH_JSON = "auth_json_invalid";

    private final KubernetesClient kube;
    private final Duration deadline;
    private final HeldCredentials held;

    /**
     * The deadline of one Secret read is {@code keeper.probe.timeout}: an unreachable Kubernetes API (whose client
     * retries with backoff for about 20 s) delays a probe cycle, and so readiness, by no more than that.
     */
    @Inject
    public CredentialSource(KubernetesClient kube, ProbeConfig config, HeldCredentials held) {
        this(kube, config.timeout(), held);
    }

    /** {@code held}: {@link HeldCredentials#NONE} for the Secret's credential only. */
    public CredentialSource(KubernetesClient kube, Duration deadline, HeldCredentials held) {
        this.kube = kube;
        this.deadline = deadline;
        this.held = held;
    }

    /** The credential the workspace holds when known, else its Secret's. */
    public Lookup lookup(Workspace w) {
        Optional<CopilotCredential> holds = held.heldBy(w.name());
        return holds.isPresent() ? Lookup.found(holds.get()) : secretLookup(w);
    }

    /** The credential in the workspace's Secret. */
    public Lookup secretLookup(Workspace w) {
        String where = "secret " + w.namespace() + "/" + w.secret();
        Secret secret;
        FutureTask<Secret> read = new FutureTask<>(() -> kube.secrets().inNamespace(w.namespace()).withName(w.secret()).get());
        Thread.ofVirtual().name("secret-read-" + w.name()).start(read);
        try {
            secret = read.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            read.cancel(true);
            return Lookup.unknown(ERROR_KUBE, "cannot read " + where + ": the Kubernetes API did not answer within "
                    + deadline.toMillis() + " ms (keeper.probe.timeout)");
        } catch (InterruptedException e) {
            read.cancel(true);
            Thread.currentThread().interrupt();
            return Lookup.unknown(ERROR_KUBE, "cannot read " + where + " from the Kubernetes API (interrupted)");
        } catch (ExecutionException e) {
            return failed(where, e.getCause());
        }
        if (secret == null) {
            return Lookup.unknown(ERROR_SECRET_MISSING, where + " does not exist");
        }
        Optional<String> text = Secrets.value(secret, w.secretKey());
        if (text.isEmpty()) {
            return Lookup.unknown(ERROR_SECRET_MISSING, where + " has no key " + w.secretKey());
        }
        try {
            return Lookup.found(AuthJson.parse(text.get()));
        } catch (AuthJsonException e) {
            return Lookup.invalid(where + " key " + w.secretKey() + ": " + e.getMessage());
        }
    }

    private static Lookup failed(String where, Throwable e) {
        if (e instanceof KubernetesClientException k) {
            String status = k.getCode() > 0 ? "HTTP " + k.getCode() : "no answer";
            return Lookup.unknown(ERROR_KUBE, "cannot read " + where + " from the Kubernetes API (" + status + ")");
        }
        return Lookup.unknown(ERROR_KUBE, "cannot read " + where + " from the Kubernetes API (" + e.getClass().getSimpleName() + ")");
    }
}
