/* Bols, taals and forms: the tables, and spellings folded to one form. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "songrnn/tabla.h"

static const char *const BOLS[] = {
    "-",   "Dha", "Dhin", "Dhi", "Dhit", "Dhet", "Dhe", "Ta",  "Na",  "Ne",
    "Tin", "Tun", "Tu",   "Te",  "Ti",   "Ra",   "Re",  "Ki",  "Ke",  "Ka",
    "Kat", "Ge",  "Ghe",  "Ga",  "Gi",   "Di",   "Din", "Tit", "Tra", "Kda",
};
#define N_BOLS (int)(sizeof BOLS / sizeof BOLS[0])

/* Other spellings seen in books and on the web (lower case; long vowels written doubled, as
 * the reader folds ā ī ū to aa ii uu). */
static const struct {
    const char *spelling, *bol;
} ALIASES[] = {
    {"s", "-"},       {"dhaa", "Dha"},  {"dhan", "Dha"},  {"dheen", "Dhin"}, {"dhiin", "Dhin"},
    {"dhee", "Dhi"},  {"dhii", "Dhi"},  {"taa", "Ta"},    {"tha", "Ta"},     {"thaa", "Ta"},
    {"naa", "Na"},    {"teen", "Tin"},  {"tiin", "Tin"},  {"thin", "Tin"},   {"theen", "Tin"},
    {"thun", "Tun"},  {"toon", "Tun"},  {"tuun", "Tun"},  {"thu", "Tu"},     {"too", "Tu"},
    {"tuu", "Tu"},    {"tee", "Ti"},    {"tii", "Ti"},    {"kee", "Ki"},     {"kii", "Ki"},
    {"kaa", "Ka"},    {"kath", "Kat"},  {"kaat", "Kat"},  {"gaa", "Ga"},     {"gha", "Ga"},
    {"dee", "Di"},    {"dii", "Di"},    {"deen", "Din"},  {"diin", "Din"},   {"kra", "Kda"},
    {"kraa", "Kda"},  {"kdaa", "Kda"},  {"kran", "Kda"},  {"tet", "Tit"},    {"tirr", "Tra"},
};
#define N_ALIASES (int)(sizeof ALIASES / sizeof ALIASES[0])

int srnn_bol_count(void) { return N_BOLS; }

const char *srnn_bol_name(int id) { return id >= 0 && id < N_BOLS ? BOLS[id] : NULL; }

static int eq_nocase(const char *a, const char *s, size_t len)
{
    return strlen(a) == len && strncasecmp(a, s, len) == 0;
}

int srnn_bol_lookup(const char *s, size_t len)
{
    if (!s || len == 0)
        return -1;
    for (int i = 0; i < N_BOLS; i++)
        if (eq_nocase(BOLS[i], s, len))
            return i;
    for (int i = 0; i < N_ALIASES; i++)
        if (eq_nocase(ALIASES[i].spelling, s, len))
            for (int j = 0; j < N_BOLS; j++)
                if (strcmp(BOLS[j], ALIASES[i].bol) == 0)
                    return j;
    return -1;
}

/* Thekas as commonly taught (Bhatkhande notation); marks X sam, 0 khali, numbers tali. */
static const srnn_taal TAALS[] = {
    {"teentaal", 16, 4, {4, 4, 4, 4}, {"X", "2", "0", "3"},
     "Dha Dhin Dhin Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta | Ta Dhin Dhin Dha"},
    {"jhaptaal", 10, 4, {2, 3, 2, 3}, {"X", "2", "0", "3"},
     "Dhi Na | Dhi Dhi Na | Ti Na | Dhi Dhi Na"},
    {"ektaal", 12, 6, {2, 2, 2, 2, 2, 2}, {"X", "0", "2", "0", "3", "4"},
     "Dhin Dhin | DhaGe TiRaKiTa | Tu Na | Kat Ta | DhaGe TiRaKiTa | Dhi Na"},
    /* Rupak's sam falls on its khali: the first vibhag is marked 0. */
    {"rupak", 7, 3, {3, 2, 2}, {"0", "1", "2"}, "Tin Tin Na | Dhi Na | Dhi Na"},
    {"keherwa", 8, 2, {4, 4}, {"X", "0"}, "Dha Ge Na Ti | Na Ka Dhi Na"},
    {"dadra", 6, 2, {3, 3}, {"X", "0"}, "Dha Dhi Na | Dha Ti Na"},
    {"jhoomra", 14, 4, {3, 4, 3, 4}, {"X", "2", "0", "3"},
     "Dhin -Dha TiRaKiTa | Dhin Dhin DhaGe TiRaKiTa | Tin -Ta TiRaKiTa | Dhin Dhin DhaGe "
     "TiRaKiTa"},
    {"dhamar", 14, 4, {5, 2, 3, 4}, {"X", "2", "0", "3"},
     "Ka Dhi Ta Dhi Ta | Dha - | Ga Ti Ta | Ti Ta Ta -"},
};
#define N_TAALS (int)(sizeof TAALS / sizeof TAALS[0])

