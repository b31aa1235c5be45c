package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.ClusterSnapshot;
import cloud.angryninja.keeper.manifests.ClusterSnapshot.FluxKs;
import cloud.angryninja.keeper.manifests.ExternalSecretKeys;
import cloud.angryninja.keeper.manifests.FluxSubstitution;
import cloud.angryninja.keeper.manifests.Json5;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.ManifestSchemas;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/**
 * {@code k8s/} dropped into the cluster's repository by the adoption contract (docs/deploy.md) and
 * reconciled as Flux would: {@link ClusterSnapshot} lays it over a copy of the snapshot, applies the one
 * patch and builds every Flux Kustomization as cluster-apps generates them.
 */
@Tier.Integration
class DropInTest {

    /** The Flux Kustomizations this tree adds. */
    static final List<String> OURS = List.of("opencode-flux", "opencode-ha", "opencode-keeper", K8sTree.STORES);
    /** Those of {@link #OURS} that deploy a HelmRelease (the stores' Kustomization has none). */
    static final List<String> WITH_HELM_RELEASES = List.of("opencode-flux", "opencode-ha", "opencode-keeper");
    /** The cluster's own Kustomizations whose folders the adoption patch changes. */
    static final List<String> PATCHED = List.of("certificates-import", "envoy-gateway");

    static ClusterSnapshot adopted() {
        return ClusterSnapshot.adopted();
    }

