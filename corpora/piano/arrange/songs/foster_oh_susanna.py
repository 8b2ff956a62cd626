S = dict(title='Oh! Susanna', composer='Stephen Foster (1826-1864), 1848',
 source='verse and chorus arranged for piano, twice',
 key='F', meter=(2,4), unit=Fr(1,8), tempo='1/4=108',
 melody="""FG | AccB/d/ | cAF>G | AAGF | G2 FG | AccB/d/ | cAF>G | AAGG | F2 FG |
 AccB/d/ | cAF>G | AAGF | G2 FG | AccB/d/ | cAF>G | AAGG | F2 z2 |
 B2 B2 | d2 d2 | cc AF | G2 FG | AccB/d/ | cAF>G | AAGG | F2""",
 chords="z | F | F | F | C7 | F | F | F C7 | F | F | F | F | C7 | F | F | F C7 | F | Bb | Bb | F | C7 | F | F | F C7 | F",
 verses=[('melody','oompah'), ('harm','oompah')])
