/* src/core/file.c: atomic writes, and the removal of what killed writers left behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
    if (check_scratch_make(dir, sizeof dir, "file-test") != 0)
        return 1;
    test_write_and_sweep();
    test_write_fails_cleanly();
    check_scratch_remove(dir);
    return check_finish("test_file");
}
