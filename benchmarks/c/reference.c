/*
 * The physical floor for the JMH benchmarks: the same system calls, timed in tight C loops.
 *
 *   gcc -O2 -pthread -o reference reference.c
 *   ./reference [--quick] [--rounds R] [--count N] [--only GROUP | --name NAME] [--peer IPV4:PORT]
 *   ./reference --two-subflows
 *   ./reference --sink PORT
 *   ./reference [--quick] [--rounds R] [--peer IPV4:PORT] --serve     (names on stdin, see serve())
 *
 * Prints one line per measurement, "<name> <value> <unit>" (unit ns/op or MB/s); lines starting
 * with '#' are comments. Every measurement runs ROUNDS rounds (5; --rounds) of N iterations (N per
 * measurement, a tenth with --quick, exactly --count if given) after one warm-up round of the same
 * length, and reports the median round. Exits non-zero if a call fails.
 *
 * run.sh does not run this program itself for the timings: the JMH benchmarks run it (CReference.java,
 * "--serve --rounds 1", one process per trial, told a NAME before each of their measured
 * iterations) so that C and Java alternate (C, Java, C, Java...) and every Java iteration has its
 * own C twin measured moments before. run.sh runs it under strace (with --count) to count system calls per operation.
 *
 * Everything happens on 127.0.0.1, except bulk with --peer: then the writer connects to a sink
 * ("--sink PORT", another instance of this program, in another network namespace at the far end
 * of a veth pair) instead of a loopback pair with a drain thread. Short-lived connections close
 * with SO_LINGER {1, 0} (a reset), as the Java benchmark does, so no TIME_WAIT sockets pile up.
 * Every loop makes the system calls a plain blocking C program makes, nothing more.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#define REF_MPTCP_INFO 1
#define REF_MPTCP_FULL_INFO 4
#define MPTCP_INFO_SIZE 96 /* struct mptcp_info on Linux >= 6.8 (the distro header knows only 48) */

/* struct mptcp_full_info (Linux 6.5, include/uapi/linux/mptcp.h), ending in a 96-byte mptcp_info. */
struct ref_full_info {
    uint32_t size_tcpinfo_kernel;
    uint32_t size_tcpinfo_user;
    uint32_t size_sfinfo_kernel;
    uint32_t size_sfinfo_user;
    uint32_t num_subflows;
    uint32_t size_arrays_user;
    uint64_t subflow_info __attribute__((aligned(8)));
    uint64_t tcp_info __attribute__((aligned(8)));
    unsigned char mptcp_info[MPTCP_INFO_SIZE] __attribute__((aligned(8)));
};
/* struct mptcp_subflow_info: __u32 id; struct mptcp_subflow_addrs addrs (two sockaddr_storage). */
struct ref_subflow_info {
    uint32_t id;
    struct sockaddr_storage local, remote;
};
#define TCP_INFO_CAP 512 /* more than any kernel's struct tcp_info: the kernel copies its own size */

static const char *only; /* --only GROUP: measure only names starting with "GROUP." */
static const char *exact; /* --name NAME: measure only NAME */
static int rounds = 5;
static long scale = 1; /* quick mode divides loop counts by 10 */
static long count;     /* --count N: exactly N iterations per round, whatever the measurement */
static struct sockaddr_in peer; /* --peer: bulk writes to this sink instead of a loopback pair */
static volatile uint64_t sink;

