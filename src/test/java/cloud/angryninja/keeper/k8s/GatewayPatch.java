package cloud.angryninja.keeper.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;

/** Applies k8s/apps/network/envoy-gateway's listener patch to a Gateway, with kubectl kustomize as the cluster would. */
final class GatewayPatch {

    static final Path PATCH = K8sTree.k8s().resolve("apps/network/envoy-gateway/envoy-internal-opencode-tls.patch.yaml");

    private GatewayPatch() {
    }

    static String fixture() {
        try (var in = GatewayPatch.class.getResourceAsStream("/k8s/envoy-internal-gateway.yaml")) {
            return new String(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Gateway after the patch; an AssertionError carrying kustomize's message when the patch refuses it. */
    static JsonNode apply(String gatewayYaml, Path workDir) {
        try {
            Files.writeString(workDir.resolve("gateway.yaml"), gatewayYaml);
            Files.copy(PATCH, workDir.resolve("patch.yaml"));
            Files.writeString(workDir.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - gateway.yaml
                    patches:
                      - path: patch.yaml
                        target:
                          group: gateway.networking.k8s.io
                          kind: Gateway
                          name: envoy-internal
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Yaml.read(K8sTree.kustomize(workDir));
    }
}
