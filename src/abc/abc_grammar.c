/* An incremental ABC well-formedness tracker for sampling one character at a time: it follows
 * the text of one tune as it is produced and says which next characters keep it parsable by
 * abc_parse.c (the reference for every rule here), so that a sampler can mask the others.
 *
 * It is stricter than the parser where the parser only warns or where abc2midi would stumble
 * (a stray ']' or ':', '//3/' lengths, microtones, unknown field letters), and never stricter
 * on what folk tunes write.  The state is a small plain struct: "is c allowed" is a copy of
 * the state stepped by c, so a whole vocabulary is checked with no allocation. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abc_internal.h"

enum phase { PH_START, PH_HEADER, PH_BODY };
enum line { LN_START, LN_PEND, LN_FSTART, LN_FIELD, LN_MUSIC, LN_COMMENT };
enum music {
    M_TOP, M_NOTE, M_LEN, M_ACC, M_GCHORD, M_DECO, M_GRACE, M_BRACKET, M_BRLETTER, M_BRBAR,
    M_IFIELD, M_CHORD, M_BAR_COLONS, M_BAR_PIPE, M_BAR_DBL, M_BAR_TRAIL, M_ENDING,
    M_ENDING_SEP, M_ENDING_DASH, M_PAREN, M_TUPLET, M_Y, M_ZDIGITS
};

#define VAL_MAX 48   /* a typed field value (M: L: K: Q: X:) longer than this is refused */
#define TEXT_MAX 64  /* guitar chords and annotations */
#define DECO_MAX 20  /* !decorations! and {grace notes} */

struct srnn_abc_grammar {
    uint8_t lost;  /* fed something refused: constrains nothing until reset */
    uint8_t phase, line, ms;
    uint8_t nonspace;    /* the line has a non-blank character */
    char letter;         /* LN_PEND, LN_FSTART, LN_FIELD, M_BRLETTER, M_IFIELD: the field */
    char val[VAL_MAX];   /* typed field value so far */
    uint8_t vlen;
    uint8_t in_chord, chord_notes;
    char acc_ch;
    uint8_t acc_n;
    uint8_t len_num, len_slash, len_den; /* digits and slashes of a length */
    uint8_t sub;                         /* digits / characters in the current sub-state */
    uint8_t colons;
    uint8_t ending_range;
    uint8_t tup_k, tup_dig, tup_val;
    char deco_ch;
    long notes; /* notes in the body */
};

/* ---- field values ------------------------------------------------------------------------ */

enum { DEAD = 0, VIABLE = 1, DONE = 2 };

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_note_letter(int c) { return (c >= 'A' && c <= 'G') || (c >= 'a' && c <= 'g'); }
static int is_deco_letter(int c)
{
    return (c >= 'H' && c <= 'W') || (c >= 'h' && c <= 'w') || c == '~' || c == '.';
}

/* A decimal number of 1 to maxd digits, no leading zero: scans s[*i..n).  DONE when at least
 * one digit was read (the caller decides what may follow), VIABLE at the end of the text with
 * no digit yet, DEAD otherwise. */
static int num(const char *s, size_t n, size_t *i, int maxd, long maxv)
{
    size_t j = *i;
    long v = 0;
    int d = 0;
    while (j < n && is_digit(s[j])) {
        if ((d == 0 && s[j] == '0') || d == maxd)
            return DEAD;
        v = v * 10 + (s[j] - '0');
        if (v > maxv)
            return DEAD;
        d++;
        j++;
    }
    *i = j;
    if (d)
        return DONE;
    return j == n ? VIABLE : DEAD;
}

/* A denominator 1 2 4 8 16 32 64: scans s[*i..n) as num() does ("3" and "6" only begin one). */
static int den(const char *s, size_t n, size_t *i)
{
    static const char *const dens[] = {"1", "2", "4", "8", "16", "32", "64"};
    size_t j = *i;
    while (j < n && is_digit(s[j]))
        j++;
    size_t l = j - *i;
    if (l == 0)
        return j == n ? VIABLE : DEAD;
    int prefix = 0, whole = 0;
    for (size_t k = 0; k < sizeof dens / sizeof dens[0]; k++)
        if (strlen(dens[k]) >= l && !strncmp(dens[k], s + *i, l)) {
            prefix = 1;
            whole |= strlen(dens[k]) == l;
        }
    if (!prefix)
        return DEAD;
    if (!whole)
        return j == n ? VIABLE : DEAD;
    *i = j;
    return DONE;
}

