package cloud.angryninja.keeper.kube;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;

/**
 * Kubernetes API errors: short, secret-free text (HTTP code and the API's status message), and the
 * timeout of a wait that ran out of time.
 */
public final class KubeErrors {

    private KubeErrors() {
    }

    /**
     * Milliseconds left of {@code timeout} since {@code startNanos} ({@link System#nanoTime()}); when
     * none are left, the same timeout exception fabric8's own waits throw, naming the wait.
     */
    public static long remainingMillis(Duration timeout, long startNanos, String resource, String wait) {
        long left = timeout.toMillis() - Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        if (left <= 0) {
            throw new KubernetesClientTimeoutException(resource, wait, "", timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return left;
    }

    public static String describe(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getCause() != null ? e.getCause().getClass().getSimpleName() : "no detail";
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + message;
    }
}
