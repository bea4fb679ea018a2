/*
 * Minimal pod sandbox ("pause") process for Code Runner's local cluster.
 *
 * It holds the pod's namespaces open and, as PID 1 of a shared PID namespace,
 * reaps orphaned children. It blocks until SIGINT or SIGTERM and then exits 0.
 * Built with `gcc -Os -static`; uses only async-signal-safe calls in handlers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void on_child(int sig) {
  int saved = errno;
  (void)sig;
  /* Reap every child that has exited; never block. */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int install(int sig, void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = (sig == SIGCHLD) ? (SA_NOCLDSTOP | SA_RESTART) : SA_RESTART;
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    printf("code-runner pause 3.10\n");
    return 0;
  }
  if (getpid() != 1) {
    /* Still works outside a container, but say so (upstream pause does the same). */
    fprintf(stderr, "pause: warning: not running as PID 1\n");
  }
  if (install(SIGINT, on_stop) < 0 || install(SIGTERM, on_stop) < 0 ||
      install(SIGCHLD, on_child) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  /* Block the signals, then wait with them unblocked only inside sigsuspend:
   * a SIGTERM arriving between the check and the wait cannot be lost. */
  sigset_t blocked, waitmask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &blocked, &waitmask) < 0) {
    perror("pause: sigprocmask");
    return 1;
  }
  sigdelset(&waitmask, SIGINT);
  sigdelset(&waitmask, SIGTERM);
  sigdelset(&waitmask, SIGCHLD);
  while (!stop_requested) {
    sigsuspend(&waitmask); /* returns after a handled signal */
  }
  return 0;
}
