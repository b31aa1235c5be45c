package cloud.angryninja.keeper.login;

import java.util.Locale;

/** Where one login is: waiting for the person, reseeding with the new credential, or ended. */
public enum LoginState {
    /** GitHub waits for the person to enter the user code. */
    PENDING,
    /** The credential came; the reseed runs. */
    RESEEDING,
    /** The reseed ran with the new credential; its reply says how it ended. */
    DONE,
    /** The codes expired before the person entered the user code. */
    EXPIRED,
    /** The person refused the authorization. */
    DENIED,
    /** GitHub ended the flow otherwise, or the keeper could not go on; nothing was changed. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Pending and reseeding logins hold the one login slot. */
    public boolean active() {
        return this == PENDING || this == RESEEDING;
    }
}
