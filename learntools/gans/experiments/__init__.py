"""Scripts that precompute what a lesson shows instead of training it live, and the files they write.

    debug_runs.py    lesson 11's lab: short DCGAN runs on digits, each with one planted bug (and a healthy
                     control), logged step by step; `python -m learntools.gans.experiments.debug_runs`
                     rewrites debug_runs.npz beside it (a test reruns its first steps and compares)
    text_runs.py     lesson 14's text GAN with and without GAN-CLS's mismatched pairs, three seeds each;
                     `python -m learntools.gans.experiments.text_runs` rewrites text_runs.npz beside it
"""
