import re
M="F2G2 A2F2 | F2G2 A2F2 | A2B2 c4 | A2B2 c4 | cdcB A2F2 | cdcB A2F2 | F2C2 F4 | F2C2 F4".split(' | ')
def down(x):
    def f(m):
        n=m.group(0)
        return n[0].upper()+n[1:] if n[0].islower() else n+','
    return re.sub(r"[A-Ga-g],*", f, x)
v1 = M*3
v2 = ['z8']*2 + [down(b) for b in M*2 + M[:6]]
v3 = ['z8']*4 + [down(down(b)) for b in M*2 + M[:4]]
def lines(v, last):
    out=[]
    for i in range(0,len(v),4):
        out.append(' | '.join(v[i:i+4])+' |')
    out.append(last)
    return '\n'.join(out)
print("""X:1
T:Frere Jacques (round in three voices)
C:Traditional (French, 18th century)
S:the round arranged for piano: right hand, then the left hand an octave and two octaves lower, entering every two bars
M:4/4
L:1/8
Q:1/4=104
K:F
%%score {1 (2 3)}
V:1 name="Right hand"
!mf!""")
print(lines(v1, "[Fc]8 |]"))
print('V:2 name="Left hand" clef=bass\n!mf!')
print(lines(v2, "A,8 |]"))
print('V:3 name="Left hand, bass" clef=bass\n!mp!')
print(lines(v3, "[F,,C,]8 |]"))
