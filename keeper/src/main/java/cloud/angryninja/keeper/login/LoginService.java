package cloud.angryninja.keeper.login;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.login.DeviceFlow.Answer;
import cloud.angryninja.keeper.login.DeviceFlow.DeviceCode;
import cloud.angryninja.keeper.login.DeviceFlow.GitHubException;
import cloud.angryninja.keeper.reseed.Origin;
import cloud.angryninja.keeper.reseed.ReseedDecisions;
import cloud.angryninja.keeper.reseed.ReseedLock;
import cloud.angryninja.keeper.reseed.ReseedMode;
import cloud.angryninja.keeper.reseed.ReseedReply;
import cloud.angryninja.keeper.reseed.ReseedRequest;
import cloud.angryninja.keeper.reseed.ReseedWorkflow;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * {@code POST /login}: GitHub's device flow run by the keeper as OpenCode 1.18.33 runs it, then the normal reseed
 * with the credential it gave. One login at a time; none starts while a reseed runs. The device code and the token
 * stay in memory on this replica only: never logged, counted or answered, and dropped when the login ends. The last
 * {@value #HISTORY} logins can be read back with {@code GET /login/{id}}. {@code keeper.login.enterprise-scheme} is
 * checked by its mapping ({@link LoginConfig#check}) at start-up.
 */
@ApplicationScoped
public class LoginService {

    private static final Logger LOG = Logger.getLogger(LoginService.class);

    /** How many logins {@code GET /login/{id}} still knows. */
    public static final int HISTORY = 20;

    /**
     * What {@code POST /login} received.
     *
     * @param workspaces {@code ?workspace=} values (none: every workspace at reseed time)
     * @param enterprise raw {@code ?enterprise=}: a GitHub Enterprise domain, empty for github.com
     * @param force      raw {@code ?force=}, passed on to the reseed
     * @param mode       raw {@code ?mode=}, passed on to the reseed
     */
    public record LoginRequest(List<String> workspaces, String enterprise, String force, String mode) {
    }

    /** One login; its secrets ({@code code}) are dropped when it ends. */
    private static final class Login {
        final String id;
        final List<String> requested;
        final List<String> targets;
        final Optional<String> enterprise;
        final URI host;
        final String force;
        final String mode;
        final String userCode;
        final URI verificationUri;
        final Instant expiresAt;
        volatile DeviceCode code;
        volatile Duration interval;
        volatile LoginState state = LoginState.PENDING;
        volatile String message;
        volatile Optional<String> credential = Optional.empty();
        volatile Optional<ReseedReply> reseed = Optional.empty();

        Login(String id, LoginRequest request, List<String> targets, Optional<String> enterprise, URI host, DeviceCode code,
                Instant now) {
            this.id = id;
            this.requested = request.workspaces() == null ? List.of() : List.copyOf(request.workspaces());
            this.targets = targets;
            this.enterprise = enterprise;
            this.host = host;
            this.force = request.force();
            this.mode = request.mode();
            this.code = code;
            this.userCode = code.userCode();
            this.verificationUri = code.verificationUri();
            this.interval = code.interval();
            this.expiresAt = now.plus(code.expiresIn());
            this.message = "open " + verificationUri + " and enter the code " + userCode + " before " + expiresAt
                    + "; the keeper then reseeds " + String.join(", ", targets);
        }
    }

    private final DeviceFlowClient github;
    private final ReseedWorkflow workflow;
    private final Workspaces workspaces;
    private final LoginMetrics metrics;
    /** Whether a login that got its credential reseeds: this replica still leads. */
    private volatile boolean leading;
    private final URI githubUrl;
    private final String enterpriseScheme;
    private final Duration pollMargin;
    private final Duration slowDownIncrease;
    private final Clock clock;
    /** Set by {@link #stop()}: no poll starts after it. */
    private volatile boolean stopped;
    /** The timer of the next poll, cancelled by {@link #stop()}. */
    private volatile Cancellable nextPoll;
    private final Object starting = new Object();
    private final Map<String, Login> logins = new LinkedHashMap<>();
    private volatile Login current;

    @Inject
    public LoginService(DeviceFlowClient github, ReseedWorkflow workflow, Workspaces workspaces, LoginMetrics metrics,
            LoginConfig config) {
        this(github, workflow, workspaces, metrics, config.githubUrl(), config.enterpriseScheme(), config.pollMargin(),
                config.slowDownIncrease(), Clock.systemUTC());
    }

    /** Not leading until told ({@link #onLeadership}). */
    public LoginService(DeviceFlowClient github, ReseedWorkflow workflow, Workspaces workspaces, LoginMetrics metrics, URI githubUrl,
            String enterpriseScheme, Duration pollMargin, Duration slowDownIncrease, Clock clock) {
        this.github = github;
        this.workflow = workflow;
        this.workspaces = workspaces;
        this.metrics = metrics;
        this.githubUrl = githubUrl;
        this.enterpriseScheme = enterpriseScheme;
        this.pollMargin = pollMargin;
        this.slowDownIncrease = slowDownIncrease;
        this.clock = clock;
    }

    /** Leadership starts and stops what a login may do: only the leader reseeds. */
    void onLeadership(@Observes Leadership.LeadershipChange change) {
        leading = change.leading();
    }

    /** Stops polling: the next poll's timer is cancelled and no other is set; a poll or reseed under way ends on its own. */
    @PreDestroy
    void stop() {
        stopped = true;
        Cancellable next = nextPoll;
        if (next != null) {
            next.cancel();
        }
    }

    /**
     * Starts a login: checks the parameters as the reseed does, asks GitHub for a device code and answers at once (202)
     * with the user code and where to enter it. 400 bad parameters, 409 a login or a reseed runs, 502 GitHub refused
     * or could not be reached; none of these starts anything.
     */
    public LoginReply start(LoginRequest request) {
        List<String> targets;
        Optional<String> enterprise;
        try {
            targets = ReseedDecisions.targets(request.workspaces(), workspaces.all()).stream().map(Workspace::name).toList();
            ReseedDecisions.flag("force", request.force());
            ReseedMode.parse(request.mode());
            enterprise = DeviceFlow.enterpriseDomain(request.enterprise());
        } catch (IllegalArgumentException e) {
            return LoginReply.rejected(400, e.getMessage() + "; no login started");
        }
        synchronized (starting) {
            Login active = current;
            if (active != null && active.state.active()) {
                return LoginReply.rejected(409, "login " + active.id + " is " + active.state.label() + " (GET /login/" + active.id
                        + "); one login at a time, no login started");
            }
            Optional<ReseedLock.Running> reseeding = workflow.running();
            if (reseeding.isPresent()) {
                return LoginReply.rejected(409, "reseed " + reseeding.get().id() + " is running (started " + reseeding.get().started()
                        + "); no login started, try again when it is done");
            }
            URI host = DeviceFlow.host(githubUrl, enterpriseScheme, enterprise);
            DeviceCode code;
            try {
                code = github.deviceCode(host);
            } catch (GitHubException e) {
                LOG.warnf("login refused: %s", e.getMessage());
                return LoginReply.rejected(502, e.getMessage() + "; no login started");
            }
            String id = java.util.UUID.randomUUID().toString().substring(0, 8);
            Login login = new Login(id, request, targets, enterprise, host, code, clock.instant());
            synchronized (logins) {
                logins.put(id, login);
                while (logins.size() > HISTORY) {
                    logins.remove(logins.keySet().iterator().next());
                }
            }
            current = login;
            LOG.infof("login %s: device flow started at %s for workspaces %s; waiting for the code to be entered (expires %s)", id,
                    host.getHost(), targets, login.expiresAt);
            schedule(login);
            return reply(login, 202);
        }
    }

    /** The login {@code id}, as {@code GET /login/{id}} answers it; empty when unknown here. */
    public Optional<LoginReply> get(String id) {
        synchronized (logins) {
            return Optional.ofNullable(logins.get(id)).map(l -> reply(l, 200));
        }
    }

    private LoginReply reply(Login login, int status) {
        boolean pending = login.state == LoginState.PENDING;
        long left = Math.max(0, Duration.between(clock.instant(), login.expiresAt).toSeconds());
        return new LoginReply(Optional.of(login.id), login.state.label(), status, login.message, login.targets, login.enterprise,
                pending ? Optional.of(login.verificationUri.toString()) : Optional.empty(),
                pending ? Optional.of(login.userCode) : Optional.empty(), pending ? Optional.of(left) : Optional.empty(),
                login.credential, login.reseed);
    }

    /**
     * The next poll: after the interval plus the margin, or at the expiry when that comes first. A Mutiny timer whose
     * item is emitted on the worker pool, where the poll may block (an HTTP call, then a reseed of minutes); each wait
     * depends on GitHub's last answer ({@code slow_down}), so it is one timer per poll, not a fixed-rate job.
     */
    private void schedule(Login login) {
        if (stopped) {
            return;
        }
        Duration wait = DeviceFlow.nextWait(login.interval, pollMargin);
        Duration left = Duration.between(clock.instant(), login.expiresAt);
        // Mutiny takes no delay of 0: at the expiry, the poll that ends the login comes 1 ms later
        Duration delay = Duration.ofMillis(Math.max(1, Math.min(wait.toMillis(), left.toMillis())));
        // The timer fires on an event loop when the login started on a request's context: the poll is handed to the
        // worker pool, where it may block.
        nextPoll = Uni.createFrom().voidItem().onItem().delayIt().by(delay).emitOn(Infrastructure.getDefaultWorkerPool())
                .subscribe().with(ignored -> poll(login));
    }

    private void poll(Login login) {
        if (stopped) {
            return;
        }
        try {
            step(login);
        } catch (RuntimeException e) {
            LOG.errorf("login %s: unexpected %s", login.id, e.getClass().getName());
            end(login, LoginState.FAILED, LoginResult.FAILED, "internal error (" + e.getClass().getSimpleName() + ")"
                    + (login.reseed.isPresent() ? "" : "; nothing changed"));
        }
    }

    private void step(Login login) {
        if (login.state != LoginState.PENDING) {
            return;
        }
        if (!clock.instant().isBefore(login.expiresAt)) {
            end(login, LoginState.EXPIRED, LoginResult.EXPIRED, "the code expired at " + login.expiresAt
                    + " before it was entered; nothing changed, start a new login");
            return;
        }
        Answer answer;
        try {
            answer = github.poll(login.host, login.code);
        } catch (GitHubException e) {
            login.message = e.getMessage() + "; polling again until " + login.expiresAt;
            LOG.warnf("login %s: %s; polling again", login.id, e.getMessage());
            schedule(login);
            return;
        }
        switch (answer) {
            case DeviceFlow.Pending p -> schedule(login);
            case DeviceFlow.SlowDown s -> {
                login.interval = DeviceFlow.slowedDown(login.interval, s, slowDownIncrease);
                LOG.infof("login %s: GitHub asks to slow down; polling every %d ms", login.id,
                        DeviceFlow.nextWait(login.interval, pollMargin).toMillis());
                schedule(login);
            }
            case DeviceFlow.Expired e -> end(login, LoginState.EXPIRED, LoginResult.EXPIRED,
                    "GitHub says the code expired before it was entered; nothing changed, start a new login");
            case DeviceFlow.Denied d -> end(login, LoginState.DENIED, LoginResult.DENIED,
                    "the authorization was refused on GitHub; nothing changed");
            case DeviceFlow.Failed f -> end(login, LoginState.FAILED, LoginResult.FAILED, f.reason() + "; nothing changed");
            case DeviceFlow.Token t -> reseed(login, t.accessToken());
        }
    }

    /** The credential came: the normal reseed, with all of its rules, on the leader only. */
    private void reseed(Login login, String token) {
        String fingerprint = CopilotCredential.fingerprint(token);
        login.credential = Optional.of(fingerprint);
        login.code = null;
        if (!leading) {
            end(login, LoginState.FAILED, LoginResult.FAILED, "GitHub gave credential " + fingerprint
                    + " but this replica no longer leads, so it did not reseed; nothing changed, start a new login");
            return;
        }
        login.state = LoginState.RESEEDING;
        login.message = "GitHub gave credential " + fingerprint + "; reseeding " + String.join(", ", login.targets);
        LOG.infof("login %s: GitHub gave credential %s; reseeding %s", login.id, fingerprint, login.targets);
        byte[] body = DeviceFlow.authJson(token, login.enterprise).getBytes(StandardCharsets.UTF_8);
        ReseedReply reply;
        try {
            reply = workflow.reseed(new ReseedRequest(body, false, login.requested, null, login.force, login.mode,
                    Origin.LOGIN));
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        login.reseed = Optional.of(reply);
        boolean success = reply.status() == 200 && "success".equals(reply.result());
        end(login, LoginState.DONE, success ? LoginResult.SUCCESS : LoginResult.RESEED_FAILED,
                "reseed " + reply.reseed() + " ended " + reply.result() + " (HTTP " + reply.status() + "): " + reply.message());
    }

    private void end(Login login, LoginState state, LoginResult result, String message) {
        login.code = null;
        login.message = message;
        login.state = state;
        metrics.ended(result);
        LOG.infof("login %s: %s (%s): %s", login.id, state.label(), result.label(), message);
    }
}