/* The value without leading and trailing blanks: [*b, *e); returns whether blanks trail. */
static int trim(const char *s, size_t n, size_t *b, size_t *e)
{
    size_t i = 0, k = n;
    while (i < n && s[i] == ' ')
        i++;
    while (k > i && s[k - 1] == ' ')
        k--;
    *b = i;
    *e = k;
    return k < n;
}

/* M: C, C|, none, N/D, N+N/D, (N+N)/D. */
static int meter_status(const char *s, size_t n)
{
    size_t b, e;
    int trail = trim(s, n, &b, &e);
    if (b == e)
        return DONE; /* no meter */
    const char *c = s + b;
    size_t m = e - b;
    int st;
    if (c[0] == 'C') {
        st = m == 1 || (m == 2 && c[1] == '|') ? DONE : DEAD;
    } else if (c[0] == 'n' || c[0] == 'N') {
        st = m <= 4 && !strncasecmp(c, "none", m) ? (m == 4 ? DONE : VIABLE) : DEAD;
    } else {
        size_t i = 0;
        int paren = c[0] == '(';
        i += (size_t)paren;
        for (;;) {
            int r = num(c, m, &i, 2, 99);
            if (r != DONE)
                return trail ? DEAD : r;
            if (i < m && c[i] == '+') {
                i++;
                continue;
            }
            break;
        }
        if (paren) {
            if (i == m)
                return trail ? DEAD : VIABLE;
            if (c[i++] != ')')
                return DEAD;
        }
        if (i == m)
            return trail ? DEAD : VIABLE;
        if (c[i++] != '/')
            return DEAD;
        int r = den(c, m, &i);
        if (r != DONE)
            return trail ? DEAD : r;
        st = i == m ? DONE : DEAD;
    }
    if (st == DONE) {
        abc_meter mt;
        srnn_error err = {{0}, 0, 0};
        if (abc_read_meter(s, s + n, &mt, &err) != SRNN_OK)
            return DEAD;
    }
    return trail && st != DONE ? DEAD : st;
}

/* L: N or N/D. */
static int length_status(const char *s, size_t n)
{
    size_t b, e, i = 0;
    int trail = trim(s, n, &b, &e);
    const char *c = s + b;
    size_t m = e - b;
    int r = num(c, m, &i, 2, 64);
    if (r != DONE)
        return trail ? DEAD : r;
    if (i < m) {
        if (c[i++] != '/')
            return DEAD;
        r = den(c, m, &i);
        if (r != DONE)
            return trail ? DEAD : r;
        if (i < m)
            return DEAD;
    }
    double u;
    srnn_error err = {{0}, 0, 0};
    return abc_read_length(s, s + n, &u, &err) == SRNN_OK ? DONE : DEAD;
}

/* Q: N/D=BPM or BPM. */
static int tempo_status(const char *s, size_t n)
{
    size_t b, e, i = 0;
    int trail = trim(s, n, &b, &e);
    const char *c = s + b;
    size_t m = e - b;
    int r = num(c, m, &i, 3, 999);
    if (r != DONE)
        return trail ? DEAD : r;
    if (i < m) {
        if (c[i++] != '/')
            return DEAD;
        if ((r = num(c, m, &i, 2, 64)) != DONE)
            return trail ? DEAD : r;
        if (i == m)
            return trail ? DEAD : VIABLE;
        if (c[i++] != '=')
            return DEAD;
        if ((r = num(c, m, &i, 3, 999)) != DONE)
            return trail ? DEAD : r;
        if (i < m)
            return DEAD;
    }
    double us;
    return abc_read_tempo(s, s + n, 1.0 / 8, &us) ? DONE : DEAD;
}

/* X: a number. */
static int x_status(const char *s, size_t n)
{
    size_t b, e, i = 0;
    int trail = trim(s, n, &b, &e);
    int r = num(s + b, e - b, &i, 6, 999999);
    if (r == DEAD && e > b && s[b] == '0' && e - b == 1)
        r = DONE, i = 1; /* X:0 */
    if (r != DONE)
        return trail ? DEAD : r;
    return i == e - b ? DONE : DEAD;
}

