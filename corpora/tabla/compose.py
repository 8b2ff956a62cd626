#!/usr/bin/python3
"""Writes the tabla corpus (corpora/tabla/*.bol) and its SOURCES.md.

usage: corpora/tabla/compose.py        (rewrites the .bol files next to this script)

The compositions are written for songrnn.  Thekas are the standard ones; their dugun (two bols
a beat) and the keherwa/dadra prakars are the common practice variations.  Kaydas follow the
usual teaching structure: a theme P (half a cycle) is played open (bhari) ending closed
("...Tin Na"), then closed (khali: the bayan's open strokes silenced) returning to open at the
end; its paltas rearrange the theme's four quarters and keep that structure.  Tihais are
arithmetic: three times a phrase ending on Dha with two equal gaps, landing on sam; tukdas are
a phrase followed by a tihai, chakradars a tukda three times with gaps, the last Dha on sam.
Every length is checked here (and again by songrnn's reader).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

TAALS = {  # beats, vibhags, theka (one word a beat)
    "teentaal": (16, [4, 4, 4, 4], "Dha Dhin Dhin Dha Dha Dhin Dhin Dha Dha Tin Tin Ta Ta Dhin Dhin Dha"),
    "jhaptaal": (10, [2, 3, 2, 3], "Dhi Na Dhi Dhi Na Ti Na Dhi Dhi Na"),
    "ektaal": (12, [2] * 6, "Dhin Dhin DhaGe TiRaKiTa Tu Na Kat Ta DhaGe TiRaKiTa Dhi Na"),
    "rupak": (7, [3, 2, 2], "Tin Tin Na Dhi Na Dhi Na"),
    "keherwa": (8, [4, 4], "Dha Ge Na Ti Na Ka Dhi Na"),
    "dadra": (6, [3, 3], "Dha Dhi Na Dha Ti Na"),
    "jhoomra": (14, [3, 4, 3, 4], "Dhin -Dha TiRaKiTa Dhin Dhin DhaGe TiRaKiTa Tin -Ta TiRaKiTa Dhin Dhin DhaGe TiRaKiTa"),
    "dhamar": (14, [5, 2, 3, 4], "Ka Dhi Ta Dhi Ta Dha - Ga Ti Ta Ti Ta Ta -"),
}

KHALI = {"Dha": "Ta", "Dhin": "Tin", "Dhi": "Ti", "Dhit": "Tit", "Dhet": "Te", "Dhe": "Te",
         "Ge": "Ke", "Ghe": "Ke", "Gi": "Ki", "Ga": "Ka", "Di": "Ti", "Din": "Tin"}

SYL = ["Dhin", "Dhit", "Dhet", "Dha", "Dhi", "Dhe", "Tin", "Tun", "Tit", "Tra", "Tu", "Te",
       "Ti", "Ta", "Na", "Ne", "Ra", "Re", "Ki", "Ke", "Kat", "Kda", "Ka", "Ge", "Ghe", "Ga",
       "Gi", "Din", "Di", "-"]

written = []  # (file, taal, form, source)


def syllables(word):
    """'DhaGe' -> ['Dha', 'Ge'] (the words of this script are CamelCase or '-')."""
    out, i = [], 0
    while i < len(word):
        for s in SYL:
            if word.startswith(s, i):
                out.append(s)
                i += len(s)
                break
        else:
            raise ValueError(f"cannot split {word!r}")
    return out


def bols(text):
    return [s for w in text.split() for s in syllables(w)]


def khali(seq):
    return [KHALI.get(b, b) for b in seq]


def beats_of(seq, n):
    """Bols n a beat; a last partial beat stays short (the sam Dha)."""
    return [seq[i:i + n] for i in range(0, len(seq), n)]


def write(name, taal, form, tempo, beats, title, source):
    C, vib, _ = TAALS[taal]
    ends_on_sam = form in ("tukda", "tihai", "chakradar")
    nb = len(beats)
    if ends_on_sam:
        assert nb % C == 1 and nb > C, (name, nb, C)
    else:
        assert nb % C == 0, (name, nb, C)
    lines = [f"title: {title}", f"taal: {taal}", f"form: {form}", f"tempo: {tempo}",
             f"source: {source}", ""]
    for c0 in range(0, nb, C):
        cyc = beats[c0:c0 + C]
        words, pos, v = [], 0, 0
        for vi, size in enumerate(vib):
            part = cyc[pos:pos + size]
            if not part:
                break
            words.append(" ".join("".join(b) for b in part))
            pos += size
        lines.append(" | ".join(words))
    path = os.path.join(HERE, name + ".bol")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    written.append((name + ".bol", taal, form, source))


def theka_beats(taal):
    return [syllables(w) for w in TAALS[taal][2].split()]


# ---- thekas ---------------------------------------------------------------------------------
TRAD = "traditional theka (as in Bhatkhande's notation)"
THEKA_TEMPO = {"teentaal": 80, "jhaptaal": 90, "ektaal": 50, "rupak": 90, "keherwa": 100,
               "dadra": 110, "jhoomra": 40, "dhamar": 70}
for taal in TAALS:
    write(f"theka_{taal}", taal, "theka", THEKA_TEMPO[taal], theka_beats(taal) * 2,
          f"{taal.capitalize()} theka", TRAD)

# Theka ki dugun: the theka's bols two a beat, so a cycle holds the theka twice.
for taal in ["teentaal", "jhaptaal", "ektaal", "rupak"]:
    flat = [s for b in theka_beats(taal) for s in (b if len(b) == 1 else b[:1])]
    write(f"theka_{taal}_dugun", taal, "theka", THEKA_TEMPO[taal],
          beats_of(flat * 4, 2), f"{taal.capitalize()} theka, dugun",
          "traditional practice: the theka at double speed (dugun)")

# Prakars: the variations light music plays in keherwa and dadra.
write("theka_keherwa_prakar_1", "keherwa", "theka", 100,
      beats_of(bols("Dha Ge Na Ti Na Ka Dhi Na Dha Ge Na Ti Na Ka Dhi Na"), 2) +
      beats_of(bols("Dha Ge Na Ti Na Ka Dhi Na Ta Ke Na Ti Na Ka Dhi Na"), 2),
      "Keherwa prakar (dugun)", "common keherwa variation (light music practice)")
write("theka_keherwa_prakar_2", "keherwa", "theka", 95,
      [bols(w) for w in "Dha - Ge Na Ti Na Ka Dhin Dha - Ge Na Ti Na DhaGe DhiNa".split()],
      "Keherwa prakar with a fill", "common keherwa variation (light music practice)")
write("theka_dadra_prakar", "dadra", "theka", 110,
      [bols(w) for w in "Dha DhiNa Na DhaGe TiNa Na Dha Dhi Na Dha Ti Na".split()],
      "Dadra prakar", "common dadra variation (light music practice)")

# ---- kaydas and paltas ------------------------------------------------------------------------


def kayda_cycles(P, q):
    """Open with a closed ending, then closed returning open: the kayda's two halves."""
    first = P[:-q] + khali(P[-q:])
    second = khali(P[:-2 * q]) + P[-2 * q:]
    return first + second


