S = dict(title='Largo from the Symphony "From the New World" (theme)', composer='Antonin Dvorak (1841-1904)',
 source='Symphony No. 9, op. 95 (1893), second movement, the cor anglais theme arranged for piano, three times',
 key='Db', meter=(4,4), unit=Fr(1,8), tempo='1/4=56', dyn='p',
 melody="""F3 A A4 | F3 E D4 | E2 F2 A2 F2 | E8 | F3 A A4 | F3 E D4 | E2 F2 E2 D2 | D8 |
 E2 F2 A2 F2 | E4 D4 | E2 F2 A2 F2 | E8 | F3 A A4 | F3 E D4 | E2 F2 E2 D2 | D8""",
 chords="Db | Db Gb | Db Bbm | Ab | Db | Db Gb | Ab7 | Db | Db | Ab Db | Db | Ab | Db | Db Gb | Ab7 | Db",
 verses=[('melody','broken8'), ('harm','arp8'), ('harm','block')])
