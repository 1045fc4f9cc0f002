#ifndef BK_PROCESS_SHIM_H
#define BK_PROCESS_SHIM_H

#include <sys/types.h>

/// Starts `path` (argv, envp: NULL-terminated) as a child process that the kernel sends
/// `death_signal` (SIGKILL, or SIGTERM for a child that must save state on the way out) when this
/// process dies, however it dies (Linux PR_SET_PDEATHSIG; elsewhere an ordinary child).
///
/// The fork happens on one dedicated thread that lives as long as the process: the death signal
/// follows the *thread* that forked, so a child forked from a pool thread would be killed when
/// that thread retires. The child gets an empty signal mask and default dispositions, `fd_in`,
/// `fd_out`, `fd_err` as 0, 1, 2 (-1: /dev/null), no other descriptor, and `cwd` (NULL: ours).
///
/// Returns the child's pid, or -1 with errno set (also when execve fails: no child is left).
pid_t bk_spawn_bound(const char *path, char *const argv[], char *const envp[], const char *cwd,
                     int fd_in, int fd_out, int fd_err, int death_signal);

/// pipe2(O_CLOEXEC), which Swift's Glibc module does not export: a pipe no other child inherits.
int bk_pipe_cloexec(int fds[2]);

#endif
