S = dict(title='Yankee Doodle', composer='Traditional (American, 18th century)',
 source='arranged for piano, verse and chorus, three times',
 key='C', meter=(2,4), unit=Fr(1,8), tempo='1/4=120', dyn='f',
 melody="""CCDE | CED G, | CCDE | C2 B,2 | CCDE | FEDC | B,G,A,B, | C2 C2 |
 A>B AG | ABc2 | G>A GF | E2 G2 | A>B AG | ABcA | GcB,D | C2 C2""",
 chords="C | C G7 | C | C G7 | C | F C | G7 | C | F | F | C | C | F | F | C G7 | C",
 verses=[('melody','oompah'), ('harm','broken8'), ('melody','oompah')])
