package cloud.angryninja.keeper.adoption;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.adoption.AdoptionStatus.State;
import cloud.angryninja.keeper.credential.AccountRecord;
import cloud.angryninja.keeper.credential.AdoptConfig;
import cloud.angryninja.keeper.credential.CredentialStore;
import cloud.angryninja.keeper.credential.DopplerFingerprints;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.doppler.DopplerException;
import cloud.angryninja.keeper.github.GitHubAccounts;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.reseed.Origin;
import cloud.angryninja.keeper.reseed.ReseedReply;
import cloud.angryninja.keeper.reseed.ReseedRequest;
import cloud.angryninja.keeper.reseed.ReseedWorkflow;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * What the keeper does with a credential a workspace reported that Doppler does not hold: probe the workspace with it
 * at once (its state then says what is wrong with it, if anything), then adopt it when Copilot accepts it with at
 * least one picker model and it belongs to the GitHub account on record ({@link AccountRecord}): a reseed that writes
 * it to Doppler (with the account record) for every workspace ({@code keeper.adopt.spread}) or for this one, and gives
 * it live to the others; the reporting workspace keeps it as it is. Refused by Copilot: never adopted, nothing
 * changes. Another account (or none on record): it waits for a person's confirmation
 * ({@code POST /workspaces/{w}/credential/confirm}). Each workspace is judged on its own virtual thread; reports that
 * come meanwhile are folded into one more judgement.
 */
@ApplicationScoped
public class Adoption {

    private static final Logger LOG = Logger.getLogger(Adoption.class);

    /** A failed adoption is tried again at a report that comes this long after it. */
    static final Duration RETRY_FAILED = Duration.ofMinutes(5);

    /** What {@link #confirm} answers. */
    public record Confirmation(int status, String message) {
    }

    private final Workspaces workspaces;
    private final ReportedCredentials reported;
    private final Prober prober;
    private final AccountRecord accounts;
    private final jakarta.inject.Provider<CredentialStore> store;
    private final ReseedWorkflow workflow;
    private final AdoptConfig config;
    /** Whether this replica judges reports: it leads (the reports of a follower are refused before they come here). */
    private volatile boolean leading;
    private final Clock clock = Clock.systemUTC();
    private final AdoptionStatuses statuses;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> wanted = new ConcurrentHashMap<>();

    @Inject
    public Adoption(Workspaces workspaces, ReportedCredentials reported, Prober prober, AccountRecord accounts,
            jakarta.inject.Provider<CredentialStore> store, ReseedWorkflow workflow, AdoptConfig config, CredentialMetrics metrics) {
        this.workspaces = workspaces;
        this.reported = reported;
        this.prober = prober;
        this.accounts = accounts;
        this.store = store;
        this.workflow = workflow;
        this.config = config;
        this.statuses = new AdoptionStatuses(metrics, clock);
    }

    /** Where the adoption of the workspace's reported credential stands. */
    public Optional<AdoptionStatus> status(String workspace) {
        Optional<String> held = reported.held(workspace).map(ReportedCredentials.Held::fingerprint);
        return statuses.last(workspace).filter(s -> held.filter(s.credential()::equals).isPresent());
    }

    /**
     * The workspace reported its credential ({@code changed}: another one than before): judge it in the background,
     * unless the same credential was judged already and nothing is left to do.
     */
    public void reported(Workspace w, boolean changed) {
        Optional<AdoptionStatus> now = status(w.name());
        boolean settled = now.map(s -> State.valueOf(s.state().toUpperCase(java.util.Locale.ROOT)).settled()).orElse(false);
        boolean failedRecently = now.filter(s -> s.is(State.FAILED))
                .map(s -> Duration.between(s.at(), clock.instant()).compareTo(RETRY_FAILED) < 0).orElse(false);
        if (changed || (!settled && !failedRecently)) {
            judgeInBackground(w.name());
        }
    }

