package cloud.angryninja.keeper.kube;

import java.util.List;

/** Every annotation key and the field manager the keeper reads or writes, in one place. */
public final class KeeperAnnotations {

    private KeeperAnnotations() {
    }

    /** Field manager named on every patch the keeper sends. */
    public static final String FIELD_MANAGER = "opencode-keeper";

    /** ExternalSecret annotation whose change makes ESO sync now; the value is epoch seconds. */
    public static final String FORCE_SYNC = "force-sync";

    /** Pod-template annotation that {@code kubectl rollout restart} sets (RFC 3339); changing it rolls the pods. */
    public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    /**
     * Deployment annotation (metadata, not the pod template, so setting it rolls nothing) recording that the rollout of
     * a generation started after the credential Secret held a value: {@code <first 12 hex of the value's SHA-256>@<generation>}.
     * A re-run of the same reseed reads it to decide whether the pods still need a restart.
     */
    public static final String ROLLED_OUT_FOR = "opencode-keeper.angryninja.cloud/rolled-out-for";

    /** Reloader: roll on any change of a referenced ConfigMap or Secret. */
    public static final String RELOADER_AUTO = "reloader.stakater.com/auto";

    /** Reloader: roll on any change of a referenced Secret. */
    public static final String RELOADER_SECRET_AUTO = "secret.reloader.stakater.com/auto";

    /** Reloader: roll on a change of the Secrets listed (comma-separated). */
    public static final String RELOADER_SECRET_RELOAD = "secret.reloader.stakater.com/reload";

    /** Reloader: roll on a change of referenced resources that are annotated {@code reloader.stakater.com/match}. */
    public static final String RELOADER_SEARCH = "reloader.stakater.com/search";

    /** Deployment annotations that mean Reloader may roll the pods when a Secret changes. */
    public static final List<String> RELOADER_KEYS = List.of(RELOADER_AUTO, RELOADER_SECRET_AUTO, RELOADER_SECRET_RELOAD,
            RELOADER_SEARCH);
}
