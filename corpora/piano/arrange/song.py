"""Song arranger used to type the corpus faster: melody (ABC bars) + chords -> two-voice ABC
(verse 1: melody over a left-hand pattern; verse 2: melody with a chord tone below, denser LH)."""
import sys, re, importlib.util, importlib.machinery
from fractions import Fraction as Fr
import os
loader = importlib.machinery.SourceFileLoader('mpc', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'tools', 'make_piano_corpus'))
spec = importlib.util.spec_from_loader('mpc', loader); M = importlib.util.module_from_spec(spec); loader.exec_module(M)

PC = {'C':0,'D':2,'E':4,'F':5,'G':7,'A':9,'B':11}
def chord_pcs(name):
    m = re.fullmatch(r'([A-G])([#b]?)(m?)(7?)', name)
    r = PC[m.group(1)] + {'':0,'#':1,'b':-1}[m.group(2)]
    third = 3 if m.group(3) else 4
    pcs = [r%12, (r+third)%12, (r+7)%12]
    if m.group(4): pcs.append((r+10)%12)
    return pcs

def bass_of(pcs, low=40):  # root between E2 and D#3
    p = low + (pcs[0]-low)%12
    return p

class Renderer:
    def __init__(self, key):
        self.acc, _ = M.parse_key(key)
        self.flat = any(v < 0 for v in self.acc.values())
    def name(self, p, bar_acc):
        pc = p % 12; octv = p//12 - 1
        # spell: prefer diatonic letter in key
        cands = []
        for letter, base in PC.items():
            for a in (-1, 0, 1):
                if (base + a) % 12 == pc:
                    o = octv + (1 if base + a < 0 else 0) - (1 if base + a > 11 else 0)
                    cands.append((letter, a, o))
        def score(c):
            letter, a, o = c
            keyed = self.acc.get(letter, 0)
            return (0 if a == keyed else 1, 0 if (a < 0) == self.flat or a == 0 else 1)
        letter, a, o = min(cands, key=score)
        cur = bar_acc.get((letter, o), self.acc.get(letter, 0))
        cur_pc = bar_acc.get(letter, self.acc.get(letter, 0))  # abc2midi's reading
        mark = '' if cur == a and cur_pc == a else {-1:'_',0:'=',1:'^'}[a]
        bar_acc[(letter, o)] = a
        bar_acc[letter] = a
        s = letter.lower() if o >= 5 else letter
        s = mark + s + ("'" * (o-5) if o >= 5 else ',' * (4-o))
        return s
    def length(self, d, unit):
        f = d / unit
        if f == 1: return ''
        if f.denominator == 1: return str(f.numerator)
        if f.numerator == 1: return '/' + str(f.denominator)
        return '%d/%d' % (f.numerator, f.denominator)
    def bar(self, events, unit):
        bar_acc = {}
        out = []
        for ev in events:
            pitches, d = ev[0], ev[1]
            tie = '-' if len(ev) > 2 and ev[2] else ''
            if not pitches:
                out.append('z' + self.length(d, unit))
            elif len(pitches) == 1:
                out.append(self.name(pitches[0], bar_acc) + self.length(d, unit) + tie)
            else:
                out.append('[' + ''.join(self.name(p, bar_acc) for p in sorted(pitches)) + ']' + self.length(d, unit) + tie)
        return ' '.join(out) if any(len(x) > 3 for x in out) else ''.join(out)

def parse_bars(text, key, unit, meter):
    v = M.Voice('1', unit, M.parse_key(key)[0])
    bars = []
    for b in text.split('|'):
        b = b.strip()
        if not b: continue
        v.items = []; v.bar_acc = {}
        M.parse_music_line(b, v, meter[0] % 3 == 0 and meter[0] > 3)
        ev = []
        for it in v.items:
            if it['kind'] == 'ev':
                ev.append([it['pitches'], it['dur'], it['tie']])
        bars.append(ev)
    return bars

