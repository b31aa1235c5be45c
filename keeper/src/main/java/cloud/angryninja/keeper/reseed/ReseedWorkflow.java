package cloud.angryninja.keeper.reseed;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.copilot.CredentialCheck;
import cloud.angryninja.keeper.credential.AccountRecord;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.doppler.DopplerException;
import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.kube.KubeErrors;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.RolloutSnapshot;
import cloud.angryninja.keeper.kube.Sha256;
import cloud.angryninja.keeper.kube.SyncRequest;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * One reseed, step by step (see {@link Step}): validate the body, verify the credential with Copilot, check that
 * every target workspace can take it, write it to Doppler once (with the account on record beside it), then per
 * workspace in parallel force the ESO sync, give the credential to the running OpenCode and verify it
 * ({@link WorkspaceApply}). Nothing is changed before every check that can refuse has passed; a workspace whose sync
 * fails is not touched. One reseed at a time.
 * <p>
 * Live mode, the default: once the Secret holds the new credential (so a later restart keeps it),
 * {@code PUT /auth/github-copilot} on the running OpenCode, then {@code POST /instance/dispose} when the provider was
 * not loaded; a workspace that does not take it live (down, refuses) is rolled out once instead.
 * {@code ?mode=rollout} rolls every workspace out, as before live mode was the default.
 */
@ApplicationScoped
public class ReseedWorkflow {

    private static final Logger LOG = Logger.getLogger(ReseedWorkflow.class);

    /**
     * What {@code POST /reseed} received.
     *
     * @param body       the body, at most {@link ReseedInput#MAX_BYTES} bytes read
     * @param tooLarge   the body was larger than {@link ReseedInput#MAX_BYTES}
     * @param workspaces {@code ?workspace=} values (none: every configured workspace)
     * @param dryRun     raw {@code ?dryRun=}
     * @param force      raw {@code ?force=}
     * @param mode       raw {@code ?mode=}: live (default) or rollout
     * @param origin     who asks, and the workspace that already holds the credential
     */
    public record ReseedRequest(byte[] body, boolean tooLarge, List<String> workspaces, String dryRun, String force, String mode,
            Origin origin) {

        /** Asked through the API. */
        public ReseedRequest(byte[] body, boolean tooLarge, List<String> workspaces, String dryRun, String force, String mode) {
            this(body, tooLarge, workspaces, dryRun, force, mode, Origin.API);
        }

        /** The default mode, asked through the API. */
        public ReseedRequest(byte[] body, boolean tooLarge, List<String> workspaces, String dryRun, String force) {
            this(body, tooLarge, workspaces, dryRun, force, null);
        }

        @Override
        public String toString() {
            return "ReseedRequest[" + (body == null ? 0 : body.length) + " bytes, workspaces=" + workspaces + "]";
        }
    }

    /** The reseed running now. */
    public record Running(String id, Instant started, List<String> workspaces) {
    }

    private final Workspaces workspaces;
    private final CopilotChecker copilot;
    private final CredentialStore store;
    private final ExternalSecretSync sync;
    private final DeploymentRollout rollout;
    private final KubernetesClient kube;
    private final ReseedMetrics metrics;
    private final AccountRecord accounts;
    private final WorkspaceApply apply;
    private final Clock clock;
    private final AtomicReference<Running> running = new AtomicReference<>();

    @Inject
    public ReseedWorkflow(Workspaces workspaces, CopilotChecker copilot, CredentialStore store, ExternalSecretSync sync,
            DeploymentRollout rollout, OpenCodeClient openCode, Prober prober, KubernetesClient kube, ReseedMetrics metrics,
            ReseedConfig config, ReportedCredentials held, AccountRecord accounts) {
        this(workspaces, copilot, store, sync, rollout, openCode, prober, kube, metrics, config.verifyTimeout(),
                config.verifyInterval(), Clock.systemUTC(), held, accounts);
    }