KAYDAS = [  # name, taal, bols a beat, theme (half a cycle), source
    ("kayda_dha_dha_tita", "teentaal", 2,
     "Dha Dha Ti Ta Dha Dha Ti Na Dha Ti Dha Dha Ti Ta Dhin Na",
     "Delhi-style kayda on the traditional opening phrase 'Dha Dha Ti Ta', written for songrnn"),
    ("kayda_tirakita", "teentaal", 4,
     "Dha Ti Ra Ki Ta Dha Ti Ra Ki Ta Dha Dha Ti Ra Ki Ta Dha Ti Ra Ki Ta Dha Ge Na Dha Ge Dhin Na Ge Na Ke Na",
     "Delhi-style TiRaKiTa kayda, written for songrnn"),
    ("kayda_dha_tit", "teentaal", 4,
     "Dha Tit Dha Ge Na Dha Ti Ra Ki Ta Dha Tit Dha Ge Tin Na Dha Tit Dha Ge Na Dha Ti Ra Ki Ta Dha Ge Dhin Na Ge Na",
     "Ajrada-style kayda (DhaTit DhaGe), written for songrnn"),
    ("kayda_ghe_re_na_ge", "teentaal", 4,
     "Dha Ge Te Re Ke Te Dha Ge Ghe Re Na Ge Dhin Na Ge Na Dha Ge Te Re Ke Te Dha Ge Ghe Re Na Ge Tin Na Ke Na",
     "Ajrada-style GheReNaGe kayda, written for songrnn"),
    ("kayda_jhaptaal", "jhaptaal", 4,
     "Dhi Na Dhi Dhi Na Ti Ra Ki Ta Dhin Na Dha Ti Ra Ki Ta Dhi Dhi Na -",
     "kayda in jhaptaal (Delhi style), written for songrnn"),
    ("kayda_ektaal", "ektaal", 4,
     "Dha Ti Dha Ge Dhin Na Ti Ra Ki Ta Dha Ti Dha Ge Tin Na Ti Ra Ki Ta Dha Ge Dhin Na",
     "kayda in ektaal (Delhi style), written for songrnn"),
]

