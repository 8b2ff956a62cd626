/* src/core/file.c and cleanup.c: atomic writes, writes in place to devices and FIFOs, the
 * same-file test, the removal of what killed writers left behind, and of what a signal
 * interrupted. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/common.h"

static char dir[256];

static int exists(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

static void touch(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
}

/* A PID that was a process of ours and is no more. */
static long dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st;
    waitpid(pid, &st, 0);
    return (long)pid;
}

static void test_write_and_sweep(void)
{
    char path[512], name[128];
    snprintf(path, sizeof path, "%s/model.srnn", dir);
    srnn_error err = {0};
    CHECK(srnn_file_write_atomic(path, "old", 3, &err) == 0);

    long dead = dead_pid(), live = (long)getppid();
    snprintf(name, sizeof name, "model.srnn.tmp.%ld", dead);
    touch(name); /* a writer killed mid-save */
    char live_name[128], other[128];
    snprintf(live_name, sizeof live_name, "model.srnn.tmp.%ld", live);
    touch(live_name); /* a writer still at work */
    snprintf(other, sizeof other, "other.srnn.tmp.%ld", dead);
    touch(other);     /* another file's */
    touch("model.srnn.tmp.12ab");
    touch("model.srnn.tmp.");

    CHECK(srnn_file_write_atomic(path, "new!", 4, &err) == 0);
    unsigned char *data = NULL;
    size_t size = 0;
    CHECK(srnn_file_read_all(path, &data, &size, &err) == 0);
    CHECK(size == 4 && data && memcmp(data, "new!", 4) == 0);
    free(data);
    CHECK(!exists(name));
    CHECK(exists(live_name));
    CHECK(exists(other));
    CHECK(exists("model.srnn.tmp.12ab"));
    CHECK(exists("model.srnn.tmp."));
    /* our own temporary file is gone after the rename */
    snprintf(name, sizeof name, "model.srnn.tmp.%ld", (long)getpid());
    CHECK(!exists(name));
}

static void test_write_fails_cleanly(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/folder/x.mid", dir);
    srnn_error err = {0};
    CHECK(srnn_file_write_atomic(path, "x", 1, &err) == SRNN_EIO);
    CHECK(strstr(err.msg, "cannot write") != NULL);
    /* a folder under the name: the write fails and leaves no temporary file */
    snprintf(path, sizeof path, "%s/taken", dir);
    CHECK(mkdir(path, 0700) == 0);
    CHECK(srnn_file_write_atomic(path, "x", 1, &err) == SRNN_EIO);
    char name[128];
    snprintf(name, sizeof name, "taken.tmp.%ld", (long)getpid());
    CHECK(!exists(name));
}

static void path_of(char *p, size_t cap, const char *name)
{
    snprintf(p, cap, "%s/%s", dir, name);
}

static void test_same(void)
{
    char a[512], b[512], link[512], dotted[512], none[512];
    path_of(a, sizeof a, "same-a");
    path_of(b, sizeof b, "same-b");
    path_of(link, sizeof link, "same-link");
    snprintf(dotted, sizeof dotted, "%s/./same-a", dir);
    path_of(none, sizeof none, "same-none");
    touch("same-a");
    touch("same-b");
    CHECK(symlink(a, link) == 0);
    CHECK(srnn_file_same(a, a));
    CHECK(srnn_file_same(a, link));
    CHECK(srnn_file_same(link, dotted));
    CHECK(!srnn_file_same(a, b));
    CHECK(!srnn_file_same(none, none)); /* a path that does not exist is the same as nothing */
    CHECK(!srnn_file_same(a, none));
    CHECK(!srnn_file_same(NULL, a));
}

/* A symbolic link to a file stays a link; the file it points to gets the new content. */
static void test_symlink_kept(void)
{
    char target[512], link[512];
    path_of(target, sizeof target, "real.mid");
    path_of(link, sizeof link, "link.mid");
    srnn_error err = {0};
    CHECK(srnn_file_write_atomic(target, "old", 3, &err) == 0);
    CHECK(symlink("real.mid", link) == 0);
    CHECK(srnn_file_write_atomic(link, "new", 3, &err) == 0);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    unsigned char *data = NULL;
    size_t size = 0;
    CHECK(srnn_file_read_all(target, &data, &size, &err) == 0);
    CHECK(size == 3 && data && memcmp(data, "new", 3) == 0);
    free(data);
    /* and the permissions of the file replaced are kept */
    CHECK(chmod(target, 0600) == 0);
    CHECK(srnn_file_write_atomic(target, "again", 5, &err) == 0);
    CHECK(stat(target, &st) == 0 && (st.st_mode & 0777) == 0600);
}

