S = dict(title='Eine kleine Nachtmusik, K. 525 (opening theme)', composer='Wolfgang Amadeus Mozart (1756-1791)',
 source='Serenade in G major, K. 525 (1787), first movement, bars 1-8 arranged for piano, repeated',
 key='G', meter=(4,4), unit=Fr(1,8), tempo='1/4=132', dyn='f',
 melody="""g2 z d g2 z d | gdgb d'4 | c'2 z a c'2 z a | c'a^fa d4 |
 gz g3 bag | gf f3 aBc | fz a3 c'fa | gzggg^fef |""",
 chords="G | G | D | D7 | G | G D7 | D7 | G D7",
 verses=[('melody','broken8'), ('harm','broken16'), ('harm', 'broken8')])
