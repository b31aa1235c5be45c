package cloud.angryninja.keeper.adoption;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Where the adoption of a workspace's reported credential stands, as {@code GET /workspaces} shows it. Holds no secret:
 * the credential is named by its fingerprint, the accounts by their GitHub logins.
 *
 * @param state           see {@link State}
 * @param credential      the fingerprint of the reported credential
 * @param account         its GitHub account, once GitHub named it
 * @param accountOnRecord the account on record, once read
 * @param message         what happened and, when something waits, what to do
 * @param at              when it came to this state
 * @param reseed          the id of the adoption's reseed, once one ran
 */
@RegisterForReflection
public record AdoptionStatus(String state, String credential, Optional<String> account, Optional<String> accountOnRecord,
        String message, Instant at, Optional<String> reseed) {

    /** The states of an adoption. */
    public enum State {
        /** Being judged now. */
        JUDGING,
        /** Doppler holds it already: nothing to adopt. */
        IN_SYNC,
        /** Written to Doppler and given to the other workspaces. */
        ADOPTED,
        /** Copilot refuses it, or accepts it without a picker model: never adopted. */
        REFUSED,
        /** Of another GitHub account than the one on record (or none is on record): a person must confirm it. */
        WAITING_CONFIRMATION,
        /** No verdict yet (Copilot, GitHub or Doppler did not answer, another reseed runs): judged again at the next report. */
        PENDING,
        /** Its reseed failed: tried again at a report after {@link Adoption#RETRY_FAILED}. */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a repeated report of the same credential leaves it as it is. */
        boolean settled() {
            return this == IN_SYNC || this == ADOPTED || this == REFUSED || this == WAITING_CONFIRMATION;
        }
    }

    static AdoptionStatus of(State state, String credential, String message, Instant at) {
        return new AdoptionStatus(state.label(), credential, Optional.empty(), Optional.empty(), message, at, Optional.empty());
    }

    AdoptionStatus withAccounts(Optional<String> account, Optional<String> onRecord) {
        return new AdoptionStatus(state, credential, account, onRecord, message, at, reseed);
    }

    AdoptionStatus withReseed(String id) {
        return new AdoptionStatus(state, credential, account, accountOnRecord, message, at, Optional.of(id));
    }

    boolean is(State s) {
        return state.equals(s.label());
    }
}
