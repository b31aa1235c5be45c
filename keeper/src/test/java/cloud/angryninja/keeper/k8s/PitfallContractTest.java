package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.ClusterSnapshot;
import cloud.angryninja.keeper.manifests.ExternalSecretKeys;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/**
 * One contract per pitfall of the research summary (shared/seeds), asserted on the manifests Flux
 * would apply (built and substituted). The summary numbers its critical pitfalls 1-7 and names
 * 8-12 in its phase plan, where it also names two more under numbers that collide with the
 * critical list ("5: wrong namespace", "6: PVC VolumeAttachment stuck on node failure / separate
 * PVCs"); those two are {@code pitfallP5} and {@code pitfallP6}. Behaviour that needs the script
 * run (re-clone, PAT, ownership) is proven in {@link InitScriptTest}; these tests pin the wiring.
 */
@Tier.Integration
class PitfallContractTest {

    static List<JsonNode> workspace(String app) {
        return K8sTree.build(K8sTree.app(app));
    }

    static JsonNode values(String app) {
        return K8sTree.single(workspace(app), "HelmRelease").path("spec").path("values");
    }

    static List<String> hostnames(String app) {
        List<String> hosts = new ArrayList<>();
        values(app).path("route").forEach(r -> r.path("hostnames").forEach(h -> hosts.add(h.asText())));
        return hosts;
    }

    /** TLS wildcard matching (RFC 6125): "*" stands for exactly one left-most label. */
    static boolean certificateCovers(String dnsName, String host) {
        if (!dnsName.startsWith("*.")) {
            return dnsName.equalsIgnoreCase(host);
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot + 1).equalsIgnoreCase(dnsName.substring(2));
    }

    /** The workspaces' certificate (k8s/apps/network/certificates/app/opencode.yaml), in the cluster's certificates-import. */
    static JsonNode certificate() {
        return K8sTree.named(DropInTest.built("certificates-import"), "Certificate", "opencode-" + DOMAIN.replaceFirst("\\.", "-") + "-production");
    }

    static final String DOMAIN = ClusterSnapshot.DOMAIN;

    @Test
    void pitfall01_thirdLevelSubdomainNotCoveredByWildcardCert() {
        JsonNode cert = certificate();
        List<String> dnsNames = new ArrayList<>();
        cert.path("spec").path("dnsNames").forEach(n -> dnsNames.add(n.asText()));
        assertThat(cert.path("spec").path("issuerRef").path("kind").asText()).isEqualTo("ClusterIssuer");
        assertThat(cert.path("spec").path("issuerRef").path("name").asText()).isEqualTo("letsencrypt-production");
        assertThat(ClusterSnapshot.adopted().kustomization("certificates-import").spec().path("targetNamespace").asText())
                .as("the certificate lives beside the Gateway").isEqualTo("network");

        for (String app : K8sTree.WORKSPACES) {
            for (String host : hostnames(app)) {
                assertThat(certificateCovers("*." + DOMAIN, host)).as("the cluster wildcard covers %s", host).isFalse();
                assertThat(dnsNames).as("certificate names covering %s", host).anyMatch(n -> certificateCovers(n, host));
            }
        }
        JsonNode gateway = K8sTree.named(DropInTest.built("envoy-gateway"), "Gateway", "envoy-internal");
        List<String> served = new ArrayList<>();
        gateway.path("spec").path("listeners").forEach(l -> {
            if (l.path("name").asText().equals("https")) {
                l.path("tls").path("certificateRefs").forEach(c -> served.add(c.path("name").asText()));
            }
        });
        assertThat(served).contains(DOMAIN.replaceFirst("\\.", "-") + "-production-tls", cert.path("spec").path("secretName").asText());
    }

    @Test
    void pitfall02_fsGroupMismatchCausesSilentCopilotAuthFailure() {
        for (String app : K8sTree.WORKSPACES) {
            JsonNode security = values(app).path("defaultPodOptions").path("securityContext");
            assertThat(security.path("runAsUser").asInt()).isEqualTo(1000);
            assertThat(security.path("runAsGroup").asInt()).isEqualTo(1000);
            assertThat(security.path("fsGroup").asInt()).isEqualTo(1000);
            assertThat(security.path("fsGroupChangePolicy").asText()).isEqualTo("OnRootMismatch");
            WorkspacePod pod = new WorkspacePod(app);
            assertThat(pod.initContainer().path("env").path("WORKSPACE_OWNER").asText())
                    .as("the init script chowns auth.json to the server's user").isEqualTo("1000:1000");
            assertThat(pod.initContainer().path("securityContext").path("runAsUser").isMissingNode()
                    && pod.mainContainer().path("securityContext").path("runAsUser").isMissingNode())
                    .as("no container overrides the pod's user").isTrue();
            assertThat(pod.initContainer().path("env").path("XDG_DATA_HOME").asText())
                    .as("auth.json is written where the server reads it")
                    .isEqualTo(pod.mainContainer().path("env").path("XDG_DATA_HOME").asText());
        }
    }

