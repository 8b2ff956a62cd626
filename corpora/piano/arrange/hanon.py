import sys; sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
from abcnote import abc
L='CDEFGAB'
def deg(d, base_oct):
    return abc(L[d%7]+str(base_oct + d//7))
asc=[[s,s+2,s+3,s+4,s+5,s+4,s+3,s+2] for s in range(14)]
desc=[[t,t-2,t-3,t-4,t-5,t-4,t-3,t-2] for t in range(18,4,-1)]
groups=asc+desc
def voice(o):
    bars=[''.join(deg(d,o) for d in g) for g in groups]
    lines=[]
    for i in range(0,len(bars),4):
        lines.append(' | '.join(bars[i:i+4])+' |')
    lines[0]='|: '+lines[0]
    lines.append(deg(0,o)+'8 :|')
    return '\n'.join(lines)
print("""X:1
T:The Virtuoso Pianist, Exercise No. 1
C:Charles-Louis Hanon (1819-1900)
S:Le Pianiste virtuose (1873), exercise 1, hands an octave apart, repeated
M:2/4
L:1/16
Q:1/4=96
K:C
%%score {1 2}
V:1 name="Right hand"
!mf!""")
print(voice(4))
print('V:2 name="Left hand" clef=bass\n!mf!')
print(voice(3))
