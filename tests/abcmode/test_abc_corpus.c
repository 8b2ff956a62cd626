/* Every tune of corpora/abc parses with our ABC parser without an error or a warning (bar
 * lengths included), has a title, and there are at least 100 of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "../files.h"
#include "songrnn/abc.h"

typedef struct warn_ctx {
    const char *file;
    int count;
} warn_ctx;

static void on_warn(void *ud, int line, int col, const char *msg)
{
    warn_ctx *w = ud;
    w->count++;
    fprintf(stderr, "%s:%d:%d: warning: %s\n", w->file, line, col, msg);
}

int main(void)
{
    const char *root = getenv("SRNN_SOURCE_ROOT");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpora/abc", root ? root : ".");
    static const char *const abc[] = {".abc", NULL};
    check_files files = {0};
    check_files_gather(&files, dir, abc);
    CHECK_MSG(files.n > 0, "no .abc files in %s", dir);
    size_t total = 0;
    for (size_t f = 0; f < files.n; f++) {
        const char *path = files.p[f];
        unsigned char *data = NULL;
        size_t size = 0;
        srnn_error err = {0};
        CHECK(srnn_file_read_all(path, &data, &size, &err) == SRNN_OK);
        srnn_abc_tune_info *tunes = NULL;
        size_t n = 0;
        CHECK(srnn_abc_list_tunes((const char *)data, size, &tunes, &n, &err) == SRNN_OK);
        CHECK_MSG(n > 0, "%s has no tunes", path);
        for (size_t i = 0; i < n; i++) {
            warn_ctx w = {path, 0};
            srnn_abc_options o = {SRNN_ABC_BY_INDEX, on_warn, &w};
            srnn_piece *p = NULL;
            int rc = srnn_abc_parse_ex((const char *)data, size, (int)i, &o, &p, &err);
            CHECK_MSG(rc == SRNN_OK, "%s:%d:%d: %s", path, err.line, err.col, err.msg);
            CHECK_MSG(w.count == 0, "%s X:%d: %d warnings", path, tunes[i].x, w.count);
            CHECK_MSG(tunes[i].title[0], "%s X:%d has no title", path, tunes[i].x);
            CHECK_MSG(!p || srnn_piece_note_count(p) >= 16, "%s X:%d: only %zu notes", path,
                      tunes[i].x, p ? srnn_piece_note_count(p) : 0);
            srnn_piece_free(p);
        }
        total += n;
        free(tunes);
        free(data);
    }
    fprintf(stderr, "%zu files, %zu tunes\n", files.n, total);
    check_files_free(&files);
    CHECK_MSG(total >= 100, "only %zu tunes", total);
    return check_finish("test_abc_corpus");
}
