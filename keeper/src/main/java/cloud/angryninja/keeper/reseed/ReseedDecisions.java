package cloud.angryninja.keeper.reseed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apps.Deployment;

import cloud.angryninja.keeper.copilot.AuthJson;

import cloud.angryninja.keeper.kube.KeeperAnnotations;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.probe.ProbeResult;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.reseed.ReseedReply.StepReport;
import cloud.angryninja.keeper.workspace.Workspace;

/** Pure decisions of the reseed workflow, apart from the code that acts on them. */
public final class ReseedDecisions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReseedDecisions() {
    }

    /** The query parameters {@code POST /reseed} takes; any other is refused. */
    public static final List<String> PARAMETERS = List.of("workspace", "dryRun", "force", "mode");

    /** {@code ?dryRun=} and {@code ?force=}: absent is false; else exactly {@code true} or {@code false}. */
    public static boolean flag(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("?" + name + " takes exactly true or false (or is left out)");
        };
    }

    /**
     * Pure: what is wrong with the query of {@code POST /reseed}, if anything: a parameter that is not one of
     * {@link #PARAMETERS}; {@code dryRun}, {@code force} or {@code mode} given more than once, empty or bare; an empty
     * {@code workspace}. The message names the parameter and never echoes a value (nor an unknown name).
     */
    public static Optional<String> queryProblem(Map<String, List<String>> query) {
        if (query == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<String>> p : query.entrySet()) {
            String name = p.getKey();
            List<String> values = p.getValue() == null ? List.of() : p.getValue();
            if (!PARAMETERS.contains(name)) {
                return Optional.of("an unknown query parameter; POST /reseed takes only " + String.join(", ", PARAMETERS));
            }
            if (!name.equals("workspace") && values.size() > 1) {
                return Optional.of("?" + name + " is given " + values.size() + " times; give it once");
            }
            if (values.isEmpty() || values.stream().anyMatch(v -> v == null || v.isEmpty())) {
                return Optional.of("?" + name + " is empty or has no value; " + (name.equals("workspace")
                        ? "name a configured workspace, or leave ?workspace out for every one"
                        : name.equals("mode") ? "give mode=rollout or mode=live, or leave it out" : "give " + name + "=true or " + name + "=false, or leave it out"));
            }
        }
        return Optional.empty();
    }

    /** The target workspaces: every configured one when none is named; unknown or empty names are refused. */
    public static List<Workspace> targets(List<String> names, List<Workspace> configured) {
        List<String> wanted = names == null ? List.of() : names;
        if (wanted.isEmpty()) {
            return configured;
        }
        List<Workspace> targets = new ArrayList<>();
        for (String name : new LinkedHashSet<>(wanted)) {
            Workspace w = configured.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("?workspace names no configured workspace; configured: "
                            + String.join(", ", configured.stream().map(Workspace::name).toList())));
            targets.add(w);
        }
        return targets;
    }

    /** Doppler already holds the new value under every name: the write is skipped. */
    public static boolean dopplerUnchanged(Map<String, Optional<String>> current, String value) {
        return !current.isEmpty() && current.values().stream().allMatch(v -> v.isPresent() && v.get().equals(value));
    }

    /** Doppler already holds every wanted value under its name: the write is skipped. */
    public static boolean dopplerUnchanged(Map<String, Optional<String>> current, Map<String, String> wanted) {
        return !wanted.isEmpty() && wanted.entrySet().stream()
                .allMatch(e -> current.getOrDefault(e.getKey(), Optional.empty()).filter(e.getValue()::equals).isPresent());
    }

    /**
     * Live mode: the running OpenCode took the credential, whatever Copilot says of it now: it is up and has the provider
     * loaded. Otherwise (down, not loaded) a rollout seeds it from the Secret.
     */
    public static boolean tookItLive(WorkspaceState state) {
        return state != null && state.up().outcome() == ProbeResult.Outcome.PASS
                && state.copilotProvider().outcome() == ProbeResult.Outcome.PASS;
    }

    /** The probe saw OpenCode up, github-copilot loaded, and the new credential in the Secret, accepted by Copilot. */
    public static boolean probeVerified(WorkspaceState state, String fingerprint) {
        return state.healthy() && state.credentialFingerprint().filter(fingerprint::equals).isPresent();
    }

    /** The fields of OpenCode's {@code Auth} (oauth) schema; {@code PUT /auth/{providerID}} takes no other. */
    static final List<String> OAUTH_FIELDS = List.of("type", "refresh", "access", "expires", "accountId", "enterpriseUrl");

    /**
     * Pure: the body of {@code PUT /auth/github-copilot} from the reduced auth.json: the bare github-copilot entry with
     * the fields of OpenCode's oauth schema only; {@code access} (when absent) is the refresh token and
     * {@code expires} (when absent) 0, as OpenCode's own Copilot login writes them. A secret: never logged.
     */
    public static String liveEntry(String reducedAuthJson) {
        JsonNode entry;
        try {
            entry = JSON.readTree(reducedAuthJson).get(AuthJson.PROVIDER_ID);
        } catch (IOException e) {
            throw new IllegalArgumentException("the reduced auth.json is not JSON");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (String field : OAUTH_FIELDS) {
            JsonNode value = entry.get(field);
            if (value != null && !value.isNull()) {
                body.set(field, value);
            }
        }
        if (!body.path("access").isTextual()) {
            body.set("access", entry.get("refresh"));
        }
        if (!body.path("expires").canConvertToLong() || body.path("expires").asLong() < 0) {
            body.put("expires", 0);
        }
        return body.toString();
    }

    /** Live mode: the probe saw OpenCode up, github-copilot loaded, and the new credential accepted by Copilot. */
    public static boolean liveVerified(WorkspaceState state, String fingerprint) {
        return probeVerified(state, fingerprint);
    }

    /** One line of what verify-after saw in live mode. */
    public static String observedLive(WorkspaceState state, String fingerprint) {
        String credential = state.credentialFingerprint().map(f -> f.equals(fingerprint) ? "the new credential " + f
                : "credential " + f + " (not the new " + fingerprint + ")").orElse("no credential read");
        return "up " + word(state.up()) + ", github-copilot " + word(state.copilotProvider()) + ", the workspace holds " + credential
                + ", Copilot " + word(state.credential()) + "; no rollout (live mode)";
    }

    /**
     * The Deployment's current generation is rolled out and its record says a rollout no older than it started after
     * the Secret held the value: every running pod of it read the new credential at start.
     */
    public static boolean podsNewerThanSecret(Deployment d, String secretSha256) {
        return d != null && Rollouts.isComplete(d) && Rollouts.rolledOutFor(d, secretSha256);
    }

    /** One line of what verify-after saw. */
    public static String observed(WorkspaceState state, String fingerprint, Deployment d, String secretSha256) {
        String credential = state.credentialFingerprint().map(f -> f.equals(fingerprint) ? "the new credential " + f
                : "credential " + f + " (not the new " + fingerprint + ")").orElse("no credential read");
        String pods = d == null ? "Deployment not found"
                : podsNewerThanSecret(d, secretSha256) ? "pods of generation " + d.getMetadata().getGeneration()
                        + " rolled out after the Secret held it (" + d.getMetadata().getAnnotations().get(KeeperAnnotations.ROLLED_OUT_FOR) + ")"
                        : "pods not proven newer than the Secret (" + Rollouts.describe(d) + ", record "
                                + Optional.ofNullable(d.getMetadata().getAnnotations()).map(a -> a.get(KeeperAnnotations.ROLLED_OUT_FOR))
                                        .orElse("none") + ")";
        return "up " + word(state.up()) + ", github-copilot " + word(state.copilotProvider()) + ", the workspace holds " + credential
                + ", Copilot " + word(state.credential()) + "; " + pods;
    }

    private static String word(ProbeResult r) {
        return r.outcome().name() + " (" + r.reason() + ")";
    }

    /** The HTTP status after the cluster steps: 200 all verified, 504 a step timed out, 502 otherwise. */
    public static int statusAfterCluster(Collection<Map<Step, StepReport>> workspaces, long verified) {
        if (verified == workspaces.size()) {
            return 200;
        }
        boolean timedOut = workspaces.stream().flatMap(m -> m.values().stream())
                .anyMatch(s -> s.outcome().equals(Outcome.TIMEOUT.label()));
        return timedOut ? 504 : 502;
    }

    /** The result label of a reply status. */
    public static ReseedResult resultOf(int status) {
        if (status == 200) {
            return ReseedResult.SUCCESS;
        }
        if (status == 504) {
            return ReseedResult.TIMEOUT;
        }
        return status >= 400 && status < 500 ? ReseedResult.REJECTED : ReseedResult.FAILURE;
    }

    /** One workspace's result: verified, else the reply's rejection, else timeout if one of its steps timed out. */
    public static ReseedResult workspaceResult(boolean verified, ReseedResult overall, Map<Step, StepReport> steps) {
        if (verified && overall == ReseedResult.SUCCESS) {
            return ReseedResult.SUCCESS;
        }
        if (overall == ReseedResult.REJECTED) {
            return ReseedResult.REJECTED;
        }
        boolean timedOut = steps.values().stream().anyMatch(s -> s.outcome().equals(Outcome.TIMEOUT.label()));
        return timedOut ? ReseedResult.TIMEOUT : verified ? ReseedResult.SUCCESS : ReseedResult.FAILURE;
    }

    static String shorten(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
