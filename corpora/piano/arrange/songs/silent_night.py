S = dict(title='Silent Night (Stille Nacht)', composer='Franz Xaver Gruber (1787-1863), 1818',
 source='the carol arranged for piano, three verses',
 key='C', meter=(6,8), unit=Fr(1,8), tempo='3/8=44', dyn='mp',
 melody="""G>AG E3 | G>AG E3 | d2 d B3 | c2 c G3 | A2 A c>BA | G>AG E3 | A2 A c>BA | G>AG E3 |
 d2 d f>dB | c3 e3 | c>GE G>FD | C6""",
 chords="C | C | G | C | F | C | F | C | G | C | C G7 | C",
 verses=[('melody','broken8'), ('harm','arp8'), ('harm','block')])
