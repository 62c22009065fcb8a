#ifndef FLEET_SYSTEM_H
#define FLEET_SYSTEM_H
#include <spawn.h>

/// glibc's POSIX_SPAWN_SETSID (hidden behind _GNU_SOURCE in the headers Swift imports).
int fleet_spawn_setsid_flag(void);

/// posix_spawn_file_actions_addclosefrom_np: close every descriptor >= from in the child.
int fleet_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int fleet_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// pipe2(fds, O_CLOEXEC): a pipe no other child started meanwhile inherits.
int fleet_pipe_cloexec(int fds[2]);


#include <sys/types.h>

/// pidfd_open(2): a descriptor that becomes readable when `pid` exits; -1 with errno on failure.
int fleet_pidfd_open(pid_t pid);

/// A long-running process: one malloc arena for all threads (less memory held in each arena's holes).
void fleet_malloc_limit_arenas(void);

/// malloc_trim(0): hand freed heap memory back to the kernel.
void fleet_malloc_trim(void);

/// mallopt(M_TOP_PAD, bytes): heaps grow (and are trimmed) `bytes` beyond what is asked at a time.
void fleet_malloc_top_pad(int bytes);

/// Marks every descriptor >= from close-on-exec (close_range with CLOSE_RANGE_CLOEXEC, else one
/// fcntl per open descriptor): a program about to exec a long-running server passes on none of
/// the pipes and sockets it inherited.
void fleet_cloexec_from(int from);

/// Names the calling thread (first 15 bytes), as `ps -L` and `top -H` show it.
void fleet_set_thread_name(const char *name);

/// CPUs this process may run on (sched_getaffinity), or 0 when unknown.
int fleet_affinity_cpus(void);

/// Unmaps the pages of the read-only, file-backed segments (code and constant data; never a
/// writable or relocated one) of the program and of the C libraries it links for git, YAML and
/// crypto and the C++ runtime (libcrypto, libgit2 and its dependencies, libyaml, libstdc++) with
/// madvise(MADV_DONTNEED): they stay in the page cache, and the next use maps them again. The C
/// library, the loader, the vDSO, the Swift runtime and objects with text relocations are left
/// alone. Returns the bytes covered.
long fleet_release_code_pages(void);

#endif
