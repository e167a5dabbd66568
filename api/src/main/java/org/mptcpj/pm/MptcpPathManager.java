package org.mptcpj.pm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.netns.NetworkNamespace;

/**
 * The MPTCP path manager of one network namespace, driven over generic netlink (family
 * {@code mptcp_pm}), as {@code ip mptcp} does.
 *
 * <p><b>Namespaces.</b> Endpoints, limits and events belong to a network namespace, and a netlink
 * socket to the namespace it was created in. {@link #open()} uses the calling thread's namespace;
 * {@link #open(String)} opens {@code /run/netns/NAME} (as made by {@code ip netns add NAME}), creates
 * the socket from a short-lived platform thread that entered it with {@code setns(CLONE_NEWNET)}, and
 * leaves every thread of the application where it was.
 *
 * <p><b>In-kernel path manager</b> ({@code net.mptcp.pm_type=0}): endpoints with
 * {@link #addEndpoint}, {@link #deleteEndpoint}, {@link #getEndpoint}, {@link #endpoints},
 * {@link #flushEndpoints}, {@link #setEndpointFlags}; limits with {@link #limits} and
 * {@link #setLimits}. <b>Userspace path manager</b> ({@code net.mptcp.pm_type=1}): per-connection
 * commands {@link #announce}, {@link #remove}, {@link #createSubflow}, {@link #destroySubflow},
 * {@link #setSubflowBackup}. <b>Events</b>: {@link #subscribe(MptcpEventListener, int)}.
 *
 * <p><b>Errors.</b> Arguments out of range are rejected before anything is sent, with an
 * {@link IllegalArgumentException} naming the value and its bound. The kernel's refusals arrive as a
 * {@link NetlinkErrorException} (an {@link ErrnoException}) carrying the errno and, when the kernel
 * gave one, its extended-ack text. Common cases:
 * {@code EPERM} changing anything without {@code CAP_NET_ADMIN} over the namespace;
 * {@code EEXIST} adding an endpoint whose address (and port) is taken ({@code EBUSY} for a taken id on
 * Linux 6.18); {@code EADDRNOTAVAIL} a port endpoint on an address that is not local;
 * {@code EINVAL} a missing endpoint id, a flag combination the kernel refuses, an unknown token or a
 * userspace-PM command while the in-kernel PM is selected (the extended ack says which);
 * {@code ENOENT} no such endpoint or subflow on some kernel versions.
 * A reply the library cannot parse raises {@link NetlinkProtocolException}. After {@link #close()}
 * every method throws {@link org.mptcpj.error.SocketClosedException}; hence the methods declare
 * {@link IOException}.
 *
 * <p>Instances are thread-safe: requests are serialised on the one socket.
 */
public final class MptcpPathManager implements AutoCloseable {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    /** Default capacity of the queue between the event reader and the listener. */
    public static final int DEFAULT_EVENT_QUEUE = 4096;

    private static final int ADDR_MAX_ATTR = Linux.MPTCP_PM_ADDR_ATTR_IF_IDX();
    private static final int PM_MAX_ATTR = Linux.MPTCP_PM_ATTR_ADDR_REMOTE();
    private static final String EVENTS_GROUP = Linux.MPTCP_PM_EV_GRP_NAME().getString(0);
    private static final String FAMILY_NAME = Linux.MPTCP_PM_NAME().getString(0);

    private final GenlSocket socket;
    private final GenlSocket.Family family;
    private final String netns;
    private final String where;

    private MptcpPathManager(GenlSocket socket, GenlSocket.Family family, String netns) {
        this.socket = socket;
        this.family = family;
        this.netns = netns;
        this.where = netns == null ? "" : "netns " + netns + ": ";
    }

    /**
     * Opens the path manager of the calling thread's network namespace: a generic netlink socket and
     * the resolution of family {@code mptcp_pm} ({@code CTRL_CMD_GETFAMILY}).
     *
     * @throws org.mptcpj.error.MptcpUnavailableException if the kernel has no {@code mptcp_pm} family
     * @throws ErrnoException                           if the socket cannot be created
     */
    public static MptcpPathManager open() throws IOException {
        return open0(null);
    }

