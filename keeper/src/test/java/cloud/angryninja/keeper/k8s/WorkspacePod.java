package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.ExternalSecretKeys;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;

/**
 * A workspace pod as its built HelmRelease (bjw-s app-template values) describes it, laid onto
 * host folders: each persistence item becomes a folder (the PVC, the files of a Secret, as the built
 * ExternalSecret writing it names its keys and the item's items select them, the generated
 * ConfigMap's files, emptyDirs), and container paths and environment map onto them through the
 * item's advancedMounts. Lets the tests run the init script and OpenCode exactly as configured.
 */
final class WorkspacePod {

    final String app;
    final List<JsonNode> resources;
    final JsonNode release;
    final JsonNode values;
    final String controllerName;

    WorkspacePod(String app) {
        this.app = app;
        this.resources = K8sTree.build(K8sTree.app(app));
        this.release = K8sTree.single(resources, "HelmRelease");
        this.values = release.path("spec").path("values");
        List<String> controllers = Yaml.fieldNames(values.path("controllers"));
        assertThat(controllers).as("controllers of %s", app).hasSize(1);
        this.controllerName = controllers.get(0);
    }

    JsonNode controller() {
        return values.path("controllers").path(controllerName);
    }

    /** The init container that runs once at start (not a native sidecar). */
    String initContainerName() {
        List<String> names = initContainerNames(false);
        assertThat(names).as("init containers of %s that run once", app).hasSize(1);
        return names.get(0);
    }

    /** The native sidecar: the init container with {@code restartPolicy: Always}, running beside the server. */
    String sidecarName() {
        List<String> names = initContainerNames(true);
        assertThat(names).as("native sidecars of %s", app).hasSize(1);
        return names.get(0);
    }

    private List<String> initContainerNames(boolean sidecars) {
        JsonNode init = controller().path("initContainers");
        return Yaml.fieldNames(init).stream().filter(n -> "Always".equals(init.path(n).path("restartPolicy").asText()) == sidecars)
                .toList();
    }

    JsonNode sidecar() {
        return container(sidecarName());
    }

    String mainContainerName() {
        List<String> names = Yaml.fieldNames(controller().path("containers"));
        assertThat(names).as("containers of %s", app).hasSize(1);
        return names.get(0);
    }

    JsonNode container(String name) {
        JsonNode c = controller().path("containers").path(name);
        return c.isMissingNode() ? controller().path("initContainers").path(name) : c;
    }

    JsonNode initContainer() {
        return container(initContainerName());
    }

    JsonNode mainContainer() {
        return container(mainContainerName());
    }

    /** One volume mount of a container, from a persistence item's advancedMounts (or globalMounts). */
    record Mount(String volume, JsonNode item, String path, String subPath, boolean readOnly) {
        String type() {
            return item.path("type").asText("persistentVolumeClaim");
        }
    }

    List<Mount> mounts(String container) {
        List<Mount> mounts = new ArrayList<>();
        values.path("persistence").properties().forEach(e -> {
            JsonNode item = e.getValue();
            List<JsonNode> entries = new ArrayList<>();
            item.path("advancedMounts").path(controllerName).path(container).forEach(entries::add);
            item.path("globalMounts").forEach(entries::add);
            for (JsonNode m : entries) {
                mounts.add(new Mount(e.getKey(), item, m.path("path").asText(), m.path("subPath").asText(null),
                        m.path("readOnly").asBoolean(false)));
            }
        });
        return mounts;
    }

    JsonNode configMap(String name) {
        return K8sTree.named(resources, "ConfigMap", name);
    }

    /** The keys of a Secret of the workspace, as the one built ExternalSecret writing it names them. */
    Set<String> secretKeys(String secret) {
        List<JsonNode> writers = K8sTree.all(resources, "ExternalSecret").stream()
                .filter(es -> es.path("spec").path("target").path("name").asText().equals(secret)).toList();
        assertThat(writers).as("ExternalSecrets of %s writing Secret %s", app, secret).hasSize(1);
        return ExternalSecretKeys.remoteKeys(writers.getFirst()).keySet();
    }

    /**
     * The files a secret volume holds, file name to content: every key of its Secret that
     * {@code secretData} (key to value, over all the workspace's Secrets) has, or only the item's
     * {@code items}, each of which must be there (kubelet would not mount the volume otherwise).
     */
    Map<String, String> secretFiles(JsonNode item, Map<String, String> secretData) {
        Set<String> keys = secretKeys(item.path("name").asText());
        Map<String, String> files = new LinkedHashMap<>();
        if (item.has("items")) {
            for (JsonNode selected : item.path("items")) {
                String key = selected.path("key").asText();
                assertThat(keys).as("keys of Secret %s", item.path("name").asText()).contains(key);
                assertThat(secretData).as("the Secret's data, for the item %s", key).containsKey(key);
                files.put(selected.path("path").asText(), secretData.get(key));
            }
        } else {
            keys.stream().filter(secretData::containsKey).forEach(k -> files.put(k, secretData.get(k)));
        }
        return files;
    }