static const struct {
    const char *name;
    int shift;
} MODES[] = {{"maj", 0}, {"ion", 0}, {"min", -3}, {"aeo", -3}, {"mix", -1},
             {"dor", -2}, {"phr", -4}, {"lyd", 1}, {"loc", -5}};

/* A mode word so far (letters) on a tonic of `sharps` sharps as a major key: DEAD, VIABLE (it
 * may become a mode giving at most 7 sharps or flats) or DONE. */
static int mode_word(const char *w, size_t n, int sharps)
{
    if (n == 1 && (w[0] == 'm' || w[0] == 'M') && sharps - 3 >= -7)
        return DONE;
    if (n > 12)
        return DEAD;
    size_t k = n < 3 ? n : 3;
    for (size_t i = 0; i < sizeof MODES / sizeof MODES[0]; i++) {
        int s = sharps + MODES[i].shift;
        if (!strncasecmp(w, MODES[i].name, k) && s >= -7 && s <= 7)
            return n >= 3 ? DONE : VIABLE;
    }
    return DEAD;
}

/* K: tonic [#b] [mode] (explicit accidentals ^f _b =c)*. */
static int key_status(const char *s, size_t n)
{
    static const int major_sharps[7] = {3, 5, 0, 2, 4, -1, 1}; /* A B C D E F G */
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i == n)
        return DONE; /* K: alone: no key */
    if (!(s[i] >= 'A' && s[i] <= 'G'))
        return DEAD;
    int sharps = major_sharps[s[i] - 'A'];
    i++;
    if (i < n && (s[i] == '#' || s[i] == 'b'))
        sharps += s[i++] == '#' ? 7 : -7;
    int st = sharps >= -7 && sharps <= 7 ? DONE : VIABLE, moded = 0;
    if (sharps < -8 || sharps > 12)
        return DEAD; /* no mode brings it back (shifts -5 to +1) */
    size_t k = i;
    while (k < n && s[k] == ' ')
        k++;
    if (k < n && isalpha((unsigned char)s[k])) {
        size_t we = k;
        while (we < n && isalpha((unsigned char)s[we]))
            we++;
        st = mode_word(s + k, we - k, sharps);
        if (st == DEAD || (st == VIABLE && we < n))
            return DEAD;
        moded = 1;
        i = we;
    } else if (st != DONE && k < n) {
        return DEAD; /* "G# ^c": G# needs a mode */
    }
    (void)moded;
    while (i < n) {
        if (s[i] != ' ')
            return DEAD;
        while (i < n && s[i] == ' ')
            i++;
        if (i == n)
            break;
        int a = 0;
        while (i < n && (s[i] == '^' || s[i] == '_' || s[i] == '=') && a < 2)
            i++, a++;
        if (a == 0)
            return DEAD;
        if (i == n)
            return VIABLE;
        if (!is_note_letter(s[i]))
            return DEAD;
        i++;
    }
    if (st != DONE)
        return st;
    abc_key key;
    srnn_error err = {{0}, 0, 0};
    return abc_read_key(s, s + n, &key, &err) == SRNN_OK ? DONE : DEAD;
}

static int typed_field(char letter)
{
    return letter == 'M' || letter == 'L' || letter == 'K' || letter == 'Q' || letter == 'X';
}

static int value_status(char letter, const char *s, size_t n)
{
    switch (letter) {
    case 'M': return meter_status(s, n);
    case 'L': return length_status(s, n);
    case 'K': return key_status(s, n);
    case 'Q': return tempo_status(s, n);
    case 'X': return x_status(s, n);
    default: return DONE;
    }
}

/* Letters that may stand in music: notes, rests, decorations. */
static int music_letter(int c)
{
    return is_note_letter(c) || is_deco_letter(c) || c == 'x' || c == 'y' || c == 'z' ||
           c == 'X' || c == 'Z';
}

/* Field letters of ABC 2.1 that may open a header line, and those of a body line. */
static int header_letter(int c) { return c >= 'A' && c <= 'Z'; }
static int body_letter(int c) { return c && strchr("IKLMNPQRTVWw", c) != NULL; }

