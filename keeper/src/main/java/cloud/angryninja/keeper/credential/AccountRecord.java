package cloud.angryninja.keeper.credential;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.AuthJsonException;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.credential.CredentialStore;
import cloud.angryninja.keeper.github.GitHubAccounts;

/**
 * The GitHub account the workspaces' credential belongs to, on record: so that a workspace (whose agent can read its
 * own auth.json) cannot move the others to an account of its choosing. Where it comes from, in order:
 * <ol>
 * <li>{@code keeper.adopt.account}, when pinned;</li>
 * <li>the Doppler secret {@code keeper.adopt.account-secret} (plain text, the login), which every reseed, login and
 * adoption writes beside the credentials in the same request: it survives a keeper restart and a revoked credential;</li>
 * <li>the account of the credential Doppler holds for the workspace, when GitHub still names it (a revoked one it
 * does not).</li>
 * </ol>
 * None of them: no account is on record, and a reported credential waits for a person's confirmation.
 */
@ApplicationScoped
public class AccountRecord {

    private static final Logger LOG = Logger.getLogger(AccountRecord.class);

    /**
     * The account on record.
     *
     * @param login the GitHub login; empty when none is on record
     * @param where where it was found, or why there is none; holds no secret
     */
    public record OnRecord(Optional<String> login, String where) {

        /** Whether {@code account} is the one on record (GitHub logins are not case-sensitive). */
        public boolean matches(String account) {
            return login.map(l -> l.equalsIgnoreCase(account)).orElse(false);
        }
    }

    private final Optional<String> pinned;
    private final String secretName;
    private final GitHubAccounts github;
    private final jakarta.inject.Provider<CredentialStore> store;

    @Inject
    public AccountRecord(AdoptConfig config, GitHubAccounts github, jakarta.inject.Provider<CredentialStore> store) {
        this(config.account().filter(a -> !a.isBlank()).map(String::trim), config.accountSecret(), github, store);
    }

    AccountRecord(Optional<String> pinned, String secretName, GitHubAccounts github, jakarta.inject.Provider<CredentialStore> store) {
        this.pinned = pinned;
        this.secretName = secretName;
        this.github = github;
        this.store = store;
    }

    /** No record kept (plain JUnit reseed tests): no GitHub call, nothing written beside the credential. */
    public static AccountRecord none() {
        return new AccountRecord(Optional.empty(), "", null, () -> null);
    }

    /** Pure: a GitHub login. */
    static boolean isLogin(String s) {
        return s != null && s.matches("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
    }

    /** The account a credential belongs to, as GitHub names it now. */
    public GitHubAccounts.Answer accountOf(CopilotCredential credential) {
        return github == null ? new GitHubAccounts.NoAnswer("no GitHub lookup here") : github.login(credential);
    }

    /**
     * What a reseed writes to Doppler beside the credential: the record of its account, when GitHub names it; nothing
     * when it does not (the record stays as it was).
     */
    public Map<String, String> entriesFor(CopilotCredential credential) {
        if (github == null) {
            return Map.of();
        }
        GitHubAccounts.Answer answer = github.login(credential);
        if (answer instanceof GitHubAccounts.Login login) {
            return Map.of(secretName, login.login());
        }
        LOG.infof("credential %s: the account is not recorded (%s)", credential.fingerprint(), describe(answer));
        return Map.of();
    }

    /**
     * The account on record for a workspace whose credential Doppler holds under {@code dopplerSecret}.
     *
     * @throws cloud.angryninja.keeper.doppler.DopplerException when Doppler cannot be read
     */
    public OnRecord onRecord(String dopplerSecret) {
        if (pinned.isPresent()) {
            return new OnRecord(pinned, "keeper.adopt.account");
        }
        if (github == null) {
            return new OnRecord(Optional.empty(), "no account record here");
        }
        Map<String, Optional<String>> values = store.get().read(List.of(secretName, dopplerSecret));
        Optional<String> recorded = values.getOrDefault(secretName, Optional.empty()).map(String::trim).filter(AccountRecord::isLogin);
        if (recorded.isPresent()) {
            return new OnRecord(recorded, "Doppler " + secretName);
        }
        Optional<CopilotCredential> current = values.getOrDefault(dopplerSecret, Optional.empty()).flatMap(AccountRecord::credential);
        if (current.isEmpty()) {
            return new OnRecord(Optional.empty(), "no account on record: Doppler holds no " + secretName + " and no credential in "
                    + dopplerSecret);
        }
        GitHubAccounts.Answer answer = github.login(current.get());
        if (answer instanceof GitHubAccounts.Login login) {
            return new OnRecord(Optional.of(login.login()), "the account of credential " + current.get().fingerprint()
                    + " in Doppler " + dopplerSecret + " (no " + secretName + " yet)");
        }
        return new OnRecord(Optional.empty(), "no account on record: Doppler holds no " + secretName + ", and GitHub does not name"
                + " the account of credential " + current.get().fingerprint() + " in " + dopplerSecret + " (" + describe(answer) + ")");
    }

    private static Optional<CopilotCredential> credential(String authJson) {
        try {
            return Optional.of(AuthJson.parse(authJson));
        } catch (AuthJsonException e) {
            return Optional.empty();
        }
    }

    /** One line of what GitHub answered; no secret. */
    public static String describe(GitHubAccounts.Answer answer) {
        return switch (answer) {
            case GitHubAccounts.Login l -> "account " + l.login();
            case GitHubAccounts.Refused r -> "GitHub refuses the token: HTTP " + r.status();
            case GitHubAccounts.NoAnswer n -> n.reason();
        };
    }
}
