S = dict(title='Amazing Grace', composer='Traditional (tune "New Britain", 1829); words John Newton (1779)',
 source='hymn tune, three verses: melody with broken-chord bass, then harmonized',
 key='G', meter=(3,4), unit=Fr(1,8), tempo='1/4=84',
 melody="D2 | G4 BG | B4 A2 | G4 E2 | D4 D2 | G4 BG | B4 AB | d6- | d4 B2 | d3 B BG | B4 A2 | G4 E2 | D4 D2 | G4 BG | B4 A2 | G4",
 chords="z | G | G | C | G | G | G | D | D | G | G | C | G | G | D | G",
 verses=[('melody','broken8'), ('harm','waltz'), ('harm','broken8')])