    @Test
    void pitfall03_initContainerReclonesOnEveryRestart() {
        for (String app : K8sTree.WORKSPACES) {
            WorkspacePod pod = new WorkspacePod(app);
            String workspaceDir = pod.initContainer().path("env").path("WORKSPACE_DIR").asText();
            WorkspacePod.Mount mount = mountOf(pod, pod.initContainerName(), workspaceDir);
            assertThat(mount.type()).as("the clone must be on the PVC to be found on restart").isEqualTo("persistentVolumeClaim");
            assertThat(mount.item().path("existingClaim").asText()).isEqualTo(app);
            WorkspacePod.Mount served = mountOf(pod, pod.mainContainerName(), pod.mainContainer().path("workingDir").asText());
            assertThat(served.volume()).isEqualTo(mount.volume());
            assertThat(served.subPath()).as("the server works in the folder the init container cloned into")
                    .isEqualTo(workspaceDir.substring(mount.path().length() + 1));
        }
    }

    @Test
    void pitfall04_githubPatLeaksInPodLogs() {
        for (String app : K8sTree.WORKSPACES) {
            WorkspacePod pod = new WorkspacePod(app);
            assertThat(Yaml.texts(pod.initContainer().path("command"))).doesNotContain("-x").hasSize(2);
            String url = pod.initContainer().path("env").path("GIT_REPO_URL").asText();
            assertThat(url).startsWith("https://github.com/").doesNotContain("@");
            List<String> containers = List.of(pod.initContainerName(), pod.sidecarName(), pod.mainContainerName());
            for (String container : containers) {
                assertThat(Yaml.fieldNames(pod.container(container).path("env")))
                        .as("the PAT is no environment variable of %s", container).doesNotContain("GITHUB_PAT");
            }
            assertThat(pod.mounts(pod.mainContainerName())).as("Secrets the server container (the agent) sees")
                    .noneMatch(m -> m.type().equals("secret"));
            // Of the workspace's own Secret each container that mounts it sees one key: the init container the PAT,
            // the report-credential sidecar its report token (never the PAT, never the password).
            java.util.Map<String, List<String>> ownKeys = new java.util.TreeMap<>();
            for (String container : containers) {
                pod.mounts(container).stream().filter(m -> m.type().equals("secret") && m.item().path("name").asText().equals(app + "-secret"))
                        .forEach(m -> ownKeys.computeIfAbsent(container, c -> new ArrayList<>()).addAll(m.item().path("items").findValuesAsText("key")));
            }
            assertThat(ownKeys).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(pod.initContainerName(), List.of("GITHUB_PAT"),
                    pod.sidecarName(), List.of("KEEPER_REPORT_TOKEN")));
        }
    }

    @Test
    void pitfall05_websocketConnectionsDroppedByEnvoyDefaultTimeouts() {
        for (String app : K8sTree.WORKSPACES) {
            List<JsonNode> resources = workspace(app);
            JsonNode values = values(app);
            assertThat(values.path("route").size()).as("one route: the HTTPRoute is named after the release").isEqualTo(1);
            // A route-level BackendTrafficPolicy would take the place of the global one for the route,
            // dropping its keepalive and buffer settings (the cluster's March 2026 websocket trouble).
            assertThat(K8sTree.all(resources, "BackendTrafficPolicy")).as("route-level policies of %s", app).isEmpty();
            JsonNode port = values.path("service").elements().next().path("ports").elements().next();
            assertThat(port.path("port").asInt()).isEqualTo(4096);
            assertThat(port.path("appProtocol").asText()).as("as the cluster's home-assistant").isEqualTo("gateway.envoyproxy.io/ws");
        }
        JsonNode global = K8sTree.named(DropInTest.built("envoy-gateway"), "BackendTrafficPolicy", "envoy");
        assertThat(global.path("spec").path("targetSelectors").findValuesAsText("kind")).containsExactly("Gateway");
        assertThat(global.path("spec").path("timeout").path("http").path("requestTimeout").asText()).isEqualTo("0s");
        assertThat(global.path("spec").path("timeout").path("http").path("connectionIdleTimeout").asText()).isEqualTo("3600s");
        assertThat(global.path("spec").path("tcpKeepalive").isObject()).isTrue();
    }

    /**
     * ESO owns both Secrets of a workspace and resyncs them on the keeper's force-sync: the workspace's own
     * ({@code <app>-secret}: PAT, password, report token) from the cluster's Doppler by the workspace's prefix,
     * and the Copilot credential ({@code <app>-copilot}) from the Doppler project of the opencode credentials
     * alone, through the namespace's SecretStore.
     */
    @Test
    void pitfall06_externalSecretOverwritesManuallySeededCopilotAuth() {
        for (String app : K8sTree.WORKSPACES) {
            JsonNode es = K8sTree.named(workspace(app), "ExternalSecret", app);
            JsonNode spec = es.path("spec");
            assertThat(spec.path("secretStoreRef").path("kind").asText()).isEqualTo("ClusterSecretStore");
            assertThat(spec.path("secretStoreRef").path("name").asText()).isEqualTo("doppler-secrets");
            assertThat(spec.path("target").path("name").asText()).isEqualTo(app + "-secret");
            assertThat(ExternalSecretKeys.remoteKeys(es)).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                    "GITHUB_PAT", dopplerPrefix(app) + "GITHUB_PAT",
                    "OPENCODE_SERVER_PASSWORD", dopplerPrefix(app) + "PASSWORD",
                    "KEEPER_REPORT_TOKEN", dopplerPrefix(app) + "REPORT_TOKEN"));
            assertThat(spec.path("dataFrom").findValuesAsText("path")).as("house style: find by prefix").containsExactly(dopplerPrefix(app));
            assertThat(spec.path("target").path("template").path("engineVersion").asText()).isEqualTo("v2");

            JsonNode credential = K8sTree.named(workspace(app), "ExternalSecret", app + "-copilot");
            assertThat(credential.path("spec").path("secretStoreRef").path("kind").asText()).isEqualTo("SecretStore");
            assertThat(credential.path("spec").path("secretStoreRef").path("name").asText()).isEqualTo("doppler-opencode-keeper");
            assertThat(credential.path("spec").path("target").path("name").asText()).isEqualTo(app + "-copilot");
            assertThat(ExternalSecretKeys.remoteKeys(credential))
                    .containsExactlyEntriesOf(java.util.Map.of("COPILOT_AUTH_JSON", dopplerPrefix(app) + "COPILOT_AUTH_JSON"));
            for (JsonNode owned : List.of(es, credential)) {
                JsonNode s = owned.path("spec");
                assertThat(s.path("target").path("creationPolicy").asText()).isEqualTo("Owner");
                assertThat(s.path("refreshPolicy").asText()).as("CreatedOnce would ignore force-sync").isEqualTo("Periodic");
                assertThat(s.path("refreshInterval").asText()).isNotEmpty().isNotEqualTo("0").isNotEqualTo("0s");
            }
        }
    }

    @Test
    void pitfall07_dopplerVariablesMustExistBeforeExternalSecretReconciles() throws IOException {
        String runbook = Files.readString(Repo.root().resolve("docs/runbook.md"));
        String bootstrap = runbook.substring(runbook.indexOf("## Bootstrap"));
        bootstrap = bootstrap.substring(0, bootstrap.indexOf("\n## ", 4));
        Set<String> keys = new HashSet<>();
        for (String app : K8sTree.WORKSPACES) {
            for (String es : List.of(app, app + "-copilot")) { // the cluster's templates/volsync's use its existing entries
                keys.addAll(ExternalSecretKeys.remoteKeys(K8sTree.named(workspace(app), "ExternalSecret", es)).values());
            }
            K8sTree.FluxKustomization ks = K8sTree.fluxKustomizationOf(K8sTree.app(app)).orElseThrow();
            List<String> deps = new ArrayList<>();
            ks.manifest().path("spec").path("dependsOn").forEach(d -> deps.add(d.path("name").asText()));
            assertThat(deps).contains("external-secrets-stores", K8sTree.STORES, "rook-ceph-cluster", "volsync");
        }
        K8sTree.all(K8sTree.build(K8sTree.app(K8sTree.STORES)), "ExternalSecret").forEach(es -> keys.addAll(ExternalSecretKeys.remoteKeys(es).values()));
        assertThat(keys).contains("OPENCODE_FLUX_GITHUB_PAT", "OPENCODE_FLUX_PASSWORD", "OPENCODE_FLUX_REPORT_TOKEN", "OPENCODE_FLUX_COPILOT_AUTH_JSON",
                "OPENCODE_HA_GITHUB_PAT", "OPENCODE_HA_PASSWORD", "OPENCODE_HA_REPORT_TOKEN", "OPENCODE_HA_COPILOT_AUTH_JSON",
                "OPENCODE_STORES_DOPPLER_TOKEN");
        for (String key : keys) {
            assertThat(bootstrap).as("the runbook's bootstrap lists Doppler variable %s", key).contains("`" + key + "`");
        }
    }

    @Test
    void pitfall08_subPathDirectoryCreatedRootOwnedOrStale() {
        for (String app : K8sTree.WORKSPACES) {
            WorkspacePod pod = new WorkspacePod(app);
            String pvc = mountOf(pod, pod.initContainerName(), pod.initContainer().path("env").path("WORKSPACE_DIR").asText()).volume();
            List<WorkspacePod.Mount> initMounts = pod.mounts(pod.initContainerName());
            assertThat(initMounts).filteredOn(m -> m.volume().equals(pvc)).as("the init container mounts the PVC root")
                    .singleElement().satisfies(m -> assertThat(m.subPath()).isNull());
            String pvcRoot = initMounts.stream().filter(m -> m.volume().equals(pvc)).findFirst().orElseThrow().path();
            Set<String> createdByInit = new HashSet<>();
            for (String var : List.of("WORKSPACE_DIR", "HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")) {
                String path = pod.initContainer().path("env").path(var).asText();
                assertThat(path).startsWith(pvcRoot + "/");
                createdByInit.add(path.substring(pvcRoot.length() + 1));
            }
            for (WorkspacePod.Mount m : pod.mounts(pod.mainContainerName())) {
                if (m.subPath() != null) {
                    assertThat(m.volume()).isEqualTo(pvc);
                    assertThat(createdByInit).as("subPath %s exists, owned by 1000, before the server starts", m.subPath())
                            .contains(m.subPath());
                }
            }
            for (String container : List.of(pod.initContainerName(), pod.mainContainerName())) {
                pod.mounts(container).stream().filter(m -> m.type().equals("secret") || m.type().equals("configMap"))
                        .forEach(m -> assertThat(m.subPath()).as("%s mount in %s", m.volume(), container).isNull());
            }
        }
    }

    @Test
    void pitfall09_httpRouteNamespaceRestrictionAndCertMismatch() {
        for (String app : K8sTree.WORKSPACES) {
            JsonNode parent = values(app).path("route").elements().next().path("parentRefs").get(0);
            assertThat(parent.path("name").asText()).isEqualTo("envoy-internal");
            assertThat(parent.path("namespace").asText()).isEqualTo("network");
            assertThat(parent.path("sectionName").asText()).isEqualTo("https");
        }
        assertThat(certificate().path("metadata").path("namespace").isMissingNode()).isTrue(); // targetNamespace network
        JsonNode gateway = K8sTree.named(DropInTest.built("envoy-gateway"), "Gateway", "envoy-internal");
        JsonNode https = null;
        for (JsonNode l : gateway.path("spec").path("listeners")) {
            if (l.path("name").asText().equals("https")) {
                https = l;
            }
        }
        assertThat(https).as("envoy-internal has the https listener the routes name").isNotNull();
        assertThat(https.path("allowedRoutes").path("namespaces").path("from").asText()).as("routes from opencode attach").isEqualTo("All");
    }

    @Test
    void pitfall10_oneAuthoritativeSourceForTheWorkspaceSecret() throws IOException {
        List<JsonNode> everything = new ArrayList<>();
        K8sTree.kustomizationDirs().forEach(d -> everything.addAll(K8sTree.build(d)));
        assertThat(K8sTree.all(everything, "Secret")).as("Secrets written by the tree itself").isEmpty();
        try (Stream<Path> files = Files.walk(K8sTree.k8s())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sops."))).isEmpty();
        }
        for (String app : K8sTree.WORKSPACES) {
            for (String secret : List.of(app + "-secret", app + "-copilot")) {
                assertThat(K8sTree.all(everything, "ExternalSecret").stream()
                        .filter(e -> e.path("spec").path("target").path("name").asText().equals(secret)))
                        .as("writers of %s", secret).hasSize(1);
            }
        }
    }

    /**
     * A reseed reaches the workspace: the init container reads the credential Secret at every start (the keeper
     * gives the running server a new credential live). Reloader restarts the pod for the workspace's own Secret
     * (password, PAT, report token) and never for the credential: a reseed must not kill running sessions.
     */
    @Test
    void pitfall11_copilotTokenExpiryNeedsAReseedPath() throws IOException {
        for (String app : K8sTree.WORKSPACES) {
            WorkspacePod pod = new WorkspacePod(app);
            JsonNode annotations = pod.controller().path("annotations");
            assertThat(annotations.path("secret.reloader.stakater.com/reload").asText().split(","))
                    .as("the Secrets whose change restarts the pod").containsExactly(app + "-secret");
            assertThat(Yaml.fieldNames(annotations)).as("no other Reloader annotation (auto would also watch the credential)")
                    .filteredOn(a -> a.contains("reloader.stakater.com")).containsExactly("secret.reloader.stakater.com/reload");
            assertThat(pod.mounts(pod.initContainerName())).as("the init container reads the credential at every start")
                    .anyMatch(m -> m.type().equals("secret") && m.item().path("name").asText().equals(app + "-copilot"));
        }
        String runbook = Files.readString(Repo.root().resolve("docs/runbook.md"));
        assertThat(runbook).contains("expired Copilot credential").contains("POST /reseed").contains("force-sync");
    }

    @Test
    void pitfall12_appTemplateVersionDriftsFromTheClusterStandard() {
        for (String app : K8sTree.WORKSPACES) {
            List<JsonNode> resources = workspace(app);
            JsonNode oci = K8sTree.single(resources, "OCIRepository");
            assertThat(oci.path("spec").path("url").asText()).isEqualTo("oci://ghcr.io/bjw-s-labs/helm/app-template");
            assertThat(oci.path("spec").path("ref").path("tag").asText()).isEqualTo("4.4.0");
            JsonNode release = K8sTree.single(resources, "HelmRelease");
            assertThat(release.path("apiVersion").asText()).isEqualTo("helm.toolkit.fluxcd.io/v2");
            assertThat(release.path("spec").path("chartRef").path("kind").asText()).isEqualTo("OCIRepository");
            assertThat(release.path("spec").path("chartRef").path("name").asText()).isEqualTo(K8sTree.name(oci));
            assertThat(release.path("spec").has("chart")).isFalse();
        }
        K8sTree.fluxKustomizations().forEach(ks ->
                assertThat(ks.manifest().path("apiVersion").asText()).isEqualTo("kustomize.toolkit.fluxcd.io/v1"));
    }

    @Test
    void pitfallP5_workspaceResourcesInTheWrongNamespace() {
        List<JsonNode> aggregate = K8sTree.build(K8sTree.k8s().resolve("apps/opencode"));
        JsonNode namespace = K8sTree.single(aggregate, "Namespace");
        assertThat(K8sTree.name(namespace)).isEqualTo("opencode");
        assertThat(namespace.path("metadata").path("labels").path("kustomize.toolkit.fluxcd.io/prune").asText())
                .as("the prune guard as the cluster writes it on its namespaces").isEqualTo("disabled");
        for (String app : K8sTree.WORKSPACES) {
            K8sTree.FluxKustomization ks = K8sTree.fluxKustomizationOf(K8sTree.app(app)).orElseThrow();
            assertThat(ks.manifest().path("metadata").path("namespace").asText()).isEqualTo("flux-system");
            assertThat(ks.targetNamespace()).isEqualTo("opencode");
            assertThat(ks.manifest().path("spec").path("sourceRef").path("kind").asText()).isEqualTo("GitRepository");
            assertThat(ks.manifest().path("spec").path("sourceRef").path("name").asText()).isEqualTo("home-kubernetes");
            for (JsonNode r : workspace(app)) {
                assertThat(r.path("metadata").path("namespace").isMissingNode())
                        .as("%s %s takes targetNamespace", r.path("kind").asText(), K8sTree.name(r)).isTrue();
            }
        }
    }

    @Test
    void pitfallP6_pvcStuckOnFailedNodeOrSharedBetweenWorkspaces() {
        Set<String> claims = new HashSet<>();
        for (String app : K8sTree.WORKSPACES) {
            List<JsonNode> resources = workspace(app);
            JsonNode pvc = K8sTree.single(resources, "PersistentVolumeClaim");
            assertThat(K8sTree.name(pvc)).isEqualTo(app);
            assertThat(pvc.path("spec").path("accessModes").get(0).asText()).isEqualTo("ReadWriteOnce");
            assertThat(pvc.path("spec").path("storageClassName").asText()).isEqualTo("ceph-block");
            assertThat(pvc.path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("5Gi");
            claims.add(K8sTree.name(pvc));
            // The cluster's templates/volsync: a rebuilt cluster restores the PVC from the last backup.
            JsonNode restore = K8sTree.single(resources, "ReplicationDestination");
            assertThat(pvc.path("spec").path("dataSourceRef").path("kind").asText()).isEqualTo("ReplicationDestination");
            assertThat(pvc.path("spec").path("dataSourceRef").path("name").asText()).isEqualTo(K8sTree.name(restore)).isEqualTo(app + "-dst");
            JsonNode source = K8sTree.single(resources, "ReplicationSource");
            assertThat(source.path("spec").path("sourcePVC").asText()).isEqualTo(app);
            for (JsonNode mover : List.of(source, restore)) {
                JsonNode security = mover.path("spec").path("restic").path("moverSecurityContext");
                assertThat(security.path("runAsUser").asInt()).as("%s reads and restores UID-1000 files (auth.json 0600)", K8sTree.id(mover))
                        .isEqualTo(1000);
                assertThat(security.path("runAsGroup").asInt()).isEqualTo(1000);
                assertThat(security.path("fsGroup").asInt()).isEqualTo(1000);
                assertThat(mover.path("spec").path("restic").path("repository").asText()).isEqualTo(app + "-volsync-secret");
            }
            JsonNode controller = values(app).path("controllers").elements().next();
            assertThat(controller.path("strategy").asText()).as("the old pod lets go of the RWO volume first").isEqualTo("Recreate");
            assertThat(controller.path("replicas").asInt(1)).isEqualTo(1);
        }
        assertThat(claims).hasSize(K8sTree.WORKSPACES.size());
    }

    @Test
    void theWorkspacesDifferOnlyInNameRepositoryHostnameAndDopplerPrefix() {
        String flux = normalise("opencode-flux");
        String ha = normalise("opencode-ha");
        assertThat(flux).isEqualTo(ha);
        assertThat(hostnames("opencode-flux")).containsExactly("flux.opencode." + DOMAIN);
        assertThat(hostnames("opencode-ha")).containsExactly("ha.opencode." + DOMAIN);
        assertThat(new WorkspacePod("opencode-ha").initContainer().path("env").path("GIT_BRANCH").asText())
                .as("the HA configuration home-assistant-v2 runs").isEqualTo("ha-v2-config");
    }

    /** The workspace's built resources with its own facts (name, repository and branch, host, Doppler prefix, backup minute) replaced by placeholders. */
    private static String normalise(String app) {
        WorkspacePod pod = new WorkspacePod(app);
        String repo = pod.initContainer().path("env").path("GIT_REPO_URL").asText();
        String branch = pod.initContainer().path("env").path("GIT_BRANCH").asText();
        String schedule = K8sTree.single(workspace(app), "ReplicationSource").path("spec").path("trigger").path("schedule").asText();
        String text = workspace(app).toString().replace("\"GIT_BRANCH\":\"" + branch + "\"", "\"GIT_BRANCH\":\"<branch>\"")
                .replace(schedule, "<schedule>");
        String ws = app.substring("opencode-".length());
        return text.replace(repo, "<repo>").replace(ws + ".opencode." + DOMAIN, "<host>")
                .replace(dopplerPrefix(app), "<prefix>").replace(app, "<app>")
                .replaceAll("<app>-init-workspace-[a-z0-9]+", "<app>-init-workspace-<hash>")
                .replaceAll("<app>-report-credential-[a-z0-9]+", "<app>-report-credential-<hash>");
    }

    private static String dopplerPrefix(String app) {
        return app.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /** The Doppler name a key of the ExternalSecret's Secret comes from. */
    private static String remoteKey(JsonNode externalSecret, String secretKey) {
        String key = ExternalSecretKeys.remoteKeys(externalSecret).get(secretKey);
        assertThat(key).as("%s of ExternalSecret %s", secretKey, K8sTree.name(externalSecret)).isNotNull();
        return key;
    }

    private static WorkspacePod.Mount mountOf(WorkspacePod pod, String container, String path) {
        return pod.mounts(container).stream().filter(m -> path.equals(m.path()) || path.startsWith(m.path() + "/"))
                .max((a, b) -> Integer.compare(a.path().length(), b.path().length())).orElseThrow();
    }
}
