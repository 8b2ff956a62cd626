import sys; sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
from abcnote import abc
bars = """C4 E4 G4 C5 E5
C4 D4 A4 D5 F5
B3 D4 G4 D5 F5
C4 E4 G4 C5 E5
C4 E4 A4 E5 A5
C4 D4 F#4 A4 D5
B3 D4 G4 D5 G5
B3 C4 E4 G4 C5
A3 C4 E4 G4 C5
D3 A3 D4 F#4 C5
G3 B3 D4 G4 B4
G3 Bb3 E4 G4 C#5
F3 A3 D4 A4 D5
F3 Ab3 D4 F4 B4
E3 G3 C4 G4 C5
E3 F3 A3 C4 F4
D3 F3 A3 C4 F4
G2 D3 G3 B3 F4
C3 E3 G3 C4 E4
C3 G3 Bb3 C4 E4
F2 F3 A3 C4 E4
F#2 C3 A3 C4 Eb4
Ab2 F3 B3 C4 D4
G2 F3 G3 B3 D4
G2 E3 G3 C4 E4
G2 D3 G3 C4 F4
G2 D3 G3 B3 F4
G2 Eb3 A3 C4 F#4
G2 E3 G3 C4 G4
G2 D3 G3 C4 F4
G2 D3 G3 B3 F4
C2 C3 G3 Bb3 E4""".splitlines()
v1=[];v2=[];v3=[]
for b in bars:
    p=[abc(x) for x in b.split()]
    fig=' '.join([p[2]+p[3]+p[4]+p[2]+p[3]+p[4]])
    v1.append('z2 %s%s%s%s%s%s z2 %s%s%s%s%s%s' % tuple([p[2],p[3],p[4]]*2+[p[2],p[3],p[4]]*2))
    v2.append('%s8 %s8' % (p[0],p[0]))
    v3.append('z %s7 z %s7' % (p[1],p[1]))
# bar 33, 34, 35
b33=[abc(x) for x in "F3 A3 C4 F4 C4 A3 C4 A3 F3 A3 F3 D3 F3 D3".split()]
b34=[abc(x) for x in "G4 B4 D5 F5 D5 B4 D5 B4 G4 B4 D4 F4 E4 D4".split()]
v1.append('z2 '+''.join(b33[:4])+' '+''.join(b33[4:8])+' '+''.join(b33[8:12])+' '+''.join(b33[12:]))
v1.append('z2 '+''.join(b34[:4])+' '+''.join(b34[4:8])+' '+''.join(b34[8:12])+' '+''.join(b34[12:]))
v1.append('[EGc]16')
v2 += ['C,,16','C,,16','C,,16']
v3 += ['z C,15','z B,,15','C,16']
def lines(v):
    out=[]
    for i in range(0,len(v),4):
        out.append(' | '.join(v[i:i+4])+(' |' if i+4<len(v) else ' |]'))
    return '\n'.join(out)
print("""X:1
T:Prelude in C major, BWV 846
C:Johann Sebastian Bach (1685-1750)
S:The Well-Tempered Clavier, Book I (1722), complete prelude
M:4/4
L:1/16
Q:1/4=66
K:C
%%score {1 (2 3)}
V:1 name="Right hand"
!mp!""")
print(lines(v1))
print('V:2 name="Left hand" clef=bass\n!mp!')
print(lines(v2))
print('V:3 name="Left hand, inner" clef=bass\n!mp!')
print(lines(v3))