static void die(const char *what) {
    fprintf(stderr, "reference: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int wanted(const char *name) {
    size_t n = only ? strlen(only) : 0;
    if (exact) return strcmp(name, exact) == 0;
    return !only || (strncmp(name, only, n) == 0 && name[n] == '.');
}

/* Whether any measurement of GROUP ("GROUP.*") is wanted. */
static int in_group(const char *group) {
    size_t n = strlen(group);
    if (exact) return strncmp(exact, group, n) == 0 && exact[n] == '.';
    return !only || strcmp(only, group) == 0;
}

static long iterations(long n) {
    if (count > 0) return count;
    return n / scale > 0 ? n / scale : 1;
}

typedef void (*op_fn)(void *ctx, long iterations);

/* Runs op for one warm-up round and `rounds` timed rounds of n iterations; prints the median ns/op. */
static void measure(const char *name, op_fn op, void *ctx, long n) {
    double v[32];
    if (!wanted(name)) return;
    n = iterations(n);
    op(ctx, n);
    for (int r = 0; r < rounds; r++) {
        uint64_t t0 = now_ns();
        op(ctx, n);
        v[r] = (double)(now_ns() - t0) / (double)n;
    }
    printf("%s %.1f ns/op\n", name, median(v, rounds));
    fflush(stdout);
}

static int new_socket(int proto) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, proto);
    if (s < 0) die(proto == IPPROTO_MPTCP ? "socket(IPPROTO_MPTCP)" : "socket(IPPROTO_TCP)");
    return s;
}

static void set_int(int s, int level, int name, int value, const char *what) {
    if (setsockopt(s, level, name, &value, sizeof value) < 0) die(what);
}

static int listener(int proto, struct sockaddr_in *addr) {
    int l = new_socket(proto);
    socklen_t len = sizeof *addr;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (struct sockaddr *)addr, sizeof *addr) < 0) die("bind");
    if (listen(l, 128) < 0) die("listen");
    if (getsockname(l, (struct sockaddr *)addr, &len) < 0) die("getsockname");
    return l;
}

struct pair { int client, server, listener; };

/* A connected loopback pair, TCP_NODELAY on both ends; the listener stays open (MP_JOINs arrive there). */
static struct pair connected(int proto) {
    struct sockaddr_in addr;
    struct pair p;
    int l = p.listener = listener(proto, &addr);
    p.client = new_socket(proto);
    if (connect(p.client, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    p.server = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (p.server < 0) die("accept4");
    set_int(p.client, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    set_int(p.server, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    return p;
}

/* ---- the cost of a system call: the FFM floor's floor (FfmFloorBenchmark.ffmGetppid) ---- */

static void op_getppid(void *ctx, long n) {
    (void)ctx;
    for (long i = 0; i < n; i++) sink += (uint64_t)getppid();
}

/* ---- options ---- */

static void op_set_keepidle(void *ctx, long n) {
    int s = *(int *)ctx, v = 600;
    for (long i = 0; i < n; i++)
        if (setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v) < 0) die("setsockopt(TCP_KEEPIDLE)");
}

static void op_get_keepidle(void *ctx, long n) {
    int s = *(int *)ctx, v;
    for (long i = 0; i < n; i++) {
        socklen_t len = sizeof v;
        if (getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len) < 0) die("getsockopt(TCP_KEEPIDLE)");
        sink += v;
    }
}

/* The same four calls, in the same order, as StreamSocket.setKeepalive. */
static void op_set_keepalive(void *ctx, long n) {
    int s = *(int *)ctx, idle = 600, intvl = 30, cnt = 5, on = 1;
    for (long i = 0; i < n; i++) {
        if (setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) < 0) die("setsockopt(TCP_KEEPIDLE)");
        if (setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) < 0) die("setsockopt(TCP_KEEPINTVL)");
        if (setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) < 0) die("setsockopt(TCP_KEEPCNT)");
        if (setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0) die("setsockopt(SO_KEEPALIVE)");
    }
}

static void op_get_keepalive(void *ctx, long n) {
    int s = *(int *)ctx, v[4];
    for (long i = 0; i < n; i++) {
        socklen_t len = sizeof(int);
        if (getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v[0], &len) < 0) die("getsockopt(SO_KEEPALIVE)");
        len = sizeof(int);
        if (getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v[1], &len) < 0) die("getsockopt(TCP_KEEPIDLE)");
        len = sizeof(int);
        if (getsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v[2], &len) < 0) die("getsockopt(TCP_KEEPINTVL)");
        len = sizeof(int);
        if (getsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v[3], &len) < 0) die("getsockopt(TCP_KEEPCNT)");
        sink += v[0] + v[1] + v[2] + v[3];
    }
}

