// Fork + exec on a long-lived thread, with the parent-death signal set in the child.
// Between fork and exec the child only makes async-signal-safe calls: the parent is multithreaded.
#define _GNU_SOURCE
#include "process_shim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

struct spawn_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int fds[3];
    int death_signal;
    pid_t pid;
    int error;
    int done;
};

static pthread_once_t spawner_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct spawn_request *pending;  // guarded by lock; one request at a time
static int spawner_failed;

/// Closes first...last; `limit` (the descriptor table's size, read before fork) bounds the
/// fallback loop for kernels without close_range (before 5.9).
static void close_from(int first, int last, long limit) {
    if (first > last) return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, (unsigned)last, 0) == 0) return;
#endif
    for (long fd = first; fd <= last && fd < limit; fd++) close((int)fd);
}

static void child_exec(struct spawn_request *r, pid_t parent, int report_fd, long fd_limit) {
    int error = 0;
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, r->death_signal) != 0) { error = errno; goto fail; }
    // The parent may have died between fork and prctl: then nobody would ever signal us.
    if (getppid() != parent) _exit(127);
#else
    (void)parent;
#endif
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction standard;
    memset(&standard, 0, sizeof standard);
    standard.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &standard, NULL);  // fails harmlessly for KILL/STOP

    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = r->fds[i];
        if (fds[i] < 0) {
            fds[i] = open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY);
            if (fds[i] < 0) { error = errno; goto fail; }
        }
    }
    // Move every source out of 0..2 first, so one dup2 cannot clobber another's source.
    for (int i = 0; i < 3; i++) {
        if (fds[i] <= 2 && fds[i] != i) {
            int moved = fcntl(fds[i], F_DUPFD, 3);
            if (moved < 0) { error = errno; goto fail; }
            fds[i] = moved;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] != i && dup2(fds[i], i) < 0) { error = errno; goto fail; }
    }
    close_from(3, report_fd - 1, fd_limit);
    close_from(report_fd + 1, INT32_MAX, fd_limit);
    if (r->cwd && chdir(r->cwd) != 0) { error = errno; goto fail; }
    execve(r->path, r->argv, r->envp);
    error = errno;
fail:
    while (write(report_fd, &error, sizeof error) < 0 && errno == EINTR) {}
    _exit(127);
}

static void run_request(struct spawn_request *r) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) { r->pid = -1; r->error = errno; return; }
    pid_t parent = getpid();
    long fd_limit = sysconf(_SC_OPEN_MAX);
    if (fd_limit < 0 || fd_limit > 1 << 20) fd_limit = 1 << 20;
    pid_t pid = fork();
    if (pid == 0) child_exec(r, parent, report[1], fd_limit);
    close(report[1]);
    if (pid < 0) { r->pid = -1; r->error = errno; close(report[0]); return; }
    int child_error = 0;
    ssize_t got;
    do { got = read(report[0], &child_error, sizeof child_error); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof child_error) {  // exec failed: collect the child, report why
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        r->pid = -1;
        r->error = child_error;
        return;
    }
    r->pid = pid;  // the pipe closed on exec: the program runs
    r->error = 0;
}

static void *spawner_main(void *unused) {
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {  // never returns: its exit would kill every child it started
        while (pending == NULL || pending->done) pthread_cond_wait(&changed, &lock);
        struct spawn_request *r = pending;
        pthread_mutex_unlock(&lock);
        run_request(r);
        pthread_mutex_lock(&lock);
        r->done = 1;
        pthread_cond_broadcast(&changed);
    }
    return NULL;
}

static void start_spawner(void) {
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    // The spawner blocks every signal: they are for the process's own handlers, not this thread.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_t thread;
    spawner_failed = pthread_create(&thread, &attributes, spawner_main, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
}

pid_t bk_spawn_bound(const char *path, char *const argv[], char *const envp[], const char *cwd,
                     int fd_in, int fd_out, int fd_err, int death_signal) {
    pthread_once(&spawner_once, start_spawner);
    if (spawner_failed) { errno = spawner_failed; return -1; }
    struct spawn_request request = {
        .path = path, .argv = argv, .envp = envp, .cwd = cwd,
        .fds = {fd_in, fd_out, fd_err}, .death_signal = death_signal, .pid = -1, .error = 0, .done = 0,
    };
    pthread_mutex_lock(&lock);
    while (pending != NULL && !pending->done) pthread_cond_wait(&changed, &lock);
    pending = &request;
    pthread_cond_broadcast(&changed);
    while (!request.done) pthread_cond_wait(&changed, &lock);
    if (pending == &request) pending = NULL;  // a waiting caller may already have taken the slot
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    if (request.pid < 0) errno = request.error;
    return request.pid;
}

int bk_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
