S = dict(title='We Wish You a Merry Christmas', composer='Traditional (English West Country)',
 source='arranged for piano, three times',
 key='G', meter=(3,4), unit=Fr(1,8), tempo='1/4=152',
 melody="""D2 | G2 GAGF | E2 C2 E2 | A2 ABAG | F2 D2 D2 | B2 BcBA | G2 E2 DD | E2 A2 F2 | G4 D2 |
 G2 G2 G2 | F4 F2 | G2 F2 E2 | D4 A2 | B2 A2 G2 | d2 D2 DD | E2 A2 F2 | G4""",
 chords="z | G | C | A7 | D | B7 | Em | C D7 | G | G | D | D | D | G | G | C D7 | G",
 verses=[('melody','waltz'), ('harm','broken8'), ('harm','waltz')])
