S = dict(title='Greensleeves', composer='Traditional (English, late 16th century)',
 source='verse and refrain, three times: melody over broken chords, harmonized, then with running bass',
 key='Am', meter=(6,8), unit=Fr(1,8), tempo='3/8=56',
 melody="""A | c2 d e>fe | d2 B G>AB | c2 A A>^GA | B2 ^G E2 A | c2 d e>fe | d2 B G>AB | c>BA ^G>^F^G | A3 A2 z |
 g3 g>^fe | d2 B G>AB | c2 A A>^GA | B2 ^G E3 | g3 g>^fe | d2 B G>AB | c>BA ^G>^F^G | A3 A2""",
 chords="z | Am | G | Am | E | Am | G | Am E | Am | C | G | Am | E | C | G | Am E | Am",
 verses=[('melody','broken8'), ('harm','arp8'), ('harm','broken8')])
