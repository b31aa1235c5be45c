package cloud.angryninja.keeper.sandbox.dev;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import cloud.angryninja.keeper.sandbox.CopilotStandIn;
import cloud.angryninja.keeper.sandbox.DopplerStandIn;
import cloud.angryninja.keeper.sandbox.GitHubStandIn;

/**
 * Dev mode's sandbox (docs/sandbox.md): starts every part of {@link SandboxWorld} on its port, each workspace's OpenCode
 * last, at start-up before the keeper's own start-up observers run, so the keeper's first probe cycle finds them all up;
 * stops them when the application stops (a live reload starts them again). A bean in dev mode only: the keeper indexes
 * this jar in its dev profile alone ({@code %dev.quarkus.index-dependency.sandbox.*}).
 */
@Singleton
public class Sandbox {

    private static final Logger LOG = Logger.getLogger(Sandbox.class);

    private DopplerStandIn doppler;
    private CopilotStandIn copilot;
    private GitHubStandIn github;
    private SandboxKubernetes kubernetes;
    private SandboxOpenCode openCode;
    private SandboxCredentials credentials;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event) {
        var workspaces = SandboxWorld.WORKSPACES;
        openCode = new SandboxOpenCode(workspaces, "http://127.0.0.1:" + SandboxWorld.COPILOT_PORT);
        credentials = new SandboxCredentials(workspaces, openCode::authJson);
        java.util.Map<String, String> dopplerValues = new java.util.LinkedHashMap<>();
        workspaces.forEach(w -> dopplerValues.put(w.dopplerSecret(), credentials.initialAuthJson(w.name())));
        doppler = DopplerStandIn.start(SandboxWorld.DOPPLER_PORT, dopplerValues);
        copilot = CopilotStandIn.start(SandboxWorld.COPILOT_PORT, credentials::accepts);
        github = GitHubStandIn.start(SandboxWorld.GITHUB_PORT, credentials::accepts);
        kubernetes = new SandboxKubernetes(SandboxWorld.KUBERNETES_PORT, workspaces, credentials::initialAuthJson, doppler::value,
                openCode::restart);
        LOG.infof("sandbox: Kubernetes API (mock, CRUD) on %s with the ExternalSecret, Secret and Deployment of %d workspaces; "
                + "Copilot on %s, GitHub on %s, Doppler on %s", kubernetes.url(), workspaces.size(), copilot.url(), github.url(),
                doppler.url());
        openCode.startAll(credentials::initialAuthJson);
    }

    SandboxCredentials credentials() {
        return credentials;
    }

    @PreDestroy
    void stop() {
        for (AutoCloseable part : new AutoCloseable[] {openCode, kubernetes, github, copilot, doppler}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                LOG.debugf("sandbox: %s did not stop cleanly: %s", part.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
