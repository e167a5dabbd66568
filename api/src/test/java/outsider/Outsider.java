package outsider;

import java.lang.invoke.MethodHandles;
import org.mptcpj.internal.sys.Sys;

/** A class outside the library that asks for the system-call capability (see SysCapabilityTest). */
public final class Outsider {
    private Outsider() {
    }

    public static Sys askForSystemCalls() {
        return Sys.access(MethodHandles.lookup());
    }
}
