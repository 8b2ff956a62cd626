import sys; sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
from abcnote import abc
NAMES=['C','C#','D','D#','E','F','F#','G','G#','A','A#','B']
def nm(p): return abc(NAMES[p%12]+str(p//12-1))
def P(s):  # 'C5' -> midi
    letter=s[0]; o=int(s[-1]); acc=s[1:-1]
    return 12*(o+1)+{'C':0,'D':2,'E':4,'F':5,'G':7,'A':9,'B':11}[letter]+{'':0,'#':1,'b':-1}[acc]
# melody as quarter notes per bar (2 per bar, None = held)
A="C5 C5|G5 G5|A5 A5|G5 -|F5 F5|E5 E5|D5 D5|C5 -".split('|')
B="G5 G5|F5 F5|E5 E5|D5 -|G5 G5|F5 F5|E5 E5|D5 -".split('|')
HA="C C|C C|F F|C C|G7 G7|C C|G7 G7|C C".split('|')
HB="C C|G7 G7|C C|G G|C C|G7 G7|C C|G G".split('|')
BASS_A="C3 C4|E4 C4|F4 C4|E4 C4|D4 B3|C4 A3|F3 G3|C3 -".split('|')
BASS_B="E4 C4|D4 B3|C4 A3|G3 G2|E4 C4|D4 B3|C4 A3|G3 G2".split('|')
CH={'C':['C3','G3','E3','G3'],'F':['C3','A3','F3','A3'],'G7':['B2','G3','F3','G3'],'G':['B2','G3','D3','G3']}
TONES={'C':[0,4,7],'F':[5,9,0],'G7':[7,11,2,5],'G':[7,11,2]}
SCALE=[0,2,4,5,7,9,11]
def up(p):   # diatonic upper neighbour
    for d in range(1,3):
        if (p+d)%12 in SCALE: return p+d
def theme_rh(mel):
    out=[]
    for bar in mel:
        a,b=bar.split()
        out.append(nm(P(a))+'8' if b=='-' else nm(P(a))+'4'+nm(P(b))+'4')
    return out
def bass(bl):
    out=[]
    for bar in bl:
        a,b=bar.split()
        out.append(nm(P(a))+'8' if b=='-' else nm(P(a))+'4'+nm(P(b))+'4')
    return out
def var1(mel):
    out=[]
    for bar in mel:
        a,b=bar.split()
        s=''
        for q in ([a,a] if b=='-' else [a,b]):
            p=P(q); s+=nm(up(p))+nm(p)+nm(p-1)+nm(p)
        if b=='-':  # end the phrase: figure then the note itself
            p=P(a); s=nm(up(p))+nm(p)+nm(p-1)+nm(p)+nm(p)+'4'
        out.append(s)
    return out
def alberti(harm):
    return [''.join(nm(P(x)) for q in bar.split() for x in CH[q]) for bar in harm]
def var2_rh(mel,harm):
    out=[]
    for bar,hb in zip(mel,harm):
        a,b=bar.split(); h=hb.split()
        s=''
        notes=[(a,h[0],4),(b,h[1],4)] if b!='-' else [(a,h[0],8)]
        for q,c,l in notes:
            p=P(q)
            cands=[x for x in range(p-9,p-2) if x%12 in TONES[c]]
            s+='[%s%s]%d'%(nm(max(cands)),nm(p),l)
        out.append(s)
    return out
def section(bars_a, bars_b):
    # |: A :| |: B A :|
    return '|: '+' | '.join(bars_a)+' :|\n|: '+' | '.join(bars_b)+' |\n'+' | '.join(bars_a)+' :|'
print("""X:1
T:Ah, vous dirai-je, maman (Twinkle, Twinkle, Little Star): theme and variations
C:Theme: French traditional (1761); after Wolfgang Amadeus Mozart (1756-1791), K. 265
S:Theme with Mozart's bass; two variations in the manner of K. 265 arranged by the songrnn project
M:2/4
L:1/16
Q:1/4=100
K:C
%%score {1 2}
V:1 name="Right hand"
!mf!""")
rh=[section(theme_rh(A),theme_rh(B)), section(var1(A),var1(B)), section(var2_rh(A,HA),var2_rh(B,HB))]
print('\n'.join(rh))
print('V:2 name="Left hand" clef=bass\n!mf!')
lh=[section(bass(BASS_A),bass(BASS_B)), section(bass(BASS_A),bass(BASS_B)), section(alberti(HA),alberti(HB))]
print('\n'.join(lh))