    @Test
    void adoptingCopiesNewFilesAndAppliesOnePatchToExistingFilesOnly() {
        List<Path> patches = ClusterSnapshot.adoptionPatches();
        assertThat(patches).as("docs/adopt holds at most one patch").hasSizeLessThanOrEqualTo(1);
        Set<String> tree = new HashSet<>();
        ClusterSnapshot.treeFiles().forEach(f -> tree.add("kubernetes/" + f));
        for (Path patch : patches) {
            Tools.Result r = Tools.run(ClusterSnapshot.pristine().root(), Duration.ofSeconds(30), "git", "apply", "--numstat", patch.toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
            List<String> touched = r.stdout().lines().map(l -> l.split("\t")[2]).toList();
            assertThat(touched).as("files the patch changes").isNotEmpty().allSatisfy(f -> {
                assertThat(ClusterSnapshot.location().resolve(f)).as("the patch changes only files the cluster has").isRegularFile();
                assertThat(tree).as("and none that k8s/ brings").doesNotContain(f);
            });
        }
        // ClusterSnapshot.adopted() fails on a collision; every file of k8s/ is then where the contract puts it.
        for (Path rel : ClusterSnapshot.treeFiles()) {
            assertThat(adopted().root().resolve("kubernetes").resolve(rel.toString())).hasSameTextualContentAs(K8sTree.k8s().resolve(rel));
        }
    }

    @Test
    void everyFluxKustomizationNamesASourceAPathAndDependenciesThatExist() {
        List<String> problems = problems(adopted());
        List<String> before = problems(ClusterSnapshot.pristine());
        assertThat(problems).as("unresolved references after adoption (before: %s)", before).isSubsetOf(before);
        for (String name : OURS) {
            FluxKs ks = adopted().kustomization(name);
            assertThat(ks.file()).isEqualTo("kubernetes/apps/opencode/kustomization.yaml");
            assertThat(ks.path()).isEqualTo("./kubernetes/apps/opencode/" + name + "/app");
            assertThat(problems).noneMatch(p -> p.startsWith(name + ":"));
        }
        assertThat(adopted().kustomization("opencode-flux").spec().path("dependsOn").findValuesAsText("name"))
                .contains("volsync", "external-secrets-stores", "rook-ceph-cluster", K8sTree.STORES);
        // The keeper stands alone: nothing it waits for, directly or not, is a workspace it repairs.
        assertThat(dependencies(adopted().kustomization("opencode-keeper"))).as("what opencode-keeper waits for").isNotEmpty()
                .doesNotContainAnyElementsOf(K8sTree.WORKSPACES);
    }

    /**
     * Every ExternalSecret of ours reads through a store that exists before it: the one Flux Kustomization
     * of the adopted cluster that applies the store (a ClusterSecretStore anywhere, a SecretStore in the
     * ExternalSecret's namespace) is among those it depends on, directly or through others. So the
     * workspaces' credential ExternalSecrets find the namespace's SecretStore, whose token ExternalSecret
     * finds the cluster's doppler-secrets, and the dependencies have no cycle.
     */
    @Test
    void everyExternalSecretReadsThroughAStoreItsKustomizationWaitsFor() {
        List<String> checked = new ArrayList<>();
        for (String name : OURS) {
            FluxKs ks = adopted().kustomization(name);
            Set<String> before = dependencies(ks);
            assertThat(before).as("%s depends on itself", name).doesNotContain(name);
            for (JsonNode es : K8sTree.all(built(name), "ExternalSecret")) {
                JsonNode ref = es.path("spec").path("secretStoreRef");
                String kind = ref.path("kind").asText("SecretStore");
                String store = ref.path("name").asText();
                List<String> appliers = new ArrayList<>();
                for (FluxKs other : adopted().kustomizations()) {
                    Optional<List<JsonNode>> objects = adopted().build(other, OURS.contains(other.name()));
                    boolean applies = objects.orElse(List.of()).stream().anyMatch(o -> kind.equals(o.path("kind").asText())
                            && store.equals(K8sTree.name(o)) && (kind.equals("ClusterSecretStore")
                                    || other.spec().path("targetNamespace").asText().equals(ks.spec().path("targetNamespace").asText())));
                    if (applies) {
                        appliers.add(other.name());
                    }
                }
                String id = name + " " + K8sTree.id(es);
                assertThat(appliers).as("%s: Kustomizations applying its %s %s", id, kind, store).singleElement()
                        .satisfies(a -> assertThat(before).as("%s: what %s waits for", id, name).contains(a));
                checked.add(K8sTree.name(es) + " -> " + kind + "/" + store + " (" + appliers.getFirst() + ")");
            }
        }
        assertThat(checked).contains("opencode-flux-copilot -> SecretStore/doppler-opencode-keeper (opencode-stores)",
                "opencode-ha-copilot -> SecretStore/doppler-opencode-keeper (opencode-stores)",
                "doppler-opencode-keeper-token -> ClusterSecretStore/doppler-secrets (external-secrets-stores)",
                "opencode-flux -> ClusterSecretStore/doppler-secrets (external-secrets-stores)");
        // The SecretStore reads its Doppler token from the Secret the stores' own ExternalSecret writes.
        List<JsonNode> stores = built(K8sTree.STORES);
        JsonNode token = K8sTree.single(stores, "SecretStore").path("spec").path("provider").path("doppler").path("auth")
                .path("secretRef").path("dopplerToken");
        JsonNode writer = K8sTree.single(stores, "ExternalSecret");
        assertThat(writer.path("spec").path("target").path("name").asText()).isEqualTo(token.path("name").asText());
        assertThat(ExternalSecretKeys.remoteKeys(writer)).containsOnlyKeys(token.path("key").asText());
    }

    /** The names of the Flux Kustomizations {@code ks} waits for, directly or through others. */
    private static Set<String> dependencies(FluxKs ks) {
        Set<String> seen = new java.util.TreeSet<>();
        java.util.Deque<FluxKs> todo = new java.util.ArrayDeque<>(List.of(ks));
        while (!todo.isEmpty()) {
            for (String dep : todo.pop().spec().path("dependsOn").findValuesAsText("name")) {
                if (seen.add(dep)) {
                    todo.push(adopted().kustomization(dep));
                }
            }
        }
        return seen;
    }

    /** Each Flux Kustomization's missing source, path outside the artifact or unknown dependency. */
    private static List<String> problems(ClusterSnapshot repo) {
        List<String> sources = repo.sources();
        Set<String> names = new HashSet<>();
        repo.kustomizations().forEach(k -> names.add(k.namespace() + "/" + k.name()));
        List<String> problems = new ArrayList<>();
        for (FluxKs ks : repo.kustomizations()) {
            JsonNode ref = ks.spec().path("sourceRef");
            String source = ref.path("kind").asText() + "/" + ref.path("namespace").asText(ks.namespace()) + "/" + ref.path("name").asText();
            if (!sources.contains(source)) {
                problems.add(ks.name() + ": no source " + source);
            }
            if (!ks.path().startsWith("./kubernetes/") || !Files.isDirectory(repo.root().resolve(ks.path()))) {
                problems.add(ks.name() + ": path " + ks.path() + " is not a folder of the artifact (kubernetes/)");
            }
            for (JsonNode dep : ks.spec().path("dependsOn")) {
                String wanted = dep.path("namespace").asText(ks.namespace()) + "/" + dep.path("name").asText();
                if (!names.contains(wanted)) {
                    problems.add(ks.name() + ": dependsOn " + wanted + " does not exist");
                }
            }
        }
        return problems;
    }

    @Test
    void ourKustomizationsBuildFullySubstitutedValidAndWithoutALiteralDomain() {
        ManifestSchemas schemas = new ManifestSchemas();
        Pattern urlHost = Pattern.compile("://([a-zA-Z0-9.-]+)");
        List<String> publicHosts = List.of("github.com", "api.githubcopilot.com", "api.doppler.com", "ghcr.io");
        for (String name : PATCHED) {
            // The cluster's own files use variables its cluster-settings lacks (Flux makes them empty): not strict.
            assertThat(adopted().build(adopted().kustomization(name), false).orElseThrow().toString()).doesNotContain("angryninja.cloud");
        }
        for (String name : OURS) {
            FluxKs ks = adopted().kustomization(name);
            List<String> texts = adopted().buildTexts(ks);
            assertThat(texts).as("%s builds", name).isNotEmpty();
            for (String text : texts) {
                JsonNode resource = Yaml.read(text);
                String id = name + " " + K8sTree.id(resource);
                if (!FluxSubstitution.isDisabled(resource)) {
                    assertThat(text).as("%s: no ${...} left after Flux's substitution", id).doesNotContain("${");
                }
                assertThat(text).as("%s: the domain is ${SECRET_DOMAIN}, never written literally", id).doesNotContain("angryninja.cloud");
                // A placeholder for the reader (the alerts' runbook text, where Flux does not substitute) is no literal domain.
                Matcher m = urlHost.matcher(text.replace("<SECRET_DOMAIN>", ClusterSnapshot.DOMAIN));
                List<String> literal = new ArrayList<>();
                while (m.find()) {
                    String host = m.group(1);
                    if (!publicHosts.contains(host) && !host.endsWith(".svc.cluster.local") && !host.endsWith(ClusterSnapshot.DOMAIN)) {
                        literal.add(host);
                    }
                }
                assertThat(literal).as("%s: URL hosts other than the cluster's domain, its Services and the public APIs", id).isEmpty();
                assertThat(text).as("%s: a literal .cloud domain", id).doesNotContainPattern("[a-z0-9-]\\.cloud\\b(?!/)");
                assertThat(schemas.validate(resource)).as("%s against the schema of the version the cluster runs", id).isEmpty();
            }
        }
    }

    @Test
    void theGatewayServesACertificateFromTheClustersIssuerForEveryHostname() {
        List<JsonNode> certificates = K8sTree.all(built("certificates-import"), "Certificate");
        JsonNode ours = certificates.stream().filter(c -> c.path("spec").path("commonName").asText().contains("opencode")).findFirst().orElseThrow();
        List<String> dnsNames = Yaml.texts(ours.path("spec").path("dnsNames"));
        assertThat(dnsNames).containsExactly("*.opencode." + ClusterSnapshot.DOMAIN);

        JsonNode issuer = K8sTree.named(built("cert-manager-issuers"), "ClusterIssuer", ours.path("spec").path("issuerRef").path("name").asText());
        List<String> zones = new ArrayList<>();
        issuer.path("spec").path("acme").path("solvers").forEach(s -> s.path("selector").path("dnsZones").forEach(z -> zones.add(z.asText())));
        assertThat(zones).as("the issuer's DNS-01 zones").contains(ClusterSnapshot.DOMAIN);

        JsonNode gateway = K8sTree.named(built("envoy-gateway"), "Gateway", "envoy-internal");
        List<String> served = new ArrayList<>();
        gateway.path("spec").path("listeners").forEach(l -> {
            if (l.path("name").asText().equals("https")) {
                assertThat(l.path("allowedRoutes").path("namespaces").path("from").asText()).as("routes from opencode attach").isEqualTo("All");
                l.path("tls").path("certificateRefs").forEach(c -> served.add(c.path("name").asText()));
            }
        });
        assertThat(served).contains(ours.path("spec").path("secretName").asText());

        for (String name : OURS) {
            if (K8sTree.all(built(name), "HelmRelease").isEmpty()) {
                continue; // the store's Kustomization: no release, no route
            }
            JsonNode release = K8sTree.single(built(name), "HelmRelease");
            for (JsonNode route : release.path("spec").path("values").path("route")) {
                for (String host : Yaml.texts(route.path("hostnames"))) {
                    assertThat(host).endsWith("." + ClusterSnapshot.DOMAIN);
                    assertThat(dnsNames).as("certificate names covering %s", host).anyMatch(n -> PitfallContractTest.certificateCovers(n, host));
                    assertThat(PitfallContractTest.certificateCovers("*." + ClusterSnapshot.DOMAIN, host))
                            .as("the cluster's own wildcard does not cover %s", host).isFalse();
                }
                assertThat(route.path("annotations").fieldNames()).toIterable().as("external-dns annotations on %s's route", name)
                        .noneMatch(a -> a.startsWith("external-dns"));
            }
        }
    }

    @Test
    void nothingTheClusterHadIsLostOrChanged() {
        ClusterSnapshot before = ClusterSnapshot.pristine();
        int unbuildable = 0;
        for (FluxKs old : before.kustomizations()) {
            FluxKs now = adopted().kustomization(old.name());
            assertThat(now.manifest()).as("Flux Kustomization %s after adoption", old.name()).isEqualTo(old.manifest());
            Optional<List<JsonNode>> was = before.build(old, false);
            Optional<List<JsonNode>> is = adopted().build(now, false);
            assertThat(is.isPresent()).as("%s builds after adoption as before", old.name()).isEqualTo(was.isPresent());
            if (was.isEmpty()) {
                unbuildable++;
                assertThat(before.kustomizeError(before.root().resolve(old.path()))).as("why %s does not build here", old.name())
                        .contains("accumulating resources from 'http");
                continue;
            }
            Map<String, JsonNode> wasById = byId(was.get());
            Map<String, JsonNode> isById = byId(is.get());
            assertThat(isById.keySet()).as("%s still applies everything it did (cluster-apps prunes)", old.name()).containsAll(wasById.keySet());
            if (!PATCHED.contains(old.name()) && !old.name().equals("cluster-apps") && !old.name().equals("cluster")) {
                assertThat(isById).as("%s applies exactly what it did", old.name()).isEqualTo(wasById);
            }
        }
        assertThat(unbuildable).as("Kustomizations with remote resources, not buildable offline").isLessThan(before.kustomizations().size() / 10);
        // What the patch changes in the cluster's own objects: one Certificate more, one certificateRef more.
        Map<String, JsonNode> certsBefore = byId(before.build(before.kustomization("certificates-import"), false).orElseThrow());
        Map<String, JsonNode> certsAfter = byId(built("certificates-import"));
        assertThat(certsAfter.keySet()).hasSize(certsBefore.size() + 1);
        certsBefore.forEach((id, c) -> assertThat(certsAfter.get(id)).isEqualTo(c));
        Map<String, JsonNode> envoyBefore = byId(before.build(before.kustomization("envoy-gateway"), false).orElseThrow());
        Map<String, JsonNode> envoyAfter = byId(built("envoy-gateway"));
        assertThat(envoyAfter.keySet()).isEqualTo(envoyBefore.keySet());
        envoyBefore.forEach((id, o) -> {
            if (!id.equals("Gateway//envoy-internal")) {
                assertThat(envoyAfter.get(id)).as(id).isEqualTo(o);
            }
        });
        JsonNode gw = envoyAfter.get("Gateway//envoy-internal").deepCopy();
        JsonNode refs = gw.path("spec").path("listeners").get(1).path("tls").path("certificateRefs");
        ((com.fasterxml.jackson.databind.node.ArrayNode) refs).remove(refs.size() - 1);
        assertThat(gw).as("the Gateway without the added certificateRef is the cluster's").isEqualTo(envoyBefore.get("Gateway//envoy-internal"));
    }

    /** The dashboard, rules and scrape target are found the way the cluster's Grafana and Prometheus select them. */
    @Test
    void grafanaAndPrometheusPickUpTheKeepersDashboardRulesAndScrapeTarget() {
        JsonNode grafana = K8sTree.single(built("grafana"), "HelmRelease").path("spec").path("values").path("sidecar").path("dashboards");
        assertThat(grafana.path("searchNamespace").asText()).isEqualTo("ALL");
        List<JsonNode> keeper = built("opencode-keeper");
        JsonNode dashboard = K8sTree.named(keeper, "ConfigMap", "opencode-keeper-dashboard");
        assertThat(dashboard.path("metadata").path("labels").has(grafana.path("label").asText())).as("the sidecar's label").isTrue();
        String labelValue = grafana.path("labelValue").asText("");
        if (!labelValue.isEmpty()) {
            assertThat(dashboard.path("metadata").path("labels").path(grafana.path("label").asText()).asText()).isEqualTo(labelValue);
        }
        assertThat(dashboard.path("metadata").path("annotations").path(grafana.path("folderAnnotation").asText()).asText())
                .as("the sidecar's folder annotation").isNotBlank();

        JsonNode prometheus = K8sTree.single(built("kube-prometheus-stack"), "HelmRelease").path("spec").path("values")
                .path("prometheus").path("prometheusSpec");
        assertThat(prometheus.path("ruleSelectorNilUsesHelmValues").asBoolean(true)).as("Prometheus selects every PrometheusRule").isFalse();
        assertThat(prometheus.path("serviceMonitorSelectorNilUsesHelmValues").asBoolean(true)).as("and every ServiceMonitor").isFalse();
        assertThat(K8sTree.all(keeper, "PrometheusRule")).hasSize(1);
        assertThat(K8sTree.single(keeper, "HelmRelease").path("spec").path("values").path("serviceMonitor").size()).isEqualTo(1);
    }

    @Test
    void theClustersConsistencyHookPasses() {
        Tools.require("yamllint");
        Tools.Result r = Tools.run(List.of("bash", "scripts/validate-consistency.sh"), adopted().root(), Map.of(), false, Duration.ofSeconds(120));
        assertThat(r.output()).as("scripts/validate-consistency.sh on the adopted repository").doesNotContain("ERROR")
                .doesNotContain("yamllint not found").contains("All consistency checks passed");
        assertThat(r.exitCode()).isZero();
    }

    /**
     * The cluster's pre-commit hooks (.pre-commit-config.yaml) would change nothing of what the adoption brings: every
     * file of k8s/ and every file the patch changes ends with exactly one newline (end-of-file-fixer), no line ends in
     * a space or a tab (trailing-whitespace), the YAML parses (check-yaml) and no file is over 500 KB
     * (check-added-large-files). The first commit of the adoption passes them untouched.
     */
    @Test
    void theClustersPreCommitHooksWouldChangeNothingTheAdoptionBrings() throws java.io.IOException {
        List<String> hooks = Yaml.read(ClusterSnapshot.location().resolve(".pre-commit-config.yaml")).path("repos").findValuesAsText("id");
        assertThat(hooks).contains("end-of-file-fixer", "trailing-whitespace", "check-yaml", "check-added-large-files");
        List<Path> files = new ArrayList<>();
        ClusterSnapshot.treeFiles().forEach(f -> files.add(adopted().root().resolve("kubernetes").resolve(f.toString())));
        for (Path patch : ClusterSnapshot.adoptionPatches()) {
            Tools.Result r = Tools.run(ClusterSnapshot.pristine().root(), Duration.ofSeconds(30), "git", "apply", "--numstat", patch.toString());
            r.stdout().lines().map(l -> l.split("\t")[2]).forEach(f -> files.add(adopted().root().resolve(f)));
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String name = adopted().root().relativize(file).toString();
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (bytes.length > 500 * 1024) {
                problems.add(name + ": over 500 KB");
            }
            if (!text.isEmpty() && (!text.endsWith("\n") || text.endsWith("\n\n") || text.endsWith("\n\r\n"))) {
                problems.add(name + ": does not end with exactly one newline");
            }
            text.lines().filter(l -> l.endsWith(" ") || l.endsWith("\t")).findFirst()
                    .ifPresent(l -> problems.add(name + ": trailing whitespace on \"" + l.strip() + "\""));
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Yaml.readAll(text);
            }
        }
        assertThat(files).hasSizeGreaterThan(ClusterSnapshot.treeFiles().size());
        assertThat(problems).as("what the cluster's pre-commit hooks would change").isEmpty();
    }

