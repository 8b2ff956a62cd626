import sys
# abc notes in D major, L:1/16
V=[
 "f4e4d4c4 | B4A4B4c4",
 "d4c4B4A4 | G4F4G4E4",
 "D2F2A2G2 F2D2F2E2 | D2B,2D2A2 G2B2A2G2",
 "F2D2E2c2 d2f2a2A2 | B2G2A2F2 D2d2d2c2",
 "dcdD CAEF DdcB cfab | gfeg fedc BAGF EGFE",
 "DFAd A,CEA B,DFB F,A,CF | G,B,DG DFAd G,B,DG A,CEA",
 "fedc edcB dcBA cBAG | BAGF AGFE BAGF cBAG",
 "defg cdef Bcde ABcd | GABc FGAB GABc EFGA",
]
LH="D,2A,2 A,,2E,2 B,,2F,2 F,,2C,2 | G,,2D,2 D,,2A,,2 G,,2D,2 A,,2E,2"
n=len(V)
cycles=n+2
import re
def down(x):
    def f(m):
        n=m.group(0)
        if n[0].islower(): return n[0].upper()+n[1:]
        return n+','
    return re.sub(r"[A-Ga-g],*", f, x)
A=[];B=[];L=[]
for k in range(cycles):
    A.append(V[k-1] if 1<=k<=n else "z16 | z16")
    B.append(down(V[k-2]) if 2<=k<=n+1 else "z16 | z16")
    L.append(LH)
print("""X:1
T:Canon in D
C:Johann Pachelbel (1653-1706)
S:Canon (c. 1680) for three violins and continuo, arranged for piano: the ground bass and eight upper-voice variations in canon at two bars and an octave below; variations 1-5 after Pachelbel, 6-8 written in its manner by the songrnn project
M:4/4
L:1/16
Q:1/4=66
K:D
%%score {(1 3) 2}
V:1 name="Right hand"
!mp!""")
def out(parts, last):
    for i in range(0,len(parts),2):
        print(' | '.join(parts[i:i+2])+' |')
    print(last)
out(A,"[FAd]16 |]")
print('V:2 name="Left hand" clef=bass\n!mp!')
out(L,"[D,,D,]16 |]")
print('V:3 name="Right hand, second voice"\n!p!')
out(B,"z16 |]")
