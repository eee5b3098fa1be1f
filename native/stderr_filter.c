/*
 * An in-process filter on file descriptor 2 that drops absl's log lines below TF_CPP_MIN_LOG_LEVEL
 * (org.matcomp.nativelib.StderrFilter).
 *
 * Why at the descriptor: TensorFlow 2.18 logs through two libraries. Its own logger honours TF_CPP_MIN_LOG_LEVEL
 * (process_env.c sets it). absl's does not, and libtensorflow_cc.so.2 carries a private, hidden copy of absl: the
 * absl::SetMinLogLevel / absl::log_internal::SetInitialized that libtensorflow_framework.so.2 exports govern the
 * framework's copy, not the one that prints "I0000 00:00:1796534536.459505 8407 mlir_graph_optimization_pass.cc:401]
 * MLIR V1 optimization pass is not enabled" and, before it, "WARNING: All log messages before absl::InitializeLog()
 * is called are written to STDERR". Nothing reaches that copy but its output, so the output is what we filter.
 *
 * How: install() points fd 2 at a pipe (the real stderr is dup()ed aside) and a thread copies the pipe to the real
 * stderr line by line. A line, for matching, starts at the beginning of the stream or after '\n' or '\r' (a progress
 * bar redraws with '\r', and a log line written during a redraw follows it), and is dropped through its '\n' when
 *  - it starts with absl's header `[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ <token>:\d+\] ` (token: no space, '\r' or
 *    '\n') and its severity I < W < E is below the level (1 drops I, 2 drops I and W, 3 and above also E; F
 *    never): the seconds take any number of digits, since before absl::InitializeLog() (never called on the copy
 *    that logs here) absl writes the date and time as zeros and seconds since the epoch ("I0000 00:00:1796534536.4"),
 *  - or it is exactly absl's meta line above and the level is at least 1.
 * Every other byte passes through unchanged and in order, as soon as it cannot begin a dropped line: bytes are held
 * only while the current line is still a prefix of one (at most MATCOMP_STDERR_FILTER_HOLD_MAX, then they pass).
 *
 * Output written to fd 2 must never be lost: uninstall() (a JVM shutdown hook, on every exit through System.exit or
 * a signal the JVM handles) puts the real stderr back and waits, bounded, until the thread has copied everything. A
 * SIGABRT handler does the same before the process dies, for TensorFlow's LOG(FATAL) / CHECK, which abort() right
 * after writing their "F..." line. A SIGKILL or Runtime.halt() can still lose what the thread has not copied yet.
 */
#define _GNU_SOURCE /* pipe2, F_DUPFD_CLOEXEC, pthread_timedjoin_np */
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "matcomp_native.h"

/* ---- the line filter: bytes in, bytes out, no I/O ---- */

#define HOLD_MAX MATCOMP_STDERR_FILTER_HOLD_MAX

static const char META_LINE[] =
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR";
#define META_LENGTH (sizeof META_LINE - 1)

_Static_assert(HOLD_MAX > META_LENGTH + 1, "the meta line must fit in the hold buffer");

enum Mode { DECIDING, PASSING, DROPPING };

/* Where absl's header matcher is: ABSL_DEAD once the line cannot be a droppable absl line. */
enum AbslState {
  ABSL_SEVERITY,             /* [IWEF] */
  ABSL_DATE,                 /* \d{4} then ' ' (positions counted in absl_count) */
  ABSL_TIME,                 /* \d\d:\d\d: */
  ABSL_SECONDS_FIRST,        /* \d */
  ABSL_SECONDS,              /* \d* then '.' */
  ABSL_FRACTION_FIRST,       /* \d */
  ABSL_FRACTION,             /* \d* then ' ' */
  ABSL_THREAD_OR_SPACE,      /* ' '* then \d */
  ABSL_THREAD,               /* \d* then ' ' */
  ABSL_TOKEN_FIRST,          /* one character of the token */
  ABSL_TOKEN,                /* token characters, until ' ' */
  ABSL_DEAD,
};

typedef void (*EmitFn)(void* ctx, const unsigned char* bytes, size_t n);

typedef struct LineFilter {
  int level;          /* 0..3: absl severities below it are dropped, and the meta line when >= 1 */
  enum Mode mode;
  unsigned char held[HOLD_MAX];
  size_t held_length;
  enum AbslState absl;
  int absl_count;     /* characters matched within ABSL_DATE / ABSL_TIME */
  size_t token_start; /* index in held of the token's first character */
  size_t meta_matched; /* characters of META_LINE matched; META_LENGTH + 1 never (the '\n' decides) */
  int meta_alive;
} LineFilter;

