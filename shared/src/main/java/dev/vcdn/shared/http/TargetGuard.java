package dev.vcdn.shared.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses with 400 a request target that only makes sense as an attack: dot segments, empty
 * segments, encoded dots, slashes or backslashes, control characters. Mounted first, it looks
 * at the raw target, before the router normalizes {@code /live/a/../../x} into something else.
 */
public final class TargetGuard implements Handler<RoutingContext> {

    @Override
    public void handle(RoutingContext ctx) {
        if (isSuspicious(ctx.request().uri())) {
            ctx.fail(400);
            return;
        }
        ctx.next();
    }

    /** One pass over the target, nothing allocated: every playback request comes through here. */
    public static boolean isSuspicious(String target) {
        if (target == null || target.isEmpty() || target.charAt(0) != '/') {
            return true;
        }
        int length = target.length();
        boolean inPath = true;
        char previous = 0;
        for (int i = 0; i < length; i++) {
            char c = target.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return true;
            }
            if (inPath) {
                if (c == '?') {
                    inPath = false;
                } else if (c == '\\' || (c == '.' || c == '/') && previous == c
                        || c == '%' && i + 2 < length && encodesForbidden(target.charAt(i + 1), target.charAt(i + 2))) {
                    return true;
                }
            }
            previous = c;
        }
        return false;
    }

    /** Whether {@code %XY} encodes a dot, a slash, a backslash or NUL. */
    private static boolean encodesForbidden(char high, char low) {
        return high == '2' && (low == 'e' || low == 'E' || low == 'f' || low == 'F')
                || high == '5' && (low == 'c' || low == 'C')
                || high == '0' && low == '0';
    }
}