/* ---- connection statistics ---- */

static uint64_t info_buf[TCP_INFO_CAP / 8];

static void op_mptcp_info(void *ctx, long n) {
    int s = *(int *)ctx;
    for (long i = 0; i < n; i++) {
        socklen_t len = MPTCP_INFO_SIZE;
        if (getsockopt(s, SOL_MPTCP, REF_MPTCP_INFO, info_buf, &len) < 0) die("getsockopt(MPTCP_INFO)");
    }
}

/* MPTCP_INFO, then three fields: mptcpi_subflows (u8 @0), mptcpi_token (u32 @12), mptcpi_snd_una (u64 @24). */
static void op_mptcp_info_fields(void *ctx, long n) {
    int s = *(int *)ctx;
    const unsigned char *b = (const unsigned char *)info_buf;
    for (long i = 0; i < n; i++) {
        socklen_t len = MPTCP_INFO_SIZE;
        if (getsockopt(s, SOL_MPTCP, REF_MPTCP_INFO, info_buf, &len) < 0) die("getsockopt(MPTCP_INFO)");
        sink += b[0] + *(const uint32_t *)(b + 12) + *(const uint64_t *)(b + 24);
    }
}

static void op_tcp_info(void *ctx, long n) {
    int s = *(int *)ctx;
    for (long i = 0; i < n; i++) {
        socklen_t len = TCP_INFO_CAP;
        if (getsockopt(s, IPPROTO_TCP, TCP_INFO, info_buf, &len) < 0) die("getsockopt(TCP_INFO)");
    }
}

/* TCP_INFO, then three fields: tcpi_rtt, tcpi_snd_cwnd, tcpi_total_retrans. */
static void op_tcp_info_fields(void *ctx, long n) {
    int s = *(int *)ctx;
    const struct tcp_info *t = (const struct tcp_info *)info_buf;
    for (long i = 0; i < n; i++) {
        socklen_t len = TCP_INFO_CAP;
        if (getsockopt(s, IPPROTO_TCP, TCP_INFO, info_buf, &len) < 0) die("getsockopt(TCP_INFO)");
        sink += t->tcpi_rtt + t->tcpi_snd_cwnd + t->tcpi_total_retrans;
    }
}

struct full_ctx {
    int s;
    uint32_t arrays; /* subflows asked for: 1 or 2 */
    struct ref_full_info head;
    struct ref_subflow_info sf[2];
    uint64_t tcp[2][TCP_INFO_CAP / 8];
};

static void op_full_info(void *ctx, long n) {
    struct full_ctx *c = ctx;
    for (long i = 0; i < n; i++) {
        socklen_t len = sizeof c->head;
        memset(&c->head, 0, offsetof(struct ref_full_info, mptcp_info));
        c->head.size_tcpinfo_user = TCP_INFO_CAP;
        c->head.size_sfinfo_user = sizeof c->sf[0];
        c->head.size_arrays_user = c->arrays;
        c->head.subflow_info = (uint64_t)(uintptr_t)c->sf;
        c->head.tcp_info = (uint64_t)(uintptr_t)c->tcp;
        if (getsockopt(c->s, SOL_MPTCP, REF_MPTCP_FULL_INFO, &c->head, &len) < 0) die("getsockopt(MPTCP_FULL_INFO)");
        sink += c->head.num_subflows;
    }
}

/* ---- data ---- */

static void read_fully(int s, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = recv(s, (char *)buf + done, n - done, 0);
        if (r <= 0) {
            if (r == 0) { errno = EPIPE; }
            die("recv");
        }
        done += (size_t)r;
    }
}

static void write_fully(int s, const void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = send(s, (const char *)buf + done, n - done, MSG_NOSIGNAL);
        if (r < 0) die("send");
        done += (size_t)r;
    }
}

