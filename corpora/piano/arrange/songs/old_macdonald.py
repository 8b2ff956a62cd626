S = dict(title='Old MacDonald Had a Farm', composer='Traditional (American/English folk song)',
 source='arranged for piano, three times',
 key='G', meter=(4,4), unit=Fr(1,8), tempo='1/4=132',
 melody="""G2 G2 G2 D2 | E2 E2 D4 | B2 B2 A2 A2 | G6 D2 | G2 G2 G2 D2 | E2 E2 D4 | B2 B2 A2 A2 | G8 |
 G G G2 G G G2 | G G G2 G G G2 | G2 G2 G2 D2 | E2 E2 D4 | B2 B2 A2 A2 | G8 |""",
 chords="G | C G | G D7 | G | G | C G | G D7 | G | G | G | G | C G | G D7 | G",
 verses=[('melody','oompah'), ('harm','broken8'), ('harm','oompah')])
