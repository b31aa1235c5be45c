package cloud.angryninja.keeper.probe;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.AuthJsonException;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.workspace.Workspace;

/** Reads a workspace's Copilot credential from its Kubernetes Secret (the auth.json the pod is seeded with). */
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

    @Inject
    public CredentialSource(KubernetesClient kube) {
        this.kube = kube;
    }

    public Lookup lookup(Workspace w) {
        String where = "secret " + w.namespace() + "/" + w.secret();
        Secret secret;
        try {
            secret = kube.secrets().inNamespace(w.namespace()).withName(w.secret()).get();
        } catch (KubernetesClientException e) {
            String status = e.getCode() > 0 ? "HTTP " + e.getCode() : "no answer";
            return Lookup.unknown(ERROR_KUBE, "cannot read " + where + " from the Kubernetes API (" + status + ")");
        } catch (RuntimeException e) {
            return Lookup.unknown(ERROR_KUBE, "cannot read " + where + " from the Kubernetes API (" + e.getClass().getSimpleName() + ")");
        }
        if (secret == null) {
            return Lookup.unknown(ERROR_SECRET_MISSING, where + " does not exist");
        }
        Optional<String> text = value(secret, w.secretKey());
        if (text.isEmpty()) {
            return Lookup.unknown(ERROR_SECRET_MISSING, where + " has no key " + w.secretKey());
        }
        try {
            return Lookup.found(AuthJson.parse(text.get()));
        } catch (AuthJsonException e) {
            return Lookup.invalid(where + " key " + w.secretKey() + ": " + e.getMessage());
        }
    }

    /** The decoded value of {@code key}: from {@code data} (base64), else from {@code stringData}. */
    public static Optional<String> value(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            try {
                return Optional.of(new String(Base64.getMimeDecoder().decode(data.get(key)), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        Map<String, String> stringData = secret.getStringData();
        return stringData == null ? Optional.empty() : Optional.ofNullable(stringData.get(key));
    }
}
