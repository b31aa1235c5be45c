package cloud.angryninja.keeper.sandbox.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sandbox is made of, and the keeper's settings that point at it: two workspaces with their Kubernetes and
 * Doppler names, and a loopback port for each part (the mock Kubernetes API, the Copilot, GitHub and Doppler stand-ins,
 * each workspace's OpenCode). The ports are picked once per JVM, free at that moment: the settings {@link SandboxConfig}
 * hands the keeper and the servers {@link Sandbox} starts agree on them.
 */
public final class SandboxWorld {

    /** The keeper's API token in dev mode (README). */
    public static final String API_TOKEN = "sandbox-token";
    static final String NAMESPACE = "opencode";
    static final String DOPPLER_TOKEN = "dp.st.dev.sandbox-doppler-token";
    static final String DOPPLER_PROJECT = "opencode-sandbox";
    static final String DOPPLER_CONFIG = "dev";

    /** One sandbox workspace: its OpenCode (password, port) and the names of its objects, as k8s/ names them. */
    public record Workspace(String name, String password, int port) {

        public String namespace() {
            return NAMESPACE;
        }

        public String deployment() {
            return name;
        }

        /** The ExternalSecret and the Secret it writes, holding auth.json under {@link #secretKey()}. */
        public String credentialSecret() {
            return name + "-copilot";
        }

        public String secretKey() {
            return "COPILOT_AUTH_JSON";
        }

        /** The workspace's other Secret (server password, report token): Reloader watches it, not the credential's. */
        public String otherSecret() {
            return name + "-secret";
        }

        /** The Doppler secret ESO reads into the credential's Secret. */
        public String dopplerSecret() {
            return name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_COPILOT_AUTH_JSON";
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        /** Its objects in the sandbox's cluster. */
        cloud.angryninja.keeper.sandbox.WorkspaceCluster.Workspace objects() {
            return new cloud.angryninja.keeper.sandbox.WorkspaceCluster.Workspace(name, namespace(), deployment(), credentialSecret(),
                    credentialSecret(), secretKey(), dopplerSecret(), otherSecret());
        }
    }

    /**
     * Where the ports are kept: Quarkus builds the application and runs it in two class loaders of one JVM, and again at
     * each live reload, and the build fixes some settings (the Kubernetes client's URL): both must see the same ports.
     */
    static final String PORTS_PROPERTY = "opencode-keeper.sandbox.ports";
    private static final int[] PORTS = ports(6);
    static final int KUBERNETES_PORT = PORTS[0];
    static final int COPILOT_PORT = PORTS[1];
    static final int GITHUB_PORT = PORTS[2];
    static final int DOPPLER_PORT = PORTS[3];
    public static final List<Workspace> WORKSPACES = List.of(new Workspace("opencode-flux", "sandbox-flux-password", PORTS[4]),
            new Workspace("opencode-ha", "sandbox-ha-password", PORTS[5]));

    private SandboxWorld() {
    }

    /** The keeper's settings in dev mode: where each part of the sandbox listens, the workspaces' names, short timeouts. */
    static Map<String, String> keeperConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("keeper.api.token", API_TOKEN);
        config.put("keeper.probe.interval", "10s");
        config.put("keeper.copilot.api-url", "http://127.0.0.1:" + COPILOT_PORT);
        config.put("keeper.github.api-url", "http://127.0.0.1:" + GITHUB_PORT);
        config.put("keeper.doppler.api-url", "http://127.0.0.1:" + DOPPLER_PORT);
        config.put("keeper.doppler.token", DOPPLER_TOKEN);
        config.put("keeper.doppler.project", DOPPLER_PROJECT);
        config.put("keeper.doppler.config", DOPPLER_CONFIG);
        config.put("quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:" + KUBERNETES_PORT);
        config.put("quarkus.kubernetes-client.namespace", NAMESPACE);
        for (Workspace w : WORKSPACES) {
            String prefix = "keeper.workspaces." + w.name() + ".";
            config.put(prefix + "url", w.url());
            config.put(prefix + "password", w.password());
            config.put(prefix + "namespace", w.namespace());
            config.put(prefix + "deployment", w.deployment());
            config.put(prefix + "external-secret", w.credentialSecret());
            config.put(prefix + "secret", w.credentialSecret());
            config.put(prefix + "secret-key", w.secretKey());
            config.put(prefix + "doppler-secret", w.dopplerSecret());
            config.put(prefix + "report-token-secret", w.otherSecret());
        }
        // A sandbox reseed: the ESO and rollout stand-ins act at once; a restarted OpenCode takes a few seconds.
        config.put("keeper.reseed.sync-timeout", "30s");
        config.put("keeper.reseed.rollout-timeout", "120s");
        config.put("keeper.reseed.verify-timeout", "60s");
        config.put("keeper.reseed.verify-interval", "1s");
        return config;
    }

    /** The ports this JVM's sandbox uses: picked at the first call, free and distinct then, and kept in {@link #PORTS_PROPERTY}. */
    private static int[] ports(int count) {
        synchronized (System.getProperties()) {
            String kept = System.getProperty(PORTS_PROPERTY);
            if (kept == null) {
                List<ServerSocket> held = new java.util.ArrayList<>();
                try {
                    for (int i = 0; i < count; i++) {
                        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
                    }
                    kept = String.join(",", held.stream().map(socket -> Integer.toString(socket.getLocalPort())).toList());
                } catch (IOException e) {
                    throw new UncheckedIOException("no free loopback port for the sandbox", e);
                } finally {
                    for (ServerSocket socket : held) {
                        try {
                            socket.close();
                        } catch (IOException e) {
                            // the port is free again either way
                        }
                    }
                }
                System.setProperty(PORTS_PROPERTY, kept);
            }
            return java.util.Arrays.stream(kept.split(",")).mapToInt(Integer::parseInt).toArray();
        }
    }
}