    /**
     * POST /reseed answers only when the reseed ends; Envoy resets a stream silent for longer than its
     * stream idle timeout (Envoy Gateway 1.7.1: ClientTrafficPolicy timeout.http.streamIdleTimeout,
     * default 5 min). The deployed keeper's deadlines add up to less, with a margin.
     */
    @Test
    void aReseedAnswersWithinEnvoysStreamIdleTimeout() {
        List<JsonNode> envoy = built("envoy-gateway");
        Duration streamIdle = Duration.ofMinutes(5);
        for (JsonNode ctp : K8sTree.all(envoy, "ClientTrafficPolicy")) {
            String set = ctp.path("spec").path("timeout").path("http").path("streamIdleTimeout").asText(null);
            if (set != null) {
                streamIdle = parse(set);
            }
        }
        for (JsonNode btp : K8sTree.all(envoy, "BackendTrafficPolicy")) {
            assertThat(btp.path("spec").path("timeout").path("http").path("requestTimeout").asText()).as("no request timeout before it").isEqualTo("0s");
        }
        for (String name : OURS) {
            assertThat(K8sTree.all(built(name), "BackendTrafficPolicy")).as("route-level policies of %s (they replace the global one)", name).isEmpty();
        }
        Map<String, String> config = keeperConfig();
        Map<String, Duration> budget = new LinkedHashMap<>();
        budget.put("verify-before (keeper.copilot.timeout)", parse(config.getOrDefault("keeper.copilot.timeout", "10s")));
        // A retry may start just before retry-max-duration ends and then take its own connect and read timeouts.
        budget.put("Doppler read and write (2 x (retry-max-duration + connect-timeout + request-timeout))",
                parse(config.getOrDefault("keeper.doppler.retry-max-duration", "120s"))
                        .plus(parse(config.getOrDefault("keeper.doppler.connect-timeout", "5s")))
                        .plus(parse(config.getOrDefault("keeper.doppler.request-timeout", "10s"))).multipliedBy(2));
        budget.put("ESO sync", parse(config.getOrDefault("keeper.reseed.sync-timeout", "120s")));
        budget.put("rollout", parse(config.getOrDefault("keeper.reseed.rollout-timeout", "300s")));
        budget.put("verify-after", parse(config.getOrDefault("keeper.reseed.verify-timeout", "60s")));
        budget.put("its last probe", parse(config.getOrDefault("keeper.probe.timeout", "10s"))
                .plus(parse(config.getOrDefault("keeper.copilot.timeout", "10s"))));
        Duration total = budget.values().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(parse(config.getOrDefault("keeper.doppler.max-retry-after", "60s")))
                .isLessThanOrEqualTo(parse(config.getOrDefault("keeper.doppler.retry-max-duration", "120s")));
        assertThat(total).as("worst-case reseed %s against Envoy's stream idle timeout %s", budget, streamIdle)
                .isLessThanOrEqualTo(streamIdle.minusSeconds(20));
    }