    /**
     * Host folders for every persistence item under {@code root}: the PVC empty (or as left by an
     * earlier run), the Secrets' keys as files (none for no {@code secretData}), the ConfigMap's keys
     * as files, emptyDirs empty.
     */
    Map<String, Path> volumes(Path root, Map<String, String> secretData) {
        Map<String, Path> volumes = new LinkedHashMap<>();
        values.path("persistence").properties().forEach(e -> {
            JsonNode item = e.getValue();
            Path dir = root.resolve("volume-" + e.getKey());
            try {
                Files.createDirectories(dir);
                switch (item.path("type").asText("persistentVolumeClaim")) {
                    case "secret" -> {
                        Map<String, String> files = secretData.isEmpty() ? Map.of() : secretFiles(item, secretData);
                        for (Map.Entry<String, String> s : files.entrySet()) {
                            Files.writeString(dir.resolve(s.getKey()), s.getValue());
                        }
                    }
                    case "configMap" -> configMap(item.path("name").asText()).path("data").properties()
                            .forEach(d -> write(dir.resolve(d.getKey()), d.getValue().asText()));
                    default -> {
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            volumes.put(e.getKey(), dir);
        });
        return volumes;
    }

    /** A Secret's keys as files in {@code dir}: every key, or only the {@code items} the volume names (at their paths). */
    static void writeSecretFiles(JsonNode item, Path dir, Map<String, String> secretData) throws IOException {
        if (item.has("items")) {
            for (JsonNode i : item.path("items")) {
                String value = secretData.get(i.path("key").asText());
                if (value != null) {
                    Files.writeString(dir.resolve(i.path("path").asText()), value);
                }
            }
            return;
        }
        for (Map.Entry<String, String> s : secretData.entrySet()) {
            Files.writeString(dir.resolve(s.getKey()), s.getValue());
        }
    }

    /** Where a container path lands on the host: the longest mount path that holds it. */
    Path hostPath(String container, String containerPath, Map<String, Path> volumes) {
        Mount mount = mounts(container).stream()
                .filter(m -> containerPath.equals(m.path()) || containerPath.startsWith(m.path() + "/"))
                .max(Comparator.comparingInt(m -> m.path().length()))
                .orElseThrow(() -> new AssertionError(containerPath + " of container " + container
                        + " is on no volume: it would not survive a restart"));
        Path base = volumes.get(mount.volume());
        if (mount.subPath() != null) {
            base = base.resolve(mount.subPath());
        }
        String rest = containerPath.substring(mount.path().length());
        return rest.isEmpty() ? base : base.resolve(rest.substring(1));
    }

    /** A container's environment on the host: paths mapped onto the volumes, secretKeyRefs resolved. */
    Map<String, String> env(String container, Map<String, Path> volumes, Map<String, String> secretData) {
        return env(container, volumes, secretData, null);
    }

    /**
     * As {@link #env(String, Map, Map)}; a search path (PATH: absolute folders joined by colons) has
     * each folder on a volume mapped onto it, and each other folder, the image's own, under
     * {@code imageRoot} (a folder standing in for the image's filesystem), or left as the host's
     * folder when {@code imageRoot} is null.
     */
    Map<String, String> env(String container, Map<String, Path> volumes, Map<String, String> secretData, Path imageRoot) {
        Map<String, String> env = new LinkedHashMap<>();
        container(container).path("env").properties().forEach(e -> {
            JsonNode v = e.getValue();
            String value;
            if (v.isObject()) {
                JsonNode ref = v.path("valueFrom").path("secretKeyRef");
                assertThat(ref.isObject()).as("env %s of %s: only secretKeyRef is simulated", e.getKey(), container).isTrue();
                assertThat(secretKeys(ref.path("name").asText())).as("keys of the Secret of env %s", e.getKey())
                        .contains(ref.path("key").asText());
                value = secretData.get(ref.path("key").asText());
                assertThat(value).as("secret key %s", ref.path("key").asText()).isNotNull();
            } else {
                value = v.asText();
                if (value.startsWith("/") && value.contains(":")) {
                    List<String> dirs = new ArrayList<>();
                    for (String dir : value.split(":")) {
                        assertThat(dir).as("a folder of %s in container %s", e.getKey(), container).startsWith("/");
                        boolean onVolume = mounts(container).stream()
                                .anyMatch(m -> dir.equals(m.path()) || dir.startsWith(m.path() + "/"));
                        dirs.add(onVolume ? hostPath(container, dir, volumes).toString()
                                : imageRoot == null ? dir : imageRoot.resolve(dir.substring(1)).toString());
                    }
                    value = String.join(":", dirs);
                } else if (value.startsWith("/")) {
                    value = hostPath(container, value, volumes).toString();
                }
            }
            env.put(e.getKey(), value);
        });
        return env;
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
