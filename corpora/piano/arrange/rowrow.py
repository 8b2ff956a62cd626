import re
M="C3 C3 | C2 D E3 | E2 D E2 F | G6 | ccc GGG | EEE CCC | G2 F E2 D | C6".split(' | ')
def down(x):
    def f(m):
        n=m.group(0)
        return n[0].upper()+n[1:] if n[0].islower() else n+','
    return re.sub(r"[A-Ga-g],*", f, x)
v1 = M*3
v2 = ['z6']*2 + [down(b) for b in M*2 + M[:6]]
v3 = ['z6']*4 + [down(down(b)) for b in M*2 + M[:4]]
def lines(v, last):
    out=[]
    for i in range(0,len(v),4):
        out.append(' | '.join(v[i:i+4])+' |')
    out.append(last)
    return '\n'.join(out)
print("""X:1
T:Row, Row, Row Your Boat (round in three voices)
C:Traditional (American, words 1852, tune 1881)
S:the round arranged for piano: right hand, then the left hand an octave and two octaves lower, entering every two bars
M:6/8
L:1/8
Q:3/8=60
K:C
%%score {1 (2 3)}
V:1 name="Right hand"
!mf!""")
print(lines(v1, "[Ec]6 |]"))
print('V:2 name="Left hand" clef=bass\n!mf!')
print(lines(v2, "G,6 |]"))
print('V:3 name="Left hand, bass" clef=bass\n!mp!')
print(lines(v3, "C,,6 |]"))
