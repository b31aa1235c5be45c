package cloud.angryninja.keeper.quota;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.infrastructure.Infrastructure;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.CredentialProbed;
import cloud.angryninja.keeper.probe.ProbeResult;
import cloud.angryninja.keeper.probe.StateChange;
import cloud.angryninja.keeper.quota.QuotaAnswer.Result;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;

/**
 * Reads each credential's Copilot quota after the probe has checked it, and shows it for every workspace that uses
 * the credential. One cache entry per credential and API (fingerprint@api): workspaces that share a credential share
 * its call. A call is made when a probe of a workspace using the credential ends, the credential is not refused
 * (a 401 or 403 the second check confirmed), no call for it is running and the last one started at least
 * {@code keeper.quota.interval} ago: so never more often than the probe, never with a refused token. The call runs
 * on the worker pool (Mutiny's, which is Quarkus' in the application), outside the probe's time. What it gives never changes the Copilot verdict; a failure
 * (404, 429, timeout, an answer of unknown shape) leaves the workspace's quota series absent and is logged once per
 * change of outcome, not per call.
 */
@ApplicationScoped
public class QuotaWatch {

    private static final Logger LOG = Logger.getLogger(QuotaWatch.class);

    /** The last answers of one credential at one API. */
    private static final class Entry {
        final String fingerprint;
        Instant lastCall;
        boolean inFlight;
        volatile QuotaAnswer last;
        /** What was last logged: the result, and the plan when answered. */
        String logged = "";

        Entry(String fingerprint) {
            this.fingerprint = fingerprint;
        }
    }

    /** Which credential a workspace's quota comes from, or why none is asked for. */
    private record Source(Optional<String> key, String whyNot) {
    }

    private final QuotaClient client;
    private final QuotaMetrics metrics;
    private final boolean enabled;
    private final Duration interval;
    private final Clock clock;
    private final Executor calls;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Source> workspaces = new ConcurrentHashMap<>();

    @Inject
    public QuotaWatch(QuotaClient client, QuotaMetrics metrics, QuotaConfig config) {
        this(client, metrics, config.enabled(), config.interval(), Clock.systemUTC(), Infrastructure.getDefaultWorkerPool());
    }

    /** {@code calls} runs each call ({@code Runnable::run} runs it on the probe's thread, for tests). */
    public QuotaWatch(QuotaClient client, QuotaMetrics metrics, boolean enabled, Duration interval, Clock clock, Executor calls) {
        this.client = client;
        this.metrics = metrics;
        this.enabled = enabled;
        this.interval = interval;
        this.clock = clock;
        this.calls = calls;
    }

    /** The probe's result, as the workspace states announce it; nothing here may fail the probe. */
    void onProbe(@Observes StateChange.Probed change) {
        CredentialProbed probed = change.credentialProbed();
        try {
            probed(probed);
        } catch (RuntimeException e) {
            LOG.warnf("%s: Copilot quota not updated (%s)", probed.workspace(), e.getClass().getSimpleName());
        }
    }

    public void probed(CredentialProbed probed) {
        String workspace = probed.workspace();
        if (!enabled) {
            return;
        }
        if (probed.credential().isEmpty() || probed.refused() || probed.outcome() == ProbeResult.Outcome.PENDING) {
            String why = probed.credential().isEmpty() ? "no usable credential in the workspace Secret"
                    : "the Copilot API refuses the credential: its quota is not asked for";
            forget(workspace, why);
            return;
        }
        CopilotCredential credential = probed.credential().get();
        URI api = client.apiBase(credential);
        String key = credential.fingerprint() + "@" + api;
        Source before = workspaces.put(workspace, new Source(Optional.of(key), ""));
        Entry entry = entries.computeIfAbsent(key, k -> new Entry(credential.fingerprint()));
        boolean call;
        synchronized (entry) {
            Instant now = clock.instant();
            call = !entry.inFlight && (entry.lastCall == null || !now.isBefore(entry.lastCall.plus(interval)));
            if (call) {
                entry.inFlight = true;
                entry.lastCall = now;
            }
        }
        if (before != null && before.key().filter(k -> !k.equals(key)).isPresent()) {
            sweep(); // the workspace's credential changed
        }
        show(workspace, entry); // the credential's last answer, none for a new credential: never another credential's
        if (call) {
            calls.execute(() -> answered(key, entry, fetch(credential)));
        }
    }

