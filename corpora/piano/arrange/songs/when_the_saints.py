S = dict(title='When the Saints Go Marching In', composer='Traditional (American spiritual)',
 source='arranged for piano, three choruses: melody over stride bass, harmonized, then over broken chords',
 key='C', meter=(4,4), unit=Fr(1,8), tempo='1/4=120',
 melody="""z2 C2 E2 F2 | G8 | z2 C2 E2 F2 | G8 | z2 C2 E2 F2 | G4 E4 | C4 E4 | D8 |
 z2 E2 E2 D2 | C6 C2 | E4 G4 | G2 F6 | z2 E2 F2 G2 | E4 C4 | D4 D4 | C8""",
 chords="C | C | C | C | C | C | C | G7 | G7 | C | C7 | F | C | C A7 | D7 G7 | C",
 verses=[('melody','oompah'), ('harm','oompah'), ('harm','broken8')])
