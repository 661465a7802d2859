package dev.lifeline.policy;

import dev.lifeline.config.Mode;

/**
 * The one place where {@code mode} turns into "set this value or leave the app's". Values are intervals or timeouts
 * where 0 means none: {@code fill} sets only what the app left at 0; {@code enforce} also lowers what the app set
 * higher (the smaller wins); {@code audit} and {@code off} set nothing. {@link #wouldSet} tells audit what fill would do.
 */
public final class Decide {
    public static final long LEAVE = -1;

    private Decide() {
    }

    /** @return the value to set, or {@link #LEAVE} */
    public static long timeout(Mode mode, long appValue, long wanted) {
        // ifs, not a switch on the enum: that compiles to a synthetic class (Decide$1), loaded in the first connect
        if (mode == Mode.FILL) {
            return appValue <= 0 && wanted > 0 ? wanted : LEAVE;
        }
        if (mode == Mode.ENFORCE) {
            return wanted > 0 && (appValue <= 0 || wanted < appValue) ? wanted : LEAVE;
        }
        return LEAVE;
    }

    /** What {@code fill} would set: the dry run that {@code audit} reports. */
    public static long wouldSet(Mode mode, long appValue, long wanted) {
        return mode == Mode.AUDIT ? timeout(Mode.FILL, appValue, wanted) : LEAVE;
    }
}
