package cloud.angryninja.keeper.login;

import java.util.Locale;

/** How one login ended, the {@code result} label of {@code opencode_keeper_login_total}. */
public enum LoginResult {
    /** The credential came and the reseed verified every target workspace. */
    SUCCESS,
    /** The credential came; the reseed was refused or did not verify every workspace. */
    RESEED_FAILED,
    /** The codes expired before the person entered the user code. */
    EXPIRED,
    /** The person refused the authorization. */
    DENIED,
    /** GitHub ended the flow otherwise, or the keeper could not go on. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