/* Adds one byte to a field value; 0, or -1 when the value cannot go on. */
static int value_add(srnn_abc_grammar *g, int c)
{
    if (!typed_field(g->letter))
        return c == '\n' ? -1 : 0;
    if (g->vlen >= VAL_MAX || c == '\n' || c == '%' || c < 0x20 || c >= 0x7f)
        return -1;
    g->val[g->vlen] = (char)c;
    if (value_status(g->letter, g->val, (size_t)g->vlen + 1) == DEAD)
        return -1;
    g->vlen++;
    return 0;
}

/* How many characters, at least, a typed value needs to be complete (searched over the
 * characters that matter to the field; 5 when more). */
static int value_depth(char letter, char *v, size_t n, int depth)
{
    static const char *const alpha[] = {"4/)noe", "4/", "aeiodnrxyhclmc^", "4/=", "1"};
    const char *a = alpha[letter == 'M' ? 0 : letter == 'L' ? 1 : letter == 'K' ? 2
                          : letter == 'Q' ? 3 : 4];
    if (depth == 0 || n >= VAL_MAX)
        return 0;
    for (const char *c = a; *c; c++) {
        v[n] = *c;
        int st = value_status(letter, v, n + 1);
        if (st == DONE || (st == VIABLE && value_depth(letter, v, n + 1, depth - 1)))
            return 1;
    }
    return 0;
}

static int value_cost(const srnn_abc_grammar *g)
{
    if (value_status(g->letter, g->val, g->vlen) == DONE)
        return 0;
    char v[VAL_MAX];
    memcpy(v, g->val, g->vlen);
    for (int d = 1; d <= 4; d++)
        if (value_depth(g->letter, v, g->vlen, d))
            return d;
    return 5;
}

static int value_done(const srnn_abc_grammar *g)
{
    return value_status(g->letter, g->val, g->vlen) == DONE;
}

/* ---- music -------------------------------------------------------------------------------- */

static void len_begin(srnn_abc_grammar *g)
{
    g->ms = M_LEN;
    g->len_num = g->len_slash = g->len_den = 0;
}