    /**
     * A first install of a workspace waits for VolSync's restore into the new PVC, two image pulls, the clone and the
     * startup probe: Helm's install and upgrade get at least the Kustomization's health-check timeout (10 minutes or
     * more), and that covers the startup probe's own budget with five minutes to spare.
     */
    @Test
    void theWorkspacesFirstInstallFitsTheirTimeouts() {
        for (String name : K8sTree.WORKSPACES) {
            FluxKs ks = adopted().kustomization(name);
            Duration health = parse(ks.spec().path("timeout").asText("5m"));
            assertThat(health).as("%s: the Kustomization's health-check timeout", name).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
            JsonNode spec = K8sTree.single(built(name), "HelmRelease").path("spec");
            Duration all = parse(spec.path("timeout").asText("5m"));
            JsonNode startup = spec.path("values").path("controllers").elements().next().path("containers").path("app")
                    .path("probes").path("startup").path("spec");
            Duration probe = Duration.ofSeconds(startup.path("initialDelaySeconds").asLong(0)
                    + startup.path("periodSeconds").asLong(10) * startup.path("failureThreshold").asLong(3));
            assertThat(probe).as("%s: the startup probe's budget", name).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
            for (String action : List.of("install", "upgrade")) {
                // Flux: spec.<action>.timeout, else spec.timeout, else Helm's 5 minutes.
                Duration timeout = spec.path(action).has("timeout") ? parse(spec.path(action).path("timeout").asText()) : all;
                assertThat(timeout).as("%s: Helm %s timeout", name, action).isGreaterThanOrEqualTo(health)
                        .isGreaterThanOrEqualTo(probe.plusMinutes(5));
            }
            assertThat(all).as("%s: spec.timeout (rollback, uninstall)", name).isGreaterThanOrEqualTo(health);
        }
    }

