S = dict(title='Jingle Bells', composer='James Lord Pierpont (1822-1893), 1857',
 source='verse and chorus arranged for piano, twice (second time harmonized over a walking broken bass)',
 key='G', meter=(4,4), unit=Fr(1,8), tempo='1/4=132',
 melody="""D2 B2 A2 G2 | D6 D D | D2 B2 A2 G2 | E8 | E2 c2 B2 A2 | ^F8 | d2 d2 c2 A2 | B8 |
 D2 B2 A2 G2 | D8 | D2 B2 A2 G2 | E6 E2 | E2 c2 B2 A2 | d2 d2 d2 d2 | e2 d2 c2 A2 | G4 d4 |
 B2 B2 B4 | B2 B2 B4 | B2 d2 G3 A | B8 | c2 c2 c3 c | c2 B2 B2 BB | B2 A2 A2 B2 | A4 d4 |
 B2 B2 B4 | B2 B2 B4 | B2 d2 G3 A | B8 | c2 c2 c3 c | c2 B2 B2 BB | d2 d2 c2 A2 | G8""",
 chords="""G | G | G | C | C | D | D7 | G | G | G | G | C | C | D | D7 | G D |
 G | G | G | G | C | G | A7 | D7 | G | G | G | G | C | G | D7 | G""",
 verses=[('melody','oompah'), ('harm','broken8')])