/* One byte of a music line (not the newline); 0, or -1 when it would not parse. */
static int music(srnn_abc_grammar *g, int c)
{
    for (;;) {
        switch (g->ms) {
        case M_TOP:
            if (c == ' ' || c == '`' || c == '$' || c == '\\' || c == '*' || c == ')' ||
                c == '-' || c == '>' || c == '<' || is_deco_letter(c))
                return 0;
            switch (c) {
            case 'y': g->ms = M_Y; return 0;
            case '%': g->line = LN_COMMENT; return 0;
            case '!': case '+': g->ms = M_DECO; g->deco_ch = (char)c; g->sub = 0; return 0;
            case '"': g->ms = M_GCHORD; g->sub = 0; return 0;
            case '{': g->ms = M_GRACE; g->sub = 0; return 0;
            case '[': g->ms = M_BRACKET; return 0;
            case '|': g->ms = M_BAR_PIPE; return 0;
            case ':': g->ms = M_BAR_COLONS; g->colons = 1; return 0;
            case '(': g->ms = M_PAREN; return 0;
            case 'z': case 'x': len_begin(g); return 0;
            case 'Z': case 'X': g->ms = M_ZDIGITS; g->sub = 0; return 0;
            case '^': case '_': case '=':
                g->ms = M_ACC;
                g->acc_ch = (char)c;
                g->acc_n = 1;
                return 0;
            default:
                break;
            }
            if (is_note_letter(c)) {
                g->ms = M_NOTE;
                g->sub = 0;
                g->notes++;
                return 0;
            }
            return -1;
        case M_NOTE:
            if ((c == ',' || c == '\'') && g->sub < 4) {
                g->sub++;
                return 0;
            }
            len_begin(g);
            continue;
        case M_LEN:
            if (is_digit(c)) {
                if (g->len_slash == 0 && g->len_num < 2 && !(g->len_num == 0 && c == '0')) {
                    g->len_num++;
                    return 0;
                }
                if (g->len_slash == 1 && g->len_den < 2 && !(g->len_den == 0 && c == '0')) {
                    g->len_den++;
                    return 0;
                }
                return -1;
            }
            if (c == '/' && g->len_den == 0 && g->len_slash < 3 &&
                !(g->len_slash > 0 && g->len_num > 0)) {
                g->len_slash++;
                return 0;
            }
            if (c == '/')
                return -1;
            g->ms = g->in_chord ? M_CHORD : M_TOP;
            continue;
        case M_ACC:
            if (c == g->acc_ch && c != '=' && g->acc_n < 2) {
                g->acc_n++;
                return 0;
            }
            if (!is_note_letter(c))
                return -1;
            g->ms = M_NOTE;
            g->sub = 0;
            g->notes++;
            g->chord_notes += g->in_chord;
            return 0;
        case M_GCHORD:
            if (c == '"') {
                g->ms = g->in_chord ? M_CHORD : M_TOP;
                return 0;
            }
            if (c < 0x20 && c >= 0)
                return -1;
            return g->sub++ < TEXT_MAX ? 0 : -1;
        case M_DECO:
            if (c == g->deco_ch && g->sub > 0) {
                g->ms = M_TOP;
                return 0;
            }
            if (g->sub < DECO_MAX && c >= 0 && c < 0x80 &&
                (isalnum(c) || strchr(".<>()/-_^", c))) {
                g->sub++;
                return 0;
            }
            return -1;
        case M_GRACE:
            if (c == '}' && g->sub > 0) {
                g->ms = M_TOP;
                return 0;
            }
            if (g->sub < DECO_MAX && c > 0 && c < 0x80 &&
                (is_note_letter(c) || is_digit(c) || strchr("^_=,'/", c) || (c == ' ' && g->sub))) {
                g->sub++;
                return 0;
            }
            return -1;
        case M_BRACKET:
            if (is_digit(c)) {
                g->ms = M_ENDING;
                g->sub = 1;
                g->ending_range = 0;
                return c == '0' ? -1 : 0;
            }
            if (c == '|') {
                g->ms = M_BRBAR;
                return 0;
            }
            if (is_note_letter(c) || (c >= 'H' && c <= 'Z' && c != 'X')) {
                g->ms = M_BRLETTER;
                g->letter = (char)c;
                return 0;
            }
            if (c == '^' || c == '_' || c == '=') {
                g->in_chord = 1;
                g->chord_notes = 0;
                g->ms = M_ACC;
                g->acc_ch = (char)c;
                g->acc_n = 1;
                return 0;
            }
            return -1;
        case M_BRLETTER:
            if (c == ':') {
                if (!(g->letter >= 'A' && g->letter <= 'Z') || g->letter == 'X')
                    return -1;
                g->ms = M_IFIELD;
                g->vlen = 0;
                return 0;
            }
            if (!is_note_letter(g->letter))
                return -1;
            g->in_chord = 1;
            g->chord_notes = 1;
            g->notes++;
            g->ms = M_NOTE;
            g->sub = 0;
            continue;
        case M_BRBAR:
            if (c == ':')
                return 0;
            g->ms = M_TOP;
            continue;
        case M_IFIELD:
            if (c == ']') {
                if (!value_done(g))
                    return -1;
                g->ms = M_TOP;
                return 0;
            }
            if (c == '[')
                return -1;
            return value_add(g, c);
        case M_CHORD:
            if (c == ']') {
                if (!g->chord_notes)
                    return -1;
                g->in_chord = 0;
                len_begin(g); /* the chord's own length */
                return 0;
            }
            if (c == '-' || c == ' ')
                return 0;
            if (c == '^' || c == '_' || c == '=') {
                g->ms = M_ACC;
                g->acc_ch = (char)c;
                g->acc_n = 1;
                return 0;
            }
            if (is_note_letter(c)) {
                g->ms = M_NOTE;
                g->sub = 0;
                g->notes++;
                g->chord_notes++;
                return 0;
            }
            return -1;
        case M_BAR_COLONS:
            if (c == ':') {
                return g->colons++ < 4 ? 0 : -1;
            }
            if (c == '|') {
                g->ms = M_BAR_PIPE;
                return 0;
            }
            if (c == ']') {
                g->ms = M_BAR_DBL;
                return 0;
            }
            if (is_digit(c) && c != '0') {
                g->ms = M_ENDING;
                g->sub = 1;
                g->ending_range = 0;
                return 0;
            }
            if (g->colons == 1)
                return -1; /* a stray ':' */
            g->ms = M_TOP;
            continue;
        case M_BAR_PIPE:
        case M_BAR_DBL:
        case M_BAR_TRAIL:
            if (g->ms == M_BAR_PIPE && (c == '|' || c == ']')) {
                g->ms = M_BAR_DBL;
                return 0;
            }
            if (c == ':') {
                if (g->ms != M_BAR_TRAIL)
                    g->colons = 0;
                g->ms = M_BAR_TRAIL;
                return g->colons++ < 4 ? 0 : -1;
            }
            if (is_digit(c) && c != '0') {
                g->ms = M_ENDING;
                g->sub = 1;
                g->ending_range = 0;
                return 0;
            }
            g->ms = M_TOP;
            continue;
        case M_ENDING:
            if (is_digit(c))
                return g->sub++ < 2 ? 0 : -1;
            if (c == ',') {
                g->ms = M_ENDING_SEP;
                return 0;
            }
            if (c == '-' && !g->ending_range) {
                g->ms = M_ENDING_DASH;
                return 0;
            }
            g->ms = M_TOP;
            continue;
        case M_ENDING_SEP:
            if (!is_digit(c) || c == '0')
                return -1;
            g->ms = M_ENDING;
            g->sub = 1;
            g->ending_range = 0;
            return 0;
        case M_ENDING_DASH:
            if (is_digit(c) && c != '0') {
                g->ms = M_ENDING;
                g->sub = 1;
                g->ending_range = 1;
                return 0;
            }
            g->ms = M_TOP; /* the '-' was a tie */
            continue;
        case M_PAREN:
            if (is_digit(c)) {
                if (c < '2')
                    return -1;
                g->ms = M_TUPLET;
                g->tup_k = 0;
                g->tup_dig = 1;
                g->tup_val = (uint8_t)(c - '0');
                return 0;
            }
            g->ms = M_TOP; /* a slur */
            continue;
        case M_TUPLET:
            if (is_digit(c)) {
                int v = g->tup_val * 10 + (c - '0');
                if (g->tup_dig >= 2 || (g->tup_dig == 0 && c == '0') || v > 64)
                    return -1;
                g->tup_dig++;
                g->tup_val = (uint8_t)v;
                return 0;
            }
            if (c == ':' && g->tup_k < 2) {
                g->tup_k++;
                g->tup_dig = 0;
                g->tup_val = 0;
                return 0;
            }
            g->ms = M_TOP;
            continue;
        case M_Y:
            if (is_digit(c) || c == '/')
                return 0;
            g->ms = M_TOP;
            continue;
        case M_ZDIGITS:
            if (is_digit(c) && g->sub < 3) {
                g->sub++;
                return 0;
            }
            if (is_digit(c) || c == '/')
                return -1;
            g->ms = M_TOP;
            continue;
        default:
            return -1;
        }
    }
}