#define MSG 64

/* The echo peer: reads 64 bytes and sends them back until the client closes. */
static void *echo(void *arg) {
    int s = *(int *)arg;
    char buf[MSG];
    for (;;) {
        size_t done = 0;
        while (done < MSG) {
            ssize_t r = recv(s, buf + done, MSG - done, 0);
            if (r == 0) return NULL;
            if (r < 0) die("echo recv");
            done += (size_t)r;
        }
        write_fully(s, buf, MSG);
    }
}

static void op_pingpong(void *ctx, long n) {
    int s = *(int *)ctx;
    char buf[MSG];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < n; i++) {
        write_fully(s, buf, MSG);
        read_fully(s, buf, MSG);
    }
}

static void pingpong(const char *name, int proto, long n) {
    if (!wanted(name)) return;
    struct pair p = connected(proto);
    pthread_t t;
    if (pthread_create(&t, NULL, echo, &p.server) != 0) die("pthread_create");
    measure(name, op_pingpong, &p.client, n);
    close(p.client);
    pthread_join(t, NULL);
    close(p.server);
    close(p.listener);
}

#define CHUNK (64 * 1024)

static void *drain(void *arg) {
    int s = *(int *)arg;
    char *buf = malloc(CHUNK);
    for (;;) {
        ssize_t r = recv(s, buf, CHUNK, 0);
        if (r == 0) break;
        if (r < 0) die("drain recv");
    }
    free(buf);
    return NULL;
}

static void *drain_and_close(void *arg) {
    int s = *(int *)arg;
    free(arg);
    drain(&s);
    close(s);
    return NULL;
}

