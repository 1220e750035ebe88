/*
 * Disk-fault injection for tests, loaded into a server process with LD_PRELOAD.
 *
 * It wraps the libc calls that SQLite uses to write and flush files. better-sqlite3 12 links
 * SQLite into its .node file, and `nm -D` on that file lists fsync, write and pwrite64 as symbols
 * imported from glibc, so LD_PRELOAD can replace them. While the file named by
 * SEVEN_TICK_FAULT_TRIGGER exists, a call on a file descriptor whose path contains
 * SEVEN_TICK_FAULT_PATH fails with -1 and errno set. A value ending in '$' must match the end of
 * the path instead, so "seven-tick.db$" selects the database file but not its -wal and -shm.
 * Without the trigger file every call goes straight to libc, so a test switches faults on and
 * off while the process runs.
 *
 * The trigger file's content selects the fault; words may appear in any order:
 *   fsync   fail fsync and fdatasync (the default when neither fsync nor write is given)
 *   write   fail write, pwrite and pwrite64
 *   enospc  set errno to ENOSPC instead of the default EIO
 *
 * Every injected failure appends one line ("fsync EIO /path") to SEVEN_TICK_FAULT_LOG when that
 * variable is set, so a test can check that the wrapped symbol really was called.
 *
 * Linux only: the descriptor's path comes from /proc/self/fd.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum fault_kind { FAULT_FSYNC, FAULT_WRITE };

/* True when path contains pattern, or ends with it when pattern ends with '$'. */
static int path_matches(const char *path, const char *pattern) {
  size_t pattern_length = strlen(pattern);
  if (pattern_length == 0 || pattern[pattern_length - 1] != '$') {
    return strstr(path, pattern) != NULL;
  }
  size_t suffix_length = pattern_length - 1;
  size_t path_length = strlen(path);
  return path_length >= suffix_length &&
         strncmp(path + path_length - suffix_length, pattern, suffix_length) == 0;
}

/* Returns the errno to inject for a call of this kind on fd, or 0 to let the call through. */
static int injected_errno(enum fault_kind kind, int fd, const char *call) {
  const char *trigger = getenv("SEVEN_TICK_FAULT_TRIGGER");
  const char *path_pattern = getenv("SEVEN_TICK_FAULT_PATH");
  if (trigger == NULL || path_pattern == NULL) return 0;

  /* Raw syscalls from here on, so a wrapped call never re-enters these wrappers. */
  int saved_errno = errno;
  char content[256] = {0};
  int trigger_fd = (int)syscall(SYS_openat, AT_FDCWD, trigger, O_RDONLY | O_CLOEXEC);
  if (trigger_fd < 0) {
    errno = saved_errno;
    return 0;
  }
  ssize_t length = syscall(SYS_read, trigger_fd, content, sizeof content - 1);
  syscall(SYS_close, trigger_fd);
  if (length < 0) length = 0;
  content[length] = '\0';

  char link[64];
  char target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t target_length = syscall(SYS_readlinkat, AT_FDCWD, link, target, sizeof target - 1);
  errno = saved_errno;
  if (target_length < 0) return 0;
  target[target_length] = '\0';
  if (!path_matches(target, path_pattern)) return 0;

  int fails_fsync = strstr(content, "fsync") != NULL;
  int fails_write = strstr(content, "write") != NULL;
  if (!fails_fsync && !fails_write) fails_fsync = 1;
  if (kind == FAULT_FSYNC && !fails_fsync) return 0;
  if (kind == FAULT_WRITE && !fails_write) return 0;
  int error = strstr(content, "enospc") != NULL ? ENOSPC : EIO;

  const char *log = getenv("SEVEN_TICK_FAULT_LOG");
  if (log != NULL) {
    char line[4200];
    int line_length = snprintf(line, sizeof line, "%s %s %s\n", call,
                               error == ENOSPC ? "ENOSPC" : "EIO", target);
    int log_fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                              0600);
    if (log_fd >= 0) {
      if (line_length > (int)sizeof line - 1) line_length = (int)sizeof line - 1;
      syscall(SYS_write, log_fd, line, (size_t)line_length);
      syscall(SYS_close, log_fd);
    }
    errno = saved_errno;
  }
  return error;
}

typedef int (*sync_fn)(int);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);

/* Looks up the next definition of a symbol (libc's), once per symbol. */
#define REAL(name, type)                                                                           \
  static type real_##name = NULL;                                                                  \
  if (real_##name == NULL) real_##name = (type)dlsym(RTLD_NEXT, #name)

int fsync(int fd) {
  REAL(fsync, sync_fn);
  int error = injected_errno(FAULT_FSYNC, fd, "fsync");
  if (error != 0) {
    errno = error;
    return -1;
  }
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync, sync_fn);
  int error = injected_errno(FAULT_FSYNC, fd, "fdatasync");
  if (error != 0) {
    errno = error;
    return -1;
  }
  return real_fdatasync(fd);
}

ssize_t write(int fd, const void *buffer, size_t count) {
  REAL(write, write_fn);
  int error = injected_errno(FAULT_WRITE, fd, "write");
  if (error != 0) {
    errno = error;
    return -1;
  }
  return real_write(fd, buffer, count);
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
  REAL(pwrite, pwrite_fn);
  int error = injected_errno(FAULT_WRITE, fd, "pwrite");
  if (error != 0) {
    errno = error;
    return -1;
  }
  return real_pwrite(fd, buffer, count, offset);
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off64_t offset) {
  REAL(pwrite64, pwrite64_fn);
  int error = injected_errno(FAULT_WRITE, fd, "pwrite64");
  if (error != 0) {
    errno = error;
    return -1;
  }
  return real_pwrite64(fd, buffer, count, offset);
}
