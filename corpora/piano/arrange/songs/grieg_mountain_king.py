S = dict(title='In the Hall of the Mountain King (theme)', composer='Edvard Grieg (1843-1907)',
 source='Peer Gynt, op. 23 (1875), the theme arranged for piano, four times with rising dynamics',
 key='Bm', meter=(4,4), unit=Fr(1,8), tempo='1/4=120', dyn='p',
 melody="""B,CDE FDF2 | ^EC^E2 =E=C=E2 | B,CDE FDFB | AFDF A4 |""",
 chords="Bm | F# C | Bm | F#7 Bm",
 verses=[('melody','oompah'), ('melody','broken8'), ('harm','oompah'), ('harm','broken16')])