    /** The call; whatever it throws is an answer without quota, so the entry never stays in flight. */
    private QuotaAnswer fetch(CopilotCredential credential) {
        try {
            return client.fetch(credential);
        } catch (RuntimeException e) {
            return QuotaAnswer.failed(Result.CONNECTION, "the call failed (" + e.getClass().getSimpleName() + ")", clock.instant());
        }
    }

    private void answered(String key, Entry entry, QuotaAnswer answer) {
        synchronized (entry) {
            entry.last = answer;
            entry.inFlight = false;
        }
        logChange(entry, answer);
        workspaces.forEach((workspace, source) -> {
            if (source.key().filter(key::equals).isPresent()) {
                show(workspace, entry);
            }
        });
    }

    private void show(String workspace, Entry entry) {
        QuotaAnswer last = entry.last;
        metrics.show(workspace, last == null ? Optional.empty() : last.quota());
    }

    /** The workspace's quota is no longer asked for: its series go. */
    private void forget(String workspace, String why) {
        Source before = workspaces.put(workspace, new Source(Optional.empty(), why));
        metrics.clear(workspace);
        if (before != null && before.key().isPresent()) {
            sweep();
        }
    }

    /**
     * Forgets the credentials no workspace uses any more, once their last call is an interval old: a credential that
     * comes back sooner (a workspace switched back) is not asked again before its interval has passed.
     */
    private void sweep() {
        Instant now = clock.instant();
        entries.entrySet().removeIf(e -> {
            if (workspaces.values().stream().anyMatch(s -> s.key().filter(e.getKey()::equals).isPresent())) {
                return false;
            }
            synchronized (e.getValue()) {
                return !e.getValue().inFlight && (e.getValue().lastCall == null || !now.isBefore(e.getValue().lastCall.plus(interval)));
            }
        });
    }

    private void logChange(Entry entry, QuotaAnswer answer) {
        String now = answer.result().label() + answer.quota().flatMap(CopilotQuota::plan).map(p -> "/" + p.label()).orElse("");
        synchronized (entry) {
            if (now.equals(entry.logged)) {
                return;
            }
            entry.logged = now;
        }
        if (answer.result() == Result.ANSWERED) {
            CopilotQuota q = answer.quota().orElseThrow();
            LOG.infof("credential %s: Copilot quota read (account %s, plan %s, premium requests %s, resets %s)", entry.fingerprint,
                    q.login().orElse("?"), q.plan().map(Plan::label).orElse("?"), premium(q),
                    q.resetsAt().map(Instant::toString).orElse("?"));
        } else {
            LOG.warnf("credential %s: Copilot quota unknown, its series stay absent: %s", entry.fingerprint, answer.reason());
        }
    }

    private static String premium(CopilotQuota q) {
        return q.premium().map(a -> a.unlimited().orElse(false) ? "unlimited"
                : number(a.remaining()) + " of " + number(a.entitlement()) + " left").orElse("?");
    }

    private static String number(java.util.OptionalDouble d) {
        return d.isPresent() ? QuotaView.number(d.getAsDouble()).toString() : "?";
    }

    /** A discovered workspace that leaves is forgotten. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        if (event.kind() == WorkspaceEvent.Kind.LEFT) {
            workspaces.remove(event.workspace().name());
            sweep();
        }
    }

    /** A replica that stops leading forgets every quota; the new leader's probes ask again. */
    void onLeadership(@Observes Leadership.LeadershipChange change) {
        if (!change.leading()) {
            workspaces.clear();
            entries.clear();
            metrics.clearAll();
        }
    }

    /** No call is running (for tests: every call started has been answered and shown). */
    public boolean idle() {
        return entries.values().stream().noneMatch(e -> {
            synchronized (e) {
                return e.inFlight;
            }
        });
    }

    /** What {@code GET /workspaces} says of the workspace's quota. */
    public QuotaView view(String workspace) {
        if (!enabled) {
            return QuotaView.notAsked("keeper.quota.enabled is false");
        }
        Source source = workspaces.get(workspace);
        if (source == null) {
            return QuotaView.pending("not probed yet");
        }
        if (source.key().isEmpty()) {
            return QuotaView.notAsked(source.whyNot());
        }
        Entry entry = entries.get(source.key().get());
        QuotaAnswer last = entry == null ? null : entry.last;
        return last == null ? QuotaView.pending("the first call for this credential has not answered yet") : QuotaView.of(last);
    }
}