PALTAS = ["a a a b a b c d", "a b a b a b c d", "a a b b a b c d", "a b c c a b c d",
          "a b a a a b c d"]

for name, taal, n, theme, src in KAYDAS:
    C = TAALS[taal][0]
    P = bols(theme)
    assert len(P) == n * C // 2, (name, len(P), n * C // 2)
    q = len(P) // 4 if len(P) % 4 == 0 else 2 * n
    write(name, taal, "kayda", 90 if n == 2 else 70, beats_of(kayda_cycles(P, q), n),
          name.replace("_", " ").capitalize(), src)
    if taal != "teentaal":
        continue
    parts = dict(zip("abcd", [P[i * q:(i + 1) * q] for i in range(4)]))
    for k, pat in enumerate(PALTAS, start=1):
        Q = [b for p in pat.split() for b in parts[p]]
        write(f"{name}_palta_{k}", taal, "palta", 90 if n == 2 else 70,
              beats_of(kayda_cycles(Q, q), n),
              f"{name.replace('_', ' ').capitalize()}, palta {k} ({pat})",
              f"palta of {name}.bol (quarters {pat}), written for songrnn")

# ---- relas ------------------------------------------------------------------------------------
RELAS = [
    ("rela_dhira_dhira", "Dhi Ra Dhi Ra Ki Ta Ta Ka Dhi Ra Dhi Ra Ki Ta Ta Ka Ti Ra Ki Ta Ta Ka Ti Ra Ki Ta Ta Ka Dha Ge Dhi Na",
     "DhiRaDhiRa KiTaTaKa rela (Delhi/Ajrada practice), written for songrnn"),
    ("rela_tirakita_taka", "Dha Ti Ra Ki Ta Ta Ka Dha Ti Ra Ki Ta Ta Ka Ti Ra Ki Ta Ta Ka Dha Ti Ra Ki Ta Ta Ka Dha Ge Dhi Na Ge",
     "TiRaKiTa TaKa rela, written for songrnn"),
    ("rela_ghere_nage", "Dha Ge Ghe Re Na Ge Ghe Re Na Ge Dha Ge Ghe Re Na Ge Ti Ra Ki Ta Ta Ka Ti Ra Ki Ta Dha Ge Dhin Na Ge Na",
     "GheReNaGe rela (Ajrada style), written for songrnn"),
    ("rela_dhatirakita", "Dha Ti Ra Ki Ta Dha Ti Ra Ki Ta Dha Ti Ra Ki Ta Dha Ge Dhi Na Ge Na Ti Ra Ki Ta Ta Ka Dha Ge Dhi Na Ge",
     "DhaTiRaKiTa rela, written for songrnn"),
]
for name, theme, src in RELAS:
    P = bols(theme)
    assert len(P) == 32, (name, len(P))
    write(name, "teentaal", "rela", 100, beats_of(kayda_cycles(P, 8), 4),
          name.replace("_", " ").capitalize(), src)

