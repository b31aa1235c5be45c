package cloud.angryninja.keeper.sandbox;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Reads the Kubernetes API calls a mock server received, as RBAC sees them (verb, group, resource, subresource),
 * so a test can check the keeper needs no more than its Role grants. The test controllers use a client made by
 * {@link #controllerClient} and are left out of {@link #keeperCalls()}.
 */
public final class ApiCalls {

    /** User-Agent of the test controllers' client. */
    public static final String CONTROLLER_AGENT = "opencode-keeper-test-controllers";

    /**
     * One API request.
     *
     * @param verb         RBAC verb: get, list, watch, create, update, patch, delete, deletecollection
     * @param group        API group, "" for the core group
     * @param resource     plural resource name
     * @param subresource  e.g. "status", "" when none
     * @param namespace    "" for cluster-wide requests
     * @param name         "" for collection requests
     * @param query        raw query string, "" when none (e.g. {@code fieldManager=opencode-keeper})
     * @param userAgent    the client's User-Agent
     */
    public record ApiCall(String verb, String group, String resource, String subresource, String namespace, String name,
            String query, String userAgent) {

        /** {@code "patch apps/deployments"}, {@code "get secrets"}, {@code "update external-secrets.io/externalsecrets/status"}. */
        public String rule() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (subresource.isEmpty() ? "" : "/" + subresource);
        }

        boolean fromController() {
            return CONTROLLER_AGENT.equals(userAgent);
        }
    }

    private final KubernetesMockServer server;
    private final List<ApiCall> seen = Collections.synchronizedList(new ArrayList<>());

    public ApiCalls(KubernetesMockServer server) {
        this.server = server;
    }

    /** A client for test controllers on the same API, marked so its calls are not counted as the keeper's. */
    public static KubernetesClient controllerClient(KubernetesClient keeperClient) {
        Config config = new ConfigBuilder(keeperClient.getConfiguration()).withUserAgent(CONTROLLER_AGENT).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Every call received so far, oldest first. */
    public List<ApiCall> all() {
        drain();
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Calls received so far from any client except the test controllers. */
    public List<ApiCall> keeperCalls() {
        return all().stream().filter(c -> !c.fromController()).toList();
    }

    /** Distinct {@link ApiCall#rule()}s of {@link #keeperCalls()}, sorted: what the keeper's Role must allow. */
    public Set<String> keeperRules() {
        return new TreeSet<>(keeperCalls().stream().map(ApiCall::rule).toList());
    }

    /** The keeper's calls with this verb on this resource (plural, any group). */
    public List<ApiCall> keeperCalls(String verb, String resource) {
        return keeperCalls().stream().filter(c -> c.verb().equals(verb) && c.resource().equals(resource)).toList();
    }

    /** Forgets what was received so far. */
    public void clear() {
        drain();
        seen.clear();
    }

    private void drain() {
        try {
            RecordedRequest request;
            while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
                seen.add(parse(request.getMethod(), request.getPath(), request.getHeader("User-Agent")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading recorded requests", e);
        }
    }

    static ApiCall parse(String method, String pathAndQuery, String userAgent) {
        URI uri = URI.create(pathAndQuery);
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        List<String> segments = Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList();
        String group;
        List<String> rest;
        if (!segments.isEmpty() && segments.get(0).equals("api")) {
            group = "";
            rest = segments.subList(Math.min(2, segments.size()), segments.size());
        } else if (!segments.isEmpty() && segments.get(0).equals("apis") && segments.size() >= 3) {
            group = segments.get(1);
            rest = segments.subList(3, segments.size());
        } else {
            return new ApiCall(method.toLowerCase(), "", uri.getPath(), "", "", "", query, String.valueOf(userAgent));
        }
        String namespace = "";
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.isEmpty() ? "" : rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : "";
        String subresource = rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : "";
        boolean watch = Arrays.asList(query.split("&")).contains("watch=true");
        String verb = switch (method.toUpperCase()) {
            case "GET" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> method.toLowerCase();
        };
        return new ApiCall(verb, group, resource, subresource, namespace, name, query, String.valueOf(userAgent));
    }
}
