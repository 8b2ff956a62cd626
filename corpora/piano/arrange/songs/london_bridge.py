S = dict(title='London Bridge Is Falling Down', composer='Traditional (English nursery rhyme)',
 source='arranged for piano, three times',
 key='F', meter=(4,4), unit=Fr(1,8), tempo='1/4=112',
 melody="""c3 d c2 B2 | A2 B2 c4 | G2 A2 B4 | A2 B2 c4 | c3 d c2 B2 | A2 B2 c4 | G4 c4 | A2 F6 |""",
 chords="F | F | C7 | F | F | F | C7 | F",
 verses=[('melody','broken8'), ('harm','alberti8'), ('harm','broken16')])