/* The far end for bulk --peer: accepts MPTCP connections on PORT, drains each on its own thread. */
static _Noreturn void serve_sink(int port) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int l = new_socket(IPPROTO_MPTCP);
    set_int(l, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    if (bind(l, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(l, 16) < 0) die("listen");
    printf("# sink listening on port %d\n", port);
    fflush(stdout);
    for (;;) {
        int *s = malloc(sizeof *s);
        pthread_t t;
        *s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (*s < 0) die("accept4");
        if (pthread_create(&t, NULL, drain_and_close, s) != 0) die("pthread_create");
        pthread_detach(t);
    }
}

/*
 * Bulk writes 64 KiB chunks for a time, not a count, as long as a JMH iteration (1 s; 0.2 s with
 * --quick), unless --count: on kernel 6.18 the MPTCP sender now and then waits 200 ms for a
 * DATA_ACK the receiver has no reason to send until the MPTCP retransmit timer fires (its
 * TCP_RTO_MIN while the subflow has nothing in flight). A C round of 8,000 chunks lasted 0.4 s:
 * C met those stalls half as often as a Java iteration did, which a median of per-pair ratios
 * turned into a bias against Java. With equal windows both sides are as exposed.
 */
static void bulk(const char *name, int proto) {
    if (!wanted(name)) return;
    uint64_t window = scale > 1 ? 200000000u : 1000000000u;
    struct pair p = {.server = -1, .listener = -1};
    pthread_t t;
    char *buf = malloc(CHUNK);
    double v[32];
    memset(buf, 'x', CHUNK);
    if (peer.sin_family) {
        p.client = new_socket(proto);
        if (connect(p.client, (struct sockaddr *)&peer, sizeof peer) < 0) die("connect to the sink");
        set_int(p.client, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    } else {
        p = connected(proto);
        if (pthread_create(&t, NULL, drain, &p.server) != 0) die("pthread_create");
    }
    for (int r = -1; r < rounds; r++) {
        uint64_t t0 = now_ns(), t1 = t0;
        long n = 0;
        while (count > 0 ? n < count : t1 - t0 < window) {
            write_fully(p.client, buf, CHUNK);
            n++;
            t1 = now_ns();
        }
        if (r >= 0) v[r] = (double)n * CHUNK / 1e6 / ((double)(t1 - t0) / 1e9);
    }
    printf("%s %.1f MB/s\n", name, median(v, rounds));
    fflush(stdout);
    close(p.client);
    if (p.server >= 0) {
        pthread_join(t, NULL);
        close(p.server);
        close(p.listener);
    }
    free(buf);
}

/* ---- connection setup ---- */

struct setup_ctx { int proto, listener; struct sockaddr_in addr; };

static void op_connect_accept_close(void *ctx, long n) {
    struct setup_ctx *c = ctx;
    struct linger reset = {1, 0};
    for (long i = 0; i < n; i++) {
        int s = new_socket(c->proto);
        if (setsockopt(s, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) < 0) die("setsockopt(SO_LINGER)");
        if (connect(s, (struct sockaddr *)&c->addr, sizeof c->addr) < 0) die("connect");
        int a = accept4(c->listener, NULL, NULL, SOCK_CLOEXEC);
        if (a < 0) die("accept4");
        close(s);
        close(a);
    }
}

static void connection_setup(const char *name, int proto, long n) {
    if (!wanted(name)) return;
    struct setup_ctx c = {.proto = proto};
    c.listener = listener(proto, &c.addr);
    measure(name, op_connect_accept_close, &c, n);
    close(c.listener);
}

/* MPTCP_INFO, MPTCP_FULL_INFO (one subflow) and TCP_INFO on connected loopback pairs. */
static int info(void) {
    struct pair m = connected(IPPROTO_MPTCP);
    measure("info.mptcp_info", op_mptcp_info, &m.client, 1000000);
    measure("info.mptcp_info.3fields", op_mptcp_info_fields, &m.client, 1000000);
    static struct full_ctx full = {.arrays = 1};
    full.s = m.client;
    op_full_info(&full, 1);
    if (full.head.num_subflows != 1) {
        fprintf(stderr, "reference: MPTCP_FULL_INFO reports %u subflows, expected 1\n", full.head.num_subflows);
        return 1;
    }
    measure("info.mptcp_full_info.1sf", op_full_info, &full, 500000);
    close(m.client);
    close(m.server);
    close(m.listener);

    struct pair t = connected(IPPROTO_TCP);
    measure("info.tcp_info", op_tcp_info, &t.client, 1000000);
    measure("info.tcp_info.3fields", op_tcp_info_fields, &t.client, 1000000);
    close(t.client);
    close(t.server);
    close(t.listener);
    return 0;
}

/*
 * MPTCP_FULL_INFO on a connection with two subflows. Needs an MPTCP endpoint of the 'subflow' kind
 * (run.sh runs this in a network namespace with "ip mptcp endpoint add 127.0.0.2 dev lo subflow");
 * the path manager adds the subflow once the connection is fully established, after a first exchange.
 */
static int two_subflows(void) {
    static struct full_ctx full = {.arrays = 2};
    struct pair m = connected(IPPROTO_MPTCP);
    char b = 'x';
    write_fully(m.client, &b, 1);
    read_fully(m.server, &b, 1);
    write_fully(m.server, &b, 1);
    read_fully(m.client, &b, 1);
    full.s = m.client;
    for (int i = 0; i < 300; i++) { /* up to 3 s */
        op_full_info(&full, 1);
        if (full.head.num_subflows >= 2) break;
        usleep(10000);
    }
    if (full.head.num_subflows != 2) {
        fprintf(stderr, "reference: MPTCP_FULL_INFO reports %u subflows, expected 2 "
                "(is there an MPTCP 'subflow' endpoint and a subflows limit >= 1?)\n", full.head.num_subflows);
        return 1;
    }
    measure("info.mptcp_full_info.2sf", op_full_info, &full, 500000);
    close(m.client);
    close(m.server);
    close(m.listener);
    return 0;
}

static void parse_peer(const char *arg) {
    char host[64];
    int port;
    if (sscanf(arg, "%63[0-9.]:%d", host, &port) != 2 || inet_pton(AF_INET, host, &peer.sin_addr) != 1) {
        fprintf(stderr, "reference: --peer wants IPV4:PORT, got '%s'\n", arg);
        exit(2);
    }
    peer.sin_family = AF_INET;
    peer.sin_port = htons((uint16_t)port);
}

/* Every measurement selected by --only/--name, in order; non-zero if one failed. */
static int run_selected(void) {
    measure("transition.getppid", op_getppid, NULL, 1000000);

    int protos[2] = {IPPROTO_TCP, IPPROTO_MPTCP};
    const char *pname[2] = {"tcp", "mptcp"};
    char name[64];
    for (int k = 0; k < 2 && (in_group("option") || in_group("keepalive")); k++) {
        int s = new_socket(protos[k]);
        snprintf(name, sizeof name, "option.set.keepidle.%s", pname[k]);
        measure(name, op_set_keepidle, &s, 1000000);
        snprintf(name, sizeof name, "option.get.keepidle.%s", pname[k]);
        measure(name, op_get_keepidle, &s, 1000000);
        snprintf(name, sizeof name, "keepalive.set.%s", pname[k]);
        measure(name, op_set_keepalive, &s, 250000);
        snprintf(name, sizeof name, "keepalive.get.%s", pname[k]);
        measure(name, op_get_keepalive, &s, 250000);
        close(s);
    }

    if (in_group("info") && info() != 0) return 1;

    pingpong("pingpong64.mptcp", IPPROTO_MPTCP, 20000);
    pingpong("pingpong64.tcp", IPPROTO_TCP, 20000);
    bulk("bulk.mptcp", IPPROTO_MPTCP); /* 1 s (0.2 s --quick) per round, or --count chunks */
    connection_setup("connect.mptcp", IPPROTO_MPTCP, 5000);
    connection_setup("connect.tcp", IPPROTO_TCP, 5000);
    return 0;
}

/*
 * --serve: one twin process for a whole JMH trial (CReference.java). Reads a measurement name per
 * line on stdin, runs it as "--name NAME" would and answers with its result line, then a line "."
 * (a name measuring nothing answers only "."). Spawning a process for every measured iteration made
 * the JVM allocate about 35 KB per iteration (400 KB the first time), which JMH's -prof gc counts
 * against the benchmark (every thread's allocation in the iteration): 3-50 B/op on the bulk rows.
 */
static int serve(void) {
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        exact = line;
        int r = strcmp(line, "info.mptcp_full_info.2sf") == 0 ? two_subflows() : run_selected();
        if (r != 0) return r;
        printf(".\n");
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    int two = 0, serving = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            scale = 10;
            rounds = 3;
        } else if (strcmp(argv[i], "--two-subflows") == 0) {
            two = 1;
        } else if (strcmp(argv[i], "--serve") == 0) {
            serving = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            exact = argv[++i];
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = atoi(argv[++i]);
            if (rounds < 1 || rounds > 32) { fprintf(stderr, "reference: --rounds 1..32\n"); return 2; }
        } else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = atol(argv[++i]);
        } else if (strcmp(argv[i], "--peer") == 0 && i + 1 < argc) {
            parse_peer(argv[++i]);
        } else if (strcmp(argv[i], "--sink") == 0 && i + 1 < argc) {
            serve_sink(atoi(argv[++i]));
        } else {
            fprintf(stderr, "usage: %s [--quick] [--rounds R] [--count N] [--only GROUP | --name NAME | --serve] [--peer IPV4:PORT]\n"
                    "       %s --two-subflows\n       %s --sink PORT\n"
                    "GROUP: transition option keepalive info pingpong64 bulk connect\n", argv[0], argv[0], argv[0]);
            return 2;
        }
    }
    if (serving) return serve();
    if (two || (exact && strcmp(exact, "info.mptcp_full_info.2sf") == 0)) return two_subflows();
    printf("# mptcpj C reference: <name> <value> <unit>, median of %d rounds\n", rounds);

    return run_selected();
}