# ---- tihais, tukdas, chakradars ---------------------------------------------------------------


def tihai(phrase, gap):
    g = ["-"] * gap
    return phrase + g + phrase + g + phrase


def fit_tihai(total, lead_max, m):
    """Gap r and lead-in length so that lead + 3m + 2r == total, lead <= lead_max."""
    for r in range(0, 16):
        lead = total - 3 * m - 2 * r
        if 0 <= lead <= lead_max:
            return r, lead
    raise ValueError("no fit")


def lead_in(taal, n, length):
    """The theka, one bol a beat with rests between (n a beat), cut to length."""
    out = []
    for b in theka_beats(taal) * 8:
        out += [b[0]] + ["-"] * (n - 1)
    return out[:length]


TIHAIS = [  # name, taal, n, cycles, phrase
    ("tihai_teentaal_dhatita", "teentaal", 2, 1, "Dha Ti Ta Dha Ge Na Dha"),
    ("tihai_teentaal_tirakita", "teentaal", 4, 1, "Ti Ra Ki Ta Ta Ka Dha Ge Na Dha - Dha"),
    ("tihai_teentaal_kdadhe", "teentaal", 4, 2, "Kda Dhe Te Dha - Ti Ra Ki Ta Dha Ge Na Dha"),
    ("tihai_jhaptaal", "jhaptaal", 2, 1, "Dhi Na Dha Ge Dha"),
    ("tihai_ektaal", "ektaal", 2, 1, "Dha Ge Te Re Ke Te Dha"),
    ("tihai_rupak", "rupak", 2, 1, "Ti Ra Ki Ta Dha"),
    ("tihai_keherwa", "keherwa", 2, 1, "Dha Ge Na Dha"),
    ("tihai_dadra", "dadra", 2, 1, "Dha Ti Dha"),
    ("tihai_jhoomra", "jhoomra", 2, 1, "Dhin - Dha Ge Ti Ra Ki Ta Dha"),
    ("tihai_dhamar", "dhamar", 2, 1, "Ka Dhi Ta Dha"),
]
for name, taal, n, k, phrase in TIHAIS:
    C = TAALS[taal][0]
    p = bols(phrase)
    total = n * k * C + 1
    r, lead = fit_tihai(total, total, len(p))
    seq = lead_in(taal, n, lead) + tihai(p, r)
    assert len(seq) == total
    write(name, taal, "tihai", 80, beats_of(seq, n), name.replace("_", " ").capitalize(),
          "tihai (three phrases, two equal gaps, the last Dha on sam) after the theka, "
          "written for songrnn")

TUKDAS = [  # name, taal, n, body, tihai phrase
    ("tukda_teentaal_1", "teentaal", 4,
     "Dha Ge Te Re Ke Te Dha Ge Tin Na Ke Na Ta Ke Te Re Ke Te Dha Ge Dhin Na Ge Na", "Dha Ti Ta Dha"),
    ("tukda_teentaal_2", "teentaal", 2, "Kda Dhe Te Dha Ge Na Dha - Ti Ra Ki Ta", "Dha Ge Na Dha"),
    ("tukda_teentaal_3", "teentaal", 4,
     "Dhi Ra Dhi Ra Ki Ta Ta Ka Ti Ra Ki Ta Ta Ka Dha Ge Ti Ra Ki Ta Dha -", "Dha Ge Na Dha - Ti Ra Ki Ta Dha"),
    ("tukda_jhaptaal", "jhaptaal", 2, "Dhi Na Dhi Dhi Na Ti Ra Ki Ta", "Dha Ge Dha"),
    ("tukda_ektaal", "ektaal", 2, "Dhin Dhin Dha Ge Ti Ra Ki Ta Tu Na Kat Ta", "Dha Ti Ta Dha"),
    ("tukda_rupak", "rupak", 2, "Tin Tin Na Dhi Na Ti Ra Ki Ta", "Dha Ge Dha"),
]