/* A FIFO is written in place: a reader gets the bytes, and the FIFO is still a FIFO. */
static void test_fifo_in_place(void)
{
    char fifo[512];
    path_of(fifo, sizeof fifo, "out.fifo");
    CHECK(mkfifo(fifo, 0600) == 0);
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid_t pid = fork();
    if (pid == 0) { /* the reader: what it got goes back through the pipe */
        close(pipefd[0]);
        int fd = open(fifo, O_RDONLY);
        char buf[64];
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
        if (n > 0 && write(pipefd[1], buf, (size_t)n) != n)
            _exit(2);
        _exit(n > 0 ? 0 : 1);
    }
    close(pipefd[1]);
    srnn_error err = {0};
    CHECK(srnn_file_write_atomic(fifo, "through", 7, &err) == 0);
    char got[64] = {0};
    ssize_t n = read(pipefd[0], got, sizeof got - 1);
    close(pipefd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(n == 7 && memcmp(got, "through", 7) == 0);
    struct stat sb;
    CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode));
    char name[128];
    snprintf(name, sizeof name, "out.fifo.tmp.%ld", (long)getpid());
    CHECK(!exists(name));
}

/* A character device (a copy of /dev/null made with mknod: root only) is written in place and
 * stays a device; /dev/full says why it cannot be written. */
static void test_device_in_place(void)
{
    srnn_error err = {0};
    struct stat full;
    if (stat("/dev/full", &full) == 0 && S_ISCHR(full.st_mode)) {
        CHECK(srnn_file_write_atomic("/dev/full", "x", 1, &err) == SRNN_EIO);
        CHECK_MSG(strstr(err.msg, "No space left") != NULL, "%s", err.msg);
    }
    if (geteuid() != 0)
        return;
    char node[512];
    path_of(node, sizeof node, "null");
    CHECK(mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0);
    CHECK(srnn_file_write_atomic(node, "gone", 4, &err) == 0);
    struct stat st;
    CHECK(stat(node, &st) == 0 && S_ISCHR(st.st_mode));
    srnn_output o;
    CHECK(srnn_output_open(&o, node, 0, &err) == 0);
    CHECK(srnn_output_in_place(&o) && strcmp(srnn_output_name(&o), node) == 0);
    FILE *f = srnn_output_stream(&o, &err);
    CHECK(f && fputs("stream", f) >= 0);
    CHECK(srnn_output_commit(&o, &err) == 0);
    CHECK(stat(node, &st) == 0 && S_ISCHR(st.st_mode));
}

/* A signal while a temporary file is registered removes it, and still ends the process with
 * that signal. */
static void test_signal_cleanup(void)
{
    char path[512];
    path_of(path, sizeof path, "sig.wav");
    pid_t pid = fork();
    if (pid == 0) {
        srnn_tmp_cleanup_on_signals();
        srnn_output o;
        srnn_error err = {0};
        if (srnn_output_open(&o, path, 0, &err) != 0)
            _exit(3);
        raise(SIGTERM);
        _exit(4); /* not reached */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %d", st);
    char name[128];
    snprintf(name, sizeof name, "sig.wav.tmp.%ld", (long)pid);
    CHECK(!exists(name));
    CHECK(!exists("sig.wav"));

    /* An ignored signal stays ignored (nohup); an unregistered slot is not removed. */
    pid = fork();
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        srnn_tmp_cleanup_on_signals();
        raise(SIGHUP);
        touch("kept.tmp");
        int slot = srnn_tmp_register(path);
        srnn_tmp_unregister(slot);
        char kept[512];
        path_of(kept, sizeof kept, "kept.tmp");
        int s2 = srnn_tmp_register(kept);
        srnn_tmp_unregister(s2);
        srnn_tmp_remove_all();
        _exit(exists("kept.tmp") ? 0 : 5);
    }
    waitpid(pid, &st, 0);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}

int main(void)
{
    if (check_scratch_make(dir, sizeof dir, "file-test") != 0)
        return 1;
    test_write_and_sweep();
    test_write_fails_cleanly();
    test_same();
    test_symlink_kept();
    test_fifo_in_place();
    test_device_in_place();
    test_signal_cleanup();
    check_scratch_remove(dir);
    return check_finish("test_file");
}
