package cloud.angryninja.keeper.workspace;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a Deployment declares a workspace, decided without touching the cluster.
 * <ul>
 * <li>label {@value #WORKSPACE}: the workspace name, or {@code "true"} for the Deployment's name;</li>
 * <li>annotations {@value #PREFIX}{@code <field>} for the fields that differ from the defaults:
 * {@code url}, {@code username}, {@code secret}, {@code secret-key}, {@code external-secret},
 * {@code doppler-secret}, {@code report-token-secret}, {@code report-token-key}, and the OpenCode password as a
 * Secret reference, {@code password-secret} (default {@code <name>-secret}) and {@code password-key}; never the
 * password itself.</li>
 * </ul>
 * The namespace and the deployment are the Deployment's own.
 */
public final class WorkspaceLabels {

    public static final String PREFIX = "opencode-keeper.angryninja.cloud/";
    public static final String WORKSPACE = PREFIX + "workspace";
    public static final String USE_DEPLOYMENT_NAME = "true";
    public static final String DEFAULT_PASSWORD_KEY = "OPENCODE_SERVER_PASSWORD";
    public static final int DEFAULT_PORT = 4096;

    /** The annotation fields a Deployment may set. */
    public static final List<String> FIELDS = List.of("url", "username", "password-secret", "password-key", "secret", "secret-key",
            "external-secret", "doppler-secret", "report-token-secret", "report-token-key");

    private WorkspaceLabels() {
    }

    /**
     * A workspace as its Deployment declares it, the password still to be read from
     * {@code passwordSecret}[{@code passwordKey}] in the workspace's namespace.
     */
    public record Declared(Workspace withoutPassword, String passwordSecret, String passwordKey) {

        public Workspace withPassword(Optional<String> password) {
            Workspace w = withoutPassword;
            return new Workspace(w.name(), w.url(), w.username(), password.filter(p -> !p.isEmpty()), w.namespace(), w.deployment(),
                    w.externalSecret(), w.secret(), w.secretKey(), w.dopplerSecret(), w.reportTokenSecret(), w.reportTokenKey());
        }
    }

    /** The declared workspace, or why the Deployment's labels and annotations do not make one. */
    public record Reading(Optional<Declared> declared, String problem) {

        static Reading ok(Declared d) {
            return new Reading(Optional.of(d), "");
        }

        static Reading refused(String problem) {
            return new Reading(Optional.empty(), problem);
        }
    }

    /** Reads a Deployment's labels and annotations. */
    public static Reading read(String namespace, String deployment, Map<String, String> labels, Map<String, String> annotations) {
        String where = "deployment " + namespace + "/" + deployment;
        String label = labels == null ? null : labels.get(WORKSPACE);
        if (label == null) {
            return Reading.refused(where + " has no label " + WORKSPACE);
        }
        String name = USE_DEPLOYMENT_NAME.equals(label) ? deployment : label;
        if (!Workspaces.isValidName(name)) {
            return Reading.refused(where + ": label " + WORKSPACE + "=" + label
                    + " is not a workspace name (a DNS label: lower-case letters, digits and '-', at most 63 characters) or \"true\"");
        }
        Map<String, String> fields = new TreeMap<>();
        for (Map.Entry<String, String> a : (annotations == null ? Map.<String, String>of() : annotations).entrySet()) {
            if (!a.getKey().startsWith(PREFIX)) {
                continue;
            }
            String field = a.getKey().substring(PREFIX.length());
            if (field.equals("password")) {
                return Reading.refused(where + ": annotation " + a.getKey() + " is refused: the password never goes in an annotation;"
                        + " name the Secret that holds it with " + PREFIX + "password-secret and " + PREFIX + "password-key");
            }
            if (!FIELDS.contains(field)) {
                return Reading.refused(where + ": unknown annotation " + a.getKey() + " (fields: " + String.join(", ", FIELDS) + ")");
            }
            String value = a.getValue() == null ? "" : a.getValue().trim();
            if (value.isEmpty()) {
                return Reading.refused(where + ": annotation " + a.getKey() + " is empty");
            }
            fields.put(field, value);
        }
        String rawUrl = fields.getOrDefault("url", "http://" + deployment + "." + namespace + ":" + DEFAULT_PORT);
        Optional<URI> url = Workspaces.httpUrl(rawUrl);
        if (url.isEmpty()) {
            return Reading.refused(where + ": annotation " + PREFIX + "url is not an absolute http(s) URL with a host and no user info");
        }
        String secret = fields.getOrDefault("secret", Workspace.defaultCredentialSecret(name));
        Workspace w = new Workspace(name, url.get(), fields.getOrDefault("username", "opencode"), Optional.empty(), namespace,
                deployment, fields.getOrDefault("external-secret", Workspace.defaultCredentialSecret(name)), secret,
                fields.getOrDefault("secret-key", "COPILOT_AUTH_JSON"), fields.getOrDefault("doppler-secret", Workspace.defaultDopplerSecret(name)),
                fields.getOrDefault("report-token-secret", Workspace.defaultSecret(name)),
                fields.getOrDefault("report-token-key", Workspace.DEFAULT_REPORT_TOKEN_KEY));
        return Reading.ok(new Declared(w, fields.getOrDefault("password-secret", Workspace.defaultSecret(name)),
                fields.getOrDefault("password-key", DEFAULT_PASSWORD_KEY)));
    }
}