static const struct {
    const char *spelling;
    int taal;
} TAAL_ALIASES[] = {
    {"tintal", 0},   {"teental", 0},  {"tintaal", 0}, {"trital", 0},   {"tritaal", 0},
    {"teen taal", 0}, {"jhaptal", 1}, {"japtal", 1},  {"jhap taal", 1}, {"ektal", 2},
    {"ek taal", 2},  {"rupaktaal", 3}, {"roopak", 3}, {"rupak taal", 3}, {"kaharva", 4},
    {"kaherva", 4},  {"keharwa", 4},  {"kaharwa", 4}, {"dadra taal", 5}, {"jhumra", 6},
    {"jhoomra taal", 6}, {"dhamaar", 7}, {"dhamar taal", 7},
};

int srnn_taal_count(void) { return N_TAALS; }

const srnn_taal *srnn_taal_at(int i) { return i >= 0 && i < N_TAALS ? &TAALS[i] : NULL; }

const srnn_taal *srnn_taal_find(const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < N_TAALS; i++)
        if (strcasecmp(TAALS[i].name, name) == 0)
            return &TAALS[i];
    for (size_t i = 0; i < sizeof TAAL_ALIASES / sizeof TAAL_ALIASES[0]; i++)
        if (strcasecmp(TAAL_ALIASES[i].spelling, name) == 0)
            return &TAALS[TAAL_ALIASES[i].taal];
    return NULL;
}

int srnn_taal_vibhag_end(const srnn_taal *t, int beat)
{
    if (!t || beat < 0)
        return 0;
    beat %= t->beats;
    int end = 0;
    for (int v = 0; v < t->n_vibhags; v++) {
        end += t->vibhags[v];
        if (beat == end - 1)
            return 1;
    }
    return 0;
}

static const char *const FORMS[SRNN_FORM_COUNT] = {"theka", "kayda", "palta", "rela",
                                                   "tukda", "tihai", "chakradar"};

const char *srnn_tabla_form_name(srnn_tabla_form f)
{
    return (unsigned)f < SRNN_FORM_COUNT ? FORMS[f] : NULL;
}

int srnn_tabla_form_find(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < SRNN_FORM_COUNT; i++)
        if (strcasecmp(FORMS[i], name) == 0)
            return i;
    static const struct {
        const char *s;
        int f;
    } A[] = {{"qaida", SRNN_FORM_KAYDA}, {"kaida", SRNN_FORM_KAYDA}, {"qayda", SRNN_FORM_KAYDA},
             {"paltaa", SRNN_FORM_PALTA}, {"tukra", SRNN_FORM_TUKDA}, {"tukada", SRNN_FORM_TUKDA},
             {"tihayi", SRNN_FORM_TIHAI}, {"chakkardar", SRNN_FORM_CHAKRADAR},
             {"chakradhar", SRNN_FORM_CHAKRADAR}};
    for (size_t i = 0; i < sizeof A / sizeof A[0]; i++)
        if (strcasecmp(A[i].s, name) == 0)
            return A[i].f;
    return -1;
}

int srnn_tabla_form_ends_on_sam(srnn_tabla_form f)
{
    return f == SRNN_FORM_TUKDA || f == SRNN_FORM_TIHAI || f == SRNN_FORM_CHAKRADAR;
}
