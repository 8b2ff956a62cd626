S = dict(title='Auld Lang Syne', composer='Traditional (Scottish); words Robert Burns (1788)',
 source='verse and chorus, three times: melody over broken chords, harmonized over Alberti bass, harmonized over broken chords',
 key='F', meter=(4,4), unit=Fr(1,8), tempo='1/4=92',
 melody="""C2 | F3 F F2 A2 | G3 F G2 A2 | F3 F A2 c2 | d6 d2 | c3 A A2 F2 | G3 F G2 A2 | F3 D D2 C2 | F6 d2 |
 c3 A A2 F2 | G3 F G2 d2 | c3 A A2 c2 | d6 f2 | c3 A A2 F2 | G3 F G2 A>G | F3 D D2 C2 | F6""",
 chords="z | F | C7 | F | Bb | F | C7 | Bb C7 | F | F | C7 | F | Bb | F | C7 | Bb C7 | F",
 verses=[('melody','broken8'), ('harm','alberti8'), ('harm','broken8')])