static int severity_of(unsigned char c) {
  switch (c) {
    case 'I': return 0;
    case 'W': return 1;
    case 'E': return 2;
    case 'F': return 3;
    default: return -1;
  }
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static void start_line(LineFilter* f) {
  f->mode = f->level >= 1 ? DECIDING : PASSING;
  f->held_length = 0;
  f->absl = ABSL_SEVERITY;
  f->absl_count = 0;
  f->meta_matched = 0;
  f->meta_alive = 1;
}

static void filter_init(LineFilter* f, int level) {
  f->level = level < 0 ? 0 : level > 3 ? 3 : level;
  start_line(f);
}

/* "<anything>:\d+]": the token absl writes as file:line]. */
static int is_file_and_line(const unsigned char* t, size_t n) {
  if (n < 4 || t[n - 1] != ']') return 0;
  size_t i = n - 1;
  while (i > 0 && is_digit(t[i - 1])) i--;
  return i < n - 1 && i >= 2 && t[i - 1] == ':';
}

/* Advances absl's matcher over c, the character just appended to held. Returns 1 when the header is complete. */
static int absl_step(LineFilter* f, unsigned char c) {
  switch (f->absl) {
    case ABSL_SEVERITY: {
      int s = severity_of(c);
      /* a severity that is kept makes the line one to pass, however it goes on */
      f->absl = s >= 0 && s < f->level ? ABSL_DATE : ABSL_DEAD; /* level <= 3: F is never below it */
      f->absl_count = 0;
      return 0;
    }
    case ABSL_DATE:
      if (f->absl_count < 4 ? is_digit(c) : c == ' ') {
        if (++f->absl_count == 5) {
          f->absl = ABSL_TIME;
          f->absl_count = 0;
        }
      } else {
        f->absl = ABSL_DEAD;
      }
      return 0;
    case ABSL_TIME: {
      static const char pattern[] = "dd:dd:";
      char want = pattern[f->absl_count];
      if (want == 'd' ? is_digit(c) : c == (unsigned char)want) {
        if (++f->absl_count == (int)sizeof pattern - 1) f->absl = ABSL_SECONDS_FIRST;
      } else {
        f->absl = ABSL_DEAD;
      }
      return 0;
    }
    case ABSL_SECONDS_FIRST:
      f->absl = is_digit(c) ? ABSL_SECONDS : ABSL_DEAD;
      return 0;
    case ABSL_SECONDS:
      f->absl = is_digit(c) ? ABSL_SECONDS : c == '.' ? ABSL_FRACTION_FIRST : ABSL_DEAD;
      return 0;
    case ABSL_FRACTION_FIRST:
      f->absl = is_digit(c) ? ABSL_FRACTION : ABSL_DEAD;
      return 0;
    case ABSL_FRACTION:
      f->absl = is_digit(c) ? ABSL_FRACTION : c == ' ' ? ABSL_THREAD_OR_SPACE : ABSL_DEAD;
      return 0;
    case ABSL_THREAD_OR_SPACE:
      f->absl = c == ' ' ? ABSL_THREAD_OR_SPACE : is_digit(c) ? ABSL_THREAD : ABSL_DEAD;
      return 0;
    case ABSL_THREAD:
      f->absl = is_digit(c) ? ABSL_THREAD : c == ' ' ? ABSL_TOKEN_FIRST : ABSL_DEAD;
      return 0;
    case ABSL_TOKEN_FIRST:
      if (c == ' ' || c == '\r' || c == '\n') {
        f->absl = ABSL_DEAD;
      } else {
        f->absl = ABSL_TOKEN;
        f->token_start = f->held_length - 1;
      }
      return 0;
    case ABSL_TOKEN:
      if (c == ' ') {
        size_t end = f->held_length - 1;
        if (is_file_and_line(f->held + f->token_start, end - f->token_start)) return 1;
        f->absl = ABSL_DEAD;
      } else if (c == '\r' || c == '\n') {
        f->absl = ABSL_DEAD;
      }
      return 0;
    case ABSL_DEAD:
      return 0;
  }
  return 0;
}

/* Feeds n bytes; emits every byte that is decided (passed), holds the rest (see the file comment). */
static void filter_feed(LineFilter* f, const unsigned char* in, size_t n, EmitFn emit, void* ctx) {
  size_t i = 0;
  while (i < n) {
    if (f->mode == PASSING || f->mode == DROPPING) {
      /* the line's fate is decided up to its end: '\n' for both, or '\r' when passing (a redraw may start a log
       * line); a dropped line is absl's own output and ends only at '\n' */
      size_t j = i;
      while (j < n && in[j] != '\n' && (f->mode == DROPPING || in[j] != '\r')) j++;
      size_t end = j < n ? j + 1 : n;
      if (f->mode == PASSING) emit(ctx, in + i, end - i);
      i = end;
      if (j < n) start_line(f);
      continue;
    }
    /* DECIDING: hold c, then see whether the line can still be dropped */
    unsigned char c = in[i++];
    f->held[f->held_length++] = c;
    if (c == '\n' || c == '\r') {
      int meta = c == '\n' && f->meta_alive && f->meta_matched == META_LENGTH;
      if (!meta) emit(ctx, f->held, f->held_length);
      start_line(f);
      continue;
    }
    if (f->meta_alive) {
      f->meta_alive = f->meta_matched < META_LENGTH && c == (unsigned char)META_LINE[f->meta_matched];
      if (f->meta_alive) f->meta_matched++;
    }
    if (absl_step(f, c)) {
      f->held_length = 0;
      f->mode = DROPPING;
    } else if ((f->absl == ABSL_DEAD && !f->meta_alive) || f->held_length == HOLD_MAX) {
      emit(ctx, f->held, f->held_length);
      f->held_length = 0;
      f->mode = PASSING;
    }
  }
}

/* End of the stream: a line still being decided never became a dropped line, so its bytes pass. */
static void filter_finish(LineFilter* f, EmitFn emit, void* ctx) {
  if (f->mode == DECIDING && f->held_length > 0) emit(ctx, f->held, f->held_length);
  start_line(f);
}

/* ---- the process-wide filter on fd 2 ---- */

#define READ_SIZE 16384
#define ABORT_WAIT_MS 1000

enum State { NEVER_INSTALLED, INSTALLED, UNINSTALLED };

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static enum State g_state = NEVER_INSTALLED; /* guarded by g_lock */
static int g_copier_joined;                  /* guarded by g_lock */
static atomic_int g_installed;               /* g_state == INSTALLED, for the signal handler */
static atomic_int g_copier_done;             /* the copier saw end of file and wrote everything */
static int g_real_stderr = -1;               /* the original fd 2, dup()ed aside */
static int g_pipe_read = -1;
static pthread_t g_copier;
static LineFilter g_filter;                  /* the copier's alone */
static struct sigaction g_previous_abort;

typedef struct OutBuffer {
  unsigned char bytes[READ_SIZE + HOLD_MAX];
  size_t length;
  int broken; /* the real stderr refused a write: keep draining the pipe, write nothing */
} OutBuffer;

static OutBuffer g_out; /* the copier's alone */

/* Writes everything to fd unless it fails for good; waits out a non-blocking descriptor's EAGAIN. */
static int write_all(int fd, const unsigned char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd pfd = {fd, POLLOUT, 0};
      poll(&pfd, 1, 100);
    } else {
      return -1;
    }
  }
  return 0;
}