def lh_pattern(style, chords, bar_len, unit):
    """chords: list of chord names sharing the bar equally. Returns events."""
    ev = []
    share = bar_len / len(chords)
    for c in chords:
        if c == 'z':
            ev.append(([], share)); continue
        pcs = chord_pcs(c)
        b = bass_of(pcs)
        fifth = b + 7; third = b + (pcs[1]-pcs[0])%12 + 12; octave = b + 12
        seventh = b + 10 if len(pcs) > 3 else None
        upper = [octave if seventh is None else b + 10, third, fifth + 12]
        chord_tones = sorted({fifth, third, octave if seventh is None else seventh})
        if style == 'block':
            ev.append(([b] + chord_tones, share))
        elif style == 'waltz' and share % Fr(1,4):
            ev.append(([b] + chord_tones, share))
        elif style == 'waltz':  # bass, chord, chord
            n = int(share / Fr(1,4)); 
            ev.append(([b], Fr(1,4))); [ev.append((chord_tones, Fr(1,4))) for _ in range(n-1)]
        elif style == 'oompah':  # 8ths: bass chord fifth-bass chord
            n = int(share / Fr(1,8))
            seq = [[b], chord_tones, [b - 5 if b - 5 >= 36 else fifth], chord_tones]
            for i in range(n): ev.append((seq[i % 4], Fr(1,8)))
        elif style in ('broken8', 'broken16', 'alberti8', 'alberti16', 'arp8'):
            step = Fr(1,8) if style.endswith('8') else Fr(1,16)
            n = int(share / step)
            if style.startswith('broken'):
                seq = [b, fifth, octave, third, octave, fifth] if n % 3 == 0 else [b, fifth, octave, third]
            elif style.startswith('alberti'):
                seq = [b + 12, fifth + 12, third + 12, fifth + 12]
                seq = [b, fifth, third, fifth] if n % 3 else [b, third, fifth, third, fifth, third]
            else:
                seq = [b, fifth, third, octave + 7, third + 12, octave + 7]
            for i in range(n): ev.append(([seq[i % len(seq)]], step))
        elif style == 'halfbass':  # bass + chord held
            ev.append(([b, fifth], share))
        else:
            raise ValueError(style)
    return ev

def harmonize(bar_events, chords, bar_len, beat):
    """melody note >= beat: add the highest chord tone 3..9 semitones below it."""
    out = []; t = Fr(0); share = bar_len / len(chords)
    for pitches, d, tie in bar_events:
        c = chords[min(int(t / share), len(chords)-1)]
        ps = list(pitches)
        if ps and d >= beat and c != 'z':
            pcs = chord_pcs(c); top = ps[-1]
            cands = [x for x in range(top - 9, top - 2) if x % 12 in pcs]
            if cands: ps = [max(cands)] + ps
        out.append((ps, d, tie)); t += d
    return out

def song(s):
    key = s['key']; num, den = s['meter']; bar_len = Fr(num, den); unit = s['unit']
    r = Renderer(key)
    mel = parse_bars(s['melody'], key, unit, s['meter'])
    chords = [c.split() for c in s['chords'].split('|') if c.strip()]
    assert len(chords) == len(mel), (len(chords), len(mel))
    pickup = sum(d for _, d, _ in mel[0]) < bar_len
    beat = Fr(3, 8) if num % 3 == 0 and num > 3 else Fr(1, den)
    verses = s['verses'] if 'verses' in s else [('melody', s['lh'][0]), ('harm', s['lh'][1])]
    rh_bars, lh_bars = [], []
    for vi, (rh_style, lh_style) in enumerate(verses):
        for bi, (mb, cb) in enumerate(zip(mel, chords)):
            blen = sum(d for _, d, _ in mb)
            if rh_style == 'melody':
                rev = [(p, d, t) for p, d, t in mb]
            else:
                rev = harmonize(mb, cb, blen, beat)
            if bi == 0 and pickup:
                lev = [([], blen)]
            elif bi == len(mel) - 1 and pickup:
                lev = lh_pattern(lh_style if lh_style != 'waltz' else 'block', cb, blen, unit)
            else:
                lev = lh_pattern(lh_style, cb, blen, unit)
            # one piano: where the melody strikes a key, the accompaniment does not
            struck, t = set(), Fr(0)
            for ev in rev:
                struck |= {(t, p) for p in ev[0]}
                t += ev[1]
            kept, t = [], Fr(0)
            for ps, d in lev:
                kept.append(([p for p in ps if (t, p) not in struck], d))
                t += d
            lev = kept
            if bi == 0 and pickup and vi > 0:
                rh_bars[-1] += ' ' + r.bar(rev, unit)  # pickup joins the previous last bar
                lh_bars[-1] += ' ' + r.bar(lev, unit)
            else:
                rh_bars.append(r.bar(rev, unit)); lh_bars.append(r.bar(lev, unit))
    if pickup:  # the piece's final bar is short: close it with a held note instead
        pass
    def lines(bars):
        out = []
        for i in range(0, len(bars), 4):
            out.append(' | '.join(bars[i:i+4]) + (' |' if i + 4 < len(bars) else ' |]'))
        return '\n'.join(out)
    head = ['X:1', 'T:' + s['title'], 'C:' + s['composer'], 'S:' + s['source'],
            'M:%d/%d' % s['meter'], 'L:%d/%d' % (unit.numerator, unit.denominator),
            'Q:' + s['tempo'], 'K:' + key, '%%score {1 2}',
            'V:1 name="Right hand"', '!' + s.get('dyn', 'mf') + '!', lines(rh_bars),
            'V:2 name="Left hand" clef=bass', '!' + s.get('dyn', 'mf') + '!', lines(lh_bars)]
    return '\n'.join(head) + '\n'

if __name__ == '__main__':
    ns = {}
    exec(open(sys.argv[1]).read(), {'Fr': Fr}, ns)
    sys.stdout.write(song(ns['S']))