/* Whether a music line may end here. */
static int music_can_close(const srnn_abc_grammar *g)
{
    if (g->in_chord || !g->nonspace)
        return 0;
    switch (g->ms) {
    case M_ACC: case M_GCHORD: case M_DECO: case M_GRACE: case M_BRACKET: case M_BRLETTER:
    case M_IFIELD: case M_CHORD: case M_ENDING_SEP:
        return 0;
    case M_BAR_COLONS:
        return g->colons > 1;
    default:
        return 1;
    }
}

/* ---- lines -------------------------------------------------------------------------------- */

static void field_begin(srnn_abc_grammar *g)
{
    g->line = LN_FIELD;
    g->vlen = 0;
}

/* The end of a field line. */
static int field_end(srnn_abc_grammar *g)
{
    if (!value_done(g))
        return -1;
    if (g->phase == PH_START)
        g->phase = PH_HEADER;
    if (g->letter == 'K' && g->phase == PH_HEADER)
        g->phase = PH_BODY;
    return 0;
}

static void music_begin(srnn_abc_grammar *g)
{
    g->line = LN_MUSIC;
    g->ms = M_TOP;
    g->in_chord = 0;
}

static int feed(srnn_abc_grammar *g, int c)
{
    int body = g->phase == PH_BODY;
    if (c == '\n') {
        int ok;
        switch (g->line) {
        case LN_START:
            return -1; /* a blank line would end the tune */
        case LN_PEND:
            if (!body)
                return -1;
            music_begin(g);
            ok = music(g, g->letter) == 0 && music_can_close(g);
            break;
        case LN_FSTART:
            ok = (body ? body_letter(g->letter) : header_letter(g->letter)) &&
                 (g->letter != 'X' || g->phase == PH_START) && field_end(g) == 0;
            break;
        case LN_FIELD:
            ok = field_end(g) == 0;
            break;
        case LN_MUSIC:
            ok = music_can_close(g);
            break;
        default: /* a comment */
            ok = 1;
            break;
        }
        if (!ok)
            return -1;
        g->line = LN_START;
        g->nonspace = 0;
        return 0;
    }
    if (c != ' ')
        g->nonspace = 1;
    switch (g->line) {
    case LN_START:
        if (c >= 0 && c < 0x80 && isalpha(c)) {
            if (!body && !(header_letter(c) && (c != 'X' || g->phase == PH_START)))
                return -1;
            if (body && !body_letter(c) && !music_letter(c))
                return -1;
            g->line = LN_PEND;
            g->letter = (char)c;
            return 0;
        }
        if (!body || c == '%')
            return -1;
        music_begin(g);
        return music(g, c);
    case LN_PEND:
        if (c == ':') {
            /* A field of this part of the tune, or "A:|" (music). */
            if (!(body ? body_letter(g->letter) || music_letter(g->letter)
                       : header_letter(g->letter)))
                return -1;
            g->line = LN_FSTART;
            g->vlen = 0;
            return 0;
        }
        if (!body)
            return -1;
        music_begin(g);
        if (music(g, g->letter))
            return -1;
        return music(g, c);
    case LN_FSTART:
        /* "A:|" is music (a note and a repeat), as the parser reads it. */
        if (body && (c == '|' || c == ':')) {
            music_begin(g);
            if (music(g, g->letter) || music(g, ':'))
                return -1;
            return music(g, c);
        }
        if (!(body ? body_letter(g->letter) : header_letter(g->letter)) ||
            (g->letter == 'X' && g->phase != PH_START))
            return -1;
        field_begin(g);
        return value_add(g, c);
    case LN_FIELD:
        return value_add(g, c);
    case LN_MUSIC:
        return music(g, c);
    default:
        return 0;
    }
}