    /** Our HelmReleases reconcile on the cluster's cadence: interval 30m, three retries on install and upgrade. */
    @Test
    void ourHelmReleasesReconcileAndRetryAsTheClustersDo() {
        List<JsonNode> peers = clusterHelmReleases();
        Map<String, Long> retries = new java.util.TreeMap<>();
        peers.forEach(hr -> retries.merge(hr.path("spec").path("install").path("remediation").path("retries").asText("none"), 1L, Long::sum));
        assertThat(retries.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey())
                .as("the install retries most of the cluster's HelmReleases use (%s)", retries).isEqualTo("3");
        assertThat(peers).as("the cluster's HelmReleases reconciled every 30m").anyMatch(hr -> hr.path("spec").path("interval").asText().equals("30m"));
        for (String name : WITH_HELM_RELEASES) {
            JsonNode spec = K8sTree.single(built(name), "HelmRelease").path("spec");
            assertThat(spec.path("interval").asText()).as("%s interval", name).isEqualTo("30m");
            for (String action : List.of("install", "upgrade")) {
                assertThat(spec.path(action).path("remediation").path("retries").asInt()).as("%s %s retries", name, action).isEqualTo(3);
            }
        }
    }

    /** The workspaces have a PVC: they keep off talos02 exactly as the cluster's other apps with a PVC do. */
    @Test
    void theWorkspacesKeepOffTalos02AsTheClustersPvcAppsDo() {
        List<JsonNode> forms = clusterHelmReleases().stream().map(hr -> hr.path("spec").path("values").path("defaultPodOptions").path("affinity"))
                .filter(a -> a.toString().contains("\"talos02\"")).distinct().toList();
        assertThat(forms).as("the cluster's talos02 exclusion, one form").hasSize(1);
        for (String name : K8sTree.WORKSPACES) {
            JsonNode values = K8sTree.single(built(name), "HelmRelease").path("spec").path("values");
            assertThat(values.path("persistence").path("data").path("type").asText()).isEqualTo("persistentVolumeClaim");
            assertThat(values.path("defaultPodOptions").path("affinity")).as("%s's affinity", name).isEqualTo(forms.getFirst());
        }
    }

