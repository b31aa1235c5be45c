package cloud.angryninja.keeper.workspace;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * One OpenCode workspace with every default resolved.
 *
 * @param name           the workspace name, also the metric label
 * @param url            OpenCode base URL
 * @param username       basic-auth user of the OpenCode server
 * @param password       basic-auth password of the OpenCode server; never logged or returned
 * @param namespace      Kubernetes namespace of the workspace
 * @param deployment     Deployment that runs the workspace pod
 * @param externalSecret    ExternalSecret that syncs the credential Secret
 * @param secret            Secret holding auth.json (the credential alone: {@code <name>-copilot} by default)
 * @param secretKey         key in {@code secret} whose value is the auth.json text
 * @param dopplerSecret     Doppler secret name that holds the auth.json text
 * @param reportTokenSecret Secret holding the token the workspace reports its credential with ({@code <name>-secret})
 * @param reportTokenKey    key in {@code reportTokenSecret} whose value is that token
 */
public record Workspace(String name, URI url, String username, Optional<String> password, String namespace,
        String deployment, String externalSecret, String secret, String secretKey, String dopplerSecret,
        String reportTokenSecret, String reportTokenKey) {

    /** The key of the report token in the workspace's {@code <name>-secret} by default. */
    public static final String DEFAULT_REPORT_TOKEN_KEY = "KEEPER_REPORT_TOKEN";

    /** A workspace whose report token is read from {@code <name>-secret}[{@value #DEFAULT_REPORT_TOKEN_KEY}]. */
    public Workspace(String name, URI url, String username, Optional<String> password, String namespace, String deployment,
            String externalSecret, String secret, String secretKey, String dopplerSecret) {
        this(name, url, username, password, namespace, deployment, externalSecret, secret, secretKey, dopplerSecret,
                defaultSecret(name), DEFAULT_REPORT_TOKEN_KEY);
    }

    /** {@code opencode-flux} -> {@code opencode-flux-copilot}: the Secret (and its ExternalSecret) holding the credential alone. */
    public static String defaultCredentialSecret(String name) {
        return name + "-copilot";
    }

    /** {@code opencode-flux} -> {@code opencode-flux-secret}: the workspace's other Secret (PAT, server password, report token). */
    public static String defaultSecret(String name) {
        return name + "-secret";
    }

    /** {@code opencode-flux} -> {@code OPENCODE_FLUX_COPILOT_AUTH_JSON}. */
    public static String defaultDopplerSecret(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_') + "_COPILOT_AUTH_JSON";
    }

    /** {@code url} joined with an absolute API path, keeping any path prefix of the base URL. */
    public URI endpoint(String path) {
        String base = url.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "Workspace[" + name + " " + url + " " + namespace + "/" + deployment + "]";
    }
}
