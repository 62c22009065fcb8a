#define _GNU_SOURCE
#include "fleet_system.h"

int fleet_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

int fleet_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int fleet_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

#include <fcntl.h>
#include <unistd.h>

int fleet_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

#include <sys/syscall.h>
#include <unistd.h>
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int fleet_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

#include <malloc.h>

void fleet_malloc_limit_arenas(void) { mallopt(M_ARENA_MAX, 1); }

#include <string.h>

/// `fleet daemon` is a long-running process: glibc gives each thread that allocates an arena of
/// its own (up to 8 per core), and each arena keeps what the work on that thread freed. The
/// limit must be set before any thread allocates (the command itself runs on a thread of Swift's
/// pool), so it is set here, when the program is loaded: one arena for the daemon's few threads
/// (measured at 200 bots: 0.9 MiB less resident heap than with two, each arena's holes being
/// filled by the other threads' allocations too; Benchmarks/README.md).
__attribute__((constructor)) static void fleet_daemon_arenas_at_load(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc > 1 && argv[1] != 0 && strcmp(argv[1], "daemon") == 0) mallopt(M_ARENA_MAX, 1);
}

void fleet_malloc_trim(void) { malloc_trim(0); }

void fleet_malloc_top_pad(int bytes) { mallopt(M_TOP_PAD, bytes); }

#include <pthread.h>
#include <string.h>

void fleet_set_thread_name(const char *name) {
    char short_name[16];
    strncpy(short_name, name, sizeof short_name - 1);
    short_name[sizeof short_name - 1] = '\0';
    pthread_setname_np(pthread_self(), short_name);
}

int fleet_affinity_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}

#include <link.h>
#include <sys/mman.h>

/// Whether a loaded object's code was written to at load (text relocations): its read-only
/// pages are then private copies, and dropping them would lose the relocations.
static int has_text_relocations(const struct dl_phdr_info *info) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_DYNAMIC) continue;
        for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr); d->d_tag != DT_NULL; d++) {
            if (d->d_tag == DT_TEXTREL) return 1;
            if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)) return 1;
        }
    }
    return 0;
}

/// The shared libraries whose read-only pages are released: the C libraries fleet links for git,
/// YAML and crypto and what they pull in, and the C++ runtime. The program itself too (an empty
/// name). Left alone: the C library, the dynamic loader, the vDSO, and the Swift runtime and
/// Foundation of a dynamically linked build (the test process runs the daemon in-process): a
/// library that ever writes to its own read-only pages (mprotect) would lose what it wrote, and
/// these few are the ones measured (Benchmarks/README.md, the daemon at 200 bots).
static int is_released_object(const char *name) {
    if (name == NULL || name[0] == '\0') return 1;  // the program
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    static const char *const prefixes[] = {
        "libcrypto.", "libssl.", "libgit2.", "libmbed", "libssh2.", "libgssapi", "libkrb5", "libk5crypto.",
        "libcom_err.", "libz.", "libhttp_parser.", "libllhttp.", "libpcre", "libyaml", "libstdc++.", "libgcc_s.",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (strncmp(base, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    }
    return 0;
}

static int release_read_only_segments(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    long *released = data;
    long page = sysconf(_SC_PAGESIZE);
    if (!is_released_object(info->dlpi_name)) return 0;
    if (has_text_relocations(info)) return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        // Only segments that are never written: not PF_W (a RELRO range lies inside a writable
        // PT_LOAD, so it is never touched here).
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W)) continue;
        // Whole pages inside the segment only: a page it shares with a writable neighbour stays.
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
        uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(uintptr_t)(page - 1);
        if (end > start && madvise((void *)start, end - start, MADV_DONTNEED) == 0) *released += (long)(end - start);
    }
    return 0;  // the next loaded object
}

long fleet_release_code_pages(void) {
    long released = 0;
    dl_iterate_phdr(release_read_only_segments, &released);
    return released;
}

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void fleet_cloexec_from(int from) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned int)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) return;
    int own = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9' || fd < from || fd == own) continue;
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
    closedir(dir);
}
