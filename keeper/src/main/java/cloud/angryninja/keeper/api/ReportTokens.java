package cloud.angryninja.keeper.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.api.ApiConfig;
import cloud.angryninja.keeper.kube.Secrets;
import cloud.angryninja.keeper.probe.ProbeConfig;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Who may report a workspace's credential: the bearer of that workspace's report token, read from its
 * {@code report-token-secret}[{@code report-token-key}] when a report comes (cached {@link #CACHE}), so no token is in
 * the keeper's configuration. Compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * workspace's token each time. A token shorter than {@value #MIN_LENGTH} characters, or equal to the keeper's API
 * token, is no report token (one log line): the API token never reports, a report token never calls the API.
 */
@ApplicationScoped
public class ReportTokens {

    private static final Logger LOG = Logger.getLogger(ReportTokens.class);

    /** How long a token read from its Secret is used before it is read again. */
    static final Duration CACHE = Duration.ofSeconds(30);

    /** Shortest token taken. */
    static final int MIN_LENGTH = 16;

    private static final String PREFIX = "Bearer ";

    /** How a report's {@code Authorization} fares for the workspace it names. */
    public enum Verdict {
        /** That workspace's report token. */
        ACCEPTED,
        /** No token, or one of no workspace: 401. */
        UNAUTHORIZED,
        /** Another workspace's report token: 403. */
        FORBIDDEN,
        /** That workspace's token could not be read (Kubernetes API): 503, the reporter retries. */
        UNAVAILABLE
    }

    /** A token as read: its digest, none, or the read failed. */
    private record Read(Optional<byte[]> digest, boolean failed, Instant at) {
    }

    private final Workspaces workspaces;
    private final KubernetesClient kube;
    private final jakarta.inject.Provider<ApiConfig> api;
    private final Duration deadline;
    private final Clock clock;
    private final Map<String, Read> cache = new ConcurrentHashMap<>();
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    @Inject
    public ReportTokens(Workspaces workspaces, KubernetesClient kube, jakarta.inject.Provider<ApiConfig> api, ProbeConfig probe) {
        this(workspaces, kube, api, probe.timeout(), Clock.systemUTC());
    }

    /** With the given deadline of one Secret read (and clock, for the cache). */
    public ReportTokens(Workspaces workspaces, KubernetesClient kube, jakarta.inject.Provider<ApiConfig> api, Duration deadline,
            Clock clock) {
        this.workspaces = workspaces;
        this.kube = kube;
        this.api = api;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** Whether {@code authorization} may report the credential of {@code workspace}. */
    public Verdict authorise(String workspace, String authorization) {
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Verdict.UNAUTHORIZED;
        }
        byte[] presented = sha256(authorization.substring(PREFIX.length()).trim());
        boolean own = false;
        boolean other = false;
        boolean ownUnreadable = false;
        for (Workspace w : workspaces.all()) {
            Read read = token(w);
            boolean matches = read.digest().isPresent() && MessageDigest.isEqual(presented, read.digest().get());
            if (w.name().equals(workspace)) {
                own = matches;
                ownUnreadable = read.failed();
            } else {
                other |= matches;
            }
        }
        if (own) {
            return Verdict.ACCEPTED;
        }
        if (other) {
            return Verdict.FORBIDDEN;
        }
        return ownUnreadable ? Verdict.UNAVAILABLE : Verdict.UNAUTHORIZED;
    }

    private Read token(Workspace w) {
        Read cached = cache.get(w.name());
        if (cached != null && !cached.failed() && Duration.between(cached.at(), clock.instant()).compareTo(CACHE) < 0) {
            return cached;
        }
        Read read = read(w);
        cache.put(w.name(), read);
        return read;
    }

    private Read read(Workspace w) {
        String where = "secret " + w.namespace() + "/" + w.reportTokenSecret() + " key " + w.reportTokenKey();
        FutureTask<Secret> get = new FutureTask<>(() -> kube.secrets().inNamespace(w.namespace()).withName(w.reportTokenSecret()).get());
        Thread.ofVirtual().name("report-token-read-" + w.name()).start(get);
        Secret secret;
        try {
            secret = get.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            get.cancel(true);
            warnOnce(w, "unreadable", "%s: cannot read the report token (%s): reports of this workspace wait", w.name(), where);
            return new Read(Optional.empty(), true, clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Read(Optional.empty(), true, clock.instant());
        }
        Optional<String> token = secret == null ? Optional.empty() : Secrets.value(secret, w.reportTokenKey()).map(String::trim);
        if (token.isEmpty() || token.get().isEmpty()) {
            warnOnce(w, "missing", "%s: no report token in %s: its reports are refused (401)", w.name(), where);
            return new Read(Optional.empty(), false, clock.instant());
        }
        if (token.get().length() < MIN_LENGTH) {
            warnOnce(w, "short", "%s: the report token in %s is shorter than %d characters: not taken, its reports are refused (401)",
                    w.name(), where, MIN_LENGTH);
            return new Read(Optional.empty(), false, clock.instant());
        }
        byte[] digest = sha256(token.get());
        if (MessageDigest.isEqual(digest, sha256(api.get().token()))) {
            warnOnce(w, "api", "%s: the report token in %s is the keeper's API token: not taken, its reports are refused (401)",
                    w.name(), where);
            return new Read(Optional.empty(), false, clock.instant());
        }
        warned.remove(w.name());
        return new Read(Optional.of(digest), false, clock.instant());
    }

    private void warnOnce(Workspace w, String kind, String format, Object... args) {
        if (!kind.equals(warned.put(w.name(), kind))) {
            LOG.warnf(format, args);
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