/* ---- API ---------------------------------------------------------------------------------- */

int srnn_abc_grammar_new(srnn_abc_grammar **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_grammar_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    srnn_abc_grammar_reset(*out);
    return SRNN_OK;
}

void srnn_abc_grammar_free(srnn_abc_grammar *g) { free(g); }

void srnn_abc_grammar_reset(srnn_abc_grammar *g)
{
    if (g)
        memset(g, 0, sizeof *g);
}

int srnn_abc_grammar_step(srnn_abc_grammar *g, const char *s, size_t n)
{
    if (!g || (!s && n))
        return SRNN_EARG;
    if (g->lost)
        return SRNN_OK;
    srnn_abc_grammar t = *g;
    for (size_t i = 0; i < n; i++)
        if (feed(&t, (unsigned char)s[i])) {
            g->lost = 1;
            return SRNN_EINPUT;
        }
    *g = t;
    return SRNN_OK;
}

int srnn_abc_grammar_allows(const srnn_abc_grammar *g, const char *s, size_t n)
{
    if (!g || (!s && n))
        return 0;
    if (g->lost)
        return 1;
    srnn_abc_grammar t = *g;
    for (size_t i = 0; i < n; i++)
        if (feed(&t, (unsigned char)s[i]))
            return 0;
    return 1;
}

int srnn_abc_grammar_can_end(const srnn_abc_grammar *g)
{
    if (!g)
        return 0;
    return g->lost || (g->phase == PH_BODY && g->line == LN_START && g->notes > 0);
}

int srnn_abc_grammar_lost(const srnn_abc_grammar *g) { return !g || g->lost; }