    /** A person confirms the adoption of credential {@code fingerprint} of the workspace (another account than on record). */
    public Confirmation confirm(String workspace, String fingerprint) {
        Optional<AdoptionStatus> now = status(workspace);
        if (now.isEmpty() || !now.get().is(State.WAITING_CONFIRMATION)) {
            return new Confirmation(409, "nothing of workspace " + workspace + " waits for a confirmation"
                    + now.map(s -> " (its credential " + s.credential() + " is " + s.state() + ")").orElse(""));
        }
        if (!now.get().credential().equals(fingerprint)) {
            return new Confirmation(409, "workspace " + workspace + " waits for the confirmation of credential " + now.get().credential()
                    + ", not of the one named");
        }
        confirmed.add(workspace + ":" + fingerprint);
        LOG.infof("%s: the adoption of credential %s (account %s) is confirmed by a person", workspace, fingerprint,
                now.get().account().orElse("unknown"));
        judgeInBackground(workspace);
        return new Confirmation(202, "confirmed: credential " + fingerprint + " of workspace " + workspace
                + " is being adopted; GET /workspaces shows how it ends");
    }

    private void judgeInBackground(String workspace) {
        wanted.computeIfAbsent(workspace, k -> new AtomicBoolean()).set(true);
        AtomicBoolean busy = running.computeIfAbsent(workspace, k -> new AtomicBoolean());
        if (busy.compareAndSet(false, true)) {
            Thread.ofVirtual().name("adoption-" + workspace).start(() -> drain(workspace, busy));
        }
    }

    private void drain(String workspace, AtomicBoolean busy) {
        AtomicBoolean again = wanted.get(workspace);
        do {
            while (again.getAndSet(false)) {
                try {
                    workspaces.byName(workspace).ifPresent(this::judge);
                } catch (RuntimeException e) {
                    LOG.warnf("%s: judging its reported credential failed: %s", workspace, e.getClass().getSimpleName());
                }
            }
            busy.set(false);
        } while (again.get() && busy.compareAndSet(false, true));
    }

    /** One judgement of what the workspace holds. */
    void judge(Workspace w) {
        Optional<ReportedCredentials.Held> held = reported.held(w.name());
        if (held.isEmpty() || !leading) {
            return;
        }
        ReportedCredentials.Held h = held.get();
        String fp = h.fingerprint();
        statuses.set(w.name(), AdoptionStatus.of(State.JUDGING, fp, "probing the workspace with it", clock.instant()));
        WorkspaceState state = prober.probeNow(w);
        Optional<String> inDoppler;
        try {
            inDoppler = store.get().read(List.of(w.dopplerSecret())).getOrDefault(w.dopplerSecret(), Optional.empty())
                    .flatMap(DopplerFingerprints::fingerprint);
        } catch (DopplerException e) {
            statuses.pending(w.name(), fp, "Doppler could not be read (" + e.getMessage() + ")");
            return;
        }
        if (inDoppler.filter(fp::equals).isPresent()) {
            reported.dopplerHolds(w.name(), fp);
            statuses.set(w.name(), AdoptionStatus.of(State.IN_SYNC, fp, "Doppler holds this credential", clock.instant()));
            return;
        }
        if (h.source() != ReportedCredentials.Source.WORKSPACE) {
            statuses.set(w.name(), AdoptionStatus.of(State.IN_SYNC, fp, "the keeper gave the workspace this credential; Doppler holds "
                    + inDoppler.orElse("none") + " (changed since): not adopted back", clock.instant()));
            return;
        }
        if (!accepted(w, state, fp)) {
            return;
        }
        GitHubAccounts.Answer account = accounts.accountOf(h.credential());
        if (!(account instanceof GitHubAccounts.Login login)) {
            statuses.pending(w.name(), fp, "GitHub did not name its account (" + AccountRecord.describe(account) + ")");
            return;
        }
        AccountRecord.OnRecord onRecord;
        try {
            onRecord = accounts.onRecord(w.dopplerSecret());
        } catch (DopplerException e) {
            statuses.pending(w.name(), fp, "the account on record could not be read from Doppler (" + e.getMessage() + ")");
            return;
        }
        if (!onRecord.matches(login.login()) && !confirmed.contains(w.name() + ":" + fp)) {
            AdoptionStatus waiting = AdoptionStatus.of(State.WAITING_CONFIRMATION, fp, onRecord.login().isEmpty()
                    ? "credential " + fp + " belongs to GitHub account " + login.login() + ", and " + onRecord.where()
                            + ": not spread without a person's confirmation (POST /workspaces/" + w.name()
                            + "/credential/confirm?credential=" + fp + " with the keeper's API token)"
                    : "credential " + fp + " belongs to GitHub account " + login.login() + ", not to " + onRecord.login().get()
                            + " on record (" + onRecord.where() + "): not spread without a person's confirmation (POST /workspaces/"
                            + w.name() + "/credential/confirm?credential=" + fp + " with the keeper's API token)",
                    clock.instant()).withAccounts(Optional.of(login.login()), onRecord.login());
            statuses.settle(w.name(), waiting, State.WAITING_CONFIRMATION);
            LOG.warnf("%s: %s", w.name(), waiting.message());
            return;
        }
        adopt(w, h, login.login(), onRecord);
    }