def fit_tukda(C, n, body, p):
    for k in range(1, 5):
        total = n * k * C + 1
        for pad in range(0, 2 * n):
            rem = total - len(body) - pad - 3 * len(p)
            if rem >= 0 and rem % 2 == 0 and rem // 2 <= 3 * n:
                return body + ["-"] * pad + tihai(p, rem // 2)
    raise ValueError("no fit")


for name, taal, n, body, phrase in TUKDAS:
    C = TAALS[taal][0]
    seq = fit_tukda(C, n, bols(body), bols(phrase))
    write(name, taal, "tukda", 85, beats_of(seq, n), name.replace("_", " ").capitalize(),
          "tukda (a phrase, then a tihai landing on sam), written for songrnn")

CHAKRADARS = [  # name, taal, n, tukda body, tihai phrase
    ("chakradar_teentaal_1", "teentaal", 4, "Dha Ge Te Re Ke Te Dha Ge Tin Na Ke Na", "Dha Ti Ta Dha"),
    ("chakradar_teentaal_2", "teentaal", 2, "Kda Dhe Te Dha Ti Ra Ki Ta", "Dha Ge Dha"),
    ("chakradar_jhaptaal", "jhaptaal", 2, "Dhi Na Ti Ra Ki Ta", "Dha Ge Dha"),
]


def fit_chakradar(C, n, body, p):
    # The shortest gaps that land on sam within a few cycles: a chakradar breathes, it does
    # not stop.
    best = None
    for k in range(1, 7):
        total = n * k * C + 1
        for pad in range(0, 2):
            for r in range(0, 2 * n + 1):
                T = len(body) + pad + 3 * len(p) + 2 * r
                rem = total - 3 * T
                if rem >= 0 and rem % 2 == 0 and rem // 2 <= 2 * n:
                    cost = rem // 2 + r + pad
                    if best is None or cost < best[0]:
                        best = (cost, tihai(body + ["-"] * pad + tihai(p, r), rem // 2))
    if best:
        return best[1]
    for k in range(1, 9):
        total = n * k * C + 1
        for pad in range(0, 2):
            for r in range(0, 2 * n + 1):
                T = len(body) + pad + 3 * len(p) + 2 * r
                rem = total - 3 * T
                if rem >= 0 and rem % 2 == 0 and rem // 2 <= 4 * n:
                    tuk = body + ["-"] * pad + tihai(p, r)
                    return tihai(tuk, rem // 2)
    raise ValueError("no fit")


for name, taal, n, body, phrase in CHAKRADARS:
    C = TAALS[taal][0]
    seq = fit_chakradar(C, n, bols(body), bols(phrase))
    write(name, taal, "chakradar", 85, beats_of(seq, n), name.replace("_", " ").capitalize(),
          "chakradar (a tukda with its own tihai, three times, the last Dha on sam), written "
          "for songrnn")

with open(os.path.join(HERE, "SOURCES.md"), "w") as f:
    f.write("# corpora/tabla\n\n"
            "Tabla compositions in the .bol format (README, section Tabla), written for songrnn by\n"
            "`compose.py` in this folder (run it to rewrite them).  The thekas are the standard\n"
            "ones as taught (Bhatkhande's notation); kaydas, paltas, relas, tukdas, tihais and\n"
            "chakradars are written for this project in the styles named, following their\n"
            "usual structure (see compose.py).  None is copied from a book or recording.\n\n"
            f"{len(written)} compositions:\n\n| file | taal | form | source |\n|---|---|---|---|\n")
    for row in written:
        f.write("| " + " | ".join(row) + " |\n")
print(f"{len(written)} compositions written to {HERE}")