/* Characters that must still come before the current line may end. */
static int close_cost(const srnn_abc_grammar *g)
{
    switch (g->line) {
    case LN_START:
    case LN_COMMENT:
        return 0;
    case LN_PEND:
        if (g->phase == PH_BODY)
            return 0; /* every body field letter is a decoration in music */
        /* ":" and the shortest value: L:8 X:1 Q:9, or none */
        return 1 + (g->letter == 'L' || g->letter == 'X' || g->letter == 'Q');
    case LN_FSTART:
    case LN_FIELD:
        return typed_field(g->letter) ? value_cost(g) : 0;
    default:
        break;
    }
    int k = g->nonspace ? 0 : 1;
    switch (g->ms) {
    case M_GCHORD: case M_ENDING_SEP:
        k += 1;
        break;
    case M_DECO:
    case M_GRACE:
        k += g->sub ? 1 : 2;
        break;
    case M_ACC:
        k += 1;
        break;
    case M_BRACKET:
        k += 2;
        break;
    case M_BRLETTER:
        k += is_note_letter(g->letter) ? 1 : 5;
        break;
    case M_IFIELD:
        k += value_cost(g) + 1;
        break;
    case M_CHORD:
        k += g->chord_notes ? 1 : 2;
        break;
    case M_BAR_COLONS:
        k += g->colons > 1 ? 0 : 1;
        break;
    default:
        break;
    }
    if (g->in_chord && g->ms != M_CHORD && g->ms != M_BRLETTER)
        k += 1; /* the ']' */
    return k;
}

int srnn_abc_grammar_pending(const srnn_abc_grammar *g)
{
    if (!g || srnn_abc_grammar_can_end(g))
        return 0;
    int body = g->phase == PH_BODY;
    if (g->line == LN_START)
        return body ? 2 : 5; /* "C\n", or "K:\n" and "C\n" */
    int k = close_cost(g) + 1;
    if (!body) {
        int k_line = g->letter == 'K';
        return k + (k_line ? 2 : 5);
    }
    int music_line = g->line == LN_MUSIC || g->line == LN_COMMENT ||
                     (g->line == LN_PEND && close_cost(g) == 0);
    if (g->notes == 0 && !(g->line == LN_PEND && is_note_letter(g->letter)))
        k += music_line && g->line != LN_COMMENT ? 1 : 2;
    return k;
}

/* The pending count after token bytes s[0, n) (0 without need), or -1 when they may not come
 * next. */
static int token_pending(const srnn_abc_grammar *g, const char *s, size_t n, int need)
{
    if (!s || n == 0)
        return -1;
    srnn_abc_grammar t = *g;
    for (size_t j = 0; j < n; j++)
        if (feed(&t, (unsigned char)s[j]))
            return -1;
    return need ? srnn_abc_grammar_pending(&t) : 0;
}

int srnn_abc_grammar_mask(const srnn_abc_grammar *g, const char *const *tokens,
                          const size_t *lens, int n, int end_token, long budget, uint8_t *mask)
{
    if (!g || !tokens || !lens || !mask || n <= 0)
        return 0;
    int before = 0;
    for (int i = 0; i < n; i++)
        before += mask[i] != 0;
    if (g->lost)
        return before;
    int can_end = srnn_abc_grammar_can_end(g);
    /* With a budget, the tokens after which the tune can still be finished in the tokens
     * left; when none can (the estimate is from above), those that come closest to it. */
    long limit = LONG_MAX;
    /* Pending counts stay far below this (a value, a bracket, a newline, K: and a note):
     * beyond it the budget cannot bind, and the count is not worth its time. */
    int need = budget > 0 && budget <= 64;
    if (need) {
        long least = can_end && end_token >= 0 && end_token < n && mask[end_token] ? 0 : LONG_MAX;
        for (int i = 0; i < n; i++) {
            if (!mask[i] || i == end_token)
                continue;
            int p = token_pending(g, tokens[i], lens[i], need);
            if (p >= 0 && p < least)
                least = p;
        }
        limit = budget - 1 > least ? budget - 1 : least;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!mask[i])
            continue;
        int ok;
        if (i == end_token) {
            ok = can_end;
        } else {
            int p = token_pending(g, tokens[i], lens[i], need);
            ok = p >= 0 && p <= limit;
        }
        k += ok;
    }
    /* Nothing fits at all (a vocabulary without the characters the tune needs): the mask is
     * left as it was. */
    if (k == 0)
        return before;
    for (int i = 0; i < n; i++) {
        if (!mask[i])
            continue;
        if (i == end_token) {
            mask[i] = (uint8_t)can_end;
        } else {
            int p = token_pending(g, tokens[i], lens[i], need);
            mask[i] = (uint8_t)(p >= 0 && p <= limit);
        }
    }
    return k;
}