    /**
     * Whether the probe that just checked the credential (a refusal confirmed by a second check, as for any probe) says
     * Copilot accepts it with at least one picker model; otherwise records why not: refused, or no verdict (pending).
     */
    private boolean accepted(Workspace w, WorkspaceState state, String fp) {
        if (!state.credentialFingerprint().filter(fp::equals).isPresent()) {
            statuses.pending(w.name(), fp, "the probe checked another credential (" + state.credentialFingerprint().orElse("none")
                    + "): the workspace reported again meanwhile");
            return false;
        }
        switch (state.credential().outcome()) {
            case PASS -> {
                if (state.copilotModels() > 0) {
                    return true;
                }
                statuses.refused(w.name(), fp, "Copilot accepts it but enables no model in the picker (state " + state.state().label() + ")");
            }
            case FAIL -> statuses.refused(w.name(), fp, "Copilot refuses it: " + state.credential().reason() + " (state " + state.state().label() + ")");
            default -> statuses.pending(w.name(), fp, "Copilot gave no verdict (" + state.credential().reason() + ")");
        }
        return false;
    }

    private void adopt(Workspace w, ReportedCredentials.Held h, String account, AccountRecord.OnRecord onRecord) {
        String fp = h.fingerprint();
        List<String> targets = config.spread() ? List.of() : List.of(w.name());
        statuses.set(w.name(), AdoptionStatus.of(State.JUDGING, fp, "adopting: writing it to Doppler" + (config.spread() ? " for every workspace"
                + " and giving it to the others" : ""), clock.instant()).withAccounts(Optional.of(account), onRecord.login()));
        byte[] body = h.authJson().getBytes(StandardCharsets.UTF_8);
        ReseedReply reply;
        try {
            reply = workflow.reseed(new ReseedRequest(body, false, targets, null, null, null, Origin.workspace(w.name())));
        } finally {
            java.util.Arrays.fill(body, (byte) 0);
        }
        AdoptionStatus done;
        if (reply.status() == 200) {
            done = AdoptionStatus.of(State.ADOPTED, fp, "adopted by reseed " + reply.reseed() + ": " + reply.message(), clock.instant());
            statuses.settle(w.name(), done.withAccounts(Optional.of(account), onRecord.login()).withReseed(reply.reseed()), State.ADOPTED);
            confirmed.remove(w.name() + ":" + fp);
            LOG.infof("%s: reported credential %s (account %s) adopted by reseed %s", w.name(), fp, account, reply.reseed());
        } else if (reply.status() == 409) {
            statuses.pending(w.name(), fp, "another reseed runs: " + reply.message());
        } else if (reply.status() == 422) {
            statuses.refused(w.name(), fp, "the reseed refused it: " + reply.message());
        } else {
            done = AdoptionStatus.of(State.FAILED, fp, "reseed " + reply.reseed() + " ended " + reply.result() + " (HTTP " + reply.status()
                    + "): " + reply.message(), clock.instant());
            statuses.settle(w.name(), done.withAccounts(Optional.of(account), onRecord.login()).withReseed(reply.reseed()), State.FAILED);
            LOG.warnf("%s: the adoption of credential %s failed: reseed %s ended %s (HTTP %d)", w.name(), fp, reply.reseed(),
                    reply.result(), reply.status());
        }
    }

    void onWorkspace(@Observes WorkspaceEvent event) {
        if (event.kind() == WorkspaceEvent.Kind.LEFT) {
            statuses.forget(event.workspace().name());
        }
    }

    void onLeadership(@Observes Leadership.LeadershipChange change) {
        leading = change.leading();
        if (!change.leading()) {
            statuses.clear();
            confirmed.clear();
        }
    }
}
