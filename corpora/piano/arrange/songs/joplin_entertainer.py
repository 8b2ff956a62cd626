S = dict(title='The Entertainer (A strain)', composer='Scott Joplin (c. 1868-1917), 1902',
 source='The Entertainer, a ragtime two-step (1902): the first strain, melody with an oom-pah bass, played twice and then harmonized',
 key='C', meter=(2,4), unit=Fr(1,16), tempo='1/4=80',
 melody="""d^d | ec'2e c'2ec'- | c'4 c'd'^d'e' | c'd'e'2 bd'2c'- | c'4 z2 d^d | ec'2e c'2ec'- | c'6 ag | ^fac'e'2d'c'a | d'6 d^d |
 ec'2e c'2ec'- | c'4 c'd'^d'e' | c'd'e'2 bd'2c'- | c'4 c'd'c'e' | c'd'e'2 c'd'c'e' | c'd'c'e'2 c'd'c' | e'2 d'2 b2 d'2 | c'4 z2""",
 chords="z | C | C | G7 | C | C | C A7 | D7 | G7 | C | C | G7 | C | C | C | G7 | C",
 verses=[('melody','oompah'), ('melody','oompah'), ('harm','oompah')])
