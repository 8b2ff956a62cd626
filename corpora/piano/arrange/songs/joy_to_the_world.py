S = dict(title='Joy to the World', composer='Lowell Mason (1792-1872), 1839, after George Frideric Handel (tune "Antioch")',
 source='hymn tune arranged for piano, three verses',
 key='D', meter=(2,4), unit=Fr(1,8), tempo='1/4=96', dyn='f',
 melody="""d2 c>B | A3 G | F2 E2 | D3 A | B3 B | c3 c | d3 d | dc BA | A>G F d | dc BA | A>G FF |
 FF FF/G/ | A3 G/F/ | EE EE/F/ | G3 F/E/ | D d2 B | A>G FG | F2 E2 | D4""",
 chords="D | D | D A | D | G | A | D | D | D | D | D | D | D | A | A7 | D G | D A | D A | D",
 verses=[('melody','oompah'), ('harm','broken8'), ('harm','oompah')])