static void out_flush(OutBuffer* out) {
  if (!out->broken && out->length > 0 && write_all(g_real_stderr, out->bytes, out->length) != 0) out->broken = 1;
  out->length = 0;
}

static void out_emit(void* ctx, const unsigned char* bytes, size_t n) {
  OutBuffer* out = ctx;
  while (n > 0) {
    if (out->length == sizeof out->bytes) out_flush(out);
    size_t k = sizeof out->bytes - out->length;
    if (k > n) k = n;
    memcpy(out->bytes + out->length, bytes, k);
    out->length += k;
    bytes += k;
    n -= k;
  }
}

static void* copy_pipe_to_stderr(void* unused) {
  static unsigned char in[READ_SIZE];
  for (;;) {
    ssize_t n = read(g_pipe_read, in, sizeof in);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* end of file: every write end is closed */
    filter_feed(&g_filter, in, (size_t)n, out_emit, &g_out);
    out_flush(&g_out); /* each read goes out at once: nothing waits for a newline that may never come */
  }
  filter_finish(&g_filter, out_emit, &g_out);
  out_flush(&g_out);
  atomic_store(&g_copier_done, 1);
  return NULL;
}

/* Puts the real stderr back on fd 2; the pipe's last write end closes with it, so the copier drains to EOF. */
static int restore_fd2(void) {
  int rc;
  do {
    rc = dup2(g_real_stderr, 2);
  } while (rc < 0 && errno == EINTR);
  return rc < 0 ? -1 : 0;
}