    /**
     * What the namespace's prune guard does, as its comment says: cluster-apps (prune: true) applies the Namespace
     * with kustomize.toolkit.fluxcd.io/prune: disabled, so Flux never deletes it; the workspaces' PVCs carry no such
     * mark and their Kustomizations prune, so removing a workspace deletes its PVC, and a new one is restored from the
     * last backup (dataSourceRef: the ReplicationDestination ${APP}-dst).
     */
    @Test
    void theNamespaceGuardKeepsTheNamespaceOnlyAsItsCommentSays() {
        FluxKs clusterApps = adopted().kustomization("cluster-apps");
        assertThat(clusterApps.spec().path("prune").asBoolean()).isTrue();
        // cluster-apps builds kubernetes/apps/opencode as it builds every namespace folder.
        String aggregate = adopted().kustomize(adopted().root().resolve("kubernetes/apps/opencode")).orElseThrow();
        JsonNode namespace = FluxSubstitution.documents(aggregate).stream().map(Yaml::read).filter(r -> r.path("kind").asText().equals("Namespace"))
                .findFirst().orElseThrow(() -> new AssertionError("cluster-apps applies no Namespace opencode"));
        assertThat(K8sTree.name(namespace)).isEqualTo("opencode");
        assertThat(namespace.path("metadata").path("labels").path("kustomize.toolkit.fluxcd.io/prune").asText()).isEqualTo("disabled");
        assertThat(Repo.read(K8sTree.k8s().resolve("apps/opencode/namespace.yaml"))).contains("guards the Namespace object only")
                .contains("PVC included");
        for (String name : K8sTree.WORKSPACES) {
            assertThat(adopted().kustomization(name).spec().path("prune").asBoolean()).as("%s prunes", name).isTrue();
            JsonNode pvc = K8sTree.single(built(name), "PersistentVolumeClaim");
            assertThat(pvc.path("metadata").toString()).as("%s's PVC is not guarded", name).doesNotContain("kustomize.toolkit.fluxcd.io/prune");
            assertThat(pvc.path("spec").path("dataSourceRef").path("kind").asText()).isEqualTo("ReplicationDestination");
            assertThat(pvc.path("spec").path("dataSourceRef").path("name").asText()).isEqualTo(name + "-dst");
            assertThat(K8sTree.named(built(name), "ReplicationDestination", name + "-dst")).isNotNull();
        }
    }

