import sys, io, subprocess, importlib.util, importlib.machinery
loader = importlib.machinery.SourceFileLoader('mpc', '/work/main/tools/make_piano_corpus')
spec = importlib.util.spec_from_loader('mpc', loader); m = importlib.util.module_from_spec(spec); loader.exec_module(m)
import mido
for path in sys.argv[1:]:
    print(path)
    tune = m.parse_abc(open(path).read())
    for p in m.check_bars(tune): print('  BAR', p)
    data, hands = m.build_midi(tune, 'x')
    r=subprocess.run(['abc2midi', path, '-o', '/tmp/d.mid'], capture_output=True, text=True)
    for ln in (r.stdout+r.stderr).splitlines():
        if 'Warn' in ln or 'Err' in ln: print('  ', ln)
    a = m.onsets_of_midi(mido.MidiFile(file=io.BytesIO(data))); b = m.onsets_of_midi(mido.MidiFile('/tmp/d.mid'))
    for p in sorted(set(a)|set(b)):
        x=[round(t/40) for t in a.get(p,[])]; y=[round(t/40) for t in b.get(p,[])]
        for t in sorted(set(x)^set(y)):
            print('   ', 'ours' if t in x else 'abc2midi', 'bar %.2f'%(t/48+1), 'pitch', p)
    print('  notes', sum(len(v) for v in a.values()), 'agree', m.count_agreement(a,b))