/* abort() (LOG(FATAL), CHECK, a JVM crash) ends the process without shutdown hooks: let the copier catch up first.
 * Only async-signal-safe calls; the previous handler (SIG_DFL unless someone set one) runs on the re-raise. */
static void on_abort(int sig) {
  int saved_errno = errno;
  if (atomic_exchange(&g_installed, 0)) {
    restore_fd2();
    struct timespec pause = {0, 1000000};
    for (int waited = 0; waited < ABORT_WAIT_MS && !atomic_load(&g_copier_done); waited++) nanosleep(&pause, NULL);
  }
  sigaction(SIGABRT, &g_previous_abort, NULL);
  errno = saved_errno;
  raise(sig); /* blocked while this handler runs: delivered, to the previous disposition, when it returns */
}

static void close_quietly(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* 1 if installed now or before, 0 if not (fd 2 untouched). */
static int install(int level) {
  pthread_mutex_lock(&g_lock);
  int result = 0;
  int fds[2] = {-1, -1};
  if (g_state != NEVER_INSTALLED) {
    result = g_state == INSTALLED;
    goto done;
  }
  if (pipe2(fds, O_CLOEXEC) != 0) goto done;
  g_real_stderr = fcntl(2, F_DUPFD_CLOEXEC, 3);
  if (g_real_stderr < 0) goto fail;
  g_pipe_read = fds[0];
  filter_init(&g_filter, level);
  g_out.length = 0;
  g_out.broken = 0;
  atomic_store(&g_copier_done, 0);

  /* The copier takes no signal: the JVM's handlers expect its own threads, and a signal must not cut a write. */
  pthread_attr_t attr;
  sigset_t all, previous;
  if (pthread_attr_init(&attr) != 0) goto fail;
  pthread_attr_setstacksize(&attr, 256 * 1024);
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  int created = pthread_create(&g_copier, &attr, copy_pipe_to_stderr, NULL);
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  pthread_attr_destroy(&attr);
  if (created != 0) goto fail;

  int rc;
  do {
    rc = dup2(fds[1], 2);
  } while (rc < 0 && errno == EINTR);
  close_quietly(&fds[1]); /* from here on fd 2 is the pipe's only write end */
  if (rc < 0) {
    pthread_join(g_copier, NULL); /* no write end left: the copier sees EOF at once */
    goto fail;
  }

  struct sigaction on;
  memset(&on, 0, sizeof on);
  on.sa_handler = on_abort;
  sigemptyset(&on.sa_mask);
  on.sa_flags = SA_RESTART;
  sigaction(SIGABRT, &on, &g_previous_abort);
  g_state = INSTALLED;
  atomic_store(&g_installed, 1);
  result = 1;
  goto done;

fail:
  close_quietly(&fds[0]);
  close_quietly(&fds[1]);
  close_quietly(&g_real_stderr);
  g_pipe_read = -1;
done:
  pthread_mutex_unlock(&g_lock);
  return result;
}

/* 1 if fd 2 is the real stderr again and the copier wrote everything (or the filter was never installed), 0 if the
 * copier is still running after timeout_ms (some other process holds a copy of the pipe's write end). */
static int uninstall(int timeout_ms) {
  pthread_mutex_lock(&g_lock);
  if (g_state == INSTALLED) {
    g_state = UNINSTALLED;
    if (atomic_exchange(&g_installed, 0)) {
      sigaction(SIGABRT, &g_previous_abort, NULL);
      restore_fd2();
    } /* else the abort handler runs, or ran, and restores it */
  }
  int result = 1;
  if (g_state == UNINSTALLED && !g_copier_joined) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
    int rc;
    do {
      rc = pthread_timedjoin_np(g_copier, NULL, &deadline);
    } while (rc == EINTR);
    if (rc == 0) {
      g_copier_joined = 1;
      close_quietly(&g_pipe_read);
      close_quietly(&g_real_stderr);
    } else {
      result = 0; /* the copier still owns both descriptors; a later call waits again */
    }
  }
  pthread_mutex_unlock(&g_lock);
  return result;
}

/* ---- JNI: org.matcomp.nativelib.StderrFilter ---- */

/* static native boolean nInstall(int level) */
JNIEXPORT jboolean JNICALL Java_org_matcomp_nativelib_StderrFilter_nInstall(JNIEnv* env, jclass cls, jint level) {
  return install(level) ? JNI_TRUE : JNI_FALSE;
}

/* static native boolean nUninstall(int timeoutMillis) */
JNIEXPORT jboolean JNICALL Java_org_matcomp_nativelib_StderrFilter_nUninstall(JNIEnv* env, jclass cls,
                                                                             jint timeout_ms) {
  return uninstall(timeout_ms < 0 ? 0 : timeout_ms) ? JNI_TRUE : JNI_FALSE;
}

