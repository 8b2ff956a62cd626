def abc(n):
    """'F#4' -> '^F', 'Bb3' -> '_B,', 'C5' -> 'c'"""
    letter = n[0]; rest = n[1:]
    acc = ''
    if rest[0] == '#': acc = '^'; rest = rest[1:]
    elif rest[0] == 'b': acc = '_'; rest = rest[1:]
    elif rest[0] == 'n': acc = '='; rest = rest[1:]
    octv = int(rest)
    if octv >= 5:
        return acc + letter.lower() + "'" * (octv - 5)
    return acc + letter + "," * (4 - octv)
