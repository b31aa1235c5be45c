package cloud.angryninja.keeper.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Short, secret-free text for a Kubernetes API error: HTTP code and the API's status message. */
public final class KubeErrors {

    private KubeErrors() {
    }

    public static String describe(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getCause() != null ? e.getCause().getClass().getSimpleName() : "no detail";
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + message;
    }
}