typedef struct GrowBuffer {
  unsigned char* bytes;
  size_t length, capacity;
  int failed;
} GrowBuffer;

static void grow_emit(void* ctx, const unsigned char* bytes, size_t n) {
  GrowBuffer* b = ctx;
  if (b->failed) return;
  if (b->length + n > b->capacity) {
    size_t capacity = b->capacity * 2 > b->length + n ? b->capacity * 2 : b->length + n;
    unsigned char* grown = realloc(b->bytes, capacity);
    if (grown == NULL) {
      b->failed = 1;
      return;
    }
    b->bytes = grown;
    b->capacity = capacity;
  }
  memcpy(b->bytes + b->length, bytes, n);
  b->length += n;
}

/* Stores b's bytes as result[index] and empties b; 0 with an exception pending on failure. */
static int store_output(JNIEnv* env, jobjectArray result, jsize index, GrowBuffer* b) {
  if (b->failed || b->length > 0x7fffffff) {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (oom != NULL) (*env)->ThrowNew(env, oom, "nFilter: cannot hold the filter's output");
    return 0;
  }
  jbyteArray out = (*env)->NewByteArray(env, (jsize)b->length);
  if (out == NULL) return 0;
  (*env)->SetByteArrayRegion(env, out, 0, (jsize)b->length, (const jbyte*)b->bytes);
  if ((*env)->ExceptionCheck(env)) return 0;
  (*env)->SetObjectArrayElement(env, result, index, out);
  if ((*env)->ExceptionCheck(env)) return 0;
  (*env)->DeleteLocalRef(env, out);
  b->length = 0;
  return 1;
}

/* static native byte[][] nFilter(byte[][] chunks, int level): the line filter above, run over chunks as if each were
 * one read from the pipe. Element i of the result is what it emitted after chunk i; the last, what it emitted at
 * end of stream. For tests: the installed filter runs the same code over what arrives on fd 2. */
JNIEXPORT jobjectArray JNICALL Java_org_matcomp_nativelib_StderrFilter_nFilter(JNIEnv* env, jclass cls,
                                                                              jobjectArray chunks, jint level) {
  if (chunks == NULL) {
    jclass npe = (*env)->FindClass(env, "java/lang/NullPointerException");
    if (npe != NULL) (*env)->ThrowNew(env, npe, "nFilter: chunks is null");
    return NULL;
  }
  jsize count = (*env)->GetArrayLength(env, chunks);
  jclass byte_array = (*env)->FindClass(env, "[B");
  if (byte_array == NULL) return NULL;
  jobjectArray result = (*env)->NewObjectArray(env, count + 1, byte_array, NULL);
  (*env)->DeleteLocalRef(env, byte_array);
  if (result == NULL) return NULL;

  LineFilter* f = malloc(sizeof *f);
  GrowBuffer out = {NULL, 0, 0, 0};
  unsigned char* in = NULL;
  if (f == NULL) goto no_memory;
  filter_init(f, level);
  for (jsize i = 0; i < count; i++) {
    jbyteArray chunk = (jbyteArray)(*env)->GetObjectArrayElement(env, chunks, i);
    if ((*env)->ExceptionCheck(env)) goto fail;
    if (chunk == NULL) {
      jclass npe = (*env)->FindClass(env, "java/lang/NullPointerException");
      if (npe != NULL) (*env)->ThrowNew(env, npe, "nFilter: a chunk is null");
      goto fail;
    }
    jsize n = (*env)->GetArrayLength(env, chunk);
    in = malloc(n > 0 ? (size_t)n : 1);
    if (in == NULL) {
      (*env)->DeleteLocalRef(env, chunk);
      goto no_memory;
    }
    (*env)->GetByteArrayRegion(env, chunk, 0, n, (jbyte*)in);
    (*env)->DeleteLocalRef(env, chunk);
    if ((*env)->ExceptionCheck(env)) goto fail;
    filter_feed(f, in, (size_t)n, grow_emit, &out);
    free(in);
    in = NULL;
    if (!store_output(env, result, i, &out)) goto fail;
  }
  filter_finish(f, grow_emit, &out);
  if (!store_output(env, result, count, &out)) goto fail;
  free(out.bytes);
  free(f);
  return result;

no_memory: {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (oom != NULL) (*env)->ThrowNew(env, oom, "nFilter: out of native memory");
  }
fail:
  free(in);
  free(out.bytes);
  free(f);
  return NULL;
}