    /** Tag and digest, as the cluster pins its images: {@code tag: v2.49.1@sha256:<64 hex>}. */
    static final Pattern PINNED = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");
    /** The keeper's own image before its first release has a version tag; a digest, once added, has the same form. */
    static final Pattern KEEPER_TAG = Pattern.compile("\\d+\\.\\d+\\.\\d+(@sha256:[0-9a-f]{64})?");
    static final String KEEPER_IMAGE = "ghcr.io/jbaker48/opencode-keeper";

    /** Repository to tag of every container and init container image of our HelmReleases, as Flux applies them. */
    static Map<String, String> ourImages() {
        Map<String, String> images = new java.util.TreeMap<>();
        for (String name : WITH_HELM_RELEASES) {
            JsonNode values = K8sTree.single(built(name), "HelmRelease").path("spec").path("values");
            for (JsonNode controller : values.path("controllers")) {
                for (String list : List.of("containers", "initContainers")) {
                    for (JsonNode container : controller.path(list)) {
                        JsonNode image = container.path("image");
                        String before = images.put(image.path("repository").asText(), image.path("tag").asText());
                        assertThat(before == null || before.equals(image.path("tag").asText()))
                                .as("%s is used with one tag only", image.path("repository").asText()).isTrue();
                    }
                }
            }
        }
        return images;
    }

    /**
     * Third-party images are pinned by tag and digest, as the cluster's own apps pin theirs; the keeper's image has a
     * version tag the release pushes (its digest is known only after the first release: docs/deploy.md).
     */
    @Test
    void thirdPartyImagesArePinnedByTagAndDigestAsThePeersPinTheirs() {
        long peers = clusterHelmReleases().stream().flatMap(hr -> hr.findValues("tag").stream()).map(JsonNode::asText)
                .filter(t -> PINNED.matcher(t).matches()).count();
        assertThat(peers).as("images of the cluster pinned by tag@sha256").isGreaterThanOrEqualTo(10);
        Map<String, String> images = ourImages();
        assertThat(images).containsKeys("ghcr.io/anomalyco/opencode", "docker.io/alpine/git", KEEPER_IMAGE);
        images.forEach((repository, tag) -> {
            if (repository.equals(KEEPER_IMAGE)) {
                assertThat(tag).as(repository).matches(KEEPER_TAG);
            } else {
                assertThat(tag).as("%s is pinned by tag and digest", repository).matches(PINNED);
            }
        });
        assertThat(images.get("ghcr.io/anomalyco/opencode")).as("the OpenCode the tests run")
                .startsWith(cloud.angryninja.keeper.sandbox.OpenCodeInstall.VERSION + "@");
    }

    /**
     * The patch adds the opencode rules to the cluster's Renovate config (.github/renovate.json5, JSON5): appended after
     * every rule of the cluster, which stays as it was, so nothing overrides them. Their matchers match the image names
     * our HelmReleases use, in files the cluster's Renovate reads: OpenCode stays below 2.0 (1.18.33 allowed, 2.0.x
     * not); alpine/git (its musl) and the keeper's image (it goes with its own tree) wait for a hand approval on the
     * Dependency Dashboard, which the cluster has.
     */
    @Test
    void renovateKeepsOpenCodeBelow2AndWaitsForApprovalOfAlpineGitAndTheKeeper() {
        JsonNode before = Json5.read(ClusterSnapshot.pristine().root().resolve(".github/renovate.json5"));
        JsonNode after = Json5.read(adopted().root().resolve(".github/renovate.json5"));
        List<JsonNode> rulesBefore = new ArrayList<>();
        before.path("packageRules").forEach(rulesBefore::add);
        List<JsonNode> rulesAfter = new ArrayList<>();
        after.path("packageRules").forEach(rulesAfter::add);
        assertThat(rulesAfter.subList(0, rulesBefore.size())).as("the cluster's rules, unchanged and first").isEqualTo(rulesBefore);
        List<JsonNode> ours = rulesAfter.subList(rulesBefore.size(), rulesAfter.size());
        assertThat(ours).as("the rules the patch adds").hasSize(3);
        com.fasterxml.jackson.databind.node.ObjectNode rest = after.deepCopy();
        rest.remove("packageRules");
        com.fasterxml.jackson.databind.node.ObjectNode restBefore = before.deepCopy();
        restBefore.remove("packageRules");
        assertThat(rest).as("everything else of the cluster's config").isEqualTo(restBefore);
        assertThat(after.path("dependencyDashboard").asBoolean() || Yaml.texts(after.path("extends")).contains(":dependencyDashboard"))
                .as("a Dependency Dashboard to approve on").isTrue();

        Map<String, String> images = ourImages();
        String openCode = "ghcr.io/anomalyco/opencode";
        JsonNode pin = single(ours, openCode);
        assertThat(pin.path("allowedVersions").asText()).isEqualTo("<2.0.0");
        String current = images.get(openCode).substring(0, images.get(openCode).indexOf('@'));
        for (String version : List.of(current, "1.18.34", "1.99.0")) {
            assertThat(allowed(pin, version)).as("Renovate may propose OpenCode %s", version).isTrue();
        }
        for (String version : List.of("2.0.0", "2.0.3", "3.1.0")) {
            assertThat(allowed(pin, version)).as("Renovate may propose OpenCode %s", version).isFalse();
        }
        for (String held : List.of("docker.io/alpine/git", KEEPER_IMAGE)) {
            assertThat(images).containsKey(held);
            assertThat(single(ours, held).path("dependencyDashboardApproval").asBoolean()).as("%s waits for approval", held).isTrue();
        }

        // Renovate reads the files that hold these images (its helm-values and flux managers' fileMatch).
        for (String manager : List.of("helm-values", "flux")) {
            List<Pattern> fileMatch = Yaml.texts(after.path(manager).path("fileMatch")).stream().map(Pattern::compile).toList();
            assertThat(fileMatch).as("%s.fileMatch", manager).isNotEmpty();
            for (Path rel : ClusterSnapshot.treeFiles()) {
                String file = "kubernetes/" + rel;
                String text = Repo.read(K8sTree.k8s().resolve(rel.toString()));
                if (images.keySet().stream().anyMatch(text::contains)) {
                    assertThat(fileMatch).as("%s reads %s", manager, file).anyMatch(f -> f.matcher(file).find());
                }
            }
        }
    }

