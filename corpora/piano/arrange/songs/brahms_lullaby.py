S = dict(title='Lullaby (Wiegenlied), op. 49 no. 4', composer='Johannes Brahms (1833-1897)',
 source='the song melody (1868) arranged for piano, three verses',
 key='F', meter=(3,4), unit=Fr(1,8), tempo='1/4=80', dyn='p',
 melody="""AA | c4 AA | c4 Ac | f2 e2 d2 | d2 c2 GA | B2 G2 GA | B4 GB | ed c2 e2 | f4 FF |
 f4 dB | c4 AF | B2 c2 d2 | c4 FF | f4 dB | c4 AF | B2 A2 G2 | F4""",
 chords="z | F | F | C7 | C7 | C7 | C7 | C7 | F | Bb | F | Bb | F | Bb | F | C7 | F",
 verses=[('melody','broken8'), ('harm','waltz'), ('harm','arp8')])
