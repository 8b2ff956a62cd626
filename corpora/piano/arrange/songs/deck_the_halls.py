S = dict(title='Deck the Hall', composer='Traditional (Welsh, 16th century, "Nos Galan")',
 source='arranged for piano, three times: melody over broken chords, harmonized over Alberti bass, harmonized over broken chords',
 key='F', meter=(4,4), unit=Fr(1,8), tempo='1/4=112',
 melody="""c3 B A2 G2 | F2 G2 A2 F2 | GAB G A3 G | F2 E2 F4 |
 c3 B A2 G2 | F2 G2 A2 F2 | GAB G A3 G | F2 E2 F4 |
 G3 A B2 G2 | A3 B c2 G2 | AB c2 de f2 | e2 d2 c4 |
 c3 B A2 G2 | F2 G2 A2 F2 | dddd c3 B | A2 G2 F4""",
 chords="F | F | C7 F | C7 F | F | F | C7 F | C7 F | C | F | F Bb | C | F | F | Bb C7 | C7 F",
 verses=[('melody','broken8'), ('harm','alberti8'), ('harm','broken8')])