    public ReseedWorkflow(Workspaces workspaces, CopilotChecker copilot, CredentialStore store, ExternalSecretSync sync,
            DeploymentRollout rollout, OpenCodeClient openCode, Prober prober, KubernetesClient kube, ReseedMetrics metrics,
            Duration verifyTimeout, Duration verifyInterval, Clock clock, ReportedCredentials held, AccountRecord accounts) {
        this.workspaces = workspaces;
        this.copilot = copilot;
        this.store = store;
        this.rollout = rollout;
        this.kube = kube;
        this.metrics = metrics;
        this.accounts = accounts;
        this.apply = new WorkspaceApply(sync, rollout, openCode, prober, kube, held, verifyTimeout, verifyInterval);
        this.sync = sync;
        this.clock = clock;
    }

    /** The reseed running now, if any. */
    public Optional<Running> running() {
        return Optional.ofNullable(running.get());
    }

    /**
     * A request refused before it is read (a bad query parameter): the reply and the audit line of a rejected reseed,
     * {@code status} a 4xx; nothing changed.
     */
    public ReseedReply refuse(int status, String message) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        return new ReseedRun(id, List.of(), false, metrics, clock).finish(status, message + "; nothing changed");
    }

    /** Runs one reseed to its end and returns the reply; never throws. */
    public ReseedReply reseed(ReseedRequest request) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        boolean dryRun;
        boolean force;
        ReseedMode mode;
        List<Workspace> targets;
        try {
            dryRun = ReseedDecisions.flag("dryRun", request.dryRun());
            force = ReseedDecisions.flag("force", request.force());
            mode = ReseedMode.parse(request.mode());
            targets = ReseedDecisions.targets(request.workspaces(), workspaces.all());
        } catch (IllegalArgumentException e) {
            return new ReseedRun(id, List.of(), false, metrics, clock).finish(400, e.getMessage() + "; nothing changed");
        }
        Origin origin = request.origin() == null ? Origin.API : request.origin();
        ReseedRun run = new ReseedRun(id, targets, dryRun, mode, origin, metrics, clock);
        try {
            return steps(run, request, dryRun, force, mode, origin);
        } catch (RuntimeException e) {
            LOG.errorf("reseed %s: unexpected %s", id, e.getClass().getName());
            return run.finish(500, "internal error (" + e.getClass().getSimpleName() + "); the audit log shows the steps done");
        } finally {
            if (!run.finished()) {
                run.finish(500, "internal error; the audit log shows the steps done");
            }
        }
    }

    private ReseedReply steps(ReseedRun run, ReseedRequest request, boolean dryRun, boolean force, ReseedMode mode, Origin origin) {
        // 2. Input
        long t = System.nanoTime();
        ReseedInput.Parsed input;
        try {
            if (request.tooLarge()) {
                throw ReseedInput.tooLarge();
            }
            input = ReseedInput.parse(request.body());
        } catch (ReseedInput.Rejected e) {
            run.shared(Step.INPUT, Outcome.FAILURE, since(t), e.getMessage());
            return run.finish(e.status(), e.getMessage() + "; nothing changed");
        }
        String fingerprint = input.credential().fingerprint();
        String sha = Sha256.hex(input.authJson());
        run.credential(fingerprint, input.ignoredProviders());
        run.shared(Step.INPUT, Outcome.SUCCESS, since(t), "github-copilot credential " + fingerprint
                + input.credential().enterpriseUrl().map(d -> " (enterprise " + d + ")").orElse("")
                + (input.ignoredProviders().isEmpty() ? "" : "; ignored, not stored: " + String.join(", ", input.ignoredProviders())));

        Running me = new Running(run.id(), clock.instant(), run.targets().stream().map(Workspace::name).toList());
        // A dry run takes no lock, but is refused like any reseed while one runs (its verdict could be stale at once).
        if (dryRun ? running.get() != null : !running.compareAndSet(null, me)) {
            Running other = running.get();
            return run.refuse(409, other == null ? "another reseed was running; try again"
                    : "reseed " + other.id() + " is running (started " + other.started() + ", workspaces " + other.workspaces()
                            + "); nothing changed, try again when it is done");
        }
        try {
            return locked(run, input, sha, dryRun, force, mode, origin);
        } finally {
            running.compareAndSet(me, null);
        }
    }

    private ReseedReply locked(ReseedRun run, ReseedInput.Parsed input, String sha, boolean dryRun, boolean force, ReseedMode mode,
            Origin origin) {
        String fingerprint = input.credential().fingerprint();
        // 3. Verify before touching anything
        long t = System.nanoTime();
        CredentialCheck check = copilot.check(input.credential());
        java.util.Optional<cloud.angryninja.keeper.copilot.CopilotState> lands = check.credentialState()
                .filter(s -> s == cloud.angryninja.keeper.copilot.CopilotState.NO_ENTITLEMENT
                        || s == cloud.angryninja.keeper.copilot.CopilotState.NO_MODELS);
        if (lands.isPresent()) {
            // A credential that would land in no_entitlement or no_models: a reseed cannot make Copilot work with it.
            String state = lands.get().label();
            run.shared(Step.VERIFY_BEFORE, Outcome.FAILURE, since(t), "credential would land in " + state + ": " + check.reason());
            return run.finish(422, "credential refused: it would land in " + state + " (" + check.reason()
                    + "); a reseed cannot fix that; nothing changed");
        }
        switch (check.verdict()) {
            case VALID -> run.shared(Step.VERIFY_BEFORE, Outcome.SUCCESS, since(t), "Copilot accepts the credential: " + check.reason());
            case INVALID -> {
                run.shared(Step.VERIFY_BEFORE, Outcome.FAILURE, since(t), "credential rejected by Copilot: " + check.reason());
                return run.finish(422, "credential rejected by Copilot (" + check.reason() + "); nothing changed");
            }
            case UNKNOWN -> {
                if (!force) {
                    run.shared(Step.VERIFY_BEFORE, Outcome.FAILURE, since(t), "Copilot API gave no verdict: " + check.reason());
                    return run.finish(502, "Copilot API gave no verdict (" + check.reason()
                            + "); nothing changed; retry later, or add ?force=true to reseed without the check");
                }
                run.shared(Step.VERIFY_BEFORE, Outcome.SKIPPED, since(t), "Copilot API gave no verdict (" + check.reason()
                        + "); going on because force=true");
            }
        }

        // Every check that can refuse, before anything changes: ExternalSecret, Deployment, the Secret's current value.
        Map<String, WorkspaceApply.Plan> plans = new LinkedHashMap<>();
        List<String> refusals = new ArrayList<>();
        for (Workspace w : run.targets()) {
            t = System.nanoTime();
            SyncRequest request = new SyncRequest(w.namespace(), w.externalSecret(), w.secret(), w.secretKey(), sha);
            try {
                Optional<String> problem = sync.precheck(request);
                if (problem.isPresent()) {
                    run.record(w.name(), Step.ESO, Outcome.FAILURE, since(t), "refused before any change: " + problem.get());
                    refusals.add(w.name() + ": " + problem.get());
                    continue;
                }
                Secret secret;
                Optional<RolloutSnapshot> before = rollout.snapshot(w.namespace(), w.deployment(), w.secret());
                if (mode == ReseedMode.LIVE) {
                    // No rollout in live mode: the Deployment is only read, to say whether Reloader will restart it.
                    secret = kube.secrets().inNamespace(w.namespace()).withName(w.secret()).get();
                    boolean heldLive = ExternalSecretSync.holds(secret, w.secretKey(), sha);
                    plans.put(w.name(), new WorkspaceApply.Plan(w, request, before.map(b -> heldLive ? b.withoutReloader() : b).orElse(null),
                            heldLive));
                    continue;
                }
                if (before.isEmpty()) {
                    String problemText = "Deployment " + w.namespace() + "/" + w.deployment() + " not found";
                    run.record(w.name(), Step.ROLLOUT, Outcome.FAILURE, since(t), "refused before any change: " + problemText);
                    refusals.add(w.name() + ": " + problemText);
                    continue;
                }
                secret = kube.secrets().inNamespace(w.namespace()).withName(w.secret()).get();
                boolean held = ExternalSecretSync.holds(secret, w.secretKey(), sha);
                plans.put(w.name(), new WorkspaceApply.Plan(w, request, held ? before.get().withoutReloader() : before.get(), held));
            } catch (KubernetesClientException e) {
                String problem = "Kubernetes API error reading the objects of " + w.name() + ": " + KubeErrors.describe(e);
                run.record(w.name(), Step.ESO, Outcome.FAILURE, since(t), problem);
                return run.finish(502, problem + "; nothing changed");
            }
        }
        if (!refusals.isEmpty()) {
            return run.finish(412, "refused before any change: " + String.join("; ", refusals));
        }
        if (dryRun) {
            return run.finish(200, "dry run: the credential is valid and every target workspace can take it; nothing changed");
        }

        // 4. Doppler: one write for every target workspace and the account on record, skipped when it already holds them
        t = System.nanoTime();
        List<String> names = run.targets().stream().map(Workspace::dopplerSecret).distinct().toList();
        Map<String, String> secrets = new LinkedHashMap<>();
        names.forEach(n -> secrets.put(n, input.authJson()));
        Map<String, String> record = accounts.entriesFor(input.credential());
        secrets.putAll(record);
        try {
            Map<String, Optional<String>> current = store.read(List.copyOf(secrets.keySet()));
            if (ReseedDecisions.dopplerUnchanged(current, secrets)) {
                run.shared(Step.DOPPLER, Outcome.SUCCESS, since(t), "unchanged: Doppler already holds this credential in " + names
                        + "; no write");
            } else {
                store.write(secrets);
                run.shared(Step.DOPPLER, Outcome.SUCCESS, since(t), "wrote " + names + " in one request"
                        + record.entrySet().stream().map(e -> "; the account on record " + e.getKey() + " = " + e.getValue())
                                .findFirst().orElse(""));
            }
        } catch (DopplerException e) {
            run.shared(Step.DOPPLER, Outcome.FAILURE, since(t), e.getMessage());
            return run.finish(e.reason() == DopplerException.Reason.NOT_CONFIGURED ? 500 : 502,
                    "Doppler: " + e.getMessage() + "; the cluster was not touched");
        }

        // 5-7. Per workspace, in parallel: ESO sync, the live apply (or one rollout), verify
        WorkspaceApply.Credential credential = new WorkspaceApply.Credential(input.credential(), input.authJson(), sha,
                ReseedDecisions.liveEntry(input.authJson()));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (WorkspaceApply.Plan plan : plans.values()) {
                all.add(threads.submit(() -> apply.apply(run, plan, mode, origin, credential)));
            }
            for (Future<?> f : all) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.errorf("reseed %s: a workspace ended with %s", run.id(), e.getCause().getClass().getName());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        int status = ReseedDecisions.statusAfterCluster(run.steps().values(), run.verifiedCount());
        return run.finish(status, status == 200
                ? "every target workspace verified on credential " + fingerprint
                : "not every target workspace verified: " + failures(run) + "; re-running the same reseed converges"
                        + " (Doppler and each synced Secret hold the new credential: a later rollout or pod restart also picks it up)");
    }

    private static String failures(ReseedRun run) {
        List<String> failed = new ArrayList<>();
        run.steps().forEach((workspace, steps) -> steps.values().stream()
                .filter(s -> s.outcome().equals(Outcome.FAILURE.label()) || s.outcome().equals(Outcome.TIMEOUT.label()))
                .findFirst()
                .ifPresent(s -> failed.add(workspace + " " + s.step() + " " + s.outcome())));
        return String.join(", ", failed.stream().sorted().toList());
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
