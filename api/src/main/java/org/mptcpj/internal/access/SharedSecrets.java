package org.mptcpj.internal.access;

import java.lang.invoke.MethodHandles;

/**
 * Calls between the library's packages that must not be public API, after the JDK's
 * {@code jdk.internal.access.SharedSecrets}: the package that owns the methods registers an
 * implementation from a static initializer, the caller fetches it once into a static final field
 * (no cost per call). Registering takes a full-privilege {@link MethodHandles.Lookup} of a class in
 * the owning package, which code outside the library cannot obtain without deliberate effort, so
 * nobody can slip in an implementation of their own.
 */
public final class SharedSecrets {
    private static final String INFO_PACKAGE = "org.mptcpj.info";
    private static volatile InfoViewAccess infoViews;

    private SharedSecrets() {
    }

    /** Called once, by {@code org.mptcpj.info}. */
    public static synchronized void setInfoViewAccess(MethodHandles.Lookup owner, InfoViewAccess access) {
        requireOwner(owner, INFO_PACKAGE);
        if (infoViews != null) {
            throw new IllegalStateException("the info views' access is registered already");
        }
        infoViews = access;
    }

    /** {@return the info views' package-private reads}, initializing {@code org.mptcpj.info} if needed */
    public static InfoViewAccess infoViews() {
        InfoViewAccess a = infoViews;
        if (a == null) {
            initialize(INFO_PACKAGE + ".InfoViews");
            a = infoViews;
        }
        return a;
    }

    private static void requireOwner(MethodHandles.Lookup owner, String pkg) {
        if (!owner.hasFullPrivilegeAccess() || !owner.lookupClass().getPackageName().equals(pkg)
                || owner.lookupClass().getModule() != SharedSecrets.class.getModule()) {
            throw new IllegalArgumentException(owner + " is not a full-privilege lookup of " + pkg);
        }
    }

    private static void initialize(String className) {
        try {
            Class.forName(className, true, SharedSecrets.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