    /**
     * Opens the path manager of the named network namespace {@code /run/netns/NAME}.
     *
     * @param netns the namespace's name, as given to {@code ip netns add}
     * @throws IllegalArgumentException if {@code netns} is not a plain file name
     * @throws ErrnoException           {@code ENOENT} if there is no such namespace, {@code EPERM}
     *                                  without {@code CAP_SYS_ADMIN} to enter it
     * @throws java.io.InterruptedIOException if the calling thread was interrupted before entering it
     */
    public static MptcpPathManager open(String netns) throws IOException {
        Objects.requireNonNull(netns, "netns");
        NetworkNamespace.checkName(netns);
        return open0(netns);
    }

    private static MptcpPathManager open0(String netns) throws IOException {
        GenlSocket s = GenlSocket.open(netns);
        try {
            return new MptcpPathManager(s, s.resolve(FAMILY_NAME), netns);
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** {@return the namespace name given to {@link #open(String)}, or {@code null} for the opener's namespace} */
    public String netns() {
        return netns;
    }

    /** {@return the generic netlink family id the kernel assigned to {@code mptcp_pm}} */
    public int familyId() {
        return family.id();
    }

    // ---------------------------------------------------------------- in-kernel PM: endpoints

    /**
     * Adds an endpoint ({@code MPTCP_PM_CMD_ADD_ADDR}) and reads it back.
     *
     * @param endpoint the endpoint; id 0 lets the kernel pick the lowest free id
     * @return the endpoint as the kernel now lists it (with its id)
     * @throws IllegalArgumentException for {@link EndpointFlag#IMPLICIT}, an unspecified or multicast
     *                                  address, a port without {@code SIGNAL} (or with {@code SUBFLOW}),
     *                                  or {@code SIGNAL} with {@code FULLMESH}
     * @throws NetlinkErrorException    {@code EADDRNOTAVAIL} with a port on an address that is not local
     *                                  (the kernel listens on it), {@code EEXIST} if the address (and port)
     *                                  is taken, {@code EBUSY}
     *                                  (or {@code EEXIST} on older kernels) if the id is taken,
     *                                  {@code EPERM} without {@code CAP_NET_ADMIN}, {@code EINVAL} for
     *                                  what the kernel refuses (with LAMINAR on a kernel without it, the
     *                                  message names the flag)
     * @throws ErrnoException           {@code EOPNOTSUPP} if the kernel accepted the endpoint but dropped a
     *                                  flag it does not know (the endpoint is then deleted again)
     */
    public Endpoint addEndpoint(Endpoint endpoint) throws IOException {
        Objects.requireNonNull(endpoint, "endpoint");
        checkAddress(endpoint.address());
        checkSettable(endpoint.flags());
        Set<EndpointFlag> f = endpoint.flags();
        if (endpoint.port() != 0 && (!f.contains(EndpointFlag.SIGNAL) || f.contains(EndpointFlag.SUBFLOW))) {
            throw new IllegalArgumentException("endpoint port " + endpoint.port()
                    + " needs the SIGNAL flag without SUBFLOW (flags " + f + ")");
        }
        if (f.contains(EndpointFlag.SIGNAL) && f.contains(EndpointFlag.FULLMESH)) {
            throw new IllegalArgumentException("endpoint flags " + f + ": SIGNAL and FULLMESH exclude each other");
        }
        request("MPTCP_PM_CMD_ADD_ADDR(" + endpoint + ")", Linux.MPTCP_PM_CMD_ADD_ADDR(),
                b -> writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), endpoint.id(), endpoint.address(), endpoint.port(),
                        endpoint.ifIndex(), EndpointFlag.toBits(f)),
                errno -> addHint(errno, f));
        for (Endpoint e : endpoints()) {
            if (e.address().equals(endpoint.address()) && e.port() == endpoint.port()
                    && (endpoint.id() == 0 || e.id() == endpoint.id())) {
                EnumSet<EndpointFlag> ignored = EnumSet.noneOf(EndpointFlag.class);
                ignored.addAll(f);
                ignored.removeAll(e.flags());
                if (!ignored.isEmpty()) { // a kernel that silently drops bits it does not know
                    deleteEndpoint(e.id());
                    throw new ErrnoException(op("MPTCP_PM_CMD_ADD_ADDR(" + endpoint + ")"), Linux.EOPNOTSUPP(),
                            Sys.strerror(Linux.EOPNOTSUPP()), "the kernel ignored flag(s) " + ignored
                            + (ignored.contains(EndpointFlag.LAMINAR) ? " (LAMINAR needs Linux 6.18+)" : "")
                            + "; the endpoint was deleted again");
                }
                return e;
            }
        }
        throw new NetlinkProtocolException("MPTCP_PM_CMD_ADD_ADDR(" + endpoint
                + ") acknowledged, but the endpoint is missing from the dump");
    }

    private static String addHint(int errno, Set<EndpointFlag> flags) {
        if (errno == Linux.EEXIST()) {
            return "an endpoint with this id, or this address and port, already exists";
        }
        if (errno == Linux.EBUSY()) {
            return "the endpoint id is already in use";
        }
        if (flags.contains(EndpointFlag.LAMINAR) && (errno == Linux.EINVAL() || errno == Linux.EOPNOTSUPP())) {
            return "the kernel may not support the LAMINAR endpoint flag (MPTCP_PM_ADDR_FLAG_LAMINAR, Linux 6.18+)";
        }
        return permHint(errno);
    }

    /** {@code CAP_NET_ADMIN} of {@code <linux/capability.h>}: the bit of the capability sets. */
    private static final int CAP_NET_ADMIN = 12;

    static String permHint(int errno) {
        if (errno != Linux.EPERM()) {
            return null;
        }
        String need = "changing the path manager needs CAP_NET_ADMIN over the network namespace";
        Boolean has = hasEffectiveCapability(CAP_NET_ADMIN);
        if (has == null) {
            return need;
        }
        return has
                ? need + "; this process has CAP_NET_ADMIN, but not in the user namespace that owns this network namespace"
                : need + ", which this process lacks: run it as root or grant the capability "
                        + "(e.g. setcap cap_net_admin+ep, or systemd AmbientCapabilities=CAP_NET_ADMIN)";
    }

    /** {@return whether {@code cap} is in this process's effective set ({@code CapEff} of /proc/self/status), null if unknown} */
    private static Boolean hasEffectiveCapability(int cap) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16) >>> cap & 1) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux procfs as expected: no statement about the capability
        }
        return null;
    }

    /**
     * Deletes the endpoint {@code id} ({@code MPTCP_PM_CMD_DEL_ADDR}); the kernel also removes its
     * address from connections (RM_ADDR) and closes the subflows using it.
     *
     * @param id 1..255
     * @throws NetlinkErrorException {@code EINVAL} (or {@code ENOENT}) if there is no such endpoint,
     *                               {@code EPERM} without {@code CAP_NET_ADMIN}
     */
    public void deleteEndpoint(int id) throws IOException {
        checkId(id, 1);
        request("MPTCP_PM_CMD_DEL_ADDR(id " + id + ")", Linux.MPTCP_PM_CMD_DEL_ADDR(),
                b -> writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), id, null, 0, 0, 0), MptcpPathManager::permHint);
    }

    /**
     * Reads the endpoint {@code id} ({@code MPTCP_PM_CMD_GET_ADDR}).
     *
     * @param id 1..255
     * @throws NetlinkErrorException {@code EINVAL} (or {@code ENOENT}) if there is no such endpoint
     */
    public Endpoint getEndpoint(int id) throws IOException {
        checkId(id, 1);
        List<Endpoint> r = socket.transact(op("MPTCP_PM_CMD_GET_ADDR(id " + id + ")"), family.id(),
                Linux.MPTCP_PM_CMD_GET_ADDR(), Linux.MPTCP_PM_VER(), false,
                b -> writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), id, null, 0, 0, 0),
                MptcpPathManager::readEndpointMessage, null);
        if (r.isEmpty()) {
            throw new NetlinkProtocolException(op("MPTCP_PM_CMD_GET_ADDR(id " + id + ")") + ": no reply");
        }
        return r.get(0);
    }

    /** {@return every endpoint, in the kernel's order} ({@code MPTCP_PM_CMD_GET_ADDR} with {@code NLM_F_DUMP}) */
    public List<Endpoint> endpoints() throws IOException {
        return List.copyOf(socket.transact(op("MPTCP_PM_CMD_GET_ADDR(dump)"), family.id(),
                Linux.MPTCP_PM_CMD_GET_ADDR(), Linux.MPTCP_PM_VER(), true, null,
                MptcpPathManager::readEndpointMessage, null));
    }

    /**
     * Deletes every endpoint ({@code MPTCP_PM_CMD_FLUSH_ADDRS}), as {@code ip mptcp endpoint flush}.
     *
     * @throws NetlinkErrorException {@code EPERM} without {@code CAP_NET_ADMIN}
     */
    public void flushEndpoints() throws IOException {
        request("MPTCP_PM_CMD_FLUSH_ADDRS", Linux.MPTCP_PM_CMD_FLUSH_ADDRS(), null, MptcpPathManager::permHint);
    }

    /**
     * Changes the flags of endpoint {@code id} ({@code MPTCP_PM_CMD_SET_FLAGS}), as
     * {@code ip mptcp endpoint change id ID [backup|nobackup] [fullmesh|nofullmesh]}. The kernel changes
     * only {@link EndpointFlag#BACKUP} and {@link EndpointFlag#FULLMESH}; existing subflows of the
     * endpoint get the new backup priority (MP_PRIO).
     *
     * @param flags the new values of BACKUP and FULLMESH (absent: cleared)
     * @throws IllegalArgumentException if {@code flags} holds another flag
     * @throws NetlinkErrorException    {@code EINVAL} if there is no such endpoint or FULLMESH is asked
     *                                  for a SIGNAL or IMPLICIT endpoint
     */
    public void setEndpointFlags(int id, Set<EndpointFlag> flags) throws IOException {
        Objects.requireNonNull(flags, "flags");
        checkId(id, 1);
        for (EndpointFlag f : flags) {
            if (f != EndpointFlag.BACKUP && f != EndpointFlag.FULLMESH) {
                throw new IllegalArgumentException("flag " + f + " cannot be changed; only BACKUP and FULLMESH can");
            }
        }
        int bits = EndpointFlag.toBits(flags);
        request("MPTCP_PM_CMD_SET_FLAGS(id " + id + ", " + flags + ")", Linux.MPTCP_PM_CMD_SET_FLAGS(),
                b -> writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), id, null, 0, 0, bits), MptcpPathManager::permHint);
    }

    // ---------------------------------------------------------------- in-kernel PM: limits

    /** {@return the namespace's limits} ({@code MPTCP_PM_CMD_GET_LIMITS}) */
    public Limits limits() throws IOException {
        List<Limits> r = socket.transact(op("MPTCP_PM_CMD_GET_LIMITS"), family.id(), Linux.MPTCP_PM_CMD_GET_LIMITS(),
                Linux.MPTCP_PM_VER(), false, null, (cmd, msg, from, to) -> {
                    NlAttrs a = NlAttrs.parse(msg, from, to, PM_MAX_ATTR, "MPTCP_PM_CMD_GET_LIMITS reply");
                    long sub = a.u32(Linux.MPTCP_PM_ATTR_SUBFLOWS(), "MPTCP_PM_ATTR_SUBFLOWS", 0);
                    long rcv = a.u32(Linux.MPTCP_PM_ATTR_RCV_ADD_ADDRS(), "MPTCP_PM_ATTR_RCV_ADD_ADDRS", 0);
                    if (sub > Limits.MAX || rcv > Limits.MAX) {
                        throw new NetlinkProtocolException("MPTCP_PM_CMD_GET_LIMITS: limits " + sub + "/" + rcv
                                + " beyond " + Limits.MAX);
                    }
                    return new Limits((int) sub, (int) rcv);
                }, null);
        if (r.isEmpty()) {
            throw new NetlinkProtocolException(op("MPTCP_PM_CMD_GET_LIMITS") + ": no reply");
        }
        return r.get(0);
    }

    /**
     * Sets both limits ({@code MPTCP_PM_CMD_SET_LIMITS} with {@code MPTCP_PM_ATTR_SUBFLOWS} and
     * {@code MPTCP_PM_ATTR_RCV_ADD_ADDRS}), as {@code ip mptcp limits set subflows N add_addr_accepted M}.
     * The range is checked by {@link Limits}.
     *
     * @throws NetlinkErrorException {@code EPERM} without {@code CAP_NET_ADMIN}, {@code EINVAL} beyond
     *                               the kernel's maximum
     */
    public void setLimits(Limits limits) throws IOException {
        Objects.requireNonNull(limits, "limits");
        request("MPTCP_PM_CMD_SET_LIMITS(" + limits + ")", Linux.MPTCP_PM_CMD_SET_LIMITS(), b -> b
                .u32(Linux.MPTCP_PM_ATTR_RCV_ADD_ADDRS(), limits.addAddrAccepted())
                .u32(Linux.MPTCP_PM_ATTR_SUBFLOWS(), limits.subflows()), MptcpPathManager::permHint);
    }

    // ---------------------------------------------------------------- userspace PM

    /**
     * Announces a local address to the peer of connection {@code token} (ADD_ADDR,
     * {@code MPTCP_PM_CMD_ANNOUNCE}); userspace path manager only. The SIGNAL flag is added.
     *
     * @param token    the connection's local token, as in {@link MptcpEvent#token()}
     * @param endpoint the address, with an id of 1..255 and optionally a port
     * @throws NetlinkErrorException {@code EINVAL} for an unknown token or when the in-kernel PM is selected
     */
    public void announce(long token, Endpoint endpoint) throws IOException {
        Objects.requireNonNull(endpoint, "endpoint");
        checkToken(token);
        checkId(endpoint.id(), 1);
        checkAddress(endpoint.address());
        checkSettable(endpoint.flags());
        int bits = EndpointFlag.toBits(endpoint.flags()) | EndpointFlag.SIGNAL.bit();
        request("MPTCP_PM_CMD_ANNOUNCE(token " + Long.toHexString(token) + ", " + endpoint + ")",
                Linux.MPTCP_PM_CMD_ANNOUNCE(), b -> {
                    b.u32(Linux.MPTCP_PM_ATTR_TOKEN(), (int) token);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), endpoint.id(), endpoint.address(), endpoint.port(),
                            endpoint.ifIndex(), bits);
                }, MptcpPathManager::permHint);
    }

    /**
     * Withdraws the announced address {@code localId} from connection {@code token} (RM_ADDR,
     * {@code MPTCP_PM_CMD_REMOVE}); userspace path manager only. Subflows using it are closed.
     *
     * @param localId 0..255 (0: the connection's initial address)
     * @throws NetlinkErrorException {@code EINVAL} for an unknown token or id
     */
    public void remove(long token, int localId) throws IOException {
        checkToken(token);
        checkId(localId, 0);
        request("MPTCP_PM_CMD_REMOVE(token " + Long.toHexString(token) + ", id " + localId + ")",
                Linux.MPTCP_PM_CMD_REMOVE(), b -> b.u32(Linux.MPTCP_PM_ATTR_TOKEN(), (int) token)
                        .u8(Linux.MPTCP_PM_ATTR_LOC_ID(), localId), MptcpPathManager::permHint);
    }

    /**
     * Creates a subflow of connection {@code token} from {@code local} to {@code remote} (MP_JOIN,
     * {@code MPTCP_PM_CMD_SUBFLOW_CREATE}); userspace path manager only.
     *
     * @param local  local address; id 0 lets the kernel pick; {@link EndpointFlag#BACKUP} makes a
     *               backup subflow; an interface index binds it; the port is ignored by the kernel
     * @param remote the peer's address and port (port required)
     * @throws IllegalArgumentException if families differ, the remote port is 0, or flags other than BACKUP are given
     */
    public void createSubflow(long token, Endpoint local, InetSocketAddress remote) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        checkToken(token);
        checkAddress(local.address());
        InetAddress r = checkRemote(remote, local.address(), true);
        for (EndpointFlag f : local.flags()) {
            if (f != EndpointFlag.BACKUP) {
                throw new IllegalArgumentException("flag " + f + " not allowed on a subflow; only BACKUP");
            }
        }
        int bits = EndpointFlag.toBits(local.flags());
        request("MPTCP_PM_CMD_SUBFLOW_CREATE(token " + Long.toHexString(token) + ", " + local + " -> " + remote + ")",
                Linux.MPTCP_PM_CMD_SUBFLOW_CREATE(), b -> {
                    b.u32(Linux.MPTCP_PM_ATTR_TOKEN(), (int) token);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), local.id(), local.address(), 0, local.ifIndex(), bits);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR_REMOTE(), 0, r, remote.getPort(), 0, 0);
                }, MptcpPathManager::permHint);
    }

    /**
     * Closes the subflow of connection {@code token} between {@code local} and {@code remote}
     * ({@code MPTCP_PM_CMD_SUBFLOW_DESTROY}); userspace path manager only.
     *
     * @throws NetlinkErrorException {@code ESRCH}/{@code EINVAL} if there is no such subflow or token
     */
    public void destroySubflow(long token, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        checkToken(token);
        InetAddress l = checkRemote(local, null, true);
        InetAddress r = checkRemote(remote, l, true);
        request("MPTCP_PM_CMD_SUBFLOW_DESTROY(token " + Long.toHexString(token) + ", " + local + " -> " + remote + ")",
                Linux.MPTCP_PM_CMD_SUBFLOW_DESTROY(), b -> {
                    b.u32(Linux.MPTCP_PM_ATTR_TOKEN(), (int) token);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), 0, l, local.getPort(), 0, 0);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR_REMOTE(), 0, r, remote.getPort(), 0, 0);
                }, MptcpPathManager::permHint);
    }

    /**
     * Sets or clears the backup priority of the subflow of connection {@code token} between
     * {@code local} and {@code remote} (MP_PRIO, {@code MPTCP_PM_CMD_SET_FLAGS} with token, local and
     * remote address); userspace path manager only.
     *
     * @param local local address; port 0 matches any local port
     */
    public void setSubflowBackup(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        checkToken(token);
        InetAddress l = checkRemote(local, null, false);
        InetAddress r = checkRemote(remote, l, true);
        int bits = backup ? EndpointFlag.BACKUP.bit() : 0;
        request("MPTCP_PM_CMD_SET_FLAGS(token " + Long.toHexString(token) + ", " + local + " -> " + remote
                        + (backup ? ", backup" : ", nobackup") + ")", Linux.MPTCP_PM_CMD_SET_FLAGS(), b -> {
                    b.u32(Linux.MPTCP_PM_ATTR_TOKEN(), (int) token);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), 0, l, local.getPort(), 0, bits);
                    writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR_REMOTE(), 0, r, remote.getPort(), 0, 0);
                }, MptcpPathManager::permHint);
    }

    // ---------------------------------------------------------------- events

    /** {@link #subscribe(MptcpEventListener, int)} with a queue of {@value #DEFAULT_EVENT_QUEUE} events. */
    public MptcpEventSubscription subscribe(MptcpEventListener listener) throws IOException {
        return subscribe(listener, DEFAULT_EVENT_QUEUE);
    }

    /**
     * Subscribes to the {@code mptcp_pm_events} multicast group of this manager's namespace: a new
     * netlink socket, created the way this manager's was (in the named namespace, or the calling
     * thread's), joins the group ({@code NETLINK_ADD_MEMBERSHIP}); see {@link MptcpEventSubscription}
     * for threads, queueing and drop accounting.
     *
     * @param capacity events buffered between the reader and the listener, at least 1
     * @throws ErrnoException {@code ENOENT} if the kernel has no such group
     */
    public MptcpEventSubscription subscribe(MptcpEventListener listener, int capacity) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (capacity < 1) {
            throw new IllegalArgumentException("event queue capacity " + capacity + " must be at least 1");
        }
        Integer group = family.groups().get(EVENTS_GROUP);
        if (group == null) {
            throw new ErrnoException(op("subscribe(" + EVENTS_GROUP + ")"), Linux.ENOENT(),
                    Sys.strerror(Linux.ENOENT()), "family " + FAMILY_NAME + " has no multicast group " + EVENTS_GROUP);
        }
        GenlSocket s = GenlSocket.open(netns);
        try {
            return new MptcpEventSubscription(s, family.id(), group, listener, capacity,
                    netns == null ? "port-" + Integer.toUnsignedString(s.portId()) : netns);
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * {@return the index of interface {@code name} in this manager's namespace} ({@code if_nametoindex},
     * run inside the namespace)
     *
     * @throws ErrnoException {@code ENODEV} if there is no such interface
     */
    public int interfaceIndex(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() >= Linux.IF_NAMESIZE() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("interface name '" + name + "' must have 1.." + (Linux.IF_NAMESIZE() - 1)
                    + " characters");
        }
        return GenlSocket.inNetns(netns, () -> {
            try (Arena arena = Arena.ofConfined()) {
                int r = SYS.ifNameToIndex(arena.allocateFrom(name));
                if (r < 0) {
                    throw Sys.error(op("if_nametoindex(" + name + ")"), r);
                }
                return r;
            }
        });
    }

    /** Closes the netlink socket. Subscriptions have their own sockets and stay open. Idempotent. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "MptcpPathManager(" + (netns == null ? "current netns" : "netns " + netns) + ", family "
                + family.id() + ", " + socket + ")";
    }

    private String op(String what) {
        return where + what;
    }

    private void request(String what, int cmd, GenlSocket.Writer writer, IntFunction<String> hint) throws IOException {
        socket.transact(op(what), family.id(), cmd, Linux.MPTCP_PM_VER(), false, writer, null, hint);
    }

    static Endpoint readEndpointMessage(int cmd, MemorySegment msg, long from, long to) {
        NlAttrs top = NlAttrs.parse(msg, from, to, PM_MAX_ATTR, "MPTCP_PM_CMD_GET_ADDR reply");
        NlAttrs addr = top.nested(Linux.MPTCP_PM_ATTR_ADDR(), ADDR_MAX_ATTR, "MPTCP_PM_ATTR_ADDR");
        if (addr == null) {
            throw new NetlinkProtocolException("MPTCP_PM_CMD_GET_ADDR reply without MPTCP_PM_ATTR_ADDR");
        }
        return readEndpoint(addr);
    }

    static Endpoint readEndpoint(NlAttrs a) {
        int family = a.u16(Linux.MPTCP_PM_ADDR_ATTR_FAMILY(), "MPTCP_PM_ADDR_ATTR_FAMILY", 0);
        InetAddress address;
        if (family == Linux.AF_INET()) {
            address = a.address(Linux.MPTCP_PM_ADDR_ATTR_ADDR4(), 4, "MPTCP_PM_ADDR_ATTR_ADDR4");
        } else if (family == Linux.AF_INET6()) {
            address = a.address(Linux.MPTCP_PM_ADDR_ATTR_ADDR6(), 16, "MPTCP_PM_ADDR_ATTR_ADDR6");
        } else {
            throw new NetlinkProtocolException("endpoint of address family " + family);
        }
        if (address == null) {
            throw new NetlinkProtocolException("endpoint of family " + family + " without its address attribute");
        }
        int ifIndex = a.s32(Linux.MPTCP_PM_ADDR_ATTR_IF_IDX(), "MPTCP_PM_ADDR_ATTR_IF_IDX", 0);
        return new Endpoint(a.u8(Linux.MPTCP_PM_ADDR_ATTR_ID(), "MPTCP_PM_ADDR_ATTR_ID", 0), address,
                a.u16(Linux.MPTCP_PM_ADDR_ATTR_PORT(), "MPTCP_PM_ADDR_ATTR_PORT", 0), Math.max(ifIndex, 0),
                EndpointFlag.fromBits((int) a.u32(Linux.MPTCP_PM_ADDR_ATTR_FLAGS(), "MPTCP_PM_ADDR_ATTR_FLAGS", 0)));
    }

    /** Writes a nested {@code MPTCP_PM_ADDR_ATTR_*} address; zero values (and a null address) are omitted. */
    static void writeAddr(NlMessageBuilder b, int type, int id, InetAddress address, int port, int ifIndex, int flags) {
        int nest = b.beginNested(type);
        if (address != null) {
            b.u16(Linux.MPTCP_PM_ADDR_ATTR_FAMILY(), address instanceof Inet4Address ? Linux.AF_INET() : Linux.AF_INET6());
            b.address(Linux.MPTCP_PM_ADDR_ATTR_ADDR4(), Linux.MPTCP_PM_ADDR_ATTR_ADDR6(), address);
        }
        if (id != 0) {
            b.u8(Linux.MPTCP_PM_ADDR_ATTR_ID(), id);
        }
        if (port != 0) {
            b.u16(Linux.MPTCP_PM_ADDR_ATTR_PORT(), port);
        }
        if (flags != 0) {
            b.u32(Linux.MPTCP_PM_ADDR_ATTR_FLAGS(), flags);
        }
        if (ifIndex != 0) {
            b.u32(Linux.MPTCP_PM_ADDR_ATTR_IF_IDX(), ifIndex);
        }
        b.endNested(nest);
    }

    private static void checkId(int id, int min) {
        if (id < min || id > Endpoint.MAX_ID) {
            throw new IllegalArgumentException("endpoint id " + id + " out of range " + min + ".." + Endpoint.MAX_ID);
        }
    }

    private static void checkToken(long token) {
        if (token < 0 || token > 0xffff_ffffL) {
            throw new IllegalArgumentException("token " + token + " out of range 0..0xffffffff (u32)");
        }
    }

    private static void checkAddress(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            throw new IllegalArgumentException("address " + a.getHostAddress()
                    + " cannot be an endpoint: unspecified or multicast");
        }
    }

    private static void checkSettable(Set<EndpointFlag> flags) {
        for (EndpointFlag f : flags) {
            if (!f.isSettable()) {
                throw new IllegalArgumentException("flag " + f + " is set by the kernel only; settable: "
                        + settable());
            }
        }
    }

    private static EnumSet<EndpointFlag> settable() {
        EnumSet<EndpointFlag> s = EnumSet.noneOf(EndpointFlag.class);
        for (EndpointFlag f : EndpointFlag.values()) {
            if (f.isSettable()) {
                s.add(f);
            }
        }
        return s;
    }

    /** Checks a resolved socket address (of the family of {@code sameFamilyAs} if not null). */
    private static InetAddress checkRemote(InetSocketAddress sa, InetAddress sameFamilyAs, boolean needPort) {
        Objects.requireNonNull(sa, "address");
        InetAddress a = sa.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("unresolved address " + sa);
        }
        checkAddress(a);
        if (needPort && sa.getPort() == 0) {
            throw new IllegalArgumentException("address " + sa + " needs a port (1..65535)");
        }
        if (sameFamilyAs != null && (a instanceof Inet4Address) != (sameFamilyAs instanceof Inet4Address)) {
            throw new IllegalArgumentException("addresses " + sameFamilyAs.getHostAddress() + " and "
                    + a.getHostAddress() + " are of different families");
        }
        return a;
    }
}