    /** The one rule of {@code rules} whose docker matchers match {@code image}. */
    private static JsonNode single(List<JsonNode> rules, String image) {
        List<JsonNode> matching = rules.stream().filter(r -> Yaml.texts(r.path("matchDatasources")).contains("docker"))
                .filter(r -> Yaml.texts(r.path("matchPackageNames")).stream().anyMatch(m -> renovateMatches(m, image))).toList();
        assertThat(matching).as("rules matching %s", image).hasSize(1);
        return matching.getFirst();
    }

    /** Renovate's matchPackageNames entry: /regex/, a glob with *, or the exact name. */
    static boolean renovateMatches(String matcher, String name) {
        if (matcher.length() > 1 && matcher.startsWith("/") && matcher.endsWith("/")) {
            return Pattern.compile(matcher.substring(1, matcher.length() - 1)).matcher(name).find();
        }
        if (matcher.contains("*")) {
            return name.matches(Pattern.quote(matcher).replace("*", "\\E.*\\Q"));
        }
        return matcher.equals(name);
    }

    /** allowedVersions of the form {@code <X.Y.Z}: whether {@code version} is below it. */
    private static boolean allowed(JsonNode rule, String version) {
        Matcher m = Pattern.compile("<(\\d+)\\.(\\d+)\\.(\\d+)").matcher(rule.path("allowedVersions").asText());
        assertThat(m.matches()).as("allowedVersions %s", rule.path("allowedVersions").asText()).isTrue();
        int[] limit = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        int[] v = java.util.Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
        return java.util.Arrays.compare(v, limit) < 0;
    }

    /** Every HelmRelease of the cluster's own apps, as its files declare it. */
    private static List<JsonNode> clusterHelmReleases() {
        try (java.util.stream.Stream<Path> files = Files.walk(ClusterSnapshot.pristine().root().resolve("kubernetes/apps"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml") && !f.getFileName().toString().contains(".sops."))
                    .flatMap(f -> Yaml.readAll(f).stream()).filter(d -> "HelmRelease".equals(d.path("kind").asText())).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The keeper's application.properties as the cluster gets it (the built ConfigMap). */
    private static Map<String, String> keeperConfig() {
        JsonNode cm = K8sTree.named(built("opencode-keeper"), "ConfigMap", "opencode-keeper-config");
        Map<String, String> config = new LinkedHashMap<>();
        cm.path("data").path("application.properties").asText().lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && l.contains("="))
                .forEach(l -> config.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip()));
        return config;
    }

    private static Duration parse(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value);
        assertThat(m.matches()).as("duration %s", value).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** What a Flux Kustomization applies after adoption: ours strictly substituted, the cluster's own as Flux does by default. */
    static List<JsonNode> built(String kustomization) {
        return adopted().build(adopted().kustomization(kustomization), OURS.contains(kustomization))
                .orElseThrow(() -> new AssertionError(kustomization + " does not build"));
    }

    private static Map<String, JsonNode> byId(List<JsonNode> resources) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        resources.forEach(r -> result.put(r.path("kind").asText() + "/" + r.path("metadata").path("namespace").asText() + "/"
                + r.path("metadata").path("name").asText(), r));
        return result;
    }

    static {
        // Repo.root() must be found before any copy is made (the tests run from the repository).
        Repo.root();
    }
}
